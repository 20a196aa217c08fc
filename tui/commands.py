"""What Ctrl+P offers on the main screen: the app's own commands, those that can act now, then Textual's."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand

from index.filters import NO_FILTERS
from tui.screens.main import MainScreen

LEFT_OUT = {"Keys"}  # Textual's key panel says less than Help (F1), which the palette offers instead


def main_commands(main: MainScreen) -> Iterator[SystemCommand]:
    """Passages, export, citations, filter and history; "Clear the filter" only while one is set."""
    yield SystemCommand("More passages", "ask again showing one passage more (+)", lambda: main.action_passages(1))
    yield SystemCommand("Fewer passages", "ask again showing one passage fewer (-)", lambda: main.action_passages(-1))
    yield SystemCommand("Export as Markdown", "choose where to save the answers and passages with citations (Ctrl+S)",
                        lambda: main.action_export("markdown"))
    yield SystemCommand("Export as JSON", "choose where to save them as ask --json prints them, with the filter",
                        lambda: main.action_export("json"))
    yield SystemCommand("Copy all citations", "every source of the answers and passages", main.action_copy_all)
    yield SystemCommand("Filter by date or outlet", "a date range and outlets; the question is asked again (Ctrl+F)",
                        main.action_filter)
    if main.filters.active:
        yield SystemCommand("Clear the filter", f"search every document again, not only {main.filters.describe()}",
                            lambda: main.set_filters(NO_FILTERS))
    yield SystemCommand("Search earlier questions", "find one by a few of its letters (Ctrl+R)",
                        main.action_history_search)


def textual_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's own commands (theme, maximise, screenshot, quit), less those the app says better itself."""
    return (command for command in commands if command.title not in LEFT_OUT)
