"""The main screen's boxes: the filter (asks again), the export (asks where) and the history search (Ctrl+R)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.screen import Screen

from index.filters import Filters
from qa.models import Result
from tui.export import Record
from tui.session import IndexInfo
from tui.widgets.question import QuestionInput

Save = Callable[[Result, Path, Record], None]


class Boxes:
    """Opens each box over the main screen with what it shows, and hands on what it is dismissed with."""

    def __init__(self, screen: Screen[None], save: Save) -> None:
        self.screen, self.save = screen, save  # `save` writes an export, off the UI thread

    def filter(self, current: Filters, info: IndexInfo | None, then: Callable[[Filters | None], None]) -> None:
        """The date range and outlets; `then` gets the new filters, or None when the box was cancelled."""
        from tui.screens.filter import FilterScreen

        self.screen.app.push_screen(FilterScreen(current, info.outlets if info else ()), then)

    def export(self, result: Result | None, form: str, info: IndexInfo | None, asked: tuple[Filters, float]) -> None:
        """Propose a file in the export folder; nothing is written until the user says where (Enter)."""
        if result is None:
            self.screen.notify("Ask a question first: the export holds its answers and passages.", severity="warning")
            return
        from qa.settings import Settings, export_folder
        from tui.export import proposed_path
        from tui.screens.export import ExportScreen

        # What is exported is the answer the box was opened on, even if a newer one comes while it is open.
        record = Record(str(Path(info.folder).resolve()) if info else "", *asked)
        folder = export_folder(getattr(self.screen.app, "settings", Settings()))

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.save(result, path, record)

        self.screen.app.push_screen(ExportScreen(proposed_path(result.question, form, folder)), chosen)

    def history_search(self, question: QuestionInput, answered: str | None) -> None:
        """Ctrl+R: find an earlier question by a few of its letters, as fzf does in a shell."""
        from tui.screens.history import HistoryScreen

        # What is being typed narrows the list at once, as fzf's Ctrl+R does; the question answered does not.
        draft = "" if answered and " ".join(question.value.split()) == answered else question.value

        def recall(chosen: str | None) -> None:
            if chosen:
                question.focus()
                question.value = chosen
                question.cursor_position = len(chosen)

        self.screen.app.push_screen(HistoryScreen(question.history, draft), recall)
