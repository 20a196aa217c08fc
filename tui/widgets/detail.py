"""The detail pane: the selected passage in full, the answer span stressed, where else it appears."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from index.safe_text import safe_line
from qa.present import capped, display_title, shown_date, similarity
from tui.places import Place, display_path
from tui.widgets.highlight import stressed

EMPTY = "The selected passage appears here, with the answer stressed. Enter opens it in its document."


class DetailPane(VerticalScroll):
    """Title, place, scores and text of one place; scrolls when the passage is long."""

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="detail-title")
        yield Static("", id="detail-facts")
        yield Static("", id="detail-text")
        yield Static("", id="detail-copies")

    def on_mount(self) -> None:
        self.border_title = "Passage"

    def show(self, place: Place | None) -> None:
        head, text = self.query_one("#detail-title", Static), self.query_one("#detail-text", Static)
        facts_line = self.query_one("#detail-facts", Static)
        copies = self.query_one("#detail-copies", Static)
        if place is None:
            head.update(EMPTY)
            facts_line.update("")
            text.update("")
            copies.update("")
            return
        hit, cited = place.hit, place.citation
        facts = [f"{safe_line(display_path(cited.path))}:{cited.line}"]
        facts += [safe_line(v) for v in (shown_date(cited.meta), capped(cited.meta.outlet)) if v]
        if hit is not None:
            facts.append(f"rank {hit.rank} · similarity {similarity(hit)} (cosine to the question; "
                         f"rank score {hit.score:.3f}, 1 = this question's best)")
        if place.label == "copy":
            facts.append("a near-identical copy")
        head.update(Content.from_markup("[b]$title[/b]", title=safe_line(capped(cited.title) or "(untitled)")))
        facts_line.update(Content(" · ".join(facts)))
        text.update(stressed(*place.marked()))
        others = []
        if hit is not None:
            others = [p for p in (hit.passage, *hit.duplicates) if (p.path, p.start) != (cited.path, cited.start)]
        copies.update(Content("\n".join(
            safe_line(f"also in: {display_title(p.citation)} — {display_path(p.path)}:{p.line}") for p in others)))
        copies.display = bool(others)
        self.scroll_home(animate=False)
        if place.span:
            self.call_after_refresh(self._to_span, place)

    def _to_span(self, place: Place) -> None:
        """Scroll so the stressed answer is in view (a long passage may hold it below the fold)."""
        text = self.query_one("#detail-text", Static)
        flat, ranges = place.marked()
        width = text.content_region.width
        if not ranges or width <= 0:
            return
        at = ranges[0][0]
        seen, row = 0, 0
        for row, line in enumerate(stressed(flat, ranges).wrap(width)):
            seen += len(str(line).strip()) + 1  # a wrapped line drops the space it broke at
            if seen > at:
                break
        top = text.virtual_region.y + row
        if top >= self.scrollable_content_region.height - 1:
            self.scroll_to(y=max(top - 2, 0), animate=False)  # two rows of the lead-in above it
