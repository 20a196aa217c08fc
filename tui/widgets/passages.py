"""The ranked passages: rank, cosine, title, date, outlet, file:line and copies, which expand in place."""

from __future__ import annotations

import os
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from index.models import Passage
from index.safe_text import safe_line
from qa.models import Result
from qa.present import similarity
from tui.messages import OpenPlace, PlaceHighlighted
from tui.places import Place, place_of_copy, place_of_hit, spans_of
from tui.widgets.columns import Facts, cut, cut_middle, plan


def _file(passage: Passage) -> str:
    """`name.txt:13`: the file column's text."""
    return f"{os.path.basename(passage.path)}:{passage.line}"


def _date(passage: Passage) -> str | None:
    """`2025-08-19`, or `2025-08-19?` when the year was assumed (`2025-08-19 (year assumed)` in the Passage pane)."""
    published = passage.meta.published
    return f"{published}?" if published and passage.meta.date_assumed else published


class PassagesTable(DataTable[str]):
    """One row per ranked passage; its copies ("also in …") as rows below it when expanded."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open"),  # in the app; Ctrl+O in the editor (tui/screens/main.py)
        Binding("space", "toggle", "Copies"),
        Binding("right", "expand", "Expand", show=False),
        Binding("left", "collapse", "Collapse", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.result: Result | None = None
        self.expanded: set[int] = set()
        self.places: list[Place] = []
        self._rows: list[tuple[int, int]] = []  # (hit index, copy index or -1) per row
        self._remeasure = False  # a rebuild is due once the table has its width

    def add_row(self, *cells: object, **options: Any) -> RowKey:
        """Every row passes here: a cell's text is shown as it is, never read as markup (a title's `[/x]`
        would stop the app)."""
        return super().add_row(*(Text(c, end="", no_wrap=True) if isinstance(c, str) else c for c in cells),
                               **options)

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
        facts = Facts(title=max((len(p.title or "") for p in shown), default=0),
                      outlet=max((len(p.meta.outlet or "") for p in shown), default=0),
                      file=max((len(_file(p)) for p in shown), default=9),
                      dated=any(p.meta.published for p in shown), copies=any(h.duplicates for h in hits),
                      assumed=any(p.meta.published and p.meta.date_assumed for p in shown))
        # The vertical scrollbar's column is kept free, so rows never scroll sideways when it appears.
        room = self.size.width - self.styles.scrollbar_size_vertical
        if not self.size.width:  # not laid out yet: about the stacked width now, the exact one once it is
            room = max(self.app.size.width - 5, 40)
            if not self._remeasure:
                self._remeasure = True
                self.call_after_refresh(lambda: self._rebuild(self.cursor_row) if self.size.width else None)
        else:
            self._remeasure = False
        columns = plan(room, self.app.size.width, facts)
        for column in columns:
            self.add_column(column.label, width=column.width, key=column.key)
        width = {column.key: column.width for column in columns}

        def cells(place: Passage, title: str, empty: str) -> list[str]:
            # Untitled, the title cell names the file when the file column is left out.
            name = title or (empty if "file" in width else os.path.basename(place.path))
            values = {"title": cut(safe_line(name), width["title"]), "date": _date(place) or empty,
                      "outlet": cut(safe_line(place.meta.outlet or ""), width.get("outlet", 0)) or empty,
                      "file": cut_middle(safe_line(_file(place)), width.get("file", 0))}
            return [values[key] for key in ("title", "date", "outlet", "file") if key in width]

        for index, (hit, span) in enumerate(zip(hits, spans)):
            passage, count = hit.passage, len(hit.duplicates)
            marker = [(f"+{count} ▾" if index in self.expanded else f"+{count} ▸") if count else ""]
            # Titles and file names come from the articles: made safe for the terminal.
            self.add_row(str(hit.rank), similarity(hit), *cells(passage, passage.title or "", "—"),
                         *(marker if "copies" in width else []))
            self.places.append(place_of_hit(hit, span))
            self._rows.append((index, -1))
            if index in self.expanded:
                for number, copy in enumerate(hit.duplicates):
                    also = f" ↳ also in: {copy.title or os.path.basename(copy.path)}"
                    self.add_row("", "", *cells(copy, also, ""), *(["copy"] if "copies" in width else []))
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

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.places):
            self.post_message(PlaceHighlighted(self.places[event.cursor_row], "passages"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.places):
            self.post_message(OpenPlace(self.places[event.cursor_row]))
