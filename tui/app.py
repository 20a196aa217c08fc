"""The newsqa terminal app: one factory shared by the CLI and the tests."""

from __future__ import annotations

import os
import sys
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
        self.main: MainScreen | None = None

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.index_dir, self.factory, self.k)
        return self.main

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
    code = app.return_code or 0
    if app.main is not None and not app.main.loaded.is_set():
        # Quit while the model loads or the seed index builds: don't wait for that thread to finish.
        # Index updates are crash-safe (a new generation is published by one rename), so this is clean.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
