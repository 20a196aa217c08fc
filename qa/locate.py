"""Mapping offsets in a passage's text to offsets in its file's indexed text, through the passage's exact slice.

The index stores each passage's exact slice of its file's text (decoded, or extracted from a page, feed,
PDF or export), so citations never read a file: one edited after indexing cannot shift them.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from index.extract import lined_by_passage
from index.models import Passage
from qa.models import Hit, Source


def _visible(text: str) -> list[int]:
    """Offsets of the non-whitespace characters of text."""
    return [i for i, char in enumerate(text) if not char.isspace()]


@lru_cache(maxsize=1024)
def _alignment(exact: str, text: str) -> tuple[list[int], list[int]] | None:
    """Matching non-whitespace offsets in the exact slice and in the passage text; None if they differ."""
    in_exact, in_text = _visible(exact), _visible(text)
    if len(in_exact) != len(in_text) or any(exact[e] != text[t] for e, t in zip(in_exact, in_text)):
        return None
    return in_exact, in_text


def to_file(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """Offsets in the file's indexed text of passage.text[start:end]; the two differ only in whitespace."""
    exact = passage.exact
    if len(exact) == len(passage.text):
        # Only line breaks became spaces: offsets carry over one to one.
        return passage.start + start, passage.start + end
    aligned = _alignment(exact, passage.text)
    if aligned is not None:
        in_exact, in_text = aligned
        first, last = bisect_left(in_text, start), bisect_left(in_text, end) - 1
        if first <= last:
            return passage.start + in_exact[first], passage.start + in_exact[last] + 1
    return passage.start + start, passage.start + end


def line_of(passage: Passage, offset: int) -> int:
    """The 1-based line on disk of an offset (into the file's indexed text) inside the passage: counted from
    the passage's line in a text file; in a web page, feed or export, the passage's own line (that of the
    element or record it starts in), since the extracted text's line breaks are not the file's."""
    if lined_by_passage(passage.path):
        return passage.line
    return passage.line + passage.exact.count("\n", 0, max(0, offset - passage.start))


def page_of(passage: Passage, offset: int) -> int | None:
    """The PDF page of an offset inside the passage (passages never span a page break)."""
    return passage.page


def _find_near(passage_text: str, text: str, sentence: str) -> int | None:
    """Where a copy of a passage states the same span, preferring the copy of the same sentence."""
    anchor = passage_text.find(sentence[:40])
    at = passage_text.find(text, max(anchor, 0))
    return at if at >= 0 else None


def sources_in(hit: Hit, start: int, end: int, sentence: str) -> list[Source]:
    """Where hit.passage.text[start:end] stands: in its file, and in the near-identical copies."""
    stated = hit.passage.text[start:end]
    found = []
    for passage in (hit.passage, *hit.duplicates):
        at = start if passage is hit.passage else _find_near(passage.text, stated, sentence)
        if at is None:
            continue
        file_start, file_end = to_file(passage, at, at + len(stated))
        found.append(Source(passage.path, file_start, file_end, line_of(passage, file_start), passage.title,
                            page_of(passage, file_start), passage.meta))
    return found
