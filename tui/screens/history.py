"""Ctrl+R: the earlier questions, newest first, narrowed as you type a few of their letters (fzf's way)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from index.safe_text import safe_line

MATCH_STYLE = "bold $text-accent underline"


def search(history: Sequence[str], query: str) -> list[tuple[str, tuple[int, ...]]]:
    """Questions every word of `query` matches fuzzily, best first (newest among equals), with the matched letters."""
    newest = list(dict.fromkeys(reversed(history)))  # the latest asking of a question counts
    words = query.split()
    if not words:
        return [(question, ()) for question in newest]
    fuzzy = FuzzySearch()
    found: list[tuple[float, int, str, tuple[int, ...]]] = []
    for age, question in enumerate(newest):
        total, offsets = 0.0, set()
        for word in words:
            score, where = fuzzy.match(word, question)
            if not score:
                break
            total += score
            offsets.update(where)
        else:
            found.append((-total, age, question, tuple(sorted(offsets))))
    return [(question, offsets) for _, _, question, offsets in sorted(found)]


def _lit(question: str, offsets: Sequence[int]) -> Content:
    """The question with its matched letters stressed (as text, never read as markup)."""
    content = Content(safe_line(question))
    for at in offsets:
        content = content.stylize(MATCH_STYLE, at, at + 1)
    return content


class HistoryScreen(ModalScreen[str | None]):
    """Dismissed with the chosen question, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "choose", "Use", priority=True),
        Binding("up", "move(-1)", "Newer", show=False),
        Binding("down,ctrl+r", "move(1)", "Older", show=False),  # Ctrl+R again: the next match, as in a shell
    ]

    def __init__(self, history: Sequence[str], typed: str = "") -> None:
        super().__init__()
        self.history = list(history)
        self.typed = typed
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box", classes="dialog"):
            yield Static(Content.from_markup("[b]Earlier questions[/b]  [dim]type to narrow them[/]"),
                         classes="dialog-title")
            yield Input(self.typed, id="history-query", placeholder="a few letters of the question")
            yield OptionList(id="history-list")
            yield Static("", id="history-count", classes="dialog-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-query", Input).focus()
        self._narrow(self.typed)

    @on(Input.Changed, "#history-query")
    def changed(self, event: Input.Changed) -> None:
        self._narrow(event.value)

    def _narrow(self, query: str) -> None:
        found = search(self.history, query)
        self.shown = [question for question, _ in found]
        options = self.query_one("#history-list", OptionList)
        options.clear_options()
        options.add_options(Option(_lit(question, offsets)) for question, offsets in found)
        options.highlighted = 0 if found else None
        total = len(dict.fromkeys(self.history))
        self.query_one("#history-count", Static).update(
            f"{len(found)} of {total}" if total else "No questions asked yet.")

    def action_move(self, step: int) -> None:
        options = self.query_one("#history-list", OptionList)
        if self.shown:
            at = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, at + step))

    def action_choose(self) -> None:
        at = self.query_one("#history-list", OptionList).highlighted
        self.dismiss(self.shown[at] if at is not None and at < len(self.shown) else None)

    @on(OptionList.OptionSelected)
    def clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
