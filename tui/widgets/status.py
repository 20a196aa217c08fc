"""The one-line status bar: which index is open, its counts, when it was updated, what is running."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from index.safe_text import safe_line
from qa.present import plural
from tui.places import ago, display_path
from tui.session import IndexInfo


class StatusBar(Horizontal):
    """The index's folder, documents, passages and age on the left; the current activity on the right."""

    info: reactive[IndexInfo | None] = reactive(None)
    activity: reactive[str] = reactive("loading the index and the model…")
    scope: reactive[str] = reactive("")  # the filter the next question is asked with, described

    def compose(self) -> ComposeResult:
        yield Static(id="index-info")
        yield Static(id="activity")

    def on_mount(self) -> None:
        self.set_interval(30, self.refresh_text)  # "updated 5 min ago" keeps ageing
        self.refresh_text()

    def watch_info(self) -> None:
        self.refresh_text()

    def watch_activity(self) -> None:
        self.refresh_text()

    def watch_scope(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        if not self.query("#index-info"):
            return  # reactive set before compose
        info, left = self.info, self.query_one("#index-info", Static)
        if info is None:
            left.update(Content.from_markup("[b]newsqa[/b]"))
        else:
            left.update(Content.from_markup(
                "[b]newsqa[/b] │ $documents · $passages · updated $ago │ $folder",
                folder=safe_line(display_path(info.folder)), documents=plural(info.documents, "document"),
                passages=plural(info.passages, "passage"), ago=ago(info.updated)))
        scope = f"filter: {safe_line(self.scope)} │ " if self.scope else ""
        self.query_one("#activity", Static).update(Content(scope + self.activity))
