"""Publication dates as ISO `YYYY-MM-DD`, whatever form a page, feed, PDF or export gives them in."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_MONTHS = {name: number for number, names in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"], start=1)
    for name in names.split()}
MONTHS = _MONTHS  # month names and abbreviations -> 1..12, for reading relative dates too
_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_PDF = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
_WORDY = re.compile(r"(?:(\d{1,2})\s+([A-Za-z]{3,9})\.?|([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?),?\s+(\d{4})")


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_date(value: object) -> str | None:
    """`value` (ISO text, RFC 822, '9 Feb 2025', 'Feb 9, 2025', a PDF date, a struct_time, a datetime) as YYYY-MM-DD."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):
        return _valid(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Epoch seconds (or milliseconds, as JavaScript exports write them).
        seconds = value / 1000 if value > 10**11 else value
        return datetime.utcfromtimestamp(seconds).strftime("%Y-%m-%d") if 0 < seconds < 4e9 else None
    text = str(value).strip()
    if match := _PDF.match(text):
        return _valid(*map(int, match.groups()))
    if match := _ISO.search(text):
        return _valid(int(match[1]), int(match[2]), int(match[3] or 1))
    try:
        return parsedate_to_datetime(text).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError):
        pass
    if match := _WORDY.search(text):
        day, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        number = _MONTHS.get(month.lower())
        return _valid(int(match[5]), number, int(day)) if number else None
    return None


def month_day(month: str, day: str, reference: float) -> str | None:
    """A date stated without its year ('Feb 9'): the latest such date not after `reference` (epoch seconds)."""
    number = _MONTHS.get(month.lower().rstrip("."))
    if not number:
        return None
    year = datetime.fromtimestamp(reference).year
    found = _valid(year, number, int(day))
    if found and found > datetime.fromtimestamp(reference).strftime("%Y-%m-%d"):
        found = _valid(year - 1, number, int(day))  # a dateline is never later than the file
    return found
