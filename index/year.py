"""The year of a date stated without one ("SEOUL, Feb 9 (Yonhap) --"), and never today's year silently.

It is taken, in order, from the file's name (or its folder's), its URL, the feed or export it came in,
the other documents of its folder, and last the file's modification time. Whatever gives it, the year is
assumed, and the document says so (`Meta.date_assumed`).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import islice

from index.config import INDEX
from index.dates import MONTHS, iso_date
from index.extract import SUFFIXES
from index.furniture import HEADER, HEADER_ROLES, dateline

# A year or a whole date in a name or URL ("2025-03-04-fire.txt", "reuters_20250304.html", "2025/fire.txt",
# "https://example.com/2025/03/04/fire").
_STATED = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[-_./]?(\d{2})[-_./]?(\d{2}))?(?!\d)")
_MONTH = "|".join(sorted((re.escape(name) for name in MONTHS), key=len, reverse=True))
# "Feb 9", "9 February", "Monday, Feb. 9": a header's date without its year.
_MONTH_DAY = re.compile(rf"\b(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH}))\b",
                        re.IGNORECASE)
_TEXT_SUFFIXES = (".txt", ".md")  # siblings whose opening is read for a date; any other is dated by its name
_OPENING_BYTES = 4096  # a sibling's header and dateline sit in its first lines


@dataclass(frozen=True)
class Stamp:
    """What a name, URL or document states of its time: a year, and the whole date when it states one."""

    year: int
    whole: str | None = None


@dataclass(frozen=True)
class Clues:
    """Where a year-less date of one file may take its year from, in the order they are tried."""

    name: str = ""  # the file's name and its folder's ('2025/story.txt')
    url: str | None = None
    container: str | None = None  # the feed's or export's own date (ISO), for one of its entries (its extractor's)
    path: str | None = None  # the file itself: its folder's other documents are asked, it is not
    mtime: float | None = None


def stated(text: str | None) -> Stamp | None:
    """The last whole date a name or URL states, else the last year it states: '2025-04-14-lawsuit-march-2024'
    is dated 2025-04-14 (the story's date), its '2024' being what the story is about."""
    stamps = [Stamp(int(match[1]), iso_date(f"{match[1]}-{match[2]}-{match[3]}") if match[2] and match[3] else None)
              for match in _STATED.finditer(text or "")
              if INDEX.earliest_year <= int(match[1]) <= INDEX.latest_year]
    return next((stamp for stamp in reversed(stamps) if stamp.whole), stamps[-1] if stamps else None)


def yearless_day(text: str) -> tuple[str, str] | None:
    """(month, day) of a date written without its year ('Feb 9', 'Monday, 9 February'), if the text holds one."""
    match = _MONTH_DAY.search(text)
    if not match:
        return None
    return (match["month"], match["day"]) if match["month"] else (match["month2"], match["day2"])


def _on(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None  # Feb 29 of a common year
    return found if INDEX.earliest_year <= year <= INDEX.latest_year else None


def _not_after(month: int, day: int, limit: date) -> date | None:
    """The latest `month`-`day` not after `limit`: a story is written before the file, feed or name that holds it."""
    for year in range(limit.year, limit.year - 8, -1):  # Feb 29 may be a few years back
        found = _on(year, month, day)
        if found is not None and found <= limit:
            return found
    return None


def _from_stamp(month: int, day: int, stamp: Stamp) -> date | None:
    if stamp.whole:
        return _not_after(month, day, date.fromisoformat(stamp.whole))
    return _on(stamp.year, month, day)


def _opening_stamp(path: str) -> Stamp | None:
    """The date a text file's header lines or dateline state with their year."""
    try:
        with open(path, "rb") as handle:
            opening = handle.read(_OPENING_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    lines = opening.splitlines()
    for line in islice(lines, INDEX.header_lines):
        if (match := HEADER.match(line)) and HEADER_ROLES[match[1].lower()] == "published":
            if found := iso_date(match[2]):
                return Stamp(int(found[:4]), found)
    for line in [line for line in lines if line.strip()][:8]:
        found_line = dateline(line.strip())
        if found_line is not None and found_line.year and found_line.month and found_line.day:
            if found := iso_date(f"{found_line.day} {found_line.month} {found_line.year}"):
                return Stamp(int(found[:4]), found)
    return None


@lru_cache(maxsize=8192)
def _sibling_stamp(path: str, mtime_ns: int) -> Stamp | None:
    """A sibling's date: from its name, else (a text file) from its opening; cached while the file is unchanged."""
    del mtime_ns  # only the cache's key: an edited sibling is read again
    found = stated(os.path.basename(path))
    if found is None and path.lower().endswith(_TEXT_SUFFIXES):
        found = _opening_stamp(path)
    return found


def _siblings(path: str) -> list[Stamp]:
    """The dates of the files nearest `path` in name order in its folder, at most `INDEX.year_siblings` read."""
    folder, own = os.path.split(path)
    try:
        with os.scandir(folder or ".") as entries:
            names = sorted(entry.name for entry in entries  # the folder's other documents, not its images
                           if entry.name != own and not entry.name.startswith(".")
                           and os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file())
    except OSError:
        return []
    at = sum(1 for name in names if name < own)
    # Nearest first, alternating after and before: a folder sorted by date puts the likeliest year closest.
    order = sorted(range(len(names)), key=lambda i: (abs(i - at + 0.5), i))[:INDEX.year_siblings]
    stamps: list[Stamp] = []
    for i in order:  # only these are stat'ed and read: a folder of 10,000 files costs a listing, not 10,000 reads
        sibling = os.path.join(folder, names[i])
        try:
            changed = os.stat(sibling).st_mtime_ns
        except OSError:
            continue
        if (stamp := _sibling_stamp(sibling, changed)) is not None:
            stamps.append(stamp)
    return stamps


def _from_siblings(month: int, day: int, stamps: list[Stamp]) -> date | None:
    """The folder's most common year (ties: the nearest sibling's); the year before or after only where that
    puts the date within `INDEX.year_wrap_days` of a sibling's date and the folder's year does not (Dec 30
    among January stories)."""
    counts = Counter(stamp.year for stamp in stamps)
    year = max(counts, key=lambda y: (counts[y], -next(i for i, s in enumerate(stamps) if s.year == y)))
    dates = [date.fromisoformat(stamp.whole) for stamp in stamps if stamp.whole]

    def near(found: date | None) -> bool:
        return found is not None and any(abs((found - other).days) <= INDEX.year_wrap_days for other in dates)

    chosen = _on(year, month, day)
    if not near(chosen):
        for other in (year - 1, year + 1):
            if near(candidate := _on(other, month, day)):
                return candidate
    return chosen


def _day_of(timestamp: float) -> date | None:
    """The local day of a modification time; None for one no calendar holds (NaN, year 33658: `touch -d`)."""
    try:
        return datetime.fromtimestamp(timestamp).date()
    except (ValueError, OverflowError, OSError):
        return None


def assumed_date(month: str, day: str, clues: Clues) -> str | None:
    """The ISO date a year-less `month` `day` most likely is, by `clues` in order; None when nothing says."""
    number = MONTHS.get(month.lower().rstrip("."))
    if not number or not day.isdigit():
        return None
    found: date | None = None
    for stamp in (stated(clues.name), stated(clues.url)):
        if stamp is not None:
            found = _from_stamp(number, int(day), stamp)
            break
    else:
        if clues.container and (container := iso_date(clues.container)):
            found = _not_after(number, int(day), date.fromisoformat(container))
        elif clues.path and (stamps := _siblings(clues.path)):
            found = _from_siblings(number, int(day), stamps)
        elif clues.mtime is not None and (modified := _day_of(clues.mtime)) is not None:
            found = _not_after(number, int(day), modified)
    return found.isoformat() if found else None
