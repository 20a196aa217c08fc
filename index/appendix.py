"""Stories a page appends under a 'Related Articles' marker: one per entry between blank lines, with its outlet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from index.lines import Line, split_lines
from index.paragraphs import Furnisher, Story, is_boilerplate, looks_like_heading, paragraphs, reused

# Lines after which a page lists other outlets' stories rather than continuing this one.
APPENDIX = re.compile(
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
class _Entry:
    """One entry of a 'Related Articles' list (lines between blank lines), as its first reading found it."""

    start: int
    end: int
    state: tuple[int, bool]  # the furnisher's, before its first line
    outlet: str | None
    skip_first: bool  # its first kept line is the outlet's name, not its headline


def _echo(line: Line) -> str | None:
    """The outlet a '- Outlet' line names."""
    echo = _OUTLET_ECHO.match(line.text)
    return echo.group(1).strip() if echo and len(echo.group(1).split()) <= 6 else None


def _entries(text: str, start: int, furnisher: Furnisher) -> Iterator[_Entry]:
    """The appendix's entries, each read once for its outlet: the last '- Outlet' line, else a short first line."""
    begin: int | None = None
    state, end, outlet, first, count = furnisher.state(), start, None, None, 0
    for raw in chain(split_lines(text, start), [None]):
        before = furnisher.state()
        row = furnisher.mark(raw)
        if isinstance(row, Line) and isinstance(raw, Line):  # (both or neither: marking keeps a line a line)
            if begin is None:
                begin, state, outlet, first, count = raw.start, before, None, None, 0
            end = row.end
            if _TIME_AGO.match(row.text):
                continue
            if (named := _echo(row)) is not None:
                outlet = named
                continue
            first = row.text if first is None else first
            count += 1
            continue
        if begin is None:
            continue
        if outlet and first is not None and first == outlet:
            yield _Entry(begin, end, state, outlet, True)
        elif not outlet and count >= 3 and first is not None and len(first.split()) <= 5:
            yield _Entry(begin, end, state, first, True)
        else:
            yield _Entry(begin, end, state, outlet, False)
        begin = None


def _entry_lines(text: str, entry: _Entry) -> Iterator[Line]:
    """An entry's lines that are its story: no age, no '- Outlet', no outlet line, no boilerplate."""
    furnisher = Furnisher(entry.state)
    skip = entry.skip_first
    for raw in split_lines(text, entry.start, entry.end):
        row = furnisher.mark(raw)
        if not isinstance(row, Line) or _TIME_AGO.match(row.text) or _echo(row) is not None:
            continue
        if skip:
            skip = False
            continue
        if not is_boilerplate(row.text):
            yield row


def _appended_story(part: int, text: str, entry: _Entry) -> Story | None:
    """One 'Related Articles' entry as a story: outlet, age, '- outlet', headline, body."""
    first = next(_entry_lines(text, entry), None)
    if first is None:
        return None
    made, make = reused(lambda: paragraphs(_entry_lines(text, entry), wrapped=False, wide=0))
    if made is None:
        return None
    return Story(part, first.text if looks_like_heading(first.text) else None, entry.outlet, make)


def appended_stories(text: str, start: int, furnisher: Furnisher, first_part: int) -> Iterator[Story]:
    """The stories listed from `start` (just past the marker), numbered from `first_part`; `furnisher` as the
    marker left it."""
    part = first_part
    for entry in _entries(text, start, furnisher):
        story = _appended_story(part, text, entry)
        if story is not None:
            part += 1
            yield story
