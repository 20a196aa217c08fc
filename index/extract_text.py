"""Plain-text articles: the date and outlet they state in a header line or a dateline, when they state one."""

from __future__ import annotations

import re
from datetime import datetime

from index.compose import one_line
from index.config import INDEX
from index.dates import iso_date, month_day
from index.furniture import HEADER, HEADER_ROLES, byline, dateline
from index.models import Meta

# A year or a whole date in the file's name ("2025-03-04-fire.txt", "reuters_20250304.html", "2025/fire.txt").
_NAMED_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[-_.]?(\d{2})[-_.]?(\d{2}))?(?!\d)")


def _named(path: str) -> tuple[int, str | None] | None:
    """The last year the file's name states, with the whole date when it states one."""
    for match in reversed(list(_NAMED_DATE.finditer(path))):
        whole = iso_date(f"{match[1]}-{match[2]}-{match[3]}") if match[2] and match[3] else None
        return int(match[1]), whole
    return None


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


def _dateline(text: str, reference: float) -> tuple[str | None, str | None]:
    """(published, outlet) from the first paragraph that opens with a dateline, if any does."""
    for paragraph in [p for p in re.split(r"\n\s*\n|\n", text[:4000]) if p.strip()][:8]:
        found = dateline(paragraph.strip())
        if found is None:
            continue
        published = None
        if found.month and found.day:
            published = (iso_date(f"{found.day} {found.month} {found.year}") if found.year
                         else month_day(found.month, found.day, reference))
        return published, one_line(found.outlet) if found.outlet else None
    return None, None


def text_meta(text: str, reference: float, named: str | None = None) -> Meta | None:
    """What a plain-text article says of itself in header lines, a byline or a dateline; `reference` dates a
    year-less dateline (see `named_reference`), and `named` (the date in the file's name) an undated story."""
    found: dict[str, str | None] = {}
    for line in text.splitlines()[:INDEX.header_lines]:
        if match := HEADER.match(line):
            role = HEADER_ROLES[match[1].lower()]
            value = iso_date(match[2]) if role == "published" else one_line(match[2])
            found.setdefault(role, value)
        elif written := byline(line):
            found.setdefault("author", one_line(written["name"]))
    if "published" not in found or "outlet" not in found:
        published, outlet = _dateline(text, reference)
        found.setdefault("published", published)
        found.setdefault("outlet", outlet)
    if not found.get("published") and named:
        found["published"] = named  # "CITY (Outlet) -" states no date: the file's name does
    meta = Meta(found.get("published"), found.get("outlet"), found.get("author"), found.get("url"))
    return meta if meta != Meta() else None
