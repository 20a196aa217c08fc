"""Places in the sources the app can show, cite and open, and how their paths and times read."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from index.models import Passage
from qa.models import Answer, Hit, Result, Source, Span
from qa.present import display_path, full_citation, sentence_around


@dataclass(frozen=True)
class Place:
    """A region of one file to show highlighted, with the answer words inside it to stress."""

    path: str
    title: str | None
    line: int
    start: int
    end: int
    text: str
    quote: str | None = None
    span: tuple[int, int] | None = None
    hit: Hit | None = None
    label: str = "passage"

    def as_source(self) -> Source:
        return Source(self.path, self.start, self.end, self.line, self.title)

    def clip(self) -> str:
        """What `c` copies: the citation, then the whole sentence with the answer marked (or the passage)."""
        quoted = (sentence_around(self.text, self.quote) if self.quote else None) or " ".join(self.text.split())
        return f"{full_citation(self.as_source())}\n“{quoted}”"


def place_of_hit(hit: Hit, span: Span | None) -> Place:
    """A ranked passage, with its answer span if it holds one."""
    return _of_passage(hit.passage, hit, span.text if span else None, (span.start, span.end) if span else None)


def place_of_copy(hit: Hit, copy: Passage, span: Span | None) -> Place:
    """A near-identical copy of a ranked passage; the span's words are looked up in it by text."""
    return _of_passage(copy, hit, span.text if span else None, None, label="copy")


def place_of_source(answer: Answer, source: Source, result: Result) -> Place:
    """Where an answer stands: the passage holding it when it was retrieved, else the span itself."""
    for hit in result.hits:
        for passage in (hit.passage, *hit.duplicates):
            if passage.path == source.path and passage.start <= source.start < passage.end:
                # Cited at the span's own line, which a long passage may start lines before.
                return replace(_of_passage(passage, hit, answer.text, (source.start, source.end), label="answer"),
                               line=source.line)
    return Place(source.path, source.title, source.line, source.start, source.end, answer.text,
                 answer.text, (source.start, source.end), None, "answer")


def _of_passage(passage: Passage, hit: Hit, quote: str | None, span: tuple[int, int] | None,
                label: str = "passage") -> Place:
    return Place(passage.path, passage.title, passage.line, passage.start, passage.end, passage.text,
                 quote, span, hit, label)


__all__ = ["Place", "ago", "display_path", "place_of_copy", "place_of_hit", "place_of_source", "spans_of"]


def spans_of(result: Result) -> tuple[Span | None, ...]:
    """One answer span (or None) per hit; none when confidence is low, as in `ask`'s output."""
    return tuple(None if result.low_confidence else hit.answer for hit in result.hits)


def ago(stamp: float, now: float | None = None) -> str:
    """How long ago a moment was, coarsely ("just now", "5 min ago", "2025-11-25")."""
    seconds = (time.time() if now is None else now) - stamp
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return time.strftime("%Y-%m-%d", time.localtime(stamp))
