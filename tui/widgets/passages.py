"""The ranked passages: rank, score, date, outlet, title, file:line and copies, which expand in place."""

from __future__ import annotations

import os

from textual.binding import Binding
from textual.events import Resize
from textual.widgets import DataTable

from index.models import Passage
from qa.models import Result
from qa.present import similarity
from qa.terminal import safe_line
from tui.messages import OpenPlace, PlaceHighlighted
from tui.places import Place, place_of_copy, place_of_hit, spans_of

FIXED = {"rank": 2, "score": 4, "date": 10, "copies": 6}
OUTLET_WIDTH = (6, 16)  # the outlet column fits its longest name within these bounds
MIN_TITLE = 20  # narrower than this, the outlet column and then the date column are left out


class PassagesTable(DataTable[str]):
    """One row per ranked passage; its copies ("also in …") as rows below it when expanded."""

    BINDINGS = [
        Binding("o", "open", "Open"),
        Binding("space", "toggle", "Copies"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("right", "expand", "Expand", show=False),
        Binding("left", "collapse", "Collapse", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.result: Result | None = None
        self.expanded: set[int] = set()
        self.places: list[Place] = []
        self._rows: list[tuple[int, int]] = []  # (hit index, copy index or -1) per row

    def on_mount(self) -> None:
        self.border_title = "Passages"
        self._rebuild(0)  # the column headers, before any question

    def show(self, result: Result) -> None:
        """Replace the rows with the hits of one result, copies folded."""
        self.result, self.expanded = result, set()
        self._rebuild(0)

    def current_place(self) -> Place | None:
        row = self.cursor_row
        return self.places[row] if self.places and 0 <= row < len(self.places) else None

    def _rebuild(self, cursor: int) -> None:
        self.clear(columns=True)
        self.places, self._rows = [], []
        hits = self.result.hits if self.result else ()
        spans = spans_of(self.result) if self.result else ()
        shown = [p for h in hits for p in (h.passage, *h.duplicates)]
        file_width = min(max((len(f"{os.path.basename(p.path)}:{p.line}") for p in shown), default=9), 32)
        outlet_width = min(max([len(p.meta.outlet or "") for p in shown] + [OUTLET_WIDTH[0]]), OUTLET_WIDTH[1])
        # Date and outlet only where some passage has them, and only while the title keeps room to be read.
        extra = {"date": FIXED["date"] if any(p.meta.published for p in shown) else 0,
                 "outlet": outlet_width if any(p.meta.outlet for p in shown) else 0}
        base = self.size.width - FIXED["rank"] - FIXED["score"] - FIXED["copies"] - file_width - 2 * 5 - 2
        for key in ("outlet", "date"):
            if base - sum(w + 2 for w in extra.values() if w) < MIN_TITLE:
                extra[key] = 0
        spare = base - sum(w + 2 for w in extra.values() if w)
        self.add_column("#", width=FIXED["rank"], key="rank")
        # The cosine, not the fused score: that one is normalised per question (the best is always 1.000).
        self.add_column("sim", width=FIXED["score"], key="score")
        self.add_column("title", width=max(spare, 16) if self.size.width else 40, key="title")
        self.add_column("file:line", width=file_width, key="file")
        for key, width in extra.items():
            if width:
                self.add_column(key, width=width, key=key)
        self.add_column("copies", width=FIXED["copies"], key="copies")

        def about(place: Passage, empty: str) -> list[str]:
            values = {"date": place.meta.published, "outlet": safe_line(place.meta.outlet or "")}
            return [values[key] or empty for key, width in extra.items() if width]

        for index, (hit, span) in enumerate(zip(hits, spans)):
            passage, count = hit.passage, len(hit.duplicates)
            marker = (f"+{count} ▾" if index in self.expanded else f"+{count} ▸") if count else ""
            # Titles and file names come from the articles: made safe for the terminal.
            self.add_row(str(hit.rank), similarity(hit), safe_line(passage.title or "—"),  # untitled: the file column names it
                         safe_line(f"{os.path.basename(passage.path)}:{passage.line}"), *about(passage, "—"), marker)
            self.places.append(place_of_hit(hit, span))
            self._rows.append((index, -1))
            if index in self.expanded:
                for number, copy in enumerate(hit.duplicates):
                    self.add_row("", "", safe_line(f" ↳ also in: {copy.title or os.path.basename(copy.path)}"),
                                 safe_line(f"{os.path.basename(copy.path)}:{copy.line}"), *about(copy, ""), "copy")
                    self.places.append(place_of_copy(hit, copy, span, self.result.answers if self.result else ()))
                    self._rows.append((index, number))
        if self.places:
            self.move_cursor(row=min(cursor, len(self.places) - 1), animate=False)

    def on_resize(self, event: Resize) -> None:
        self._rebuild(self.cursor_row)

    def _toggle(self, expand: bool | None) -> None:
        if not self._rows or self.result is None:
            return
        index = self._rows[self.cursor_row][0]
        if not self.result.hits[index].duplicates:
            if expand is not False:
                self.notify("This passage has no copies in other files.", timeout=3)
            return
        want = (index not in self.expanded) if expand is None else expand
        if want == (index in self.expanded):
            return
        (self.expanded.add if want else self.expanded.discard)(index)
        self._rebuild(self._rows.index((index, -1)))

    def action_toggle(self) -> None:
        self._toggle(None)

    def action_expand(self) -> None:
        self._toggle(True)

    def action_collapse(self) -> None:
        self._toggle(False)

    def action_open(self) -> None:
        place = self.current_place()
        if place is not None:
            self.post_message(OpenPlace(place))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.places):
            self.post_message(PlaceHighlighted(self.places[event.cursor_row], "passages"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.places):
            self.post_message(OpenPlace(self.places[event.cursor_row]))
