"""The filter box: a date range and an outlet for the next questions, checked as `ask --since/--until/--outlet` are."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from index.errors import InputError
from index.filters import Filters
from qa.filters import parse_filters
from qa.terminal import safe_line

HINT = "2025-02-09 · 2025-02 · 2025 · 7d 2w 3m 1y; empty: no bound. Enter applies, Esc cancels."


class FilterScreen(ModalScreen[Filters | None]):
    """Dismissed with the new filters (no field filled: none), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Filters) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box"):
            yield Static(Content.from_markup("[b]Filter the next questions[/b]"), id="filter-title")
            for key, label, value in (("since", "since", self.current.since),
                                      ("until", "until", self.current.until),
                                      ("outlet", "outlet", ", ".join(self.current.outlets))):
                with Horizontal(classes="filter-row"):
                    yield Label(label, classes="filter-label")
                    yield Input(value or "", id=f"filter-{key}", placeholder="any")
            yield Static(HINT, id="filter-hint")
            yield Static("", id="filter-error")

    def on_mount(self) -> None:
        self.query_one("#filter-since", Input).focus()

    @on(Input.Submitted)
    def apply(self) -> None:
        """Check the fields; a bad one is said in the box, which stays open."""
        since, until, outlet = (self.query_one(f"#filter-{key}", Input).value.strip()
                                for key in ("since", "until", "outlet"))
        outlets = [name for name in (part.strip() for part in outlet.split(",")) if name]
        try:
            filters = parse_filters(since or None, until or None, outlets)
        except InputError as error:
            self.query_one("#filter-error", Static).update(Content(safe_line(str(error))))
            return
        self.dismiss(filters)

    def action_cancel(self) -> None:
        self.dismiss(None)
