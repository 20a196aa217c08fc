"""The main screen's background work: everything slow runs off the UI thread and reports back by message."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

from textual.screen import Screen
from textual.worker import get_current_worker

from index.errors import QAError
from index.filters import Filters
from qa.models import Result
from tui.export import Record
from tui.messages import AskFailed, Answered, BuildProgress, IndexFailed, IndexReady, IndexReloaded, ReloadFailed
from tui.session import Abandoned, AnswererFactory, IndexInfo, Session, abandonable


def _explain(error: Exception) -> str:
    return str(error) if isinstance(error, QAError) else f"{type(error).__name__}: {error}"


class Background:
    """Opening the index, asking, exporting and reloading, each a thread worker of `screen`, posting to it."""

    def __init__(self, screen: Screen[None], index_dir: Path | None, factory: AnswererFactory) -> None:
        self.screen, self.index_dir, self.factory = screen, index_dir, factory
        self.session: Session | None = None  # the open index and model, once loaded
        self.ready = threading.Event()  # set once loading ended, well or badly
        self.loaded = threading.Event()  # set by the loading thread itself, even after the app has gone

    def load(self) -> None:
        """Open the index and load the model (again, after a failure): IndexReady or IndexFailed comes back."""
        self.ready.clear()
        self.screen.run_worker(self._load, name="load", group="load", exclusive=True, thread=True)

    def opened(self, session: Session | None) -> None:
        """Loading ended (None: it failed): questions waiting for it go on."""
        self.session = session
        self.ready.set()

    def ask(self, ticket: int, question: str, k: int, filters: Filters) -> None:
        """Answer one question with `k` passages; a newer question cancels this one and its result is dropped."""
        self.screen.run_worker(partial(self._ask, ticket, question, k, filters), name="ask", group="ask",
                               exclusive=True, thread=True)

    def export(self, result: Result, path: Path, record: Record) -> None:
        """Write one question's answers and passages, with citations and how they were found, to `path`."""
        self.screen.run_worker(partial(self._export, result, path, record), name="export", group="export",
                               exclusive=True, thread=True)

    def reload(self) -> None:
        """Switch to a newer generation if `qa index` or `qa watch` published one (nothing before loading)."""
        if self.session is not None:
            self.screen.run_worker(partial(self._reload, self.session), name="reload", group="reload",
                                   exclusive=True, thread=True)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()

    # The workers themselves, each on its own thread.

    def _load(self) -> None:
        worker, post = get_current_worker(), self.screen.post_message

        def open_session() -> tuple[Session, IndexInfo]:
            session = Session.open(self.index_dir, self.factory,
                                   lambda stage, done, total: post(BuildProgress(stage, done, total)))
            return session, session.info()

        try:
            session, info = abandonable(open_session, lambda: worker.is_cancelled, self.loaded)
        except Abandoned:
            return
        except Exception as error:  # noqa: BLE001 - any failure becomes the error screen, not a crash
            post(IndexFailed(_explain(error)))
        else:
            post(IndexReady(session, info))

    def _ask(self, ticket: int, question: str, k: int, filters: Filters) -> None:
        worker = get_current_worker()
        while not self.ready.wait(0.05):
            if worker.is_cancelled:
                return
        session = self.session
        if session is None or worker.is_cancelled:
            return
        try:
            result = session.ask(question, k, filters)
        except Exception as error:  # noqa: BLE001 - shown as a notification
            self.screen.post_message(AskFailed(ticket, _explain(error)))
            return
        if not worker.is_cancelled:
            self.screen.post_message(Answered(ticket, result, filters))

    def _export(self, result: Result, path: Path, record: Record) -> None:
        from tui.export import save

        screen = self.screen
        try:
            save(result, path, record)
        except OSError as error:
            screen.app.call_from_thread(screen.notify, f"{path}: {error.strerror or error}", title="Export failed",
                                        severity="error")
        else:
            form = "JSON" if path.suffix.lower() == ".json" else "Markdown"
            screen.app.call_from_thread(screen.notify, str(path), title=f"Saved as {form}")

    def _reload(self, session: Session) -> None:
        try:
            if session.reload_if_changed():
                self.screen.post_message(IndexReloaded(session.info()))
        except Exception as error:  # noqa: BLE001 - the old generation stays in use
            self.screen.post_message(ReloadFailed(_explain(error)))
