"""Mapping offsets in a passage's text back to character offsets in its source file."""

from __future__ import annotations

import os
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from index.load import read_source
from index.models import Passage
from qa.models import Hit, Source


@lru_cache(maxsize=256)
def _file_text(path: str, mtime_ns: int, size: int) -> str | None:
    """The decoded text of a file, decoded exactly as the indexer decoded it (cached per version)."""
    source, _ = read_source(Path(path))
    return source.text if source else None


def _version(path: str) -> tuple[int, int] | None:
    """What tells one version of a file from the next: its modification time and size."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def file_text(path: str) -> str | None:
    """The current decoded text of a source file, or None if it is gone or unreadable."""
    version = _version(path)
    return _file_text(path, *version) if version else None


def _visible(text: str, begin: int, end: int) -> list[int]:
    """Offsets of the non-whitespace characters of text[begin:end]."""
    return [i for i in range(begin, end) if not text[i].isspace()]


@lru_cache(maxsize=1024)
def _alignment(path: str, version: tuple[int, int], start: int, end: int,
               passage_text: str) -> tuple[list[int], list[int]] | None:
    """Matching non-whitespace offsets in the file and in the passage text; None if they differ."""
    text = file_text(path)
    if text is None:
        return None
    in_file = _visible(text, start, min(end, len(text)))
    in_passage = _visible(passage_text, 0, len(passage_text))
    if len(in_file) != len(in_passage) or any(text[f] != passage_text[p] for f, p in zip(in_file, in_passage)):
        return None
    return in_file, in_passage


def to_file(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """File offsets of passage.text[start:end]; the texts differ only in whitespace.

    Falls back to plain addition when the file changed since indexing, so a stale file still
    gets the best available citation rather than none.
    """
    text = file_text(passage.path)
    if text is not None:
        segment = text[passage.start:passage.end]
        if len(segment) == len(passage.text) and " ".join(segment.split()) == passage.text:
            # Only line breaks became spaces: offsets carry over one to one.
            return passage.start + start, passage.start + end
    version = _version(passage.path)
    aligned = _alignment(passage.path, version, passage.start, passage.end, passage.text) if version else None
    if aligned is not None:
        in_file, in_passage = aligned
        first, last = bisect_left(in_passage, start), bisect_left(in_passage, end) - 1
        if first <= last:
            return in_file[first], in_file[last] + 1
    return passage.start + start, passage.start + end


def line_of(passage: Passage, offset: int) -> int:
    """The 1-based line of a file offset."""
    text = file_text(passage.path)
    return text.count("\n", 0, offset) + 1 if text is not None else passage.line


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
        found.append(Source(passage.path, file_start, file_end, line_of(passage, file_start), passage.title))
    return found
