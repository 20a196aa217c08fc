"""A file's lines read lazily: trimmed and located, a run of blank lines as one, a run of tiny lines as a gap.

No list of a file's lines is ever made: 8 million one-letter lines held 4 GB as objects. A run of
IndexConfig.tiny_run_lines lines of at most tiny_line_chars characters (a column of numbers, padding)
is skipped by one regular expression, never looked at line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import index.config as settings


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line, trimmed, located in the text (marked as furniture or cut by `paragraphs.Furnisher`)."""

    start: int
    end: int
    text: str
    furniture: bool = False  # a header line, byline, stamp or credit: metadata, never passage text
    cut: bool = False  # a dateline was cut off its start: no passage may reach back over it


class _Gap:
    """Where a run of tiny lines was dropped unread: text left out, so, like boilerplate, it ends a block."""


GAP = _Gap()
Row = Line | _Gap | None  # None: one or more blank lines

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@lru_cache(maxsize=4)
def _tiny_run(chars: int, lines: int) -> re.Pattern[str]:
    """`lines` or more whole lines of at most `chars` characters each (spaces included).

    Atomic lines and a possessive run: no CR LF read as two lines, and no backtracking state kept per
    line (a greedy run of 8 million lines held 500 MB of it).
    """
    return re.compile(rf"(?>[^\r\n]{{0,{chars}}}(?:\r\n|\r|\n)){{{lines},}}+")


def split_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[Row]:
    """The lines of `text[start:end]` trimmed and located, read lazily; one None for each run of blank lines,
    one GAP for each run of tiny ones (IndexConfig.tiny_run_lines), which is skipped without a look at its lines."""
    end = len(text) if end is None else end
    tiny = _tiny_run(settings.INDEX.tiny_line_chars, settings.INDEX.tiny_run_lines)
    at, blank = start, False
    while at < end:
        if run := tiny.match(text, at, end):
            at = run.end()
            if not run.group().isspace():
                yield GAP
            elif not blank:
                yield None
            blank = True
            continue
        match = _LINE.match(text, at, end)
        raw = match.group()
        if not raw:
            break
        at = match.end()
        raw = raw.rstrip("\r\n")
        stripped = raw.strip()
        if not stripped:
            if not blank:  # several blank lines end a paragraph as one does
                yield None
            blank = True
            continue
        blank = False
        first = match.start() + (len(raw) - len(raw.lstrip()))
        yield Line(first, first + len(stripped), stripped)
