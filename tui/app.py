"""The newsqa terminal app: one factory shared by the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from tui.screens.main import MainScreen
from tui.session import EngineFactory, default_factory


class QAApp(App[None]):
    """Ask questions of an index, compare sources and read the cited places."""

    CSS_PATH = "app.tcss"
    TITLE = "newsqa"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),  # shown: unlike ? and q it also works in the question
    ]

    def __init__(self, index_dir: Path | None, factory: EngineFactory, k: int) -> None:
        super().__init__()
        self.index_dir, self.factory, self.k = index_dir, factory, k

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.index_dir, self.factory, self.k)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def create_app(index_dir: Path | None = None, pipeline_factory: EngineFactory | None = None, k: int = 8) -> QAApp:
    """The app on an index folder (None: the bundled seeds), loading pipelines with `pipeline_factory`."""
    return QAApp(index_dir, pipeline_factory or default_factory, k)


def run(index_dir: Path | None = None) -> int:
    """Run the app in this terminal; the exit code for the CLI."""
    app = create_app(index_dir)
    app.run()
    return app.return_code or 0
