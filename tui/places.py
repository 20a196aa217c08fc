"""Places in the sources the app can show, cite and open, and how their paths and times read."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.citation import Citation
from index.models import Passage
from qa.marks import Range, marks
from qa.models import Answer, Hit, Result, Source, Span
from qa.present import display_path, full_citation, sentence_around


@dataclass(frozen=True)
class Place:
    """A region of one file to show highlighted, with the answer inside it to stress."""

    citation: Citation
    exact: str  # the file text's slice the region covers (for an answer shown alone, its words)
    quote: str | None = None  # the answer's words, which name it in lists
    span: Range | None = None  # the answer's file offsets, inside the region
    hit: Hit | None = None
    label: str = "passage"

    def marked(self) -> tuple[str, list[Range]]:
        """The region as shown (whitespace flattened), and where the answer stands in it."""
        return marks(self.exact, self.citation.start, [self.span] if self.span else [])

    def clip(self) -> str:
        """What `c` copies: the citation, then the whole sentence with the answer marked (or the passage)."""
        quoted = sentence_around(self.exact, self.citation.start, self.span) if self.span else None
        return f"{full_citation(self.citation)}\n“{quoted or ' '.join(self.exact.split())}”"


def place_of_hit(hit: Hit, span: Span | None) -> Place:
    """A ranked passage, with its answer span if it holds one."""
    return _of_passage(hit.passage, hit, span.text if span else None, (span.start, span.end) if span else None)


def place_of_copy(hit: Hit, copy: Passage, span: Span | None, answers: Sequence[Answer]) -> Place:
    """A near-identical copy of a ranked passage, the span where the answer was located in the copy."""
    source = _in_copy(hit, copy, span, answers) if span else None
    return _of_passage(copy, hit, span.text if span else None, (source.start, source.end) if source else None,
                       label="copy")


def _in_copy(hit: Hit, copy: Passage, span: Span, answers: Sequence[Answer]) -> Source | None:
    """The source, in a copy, of the answer whose source in the hit's passage is `span` (matched by offsets)."""
    for answer in answers:
        if any(s.path == hit.passage.path and (s.start, s.end) == (span.start, span.end) for s in answer.sources):
            return next((s for s in answer.sources if s.path == copy.path and copy.start <= s.start < copy.end), None)
    return None


def place_of_source(answer: Answer, source: Source, result: Result) -> Place:
    """Where an answer stands: the passage holding it when it was retrieved, else the span itself."""
    for hit in result.hits:
        for passage in (hit.passage, *hit.duplicates):
            if passage.path == source.path and passage.start <= source.start < passage.end:
                # Cited at the span's own line, which a long passage may start lines before.
                return Place(replace(passage.citation, line=source.line), passage.exact, answer.text,
                             (source.start, source.end), hit, "answer")
    # Its words stand for the file's slice: the two differ at most in whitespace.
    return Place(source, answer.text, answer.text, (source.start, source.end), None, "answer")


def _of_passage(passage: Passage, hit: Hit, quote: str | None, span: Range | None, label: str = "passage") -> Place:
    return Place(passage.citation, passage.exact, quote, span, hit, label)


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
