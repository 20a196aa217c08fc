"""Messages the workers and widgets post to the screens: plain dataclasses, one module."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from index.filters import NO_FILTERS, Filters
from qa.models import Result
from tui.places import Place
from tui.session import IndexInfo, Session


@dataclass
class IndexReady(Message):
    """The pipeline is loaded and questions can be answered."""

    session: Session
    info: IndexInfo


@dataclass
class BuildProgress(Message):
    """How far the first-use build of the seeds' index has got: a stage of `qa index` and its counts."""

    stage: str
    done: int
    total: int


@dataclass
class IndexFailed(Message):
    """The index could not be opened (missing, damaged, another model)."""

    error: str


@dataclass
class IndexReloaded(Message):
    """Another process published a new generation and the pipeline switched to it."""

    info: IndexInfo


@dataclass
class ReloadFailed(Message):
    """A newer generation exists but could not be opened; the old one stays in use."""

    error: str


@dataclass
class Answered(Message):
    """The answer to question number `ticket`, asked with `filters`."""

    ticket: int
    result: Result
    filters: Filters = NO_FILTERS


@dataclass
class AskFailed(Message):
    """Question number `ticket` could not be answered."""

    ticket: int
    error: str


@dataclass
class PlaceHighlighted(Message):
    """The cursor moved onto a place in a source (a passage, a copy of it, an answer source)."""

    place: Place
    pane: str


@dataclass
class OpenPlace(Message):
    """The user asked to read a place in its whole document."""

    place: Place


@dataclass
class SourceLoaded(Message):
    """The decoded text of the document the source view shows."""

    text: str


@dataclass
class SourceFailed(Message):
    """The document could not be read."""

    error: str
