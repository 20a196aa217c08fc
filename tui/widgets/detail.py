"""The detail pane: the selected passage in full, the answer span stressed, where else it appears."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from qa.terminal import safe_line
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
        hit = place.hit
        facts = [f"{safe_line(display_path(place.path))}:{place.line}"]
        if hit is not None:
            facts.append(f"rank {hit.rank} · score {hit.score:.3f} (dense {hit.dense:.2f}, lexical {hit.lexical:.2f})")
        if place.label == "copy":
            facts.append("a near-identical copy")
        head.update(Content.from_markup("[b]$title[/b]", title=safe_line(place.title or "(untitled)")))
        facts_line.update(Content(" · ".join(facts)))
        text.update(stressed(place.text, place.quote))
        others = []
        if hit is not None:
            others = [p for p in (hit.passage, *hit.duplicates) if (p.path, p.start) != (place.path, place.start)]
        copies.update(Content("\n".join(
            safe_line(f"also in: {p.title or Path(p.path).name} — {display_path(p.path)}:{p.line}") for p in others)))
        copies.display = bool(others)
        self.scroll_home(animate=False)
