"""The main screen's workers: everything slow runs here, off the UI thread, and reports by message."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import work
from textual.screen import Screen
from textual.worker import get_current_worker

from index.errors import QAError
from index.filters import NO_FILTERS, Filters
from qa.models import Result
from tui.export import Record
from tui.messages import AskFailed, Answered, BuildProgress, IndexFailed, IndexReady, IndexReloaded, ReloadFailed
from tui.session import Abandoned, AnswererFactory, IndexInfo, Session, abandonable


def _explain(error: Exception) -> str:
    return str(error) if isinstance(error, QAError) else f"{type(error).__name__}: {error}"


class Workers(Screen[None]):
    """Opening the index, asking, exporting and reloading, each in its own thread worker."""

    index_dir: Path | None
    factory: AnswererFactory
    k: int
    session: Session | None
    ready: threading.Event  # set once loading ended, well or badly
    loaded: threading.Event  # set by the loading thread itself, even after the app has gone

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Open the index and load the model."""
        worker = get_current_worker()

        def open_session() -> tuple[Session, IndexInfo]:
            session = Session.open(self.index_dir, self.factory,
                                   lambda stage, done, total: self.post_message(BuildProgress(stage, done, total)))
            return session, session.info()

        try:
            session, info = abandonable(open_session, lambda: worker.is_cancelled, self.loaded)
        except Abandoned:
            return
        except Exception as error:  # noqa: BLE001 - any failure becomes the error screen, not a crash
            self.post_message(IndexFailed(_explain(error)))
        else:
            self.post_message(IndexReady(session, info))

    @work(thread=True, exclusive=True, group="export")
    def export(self, result: Result, path: Path, record: Record) -> None:
        """Write one question's answers and passages, with citations and how they were found, to `path`."""
        from tui.export import save

        try:
            save(result, path, record)
        except OSError as error:
            self.app.call_from_thread(self.notify, f"{path}: {error.strerror or error}", title="Export failed",
                                      severity="error")
        else:
            form = "JSON" if path.suffix.lower() == ".json" else "Markdown"
            self.app.call_from_thread(self.notify, str(path), title=f"Saved as {form}")

    @work(thread=True, exclusive=True, group="ask")
    def ask(self, ticket: int, question: str, filters: Filters = NO_FILTERS) -> None:
        """Answer one question; a newer question cancels this one and its result is dropped."""
        worker = get_current_worker()
        while not self.ready.wait(0.05):
            if worker.is_cancelled:
                return
        session = self.session
        if session is None or worker.is_cancelled:
            return
        try:
            result = session.ask(question, self.k, filters)
        except Exception as error:  # noqa: BLE001 - shown as a notification
            self.post_message(AskFailed(ticket, _explain(error)))
            return
        if not worker.is_cancelled:
            self.post_message(Answered(ticket, result, filters))

    @work(thread=True, exclusive=True, group="reload")
    def reload(self, session: Session) -> None:
        """Switch to a newer generation if `qa index` or `qa watch` published one."""
        try:
            if session.reload_if_changed():
                self.post_message(IndexReloaded(session.info()))
        except Exception as error:  # noqa: BLE001 - the old generation stays in use
            self.post_message(ReloadFailed(_explain(error)))
