"""Cleaning article text: re-flowing hard wraps, dropping boilerplate, separating appended stories.

Nothing here changes the source text: every paragraph keeps the spans of the original lines it
was joined from, so any offset in cleaned text maps back into the file.

Lines are read lazily, twice (once for what a story needs to know of all its lines, once to make its
paragraphs: `index.lines`), and a story's paragraphs are made as they are consumed (`index.paragraphs`):
memory follows the file's bytes and the passages made, never its count of lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from index.appendix import APPENDIX, appended_stories
from index.config import INDEX
from index.lines import Line, Row, split_lines
from index.paragraphs import (TERMINAL, Block, Furnisher, Paragraph, Story, is_boilerplate, looks_like_heading,
                              paragraphs, reused, unfurnished)

__all__ = ["Block", "Paragraph", "Story", "clean", "is_boilerplate", "looks_like_heading", "stories"]


@dataclass(frozen=True)
class _Shape:
    """What making a story's paragraphs needs to know of all its lines first."""

    wrapped: bool  # most lines break mid-sentence, as in text wrapped at a fixed width
    wide: int  # a high quantile of line widths (INDEX.width_quantile): a line well short of it ends its paragraph
    appendix: Line | None  # the line after which a page lists other outlets' stories


def _shape(rows: Iterable[Row]) -> _Shape:
    """One pass over the lines up to an appendix marker, keeping counts, never the lines."""
    content = broken = widest = 0
    widths: Counter[int] = Counter()
    previous: Line | None = None
    marker = None
    for row in rows:
        if not isinstance(row, Line):
            previous = None
            continue
        if APPENDIX.match(row.text):
            marker = row
            break
        if previous is not None and len(previous.text) >= INDEX.run_on_chars and not previous.text.endswith(TERMINAL):
            broken += 1
        content += 1
        widths[len(row.text)] += 1
        widest = max(widest, len(row.text))
        previous = row
    wrapped = content >= INDEX.wrap_lines and broken >= INDEX.wrapped_share * content and widest <= INDEX.wrap_width
    wide, rank = 0, int(INDEX.width_quantile * (content - 1))
    for width in sorted(widths):
        rank -= widths[width]
        if rank < 0:
            wide = width
            break
    return _Shape(wrapped, wide, marker)


def _title(first: Paragraph) -> str | None:
    """The first paragraph when it is a single line that reads as a headline, not a sentence."""
    if len(first.pieces) > 1 or not looks_like_heading(first.text) or len(first.text.split()) < 3:
        return None
    return first.text


def stories(text: str) -> Iterator[Story]:
    """A file's stories as they are needed: its own, then one per entry listed after a 'Related Articles' marker."""
    furnisher = Furnisher()
    shape = _shape(map(furnisher.mark, split_lines(text)))
    body_end = shape.appendix.start if shape.appendix is not None else len(text)

    first, body = reused(lambda: paragraphs(unfurnished(split_lines(text, 0, body_end)), shape.wrapped, shape.wide))
    if first is not None:
        yield Story(0, _title(first[1]), None, body)
    if shape.appendix is None:
        return
    yield from appended_stories(text, shape.appendix.end, furnisher, first_part=1)


def clean(text: str) -> list[Story]:
    """Split a file's text into its stories, each made of kept blocks of paragraphs (see `stories`)."""
    return list(stories(text))
