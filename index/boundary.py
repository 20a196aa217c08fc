"""One file's reading as one boundary: whatever reading, extracting or splitting it raises becomes one warning.

Libraries raise what they like on hostile input (lxml, pypdf, feedparser, csv and json: ValueError,
KeyError, RecursionError, MemoryError, an ImportError for a part left uninstalled), and some write to
stderr through `logging` or `warnings` (pypdf: "Circular xref chain detected…"). Inside `one_file`
their records are collected, not printed: a file that is read anyway needs nothing from the user, so
they are dropped; a file that is skipped has the first of them folded into its one warning. A file whose
work runs past IndexConfig.file_seconds is stopped, where a signal can reach it (the main thread). The
rest of the folder is indexed, and `qa watch` keeps running.
"""

from __future__ import annotations

import logging
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import index.config as settings
from index.dates import refusals

SAID_CHARS = 160  # what a library's message may add to a warning line
T = TypeVar("T")


class FileTimeout(BaseException):
    """Raised into a file's work past its time; a BaseException, so no library's `except Exception` swallows it."""


@dataclass
class Heard:
    """What libraries said, and which dates were refused, while one file was read."""

    said: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class _Collector(logging.Handler):
    """Keeps log records as lines instead of letting logging's last resort print them to stderr."""

    def __init__(self, said: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.said = said

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.said.append(f"{record.name.split('.')[0]}: {record.getMessage()}")
        except Exception:  # a record whose arguments do not format says nothing worth a warning
            pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise FileTimeout into the work after `seconds`: in the main thread only (signals are delivered there),
    and only while no one else holds SIGALRM (a test runner's timeout, say)."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None))
    if not usable:
        yield
        return
    armed = True

    def expire(signum: int, frame: object) -> None:
        if armed:  # a signal landing as the work ends must not escape into the caller
            raise FileTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def one_file(heard: Heard) -> Iterator[Heard]:
    """Collect library output and refused dates into `heard`, and bound the time, of one file's reading."""
    collector = _Collector(heard.said)
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        with warnings.catch_warnings(record=True) as caught, refusals() as refused, \
                _deadline(settings.INDEX.file_seconds):
            heard.refused = refused
            try:
                yield heard
            finally:
                heard.said.extend(f"{w.category.__name__}: {w.message}" for w in caught)
    finally:
        root.removeHandler(collector)


def guarded(name: str, work: Callable[[], T]) -> tuple[T | None, Heard, str | None]:
    """Run one file's work inside its boundary: (result, what was heard, None), or (None, heard, the warning)."""
    heard = Heard()
    try:
        with one_file(heard):
            return work(), heard, None
    except (Exception, FileTimeout) as error:  # FileTimeout may land as the work ends, outside its own try
        return None, heard, failed(name, error, heard)


def _flat(text: str, limit: int = SAID_CHARS) -> str:
    """A message as one line of at most `limit` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def why(error: BaseException) -> str:
    """What went wrong reading a file, as a user reads it."""
    if isinstance(error, FileTimeout):
        return f"reading it took over {settings.INDEX.file_seconds:g} s"
    if isinstance(error, RecursionError):
        return "it nests too deep to read"
    if isinstance(error, MemoryError):
        return "reading it ran out of memory"
    if isinstance(error, ImportError):
        return f"a library it needs could not be loaded ({_flat(str(error))}); reinstall newsqa"
    return _flat(f"{type(error).__name__}: {error}")


def failed(name: str, error: BaseException, heard: Heard) -> str:
    """The one warning for a file whose reading raised `error`."""
    return with_said(f"skipped {name}: {why(error)}", heard)


def with_said(warning: str, heard: Heard) -> str:
    """A skipped file's warning with the first thing a library said about it, if anything."""
    return f"{warning} ({_flat(heard.said[0])})" if heard.said else warning


def refused_note(name: str, heard: Heard) -> str | None:
    """One line naming the dates a file stated that were stored as unknown, if any were."""
    if not heard.refused:
        return None
    count = len(heard.refused)
    low, high = settings.INDEX.earliest_year, settings.INDEX.latest_year
    return (f"{count} date{'s' if count > 1 else ''} refused in {name} ({_flat(heard.refused[0], 40)}"
            f"{', …' if count > 1 else ''}: not a date from {low} to {high}); stored as undated")
