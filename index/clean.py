"""Cleaning article text: re-flowing hard wraps, dropping boilerplate, separating appended stories.

Nothing here changes the source text: every paragraph keeps the spans of the original lines it
was joined from, so any offset in cleaned text maps back into the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from index.config import INDEX
from index.furniture import dateline, is_credit, is_furniture

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

# Lines after which a page lists other outlets' stories rather than continuing this one.
_APPENDIX = re.compile(
    r"^(?:related\ (?:articles|stories|posts|news)|more\ (?:stories|news|from\ .*)|"
    r"you\ (?:may|might)\ also\ like|recommended(?:\ for\ you)?|trending(?:\ now)?|"
    r"most\ (?:read|popular))\s*:?$",
    re.IGNORECASE | re.VERBOSE,
)
_TIME_AGO = re.compile(
    r"^(?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month)s?\s+ago$", re.IGNORECASE
)
_OUTLET_ECHO = re.compile(r"^[-–—•]\s*(\S.{0,60})$")


@dataclass(frozen=True)
class Paragraph:
    """Kept text joined from one or more original lines (`pieces` are their spans)."""

    pieces: tuple[tuple[int, int], ...]
    text: str
    heading: bool

    def to_original(self, offset: int) -> int:
        """Map an offset in `text` to an offset in the original file text."""
        starts = self._starts()
        index = max(0, bisect_right(starts, offset) - 1)
        piece_start, piece_end = self.pieces[index]
        return min(piece_start + offset - starts[index], piece_end)

    def _starts(self) -> list[int]:
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


@dataclass(frozen=True)
class Story:
    """One story of a file: its kept blocks, title and (for appended stories) outlet."""

    part: int
    title: str | None
    outlet: str | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str
    furniture: bool = False  # a header line, byline, stamp or credit: metadata, never passage text
    cut: bool = False  # a dateline was cut off its start: no passage may reach back over it


def split_lines(text: str) -> list[_Line | None]:
    """The file's lines with whitespace trimmed, located in `text`; None for blank lines."""
    lines: list[_Line | None] = []
    for match in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text):
        raw = match.group().rstrip("\r\n")
        if not match.group():
            break
        stripped = raw.strip()
        if not stripped:
            lines.append(None)
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        lines.append(_Line(start, start + len(stripped), stripped))
    return lines


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is a site prompt, share bar, link line or caption credit."""
    return bool(_BOILERPLATE.match(line))


def looks_like_heading(line: str) -> bool:
    """A short line that does not end a sentence: a title or section heading."""
    return len(line.split()) <= INDEX.heading_words and not line.endswith(TERMINAL)


def _is_hard_wrapped(lines: list[_Line | None]) -> bool:
    """Whether most lines break mid-sentence, as in text wrapped at a fixed width."""
    content = [line for line in lines if line is not None]
    if len(content) < 4:
        return False
    broken = sum(
        1
        for line, following in zip(lines, lines[1:])
        if line is not None and following is not None and not line.text.endswith(TERMINAL)
        and len(line.text) >= 30
    )
    return broken >= INDEX.wrapped_share * len(content) and max(len(line.text) for line in content) <= INDEX.wrap_width


def _paragraph(lines: list[_Line]) -> Paragraph:
    text = " ".join(line.text for line in lines)
    heading = len(lines) == 1 and looks_like_heading(lines[0].text) and len(text.split()) <= 15
    return Paragraph(tuple((line.start, line.end) for line in lines), text, heading)


def _blocks(lines: list[_Line | None], wrapped: bool) -> list[Block]:
    """Group kept lines into paragraphs and blocks; boilerplate lines end a block."""
    blocks: list[Block] = []
    paragraphs: list[Paragraph] = []
    pending: list[_Line] = []
    widths = sorted(len(line.text) for line in lines if line is not None)
    wide = widths[int(0.9 * (len(widths) - 1))] if widths else 0

    def end_paragraph() -> None:
        if pending:
            paragraphs.append(_paragraph(pending))
            pending.clear()

    def end_block() -> None:
        end_paragraph()
        if paragraphs:
            blocks.append(Block(tuple(paragraphs)))
            paragraphs.clear()

    for line in lines:
        if line is None:
            end_paragraph()
        elif line.furniture or is_boilerplate(line.text):
            end_block()
        else:
            if line.cut:
                end_block()
            pending.append(line)
            short_end = line.text.endswith(TERMINAL) and len(line.text) < 0.75 * wide
            if not wrapped or short_end or (len(pending) == 1 and looks_like_heading(line.text)
                                            and len(line.text) < 0.6 * wide):
                end_paragraph()
    end_block()
    return blocks


def _title(blocks: list[Block]) -> str | None:
    """The first paragraph when it is a single line that reads as a headline, not a sentence."""
    if not blocks:
        return None
    first = blocks[0].paragraphs[0]
    if len(first.pieces) > 1 or not looks_like_heading(first.text) or len(first.text.split()) < 3:
        return None
    return first.text


def _appended_story(part: int, chunk: list[_Line]) -> Story | None:
    """Parse one 'Related Articles' entry: outlet, age, '- outlet', headline, body."""
    outlet: str | None = None
    kept: list[_Line] = []
    for line in chunk:
        echo = _OUTLET_ECHO.match(line.text)
        if _TIME_AGO.match(line.text):
            continue
        if echo and len(echo.group(1).split()) <= 6:
            outlet = echo.group(1).strip()
            continue
        kept.append(line)
    if outlet and kept and kept[0].text == outlet:
        kept = kept[1:]
    elif not outlet and len(kept) >= 3 and len(kept[0].text.split()) <= 5:
        outlet, kept = kept[0].text, kept[1:]
    kept = [line for line in kept if not is_boilerplate(line.text)]
    if not kept:
        return None
    title = kept[0].text if looks_like_heading(kept[0].text) else None
    blocks = _blocks(list(kept), wrapped=False)
    return Story(part, title, outlet, tuple(blocks)) if blocks else None


def _appendix_stories(lines: list[_Line | None], first_part: int) -> list[Story]:
    """Split the lines after an appendix marker into one story per blank-separated chunk."""
    stories: list[Story] = []
    chunk: list[_Line] = []
    for line in [*lines, None]:
        if line is not None:
            chunk.append(line)
            continue
        if chunk:
            story = _appended_story(first_part + len(stories), chunk)
            if story is not None:
                stories.append(story)
            chunk = []
    return stories


def unfurnished(lines: list[_Line | None]) -> list[_Line | None]:
    """The lines with a story's furniture marked (header lines, bylines and stamps among its first lines,
    wire credits anywhere) and its opening dateline cut off the first body line, offsets kept exact."""
    out = list(lines)
    seen, opened = 0, False
    for number, line in enumerate(out):
        if line is None:
            continue
        if is_credit(line.text):
            out[number] = _Line(line.start, line.end, line.text, furniture=True)
            continue
        if opened or seen >= INDEX.header_lines:
            continue
        seen += 1
        if is_furniture(line.text):
            out[number] = _Line(line.start, line.end, line.text, furniture=True)
            continue
        found = dateline(line.text)
        if found is not None and found.length < len(line.text):
            out[number] = _Line(line.start + found.length, line.end, line.text[found.length:], cut=True)
            opened = True
        elif not looks_like_heading(line.text):
            opened = True  # the body began without a dateline
    return out


def clean(text: str) -> list[Story]:
    """Split a file's text into its stories, each made of kept blocks of paragraphs."""
    lines = unfurnished(split_lines(text))
    appendix_at = next(
        (i for i, line in enumerate(lines) if line is not None and _APPENDIX.match(line.text)),
        len(lines),
    )
    body = lines[:appendix_at]
    blocks = _blocks(body, _is_hard_wrapped(body))
    main = Story(0, _title(blocks), None, tuple(blocks))
    stories = [main] if main.blocks else []
    return stories + _appendix_stories(lines[appendix_at + 1 :], first_part=1)
