"""The newsqa terminal app: one factory shared by the CLI and the tests."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

from collections.abc import Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from index.errors import QAError
from index.safe_text import clipboard_text, safe, safe_line
from qa.present import DEFAULT_K
from qa.settings import Settings, load_settings
from tui.screens.main import MainScreen
from tui.session import AnswererFactory, default_factory


class QAApp(App[None]):
    """Ask questions of an index, compare sources and read the cited places."""

    CSS_PATH = "app.tcss"
    TITLE = "newsqa"
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),  # shown: unlike ? and q it also works in the question
    ]

    def __init__(self, index_dir: Path | None, factory: AnswererFactory, k: int) -> None:
        super().__init__()
        self.index_dir, self.factory, self.k = index_dir, factory, k
        self.settings_error = ""
        try:
            self.settings = load_settings()
        except QAError as error:  # a broken settings file must not keep the app from starting
            self.settings, self.settings_error = Settings(), str(error)
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

    def copy_to_clipboard(self, text: str) -> None:
        """Every copy passes here: one line with no control, escape or bidi character, so a pasted title
        cannot end a shell's bracketed paste and run what follows."""
        super().copy_to_clipboard(clipboard_text(text))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification passes here: made safe, and never read as markup (titles and paths are quoted)."""
        super().notify(safe(message), title=safe_line(title), severity=severity, timeout=timeout, markup=False)

    def typing_ready(self) -> None:
        """The question box has focus: replay the keys typed before it had, in order."""
        early, self._early = self._early or [], None
        for key in early:
            self.post_message(key)

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.index_dir, self.factory, self.k)
        return self.main

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Ctrl+P: the app's own commands first, then Help, then Textual's (theme, maximise, quit…)."""
        from tui.commands import main_commands, textual_commands

        if self.main is not None and screen is self.main:
            yield from main_commands(self.main)
        yield SystemCommand("Help", "every key, by pane (? F1)", self.action_help)
        yield from textual_commands(super().get_system_commands(screen))

    def on_mount(self) -> None:
        """The theme the user chose last time; from now on each one chosen is kept in the settings."""
        if self.settings_error:
            self.notify(self.settings_error, title="Settings not read: the defaults hold", severity="warning",
                        timeout=10)
        theme = self.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.notify(f"no theme {theme!r} here; Ctrl+P, Theme lists them", title="Settings", severity="warning")
        self.theme_changed_signal.subscribe(self, self._keep_theme)

    def _keep_theme(self, theme: Theme) -> None:
        if theme.name == self.settings.theme:
            return
        from qa.settings import save_setting

        try:
            save_setting("theme", theme.name)
        except OSError as error:
            self.notify(f"{error.strerror or error}", title="Theme not saved", severity="warning")
            return
        self.settings = replace(self.settings, theme=theme.name)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def create_app(index_dir: Path | None = None, pipeline_factory: AnswererFactory | None = None,
               k: int = DEFAULT_K) -> QAApp:
    """The app on an index folder (None: the bundled seeds), loading pipelines with `pipeline_factory`."""
    return QAApp(index_dir, pipeline_factory or default_factory, k)


def run(index_dir: Path | None = None, k: int = DEFAULT_K) -> int:
    """Run the app in this terminal; the exit code for the CLI."""
    app = create_app(index_dir, k=k)
    app.run()
    code = app.return_code or 0
    if app.main is not None and not app.main.background.loaded.is_set():
        # Quit while the model loads or the seed index builds: don't wait for that thread to finish.
        # Index updates are crash-safe (a new generation is published by one rename), so this is clean.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
