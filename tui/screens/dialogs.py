"""The main screen's boxes: the filter (asks again), the export (asks where) and the history search (Ctrl+R)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.filters import Filters
from qa.models import Result
from tui.screens.space import Spaced
from tui.widgets.question import QuestionInput
from tui.widgets.status import StatusBar


class Dialogs(Spaced):
    """Opens each box over the main screen and acts on what it is dismissed with."""

    result: Result | None  # the answer on screen
    filters: Filters  # the date range and outlets questions are asked with
    asked: tuple[Filters, float]  # the result's filters and when it came, for exports
    _ask: Callable[[str], None]  # asks a question (again) with the current filters and k

    def action_filter(self) -> None:
        from tui.screens.filter import FilterScreen

        info = self.query_one(StatusBar).info
        self.app.push_screen(FilterScreen(self.filters, info.outlets if info else ()), self.set_filters)

    def set_filters(self, filters: Filters | None) -> None:
        """Keep the filters and ask the question on screen again with them (None: the box was cancelled)."""
        if filters is None or filters == self.filters:
            return
        self.filters = filters
        self.query_one(StatusBar).scope = filters.describe()
        if self.result is not None:
            self._ask(self.result.question)
            return
        said = f"{filters.describe()}; " if filters.active else "no filter; "
        self.notify(said + "applies to the next question", title="Filter", timeout=4)

    def action_export(self, form: str) -> None:
        """Propose a file in the export folder; nothing is written until the user says where (Enter)."""
        if self.result is None:
            self.notify("Ask a question first: the export holds its answers and passages.", severity="warning")
            return
        from qa.settings import Settings, export_folder
        from tui.export import proposed_path
        from tui.screens.export import ExportScreen

        folder = export_folder(getattr(self.app, "settings", Settings()))
        self.app.push_screen(ExportScreen(proposed_path(self.result.question, form, folder)), self._export_to)

    def _export_to(self, path: Path | None) -> None:
        if path is None or self.result is None:
            return
        from tui.export import Record

        info = self.query_one(StatusBar).info
        self.export(self.result, path, Record(str(Path(info.folder).resolve()) if info else "", *self.asked))

    def action_history_search(self) -> None:
        """Ctrl+R: find an earlier question by a few of its letters, as fzf does in a shell."""
        from tui.screens.history import HistoryScreen

        question = self.query_one(QuestionInput)
        # What is being typed narrows the list at once, as fzf's Ctrl+R does; the question answered does not.
        draft = "" if self.result and " ".join(question.value.split()) == self.result.question else question.value
        self.app.push_screen(HistoryScreen(question.history, draft), self._recall)

    def _recall(self, chosen: str | None) -> None:
        if chosen:
            question = self.query_one(QuestionInput)
            question.focus()
            question.value = chosen
            question.cursor_position = len(chosen)
