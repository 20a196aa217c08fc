"""The export box: where to save the answers and passages; nothing is written until Enter."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from index.safe_text import safe_line
from tui.export import form_of

HINT = "A .json name saves JSON, any other Markdown. Enter saves, Esc cancels."


class ExportScreen(ModalScreen[Path | None]):
    """Dismissed with the path to write (checked: a folder gets the proposed name), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+t", "switch", "Markdown/JSON")]

    def __init__(self, proposed: Path) -> None:
        super().__init__()
        self.proposed = proposed
        self.confirmed: Path | None = None  # a file that exists, shown once: Enter again replaces it

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="dialog"):
            yield Static(Content.from_markup("[b]Save the answers and passages[/b]"), classes="dialog-title")
            yield Input(str(self.proposed), id="export-path")
            yield Static(HINT, classes="dialog-hint")
            yield Static("", id="export-error", classes="dialog-error")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#export-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def _path(self) -> Path:
        text = self.query_one("#export-path", Input).value.strip()
        path = Path(text).expanduser() if text else self.proposed
        return path / self.proposed.name if path.is_dir() else path

    @on(Input.Submitted)
    def save(self) -> None:
        """A new file is saved at once; one that exists is named first and replaced on a second Enter."""
        path = self._path()
        error = self.query_one("#export-error", Static)
        if path.exists() and path != self.confirmed:
            self.confirmed = path
            error.update(Content(f"{safe_line(path.name)} exists: Enter again replaces it."))
            return
        self.dismiss(path)

    @on(Input.Changed)
    def changed(self) -> None:
        self.confirmed = None
        self.query_one("#export-error", Static).update("")

    def action_switch(self) -> None:
        """Ctrl+T: the same name as Markdown or as JSON."""
        field = self.query_one("#export-path", Input)
        path = Path(field.value.strip() or str(self.proposed))
        field.value = str(path.with_suffix(".md" if form_of(path) == "json" else ".json"))
        field.cursor_position = len(field.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
