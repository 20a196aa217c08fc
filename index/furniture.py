"""News furniture: header lines, bylines, wire datelines and update stamps, read as metadata and never as text.

A story's first lines often say who wrote it, for whom and when ("Source: …", "By …", "SEOUL, Feb 9
(Yonhap) --"). They are the document's metadata; left in its passages they become answers (a byline's
name for "who leads …?", a header's date as a rival count). This module recognises them; `index/clean.py`
leaves them out of passages (offsets stay exact: a passage is still a verbatim slice of the file) and
`index/extract_text.py` reads the metadata from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.config import INDEX
from index.dates import MONTHS

_MONTH = "|".join(sorted((re.escape(name) for name in MONTHS), key=len, reverse=True))

HEADER = re.compile(r"^\s*(date|dated|published|pubdate|source|outlet|publisher|author|by|url|link)\s*:\s*(\S.{0,200})$",
                    re.IGNORECASE)
HEADER_ROLES = {"date": "published", "dated": "published", "published": "published", "pubdate": "published",
                "source": "outlet", "outlet": "outlet", "publisher": "outlet", "author": "author", "by": "author",
                "url": "url", "link": "url"}
# "By Maria Okafor", "By Maria Okafor and Tomas Herrera | The Harbor Tribune", "By MARIA OKAFOR, Reuters":
# a short whole line of capitalised names, never a sentence ("By Tuesday the fire had spread." ends with a stop).
_NAME = r"[A-Z][\w'’-]*\.?(?:\s+(?:[A-Z][\w'’-]*\.?|de|van|von|da|al|bin|la|le))*"
BYLINE = re.compile(rf"^\s*(?i:by)\s+(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)"
                    rf"\s*(?:[,|·/–—-]\s*(?P<outlet>[^.!?]{{2,60}}))?\s*$")
STAMP = re.compile(r"^\s*(?:updated|published|posted|last\s+modified)(?:\s+on)?\s*:?\s*\S.{0,60}$", re.IGNORECASE)
_MONTHS = rf"(?i:{_MONTH})"
# The common wire forms, with or without the year, with an en or em dash or "--":
#   CITY, St., Mon DD (Outlet) –   CITY (Reuters) -   CITY, Mon DD, YYYY (AP) —   CITY —
#   CITY, Country, Mon DD (Yonhap) --
DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,3})"
    rf"(?:,\s+(?P<region>(?!{_MONTHS}\b\.?\s+\d)[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){{0,2}}))?"
    rf"(?:,?\s+(?:(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTHS})\.?)"
    r"(?:,?\s+(?P<year>\d{4}))?)?"
    r"(?:\s*\((?P<outlet>[^()\n]{2,40})\))?"
    r"\s*(?:--|[-–—])\s+"
)
# Wire credits below a story: "Reporting by …; Editing by …", "Maria Okafor contributed reporting from Lima."
CREDIT = re.compile(r"^\s*(?:\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|translated)\s+by\b.{0,200}"
                    r"|[A-Z][\w .'’-]{2,60}\s+contributed\s+(?:to\s+this\s+(?:report|story)|reporting)\b.{0,80})$",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Dateline:
    """A wire dateline opening a paragraph: how long it is and what it says."""

    length: int  # characters to skip: the dateline and its dash
    city: str
    month: str | None
    day: str | None
    year: str | None
    outlet: str | None


def dateline(line: str) -> Dateline | None:
    """The dateline a line opens with, if any: an outlet in brackets, or a city written in capitals."""
    match = DATELINE.match(line)
    if not match:
        return None
    city, outlet = match["city"], match["outlet"]
    shouting = city.upper() == city and sum(c.isalpha() for c in city) >= 3
    if not outlet and not shouting:
        return None  # "Officials - who spoke ..." is a sentence, not a dateline
    return Dateline(match.end(), city.strip(), match["month"] or match["month2"], match["day"] or match["day2"],
                    match["year"], outlet.strip() if outlet else None)


def is_credit(line: str) -> bool:
    """Whether a whole line is a wire credit, which may stand anywhere in a story."""
    return bool(CREDIT.match(line))


def byline(line: str) -> re.Match[str] | None:
    """The byline a whole line is ('By Maria Okafor | The Harbor Tribune'), if it is a short one."""
    return BYLINE.match(line) if len(line.split()) <= INDEX.max_byline_words else None


def is_furniture(line: str) -> bool:
    """Whether a whole line is a header line, a byline or an update stamp."""
    return bool(HEADER.match(line) or byline(line) or STAMP.match(line))
