"""Plain-text articles: the date and outlet they state in a header line or a dateline, when they state one."""

from __future__ import annotations

import re

from index.compose import one_line
from index.dates import iso_date, month_day
from index.models import Meta

HEADER_LINES = 12  # a header ("Date: …", "Source: …") sits above the story, never inside it
_HEADER = re.compile(r"^\s*(date|dated|published|pubdate|source|outlet|publisher|author|by|url|link)\s*:\s*(\S.{0,200})$",
                     re.IGNORECASE)
_ROLES = {"date": "published", "dated": "published", "published": "published", "pubdate": "published",
          "source": "outlet", "outlet": "outlet", "publisher": "outlet", "author": "author", "by": "author",
          "url": "url", "link": "url"}
# "SEOUL, Feb 9 (Yonhap) –", "LONDON, 9 February 2025 (Reuters) -", "KYIV (AP) —"
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .'’-]{1,40}?"
    r"(?:,\s+(?:(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Z][a-z]{2,8})\.?(?:\s+(?P<year2>\d{4}))?))?"
    r"\s*\((?P<outlet>[^()\n]{2,40})\)\s*[-–—]"
)


def _dateline(text: str, reference: float) -> tuple[str | None, str | None]:
    """(published, outlet) from the first paragraph that opens with a dateline, if any does."""
    for paragraph in [p for p in re.split(r"\n\s*\n|\n", text[:4000]) if p.strip()][:8]:
        match = _DATELINE.match(paragraph)
        if not match:
            continue
        month, day = match["month"] or match["month2"], match["day"] or match["day2"]
        year = match["year"] or match["year2"]
        published = None
        if month and day:
            published = iso_date(f"{day} {month} {year}") if year else month_day(month, day, reference)
        return published, one_line(match["outlet"])
    return None, None


def text_meta(text: str, reference: float) -> Meta | None:
    """What a plain-text article says of itself in header lines or a dateline; `reference` dates a yearless one."""
    found: dict[str, str | None] = {}
    for line in text.splitlines()[:HEADER_LINES]:
        match = _HEADER.match(line)
        if match:
            role = _ROLES[match[1].lower()]
            value = iso_date(match[2]) if role == "published" else one_line(match[2])
            found.setdefault(role, value)
    if "published" not in found or "outlet" not in found:
        published, outlet = _dateline(text, reference)
        found.setdefault("published", published)
        found.setdefault("outlet", outlet)
    meta = Meta(found.get("published"), found.get("outlet"), found.get("author"), found.get("url"))
    return meta if meta != Meta() else None
