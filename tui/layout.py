"""How the main screen shares its rows and columns: the answers whole first, then the passages, then the passage."""

from __future__ import annotations

from dataclasses import dataclass

WIDE = 120  # from this many columns the Passage pane stands beside the lists
SHORT = 32  # under this many rows the question box loses its border
TINY = 22  # under this many rows the Passage pane is left out (Enter opens the passage)
DETAIL_MIN = 5  # rows of the Passage pane, stacked, before the lists may take more
LIST_MIN = 3  # passage rows the list keeps however many answer sources there are
FRAME = 3  # the list's border and its header row
SHARE = (60, 30, 80, 5)  # wide: the lists' share of the width in %, its least, its most, one step of [ and ]


@dataclass(frozen=True)
class Panes:
    """Rows for the answer sources list and the passage list's box (None: as many as they need, or the rest)."""

    sources: int | None
    passages: int | None


def body_rows(height: int) -> int:
    """Rows under the status bar and the question box, above the footer."""
    return height - 1 - (1 if height < SHORT else 3) - 1


def panes(body: int, wide: bool, tiny: bool, head: int, sources: int, rows: int, shift: int = 0) -> Panes:
    """Rows for the panes of a body `body` rows tall: every answer source while the list keeps LIST_MIN rows."""
    # `head`: the answers pane without its sources list (border, verdict, answer lines); `sources`, `rows`:
    # answer sources and passage rows; `shift`: rows moved from the Passage pane to the list ([ and ]),
    # stacked only. The list is as tall as its rows, the Passage pane (DETAIL_MIN at least) takes the rest.
    detail = 0 if wide or tiny else DETAIL_MIN
    least = FRAME + min(max(rows, 1), LIST_MIN)
    room = body - least - detail - head
    shown = sources if sources <= room else max(room, 1)
    if wide or tiny:
        return Panes(shown, None)
    answers = head + (shown if sources else 0)
    most = body - answers - detail  # stacked: the list may grow into the Passage pane to its least
    passages = max(min(FRAME + max(rows, 1) + shift, most), min(least, most))
    return Panes(shown, max(passages, 1))


def share(current: int, step: int) -> int:
    """The lists' share of the width after one `[` (step -1) or `]` (step 1), within its bounds."""
    _, least, most, by = SHARE
    return max(least, min(most, current + step * by))
