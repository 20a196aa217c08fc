"""The app's handle on one pipeline: opened off the UI thread, used by one worker at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from index.store import IndexReader
from index.filters import NO_FILTERS, Filters
from qa.models import Result


class Answerer(Protocol):
    """What the app needs from `qa.pipeline.Pipeline` (tests pass one built on a fake embedder)."""

    index_dir: Path
    reader: IndexReader

    def ask(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> Result: ...

    def reload_if_changed(self) -> bool: ...

    def close(self) -> None: ...


AnswererFactory = Callable[[Path], Answerer]
T = TypeVar("T")


@dataclass(frozen=True)
class IndexInfo:
    """What the status bar says about the open index."""

    folder: str
    documents: int
    passages: int
    updated: float
    outlets: tuple[str, ...] = ()  # every outlet the documents name, for the filter box to complete and check


def default_factory(index_dir: Path) -> Answerer:
    """The real pipeline with its default embedder and the reader the settings name."""
    from dataclasses import replace

    from qa.config import DEFAULT
    from qa.pipeline import Pipeline
    from qa.settings import load_settings

    reader = load_settings().reader
    return Pipeline(index_dir, config=replace(DEFAULT, reader=DEFAULT.reader.using(reader)))


def builds_seed_index(index_dir: Path | None) -> bool:
    """Whether opening will first build the bundled seeds' index (a slower start worth saying)."""
    if index_dir is not None:
        return False
    from index.errors import QAError
    from qa.home import chosen_index, seeds_index

    try:
        return chosen_index() is None and not (seeds_index() / "CURRENT").exists()
    except QAError:  # unreadable settings: opening the index says so, on the error screen
        return False


def resolve_index(index_dir: Path | None, progress: Callable[[str, int, int], None] | None = None) -> Path:
    """The given index folder, else QA_INDEX, the last one built or the bundled seeds' (built on first use)."""
    if index_dir is not None:
        return index_dir
    from qa.home import default_index

    return default_index(progress)


class Session:
    """A pipeline guarded by a lock, because asking and reloading run in different worker threads."""

    def __init__(self, engine: Answerer) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path | None, factory: AnswererFactory,
             progress: Callable[[str, int, int], None] | None = None) -> Session:
        """Resolve the index folder and load the pipeline (slow: reads the index, loads the model).

        `progress(stage, done, total)` follows a first-use build of the seeds' index.
        """
        return cls(factory(resolve_index(index_dir, progress)))

    def info(self) -> IndexInfo:
        """Counts and update time of the generation the pipeline is reading."""
        with self._lock:
            manifest = self.engine.reader.manifest
            outlets = sorted({d.outlet for d in self.engine.reader.listing() if d.outlet}, key=str.casefold)
            return IndexInfo(str(self.engine.index_dir), manifest.documents, manifest.passages, manifest.updated,
                             tuple(outlets))

    def ask(self, question: str, k: int, filters: Filters = NO_FILTERS) -> Result:
        with self._lock:
            if not filters.active:  # engines that know no filters (tests' stand-ins) keep working
                return self.engine.ask(question, k)
            return self.engine.ask(question, k, filters)

    def reload_if_changed(self) -> bool:
        with self._lock:
            return self.engine.reload_if_changed()

    def file_text(self, path: str) -> str | None:
        """A file's text as indexed (a web page's, feed's or PDF's extracted text), or None if not indexed."""
        with self._lock:
            found = self.engine.reader.file_text(path)
        return found[0] if found else None

    def close(self) -> None:
        with self._lock:
            self.engine.close()


def abandonable(task: Callable[[], T], cancelled: Callable[[], bool], done: threading.Event) -> T:
    """Run `task` in a daemon thread and return its result, or raise `Abandoned` if cancelled first.

    Loading the model or building the seed index cannot be interrupted; quitting meanwhile should
    not wait for it, and a daemon thread does not hold the process (index updates are crash-safe).
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(task())
        except BaseException as error:  # noqa: BLE001 - handed to the waiting worker
            failure.append(error)
        finally:
            done.set()

    done.clear()
    threading.Thread(target=target, name="newsqa-load", daemon=True).start()
    while not done.wait(0.05):
        if cancelled():
            raise Abandoned
    if failure:
        raise failure[0]
    return outcome[0]


class Abandoned(Exception):
    """The worker waiting for a background task was cancelled; the task goes on alone."""
