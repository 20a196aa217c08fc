"""The source view: the whole document, scrolled to the cited place, the passage marked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from index.load import read_source
from qa.terminal import safe, safe_line
from tui.messages import SourceFailed, SourceLoaded
from tui.places import Place, display_path
from tui.widgets.document import DocumentView

CONTEXT_LINES = 2  # rows of the document left visible above the cited place


class SourceScreen(Screen[None]):
    """Read a cited place in its document; Escape goes back."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "copy", "Copy citation"),
        Binding("g", "to_cited", "Cited place"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def __init__(self, place: Place, indexed: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.place = place
        self.indexed = indexed  # the text the index holds for a path: what offsets point into
        self.text: str | None = None

    def compose(self) -> ComposeResult:
        place = self.place
        yield Static(Content.from_markup("[b]$title[/b]\n[dim]$path:$line · characters $start–$end[/]",
                                         title=safe_line(place.title or Path(place.path).name),
                                         path=safe_line(display_path(place.path)), line=str(place.line),
                                         start=str(place.start), end=str(place.end)), id="source-head")
        with VerticalScroll(id="source-body"):
            yield DocumentView(id="document")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#source-body").focus()
        self.query_one("#source-body").loading = True
        self.read()

    @work(thread=True, exclusive=True, group="source")
    def read(self) -> None:
        """The file's text as indexed (extracted, for pages, feeds, PDFs, exports), so offsets land on their characters."""
        text = self.indexed(self.place.path) if self.indexed else None
        if text is not None:
            self.post_message(SourceLoaded(text))
            return
        source, warning = read_source(Path(self.place.path))  # an index without texts: decode as the indexer did
        if source is None:
            self.post_message(SourceFailed(warning or f"cannot read {self.place.path}"))
        else:
            self.post_message(SourceLoaded(source.text))

    def on_source_loaded(self, message: SourceLoaded) -> None:
        self.text = text = message.text
        place = self.place
        body = self.query_one("#source-body", VerticalScroll)
        body.loading = False
        if " ".join(text[place.start:place.end].split()) != " ".join(place.text.split()):
            self.notify("The file changed since it was indexed; the marked place may be off.",
                        title="Stale index", severity="warning", timeout=8)
        self.query_one(DocumentView).show(text, (place.start, place.end), place.span or self._span_in(text))
        self.call_after_refresh(self.action_to_cited)

    def _span_in(self, text: str) -> tuple[int, int] | None:
        """The answer words inside a copy, found by text (spans carry offsets for one file only)."""
        if not self.place.quote:
            return None
        at = text.find(self.place.quote, self.place.start, self.place.end)
        return (at, at + len(self.place.quote)) if at >= 0 else None

    def on_source_failed(self, message: SourceFailed) -> None:
        self.query_one("#source-body", VerticalScroll).loading = False
        self.notify(safe(message.error), title="Cannot open the source", severity="error", timeout=8)
        self.app.pop_screen()

    def action_to_cited(self) -> None:
        body = self.query_one("#source-body", VerticalScroll)
        cited = self.query_one(DocumentView).cited
        body.scroll_to(y=max(cited.virtual_region.y - CONTEXT_LINES, 0), animate=False)

    def action_scroll(self, rows: int) -> None:
        body = self.query_one("#source-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + rows, animate=False)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.place.clip())
        self.notify(safe(self.place.clip()), title="Citation copied")
