"""Values returned by retrieval and answering, carried unchanged to the CLI and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from index.citation import Citation
from index.models import Passage


@dataclass(frozen=True)
class Span:
    """An answer span inside one passage, with offsets into the passage's file."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the near-identical copies folded into it."""

    passage: Passage
    score: float
    rank: int
    dense: float = 0.0
    lexical: float = 0.0
    duplicates: tuple[Passage, ...] = field(default=())
    answer: Span | None = None  # the best shown answer stated in this passage, once answers are read
    # The passage's word trigrams, computed once when copies are folded (qa/retrieve.py) and read again when
    # answers' stories are counted (qa/answer.py); None for a hit made elsewhere.
    shingles: frozenset[tuple[str, ...]] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DateSpan:
    """The calendar days a relative date ('Sunday', 'last week') means, read against its article's date."""

    words: str
    first: date
    last: date

    @property
    def iso(self) -> str:
        """`2025-02-09`, or an ISO 8601 interval `2025-02-03/2025-02-09` for several days."""
        return self.first.isoformat() if self.first == self.last else f"{self.first}/{self.last}"

    @property
    def label(self) -> str:
        """`9 Feb 2025`, `3–9 Feb 2025`, `28 Jan – 3 Feb 2025`, `Jan 2025`, `2024`."""
        first, last = self.first, self.last
        if first == last:
            return f"{first.day} {first:%b %Y}"
        if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
            return str(first.year)
        if first.day == 1 and (last + timedelta(days=1)).day == 1 and (first.year, first.month) == (last.year, last.month):
            return f"{first:%b %Y}"
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{last.day} {last:%b %Y}"
        head = f"{first.day} {first:%b}" if first.year == last.year else f"{first.day} {first:%b %Y}"
        return f"{head} – {last.day} {last:%b %Y}"


@dataclass(frozen=True)
class Source(Citation):
    """Where an answer span stands (the span's own offsets in its file), with its relative date read there."""

    resolved: DateSpan | None = None  # the answer's relative date, read against this document's date


@dataclass(frozen=True)
class Answer:
    """One answer: a verbatim span, its supporting sources and the sentence around it."""

    text: str
    score: float
    context: str
    sources: tuple[Source, ...]
    independent: int = 1
    resolved: DateSpan | None = None  # its best source's reading of a relative date ('Sunday' → 9 Feb 2025)
    # Where `text` stands in `context`, as (start, end) offsets; None where the sentence words it differently.
    in_context: tuple[int, int] | None = None


@dataclass(frozen=True)
class Step:
    """One point of a figure's timeline: a source stating an answer as current, and the day it states it so."""

    text: str  # the answer's words
    day: str  # ISO: the source's publication day, or the earlier day it names ('391 votes on Thursday')
    source: Source


@dataclass(frozen=True)
class Result:
    """Everything the tool says about one question."""

    question: str
    hits: tuple[Hit, ...]
    answers: tuple[Answer, ...] = field(default=())
    low_confidence: bool = False
    confidence: float = 0.0  # the reader's best span score minus its 'no answer' score, in logits
    # Several answers stated at about the same time: sources disagree. Several stated days apart with none
    # at the same time: the figure changed over time (a timeline, not a dispute).
    disagree: bool = False
    reason: str = ""  # why there is no passage at all (a filter no document meets), said instead of a verdict
    # How the first answer's figure changed: each source stating a figure of the same measure as current, oldest
    # day first. Older figures a source restates as replaced ('up from 4.6 million') are history, not steps.
    timeline: tuple[Step, ...] = ()
