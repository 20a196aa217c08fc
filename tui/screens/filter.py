"""The filter box: a date range and outlets, checked as `ask --since/--until/--outlet` are; applying it asks again."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, Label, Static

from index.errors import InputError
from index.filters import Filters
from index.scope import matching_outlets
from index.safe_text import safe_line
from qa.filters import parse_filters

HINT = ("2025-02-09 · 2025-02 · 2025 · 7d 2w 3m 1y; empty: no bound. → completes an outlet; "
        "Enter applies, Esc cancels.")
NAMES = {"since": "Since:", "until": "Until:", "outlet": "Outlet:"}  # what the messages call the fields: their labels
SHOWN_OUTLETS = 6  # outlets named when one typed matches none


class OutletSuggester(Suggester):
    """Completes the outlet being typed (after the last comma) from the index's outlets, any case."""

    def __init__(self, outlets: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the value as typed; matched without case here
        self.outlets = sorted(outlets, key=str.casefold)

    async def get_suggestion(self, value: str) -> str | None:
        head, comma, part = value.rpartition(",")
        typed = part.lstrip()
        if not typed:
            return None
        lead = head + comma + part[: len(part) - len(typed)]
        for outlet in self.outlets:
            if outlet.casefold().startswith(typed.casefold()) and len(outlet) > len(typed):
                return lead + outlet
        return None


class FilterScreen(ModalScreen[Filters | None]):
    """Dismissed with the new filters (no field filled: none), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Filters, outlets: Sequence[str] = ()) -> None:
        super().__init__()
        self.current = current
        self.outlets = tuple(outlets)  # the index's outlets: suggested as you type, and what a name must match

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box", classes="dialog"):
            yield Static(Content.from_markup("[b]Filter the questions[/b]  [dim]the one on screen is asked again[/]"),
                         id="filter-title", classes="dialog-title")
            for key, value in (("since", self.current.since), ("until", self.current.until),
                               ("outlet", ", ".join(self.current.outlets))):
                with Horizontal(classes="filter-row"):
                    yield Label(NAMES[key].rstrip(":").lower(), classes="filter-label")
                    suggester = OutletSuggester(self.outlets) if key == "outlet" and self.outlets else None
                    yield Input(value or "", id=f"filter-{key}", placeholder="any", suggester=suggester)
            yield Static(HINT, id="filter-hint", classes="dialog-hint")
            yield Static("", id="filter-error", classes="dialog-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter-since", Input).focus()

    @on(Input.Submitted)
    def apply(self) -> None:
        """Check the fields; a bad one is said in the box, in its own terms, and the box stays open."""
        since, until, outlet = (self.query_one(f"#filter-{key}", Input).value.strip()
                                for key in ("since", "until", "outlet"))
        outlets = [name for name in (part.strip() for part in outlet.split(",")) if name]
        try:
            filters = parse_filters(since or None, until or None, outlets, names=NAMES)
            self._check_outlets(filters.outlets)
        except InputError as error:
            self.query_one("#filter-error", Static).update(Content(safe_line(str(error))))
            # The field at fault takes the cursor (a range that is backwards: the first of the two).
            key = next((k for k, name in NAMES.items() if error.message.startswith(name)), "since")
            self.query_one(f"#filter-{key}", Input).focus()
            return
        self.dismiss(filters)

    def _check_outlets(self, names: Sequence[str]) -> None:
        """An outlet no document has is said now, naming some the index has, rather than after the question."""
        if not self.outlets:
            return
        for name in names:
            if not matching_outlets(list(self.outlets), (name,)):
                # Those that share letters with the name first: the one meant is likely among them.
                near = sorted(self.outlets, key=lambda outlet: name.casefold() not in outlet.casefold())
                known = ", ".join(near[:SHOWN_OUTLETS]) + (", …" if len(near) > SHOWN_OUTLETS else "")
                raise InputError(f"{NAMES['outlet']} no document is from {name!r}", fix=f"outlets here: {known}")

    def action_cancel(self) -> None:
        self.dismiss(None)
