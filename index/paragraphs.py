"""Kept lines grouped into paragraphs and blocks: boilerplate and news furniture left out, hard wraps re-flowed.

Nothing here changes the source text: every paragraph keeps the spans of the original lines it was
joined from, so any offset in cleaned text maps back into the file. A story's paragraphs are made as
they are consumed (`Story.paragraphs`), never held all at once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, groupby

from index.config import INDEX
from index.furniture import dateline, is_credit, is_furniture
from index.lines import Line, Row

TERMINAL = tuple('.!?…"”’\')')

_BOILERPLATE = re.compile(
    r"""^(?:
        leave\ a\ (?:comment|reply).* | post\ a\ comment | comments?(?:\ \(\d+\))?:? |
        no\ comments(?:\ yet)?\W* | close | continue\ reading\W* | read\ more\W* |
        subscribe\b.* | discover\ more\ from\ .* | sign\ (?:up|in)\b.* | log\ ?in\b.* |
        hashtags?:? | try\ our\ ai\ features | explore\ what\ .*\ can\ do\ for\ you:? |
        share(?:\ this)?(?:\ (?:article|story|post|page))?:? | share\ (?:on|via|to)\ .* |
        (?:facebook|twitter|x|whatsapp|linkedin|e-?mail|print|telegram|reddit|pinterest|copy\ link)
            (?:\s*[|·•,]\s*(?:facebook|twitter|x|whatsapp|linkedin|e-?mail|print|telegram|reddit|
            pinterest|copy\ link))* |
        advertisement | sponsored(?:\ content)? | skip\ to\ (?:main\ )?content |
        (?:also\ )?read\s*:.* | (?:read|see)\ (?:also|next)\b.* | click\ here\b.* |
        follow\ us\b.* | (?:copyright|©).* | all\ rights\ reserved.* | tags?\s*:.* |
        \d+\ min(?:ute)?s?\ read | (?:updated|published|posted)(?:\ on)?\s*:?\s*\S.{0,40} |
        .*\bnewsletter\b.{0,60} | (?:photo|photograph|image|picture|credit)s?\s*:.* |
        .*\b(?:photo|photograph)\s*:\s*[^.]{0,80}\.?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

@dataclass(frozen=True, slots=True)
class Paragraph:
    """Kept text joined from one or more original lines (`pieces` are their spans)."""

    pieces: tuple[tuple[int, int], ...]
    text: str
    heading: bool

    def to_original(self, offset: int, starts: list[int] | None = None) -> int:
        """Map an offset in `text` to an offset in the original file text (`starts`: `starts()`, when known)."""
        starts = self.starts() if starts is None else starts
        index = max(0, bisect_right(starts, offset) - 1)
        piece_start, piece_end = self.pieces[index]
        return min(piece_start + offset - starts[index], piece_end)

    def starts(self) -> list[int]:
        """Offsets in `text` at which each piece begins."""
        starts, position = [], 0
        for start, end in self.pieces:
            starts.append(position)
            position += end - start + 1
        return starts


@dataclass(frozen=True)
class Block:
    """Paragraphs with nothing dropped between them: a passage may span them, never beyond."""

    paragraphs: tuple[Paragraph, ...]


Made = Iterator[tuple[int, Paragraph]]  # (block number, paragraph): a story's kept paragraphs in order


@dataclass(frozen=True, eq=False)
class Story:
    """One story of a file: its title, (for appended stories) outlet, and its paragraphs, made anew on each call."""

    part: int
    title: str | None
    outlet: str | None
    make: Callable[[], Made] = field(repr=False)

    def paragraphs(self) -> Made:
        """Each kept paragraph with its block's number, made as it is consumed: no story is ever held whole."""
        return self.make()

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The kept paragraphs as blocks, all at once: for looking at a story, not for splitting a large one."""
        return tuple(Block(tuple(p for _, p in group)) for _, group in groupby(self.paragraphs(), key=_block_of))


def _block_of(made: tuple[int, Paragraph]) -> int:
    return made[0]


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is a site prompt, share bar, link line or caption credit."""
    return bool(_BOILERPLATE.match(line))


def looks_like_heading(line: str) -> bool:
    """A short line that does not end a sentence: a title or section heading."""
    return len(line.split()) <= INDEX.heading_words and not line.endswith(TERMINAL)


class Furnisher:
    """Marks a story's furniture line by line: header lines, bylines and stamps among its first lines, wire credits
    anywhere; and cuts its opening dateline off the first body line, offsets kept exact."""

    def __init__(self, state: tuple[int, bool] = (0, False)) -> None:
        self.seen, self.opened = state

    def state(self) -> tuple[int, bool]:
        """Where it stands: first lines seen, and whether the body has begun (to resume on a later line)."""
        return self.seen, self.opened

    def mark(self, row: Row) -> Row:
        """The row as furniture, cut, or as it was."""
        if not isinstance(row, Line):
            return row
        if is_credit(row.text):
            return Line(row.start, row.end, row.text, furniture=True)
        if self.opened or self.seen >= INDEX.header_lines:
            return row
        self.seen += 1
        if is_furniture(row.text):
            return Line(row.start, row.end, row.text, furniture=True)
        found = dateline(row.text)
        if found is not None and found.length < len(row.text):
            self.opened = True
            return Line(row.start + found.length, row.end, row.text[found.length:], cut=True)
        if not looks_like_heading(row.text):
            self.opened = True  # the body began without a dateline
        return row


def unfurnished(rows: Iterable[Row]) -> Iterator[Row]:
    """The rows with a story's furniture marked and its opening dateline cut (see `Furnisher`)."""
    return map(Furnisher().mark, rows)


def _paragraph(lines: list[Line]) -> Paragraph:
    text = " ".join(line.text for line in lines)
    heading = len(lines) == 1 and looks_like_heading(lines[0].text) and len(text.split()) <= 15
    return Paragraph(tuple((line.start, line.end) for line in lines), text, heading)


def paragraphs(rows: Iterable[Row], wrapped: bool, wide: int) -> Made:
    """Group kept lines into paragraphs, numbered by block; boilerplate, furniture and gaps end a block."""
    block, filled = 0, False  # filled: the current block has a paragraph
    pending: list[Line] = []
    for row in rows:
        line = row if isinstance(row, Line) and not row.furniture and not is_boilerplate(row.text) else None
        ends_block = row is not None and (line is None or line.cut)  # no passage reaches back over a cut dateline
        if pending and (row is None or ends_block):
            yield block, _paragraph(pending)
            pending, filled = [], True
        if ends_block and filled:
            block, filled = block + 1, False
        if line is None:
            continue
        pending.append(line)
        short_end = line.text.endswith(TERMINAL) and len(line.text) < INDEX.short_end_share * wide
        if not wrapped or short_end or (len(pending) == 1 and looks_like_heading(line.text)
                                        and len(line.text) < INDEX.heading_share * wide):
            yield block, _paragraph(pending)
            pending, filled = [], True
    if pending:
        yield block, _paragraph(pending)


def reused(make: Callable[[], Made]) -> tuple[tuple[int, Paragraph] | None, Callable[[], Made]]:
    """The first paragraph `make` gives, and `make` again, whose first call goes on from that look rather than
    reading the lines once more (a file of 100,000 one-line records is 100,000 stories)."""
    started = make()
    first = next(started, None)
    kept = [chain([first], started)] if first is not None else []
    return first, lambda: kept.pop() if kept else make()
