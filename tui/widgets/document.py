"""A whole document with line numbers, the cited region marked and the answer words stressed."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from qa.terminal import safe

REGION_STYLE = "on #3a3a1c"
SPAN_STYLE = "bold black on #e5c07b"


def _lines(text: str, first: int, start: int, end: int, region: tuple[int, int],
           span: tuple[int, int] | None) -> Table:
    """Lines of `text[start:end]` (numbered from `first`) in a grid that keeps wrapped lines indented."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(justify="right", style="dim", width=5, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    offset = start
    for number, line in enumerate(text[start:end].split("\n"), first):
        # Same length, so the offsets below still hold; a CRLF file's CR is no character to show.
        row = Text(safe(line[:-1] + " " if line.endswith("\r") else line))
        for (low, high), style in ((region, REGION_STYLE), (span, SPAN_STYLE)) if span else ((region, REGION_STYLE),):
            a, b = max(low - offset, 0), min(high - offset, len(line))
            if a < b:
                row.stylize(style, a, b)
        grid.add_row(str(number), row)
        offset += len(line) + 1
    return grid


class DocumentView(Vertical):
    """Three blocks (before, cited lines, after) so the view can scroll exactly to the cited one."""

    cited_lines = range(0)  # 1-based numbers of the lines shown in the cited block

    def compose(self) -> ComposeResult:
        yield Static(id="doc-before")
        yield Static(id="doc-cited")
        yield Static(id="doc-after")

    def show(self, text: str, region: tuple[int, int], span: tuple[int, int] | None) -> None:
        """Render `text` with `region` (character offsets) marked and `span` stressed."""
        start = text.rfind("\n", 0, region[0]) + 1
        stop = text.find("\n", max(region[1] - 1, region[0]))
        stop = len(text) if stop < 0 else stop
        first = text.count("\n", 0, start) + 1
        cited_first = first
        before = _lines(text, 1, 0, max(start - 1, 0), region, span) if start else None
        cited = _lines(text, cited_first, start, stop, region, span)
        after_first = text.count("\n", 0, stop) + 2
        self.cited_lines = range(cited_first, after_first)
        after = _lines(text, after_first, stop + 1, len(text), region, span) if stop < len(text) else None
        for name, part in (("before", before), ("cited", cited), ("after", after)):
            widget = self.query_one(f"#doc-{name}", Static)
            widget.update(part if part is not None else "")
            widget.display = part is not None

    @property
    def cited(self) -> Static:
        return self.query_one("#doc-cited", Static)
