"""A whole document with line numbers, the cited region marked and the answer words stressed."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from index.safe_text import safe

REGION_STYLE = "on #3a3a1c"
SPAN_STYLE = "bold black on #e5c07b"
MATCH_STYLE = "black on #7f9fbf"  # search matches; the current one stands out from the rest
CURRENT_STYLE = "bold black on #56d6c2"
NUMBER_WIDTH = 5  # the line-number column; one space of padding follows it

Mark = tuple[tuple[int, int], str]  # a (start, end) range of characters and its style


def _lines(text: str, first: int, start: int, end: int, marks: Sequence[Mark]) -> Table:
    """Lines of `text[start:end]` (numbered from `first`) in a grid that keeps wrapped lines indented.

    `marks` are sorted by start; later ones are drawn over earlier ones where they overlap.
    """
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(justify="right", style="dim", width=NUMBER_WIDTH, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    offset = start
    starts = [low for (low, _), _ in marks]
    for number, line in enumerate(text[start:end].split("\n"), first):
        # Same length, so the offsets below still hold; a CRLF file's CR is no character to show.
        row = Text(safe(line[:-1] + " " if line.endswith("\r") else line))
        # Only marks that start before this line ends can touch it; a region may start lines above.
        for (low, high), style in marks[: bisect_left(starts, offset + len(line))]:
            a, b = max(low - offset, 0), min(high - offset, len(line))
            if a < b:
                row.stylize(style, a, b)
        grid.add_row(str(number), row)
        offset += len(line) + 1
    return grid


class DocumentView(Vertical):
    """Three blocks (before, cited lines, after) so the view can scroll exactly to the cited one."""

    cited_lines = range(0)  # 1-based numbers of the lines shown in the cited block
    text = ""
    _blocks: list[tuple[int, Static]] = []  # (first character, widget) of each block shown

    def compose(self) -> ComposeResult:
        yield Static(id="doc-before")
        yield Static(id="doc-cited")
        yield Static(id="doc-after")

    def show(self, text: str, region: tuple[int, int], span: tuple[int, int] | None,
             matches: Sequence[tuple[int, int]] = (), current: int | None = None) -> None:
        """Render `text` with `region` (character offsets) marked, `span` stressed and search `matches` lit."""
        self.text = text
        start = text.rfind("\n", 0, region[0]) + 1
        stop = text.find("\n", max(region[1] - 1, region[0]))
        stop = len(text) if stop < 0 else stop
        first = text.count("\n", 0, start) + 1
        cited_first = first
        layers: list[Mark] = [(region, REGION_STYLE)] + [(m, MATCH_STYLE) for m in matches]
        if span:
            layers.append((span, SPAN_STYLE))
        if current is not None and 0 <= current < len(matches):
            layers.append((matches[current], CURRENT_STYLE))
        marks = sorted(layers, key=lambda mark: mark[0][0])  # stable: equal starts keep their layer order
        before = _lines(text, 1, 0, max(start - 1, 0), marks) if start else None
        cited = _lines(text, cited_first, start, stop, marks)
        after_first = text.count("\n", 0, stop) + 2
        self.cited_lines = range(cited_first, after_first)
        after = _lines(text, after_first, stop + 1, len(text), marks) if stop < len(text) else None
        self._blocks = []
        for name, part, begin in (("before", before, 0), ("cited", cited, start), ("after", after, stop + 1)):
            widget = self.query_one(f"#doc-{name}", Static)
            widget.update(part if part is not None else "")
            widget.display = part is not None
            if part is not None:
                self._blocks.append((begin, widget))

    def row_of(self, at: int) -> int | None:
        """The row of character `at` in this view (for scrolling to it), as the grid wraps the lines."""
        found = [(begin, widget) for begin, widget in self._blocks if begin <= at]
        if not found or not self.text:
            return None
        begin, widget = found[-1]
        width = widget.content_region.width - NUMBER_WIDTH - 1
        if width <= 0:
            return None
        console, row, offset = self.app.console, widget.virtual_region.y - self.virtual_region.y, begin
        while True:
            stop = self.text.find("\n", offset)
            stop = len(self.text) if stop < 0 else stop
            pieces = Text(safe(self.text[offset:stop])).wrap(console, width, overflow="fold")
            if at <= stop:
                seen = offset
                for piece in pieces:  # each wrapped row keeps the characters it shows, spaces included
                    seen += len(piece)
                    if seen > at:
                        return row
                    row += 1
                return row - 1 if pieces else row
            row += max(len(pieces), 1)
            offset = stop + 1

    @property
    def cited(self) -> Static:
        return self.query_one("#doc-cited", Static)
