"""The footer's order: the focused pane's own keys first, in a fixed order, then Help and Quit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.binding import ActiveBinding

LAST = ("help", "app.help", "quit", "app.quit")  # always at the end, so they never move as focus does


def in_order(bindings: Mapping[str, ActiveBinding], first: Sequence[str]) -> dict[str, ActiveBinding]:
    """`bindings` sorted by action: those in `first` in its order, then any others, then Help and Quit.

    Textual lists keys in the order it meets them from the focused widget up, so a key shared by a
    pane and the screen (or the app's Ctrl+C) would otherwise change place with the focus.
    """
    def rank(item: tuple[str, ActiveBinding]) -> int:
        action = item[1].binding.action
        if action in first:
            return first.index(action)
        if action in LAST:
            return len(first) + 1 + LAST.index(action)
        return len(first)

    return dict(sorted(bindings.items(), key=rank))  # stable: the others keep Textual's order
