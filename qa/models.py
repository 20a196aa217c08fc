"""Values returned by retrieval and answering, carried unchanged to the CLI and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.models import NO_META, Meta, Passage


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


@dataclass(frozen=True)
class Source:
    """Where an answer span stands: a file, the span's character offsets in its indexed text, its document's metadata."""

    path: str
    start: int
    end: int
    line: int
    title: str | None = None
    page: int | None = None
    meta: Meta = NO_META


@dataclass(frozen=True)
class Answer:
    """One answer: a verbatim span, its supporting sources and the sentence around it."""

    text: str
    score: float
    context: str
    sources: tuple[Source, ...]
    independent: int = 1


@dataclass(frozen=True)
class Result:
    """Everything the tool says about one question."""

    question: str
    hits: tuple[Hit, ...]
    answers: tuple[Answer, ...] = field(default=())
    low_confidence: bool = False
    confidence: float = 0.0  # the reader's best span score minus its 'no answer' score, in logits
