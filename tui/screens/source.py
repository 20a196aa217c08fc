"""The source view: the whole document, scrolled to the cited place, the passage marked."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from index.load import read_source
from index.safe_text import safe_line
from qa.present import display_title
from tui.footer import in_order
from tui.messages import SourceFailed, SourceLoaded
from tui.places import Place, display_path
from tui.widgets.document import DocumentView

CONTEXT_LINES = 2  # rows of the document left visible above the cited place
MAX_MATCHES = 10_000  # a one-letter search in a long file must not stall the screen


class SourceScreen(Screen[None]):
    """Read a cited place in its document; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match(1)", "Next"),
        Binding("N", "next_match(-1)", "Prev"),
        Binding("g", "to_cited", "Cited"),
        Binding("c", "copy", "Copy"),
        Binding("o,ctrl+o", "edit", "Editor"),  # no question box here: letters are commands, as in less
        Binding("u,ctrl+b", "browse", "URL", show=False),
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
        self.matches: list[tuple[int, int]] = []  # of the search, in document order
        self.current: int | None = None  # the match shown, an index into `matches`

    def compose(self) -> ComposeResult:
        place = self.place.citation
        yield Static(Content.from_markup("[b]$title[/b]\n[dim]$path:$line · characters $start–$end[/]",
                                         title=safe_line(display_title(place)),
                                         path=safe_line(display_path(place.path)), line=str(place.line),
                                         start=str(place.start), end=str(place.end)), id="source-head")
        with VerticalScroll(id="source-body"):
            yield DocumentView(id="document")
        with Horizontal(id="source-search-bar"):
            yield Input(placeholder="search the document (Enter: stay on the match, Esc: clear)", id="source-search")
            yield Static("", id="source-count")
        yield Footer()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's keys in one order, the search box focused or not."""
        return in_order(super().active_bindings, ("back", "search", "next_match(1)", "next_match(-1)", "to_cited", "copy"))

    def action_edit(self) -> None:
        """o: the document in $VISUAL or $EDITOR at the cited line (less's v)."""
        from tui.screens.outside import edit_place

        edit_place(self.app, self.place.citation)

    def action_browse(self) -> None:
        """u: the article's web address in the browser."""
        from tui.screens.outside import browse_place

        browse_place(self.app, self.place.citation)

    def on_mount(self) -> None:
        self.query_one("#source-body").focus()
        self.query_one("#source-body").loading = True
        self.read()

    @work(thread=True, exclusive=True, group="source")
    def read(self) -> None:
        """The file's text as indexed (extracted, for pages, feeds, PDFs, exports), so offsets land on their characters."""
        path = self.place.citation.path
        text = self.indexed(path) if self.indexed else None
        if text is not None:
            self.post_message(SourceLoaded(text))
            return
        source, warning = read_source(Path(path))  # an index without texts: decode as the indexer did
        if source is None:
            self.post_message(SourceFailed(warning or f"cannot read {path}"))
        else:
            self.post_message(SourceLoaded(source.text))

    def on_source_loaded(self, message: SourceLoaded) -> None:
        self.text = text = message.text
        place = self.place.citation
        body = self.query_one("#source-body", VerticalScroll)
        body.loading = False
        if " ".join(text[place.start:place.end].split()) != " ".join(self.place.exact.split()):
            self.notify("The file changed since it was indexed; the marked place may be off.",
                        title="Stale index", severity="warning", timeout=8)
        self._draw()
        self.call_after_refresh(self.action_to_cited)

    def _draw(self) -> None:
        """Draw the document with the cited place, the answer and the search matches marked."""
        if self.text is None:
            return
        cited = self.place.citation
        self.query_one(DocumentView).show(self.text, (cited.start, cited.end), self.place.span, self.matches,
                                          self.current)

    def on_source_failed(self, message: SourceFailed) -> None:
        self.query_one("#source-body", VerticalScroll).loading = False
        self.notify(message.error, title="Cannot open the source", severity="error", timeout=8)
        self.app.pop_screen()

    def action_to_cited(self) -> None:
        body = self.query_one("#source-body", VerticalScroll)
        cited = self.query_one(DocumentView).cited
        body.scroll_to(y=max(cited.virtual_region.y - CONTEXT_LINES, 0), animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """n and N only once a search found something: the footer lists what works now."""
        if action == "next_match":
            return bool(self.matches)
        return True

    def action_search(self) -> None:
        bar = self.query_one("#source-search-bar")
        bar.display = True
        self.query_one("#source-search", Input).focus()

    @on(Input.Changed, "#source-search")
    def search_changed(self, event: Input.Changed) -> None:
        """Search as the user types, from the cited place on."""
        self._find(event.value)

    @on(Input.Submitted, "#source-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self._find(event.value)
        if not self.matches and event.value.strip():
            self.notify(f"No match for {event.value.strip()}.", severity="warning", timeout=3)
        self.query_one("#source-body").focus()  # n and N now move between the matches

    def _find(self, query: str) -> None:
        query = query.strip()
        text = self.text or ""
        found: list[tuple[int, int]] = []
        if query:
            for match in re.finditer(re.escape(query), text, re.IGNORECASE):
                found.append(match.span())
                if len(found) >= MAX_MATCHES:
                    break
        self.matches = found
        after = [n for n, (start, _) in enumerate(found) if start >= self.place.citation.start]
        self.current = (after[0] if after else 0) if found else None
        self._show_match()

    def _show_match(self) -> None:
        """Redraw with the current match lit, count it and scroll it into view."""
        self._draw()
        self.refresh_bindings()
        count = self.query_one("#source-count", Static)
        if self.current is None:
            count.update("no match" if self.query_one("#source-search", Input).value.strip() else "")
            return
        more = "+" if len(self.matches) >= MAX_MATCHES else ""
        count.update(f"{self.current + 1} of {len(self.matches)}{more}")
        self.call_after_refresh(self._to_match)

    def _to_match(self) -> None:
        if self.current is None or self.current >= len(self.matches):
            return
        document = self.query_one(DocumentView)
        row = document.row_of(self.matches[self.current][0])
        if row is None:
            return
        body = self.query_one("#source-body", VerticalScroll)
        top = document.virtual_region.y + row
        if not body.scroll_y + CONTEXT_LINES <= top < body.scroll_y + body.scrollable_content_region.height - 1:
            body.scroll_to(y=max(top - CONTEXT_LINES, 0), animate=False)  # out of view: bring it in, lead-in above

    def action_next_match(self, step: int) -> None:
        if not self.matches or self.current is None:
            return
        self.current = (self.current + step) % len(self.matches)
        if (step > 0 and self.current == 0) or (step < 0 and self.current == len(self.matches) - 1):
            self.notify("Search wrapped around the document.", timeout=2)
        self._show_match()

    def action_back(self) -> None:
        """Esc: from the search box, close the search; otherwise back to the results."""
        field = self.query_one("#source-search", Input)
        if field.has_focus or self.query_one("#source-search-bar").display and self.matches:
            field.value = ""
            self.query_one("#source-search-bar").display = False
            self.matches, self.current = [], None
            self._draw()
            self.refresh_bindings()
            self.query_one("#source-body").focus()
            return
        self.app.pop_screen()

    def action_scroll(self, rows: int) -> None:
        body = self.query_one("#source-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + rows, animate=False)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.place.clip())
        self.notify(self.place.clip(), title="Citation copied")
