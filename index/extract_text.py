"""Plain-text articles: the date and outlet they state in a header line or a dateline, when they state one."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from itertools import islice

from index.compose import lines_of, one_line
from index.config import INDEX
from index.dates import iso_date
from index.furniture import HEADER, HEADER_ROLES, byline, dateline
from index.markdown_text import is_markdown, markdown_title, plain_markdown
from index.models import Meta
from index.year import Clues, assumed_date, stated, yearless_day


def _named(path: str) -> tuple[int, str | None] | None:
    """The last year the file's name states, with the whole date when it states one."""
    found = stated(path)
    return (found.year, found.whole) if found else None


def named_date(path: str) -> str | None:
    """The whole date a file's name states ('2025-03-04-fire.txt'), if it states one."""
    found = _named(path)
    return found[1] if found else None


def named_reference(path: str, fallback: float) -> float:
    """The moment a year-less dateline is read against: the date or year the file's name states, else `fallback`."""
    found = _named(path)
    if found is None:
        return fallback
    year, whole = found
    moment = datetime.fromisoformat(whole) if whole else datetime(year, 12, 31)
    return moment.replace(hour=23, minute=59).timestamp()


def _dateline(text: str) -> tuple[str | None, str | None, tuple[str, str] | None]:
    """(published, outlet, (month, day) when it states no year) from the first paragraph that opens with a
    dateline, if any does."""
    for paragraph in [p for p in re.split(r"\n\s*\n|\n", text[:4000]) if p.strip()][:8]:
        found = dateline(paragraph.strip())
        if found is None:
            continue
        outlet = one_line(found.outlet) if found.outlet else None
        if found.month and found.day and not found.year:
            return None, outlet, (found.month, found.day)
        published = iso_date(f"{found.day} {found.month} {found.year}") if found.month and found.day else None
        return published, outlet, None
    return None, None, None


def indexed_text(name: str, text: str) -> tuple[str, str | None]:
    """The text a plain-text file is indexed as, and its title when its markup states one: Markdown's markup
    blanked to spaces (`index.markdown_text`), so passages and titles read as the page renders while every
    offset and line stays the file's."""
    if not is_markdown(name):
        return text, None
    plain = plain_markdown(text)
    opening = next((line for line in text.splitlines()[:3] if line.strip()), "")
    return plain, markdown_title(plain) if opening.lstrip(" >").startswith("#") else None


def text_meta(text: str, reference: float, named: str | None = None, clues: Clues | None = None) -> Meta | None:
    """What a plain-text article says of itself in header lines, a byline or a dateline; `named` (the date in
    the file's name) dates an undated story. A date without its year takes it from `clues` (index/year.py),
    or without them the latest such date not after `reference` (see `named_reference`), and is marked assumed."""
    found: dict[str, str | None] = {}
    yearless: tuple[str, str] | None = None  # "Date: Feb 9", "SEOUL, Feb 9 (Yonhap) --"
    for line in islice(lines_of(text), INDEX.header_lines):  # not a string for every line of the file
        if match := HEADER.match(line):
            role = HEADER_ROLES[match[1].lower()]
            value = iso_date(match[2]) if role == "published" else one_line(match[2])
            if role == "published" and value is None:
                yearless = yearless or yearless_day(match[2])
            found[role] = found.get(role) or value
        elif written := byline(line):
            found.setdefault("author", one_line(written["name"]))
    if not found.get("published") or not found.get("outlet"):
        published, outlet, stated_day = _dateline(text)
        found["published"] = found.get("published") or published
        found["outlet"] = found.get("outlet") or outlet
        yearless = yearless or stated_day
    assumed = False
    if not found.get("published") and yearless:
        given = clues or Clues(mtime=reference)
        found["published"] = assumed_date(*yearless, replace(given, url=given.url or found.get("url")))
        assumed = found["published"] is not None
    if not found.get("published") and named:
        found["published"] = named  # "CITY (Outlet) -" states no date: the file's name does
    meta = Meta(found.get("published"), found.get("outlet"), found.get("author"), found.get("url"), assumed)
    return meta if meta != Meta() else None
