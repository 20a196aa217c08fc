"""The newsqa terminal app: one factory shared by the CLI and the tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from index.filters import NO_FILTERS
from qa.present import DEFAULT_K
from tui.screens.main import MainScreen
from tui.session import EngineFactory, default_factory


class QAApp(App[None]):
    """Ask questions of an index, compare sources and read the cited places."""

    CSS_PATH = "app.tcss"
    TITLE = "newsqa"
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),  # shown: unlike ? and q it also works in the question
    ]

    def __init__(self, index_dir: Path | None, factory: EngineFactory, k: int) -> None:
        super().__init__()
        self.index_dir, self.factory, self.k = index_dir, factory, k
        self.main: MainScreen | None = None
        # Keys typed before the question box has focus (the first paint is ~0.5 s after launch) are
        # held here and replayed, so a question typed at once is kept and answered.
        self._early: list[events.Key] | None = []

    async def on_event(self, event: events.Event) -> None:
        if self._early is not None and isinstance(event, events.Key) and event.key != "ctrl+c":
            # Typed before the terminal left line mode, Enter arrives as a newline (ctrl+j): it meant Enter.
            key = "enter" if event.key in ("ctrl+j", "newline") else event.key
            self._early.append(events.Key(key, "\r" if key == "enter" else event.character))
            event.stop()
            return
        await super().on_event(event)

    def typing_ready(self) -> None:
        """The question box has focus: replay the keys typed before it had, in order."""
        early, self._early = self._early or [], None
        for key in early:
            self.post_message(key)

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.index_dir, self.factory, self.k)
        return self.main

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Ctrl+P: the app's own commands first, then Textual's (theme, keys, quit…)."""
        main = self.main
        if main is not None and screen is main:
            yield SystemCommand("More passages", "ask again showing one passage more (+)",
                                lambda: main.action_passages(1))
            yield SystemCommand("Fewer passages", "ask again showing one passage fewer (-)",
                                lambda: main.action_passages(-1))
            yield SystemCommand("Export as Markdown", "save the answers and passages with citations (e)",
                                lambda: main.action_export("markdown"))
            yield SystemCommand("Export as JSON", "save the answers and passages as ask --json prints them",
                                lambda: main.action_export("json"))
            yield SystemCommand("Copy all citations", "every source of the answers and passages (C)",
                                main.action_copy_all)
            yield SystemCommand("Filter by date or outlet", "a date range and outlets for the next questions (f)",
                                main.action_filter)
            yield SystemCommand("Clear the filter", "the next questions search every document",
                                lambda: main.set_filters(NO_FILTERS))
        yield SystemCommand("Help", "every key, by pane (? F1)", self.action_help)
        yield from super().get_system_commands(screen)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def create_app(index_dir: Path | None = None, pipeline_factory: EngineFactory | None = None,
               k: int = DEFAULT_K) -> QAApp:
    """The app on an index folder (None: the bundled seeds), loading pipelines with `pipeline_factory`."""
    return QAApp(index_dir, pipeline_factory or default_factory, k)


def run(index_dir: Path | None = None, k: int = DEFAULT_K) -> int:
    """Run the app in this terminal; the exit code for the CLI."""
    app = create_app(index_dir, k=k)
    app.run()
    code = app.return_code or 0
    if app.main is not None and not app.main.loaded.is_set():
        # Quit while the model loads or the seed index builds: don't wait for that thread to finish.
        # Index updates are crash-safe (a new generation is published by one rename), so this is clean.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
