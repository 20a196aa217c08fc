"""The error screen: the index cannot be opened; say why and how to fix it, offer a retry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from index.safe_text import safe


class ErrorScreen(ModalScreen[bool]):
    """Dismissed with True to retry, False to quit."""

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("q,escape", "give_up", "Quit"),
    ]

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(Content.from_markup("[b]Cannot open the index[/b]"), id="error-title")
            yield Static(Content(safe(self.error)), id="error-text")
            yield Static(Content.from_markup("[dim]r[/dim] retry   [dim]q[/dim] quit"), id="error-keys")
        yield Footer()  # its own keys, over those of the screen beneath

    def action_retry(self) -> None:
        self.dismiss(True)

    def action_give_up(self) -> None:
        self.dismiss(False)
