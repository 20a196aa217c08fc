"""Publication dates as ISO `YYYY-MM-DD`, whatever form a page, feed, PDF or export gives them in."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from index.config import INDEX

_MONTHS = {name: number for number, names in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"], start=1)
    for name in names.split()}
MONTHS = _MONTHS  # month names and abbreviations -> 1..12, for reading relative dates too
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
# A year of four digits only: '99999-01-01' holds no date, however '9999-01-01' sits inside it.
_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
_PDF = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
_WORDY = re.compile(r"(?:(\d{1,2})\s+([A-Za-z]{3,9})\.?|([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?),?\s+(\d{4})")
_NUMBER = re.compile(r"\d+(?:\.\d*)?")
_BAD_YEAR = re.compile(r"[-+]?\d{5,}-\d{2}|-\d{4}-\d{2}")  # '99999-01-01', '-0001-01-01'
_EPOCH = "1970-01-01"  # the zero of Unix time: what a null date becomes, never a publication date
_REFUSED: ContextVar[list[str] | None] = ContextVar("refused_dates", default=None)


@contextmanager
def refusals() -> Iterator[list[str]]:
    """Collect the values `iso_date` refuses meanwhile (a date outside the years allowed, a number that is no
    date), so one file's reading can say how many it stored as unknown."""
    refused: list[str] = []
    token = _REFUSED.set(refused)
    try:
        yield refused
    finally:
        _REFUSED.reset(token)


def _refuse(value: object) -> None:
    refused = _REFUSED.get()
    if refused is not None and value is not None:
        refused.append(str(value)[:40])


def _checked(value: object, year: int, month: int, day: int) -> str | None:
    """The date as YYYY-MM-DD; None when there is no such day, or when `value` is refused (and noted as such):
    a year outside IndexConfig's, or 1970-01-01, the zero of Unix time, which is what a null date becomes."""
    if not INDEX.earliest_year <= year <= INDEX.latest_year:
        _refuse(value)
        return None
    try:
        found = date(year, month, day).isoformat()
    except ValueError:
        return None
    if found == _EPOCH:
        _refuse(value)
        return None
    return found


def _number(value: object, number: float) -> str | None:
    """A bare number as a date: YYYYMMDD, or epoch seconds or milliseconds as exports write them (10 or 13
    digits: from 2001 on); any other number (a year, an id, a count, 1978 read from nine digits) is no date."""
    digits = len(str(int(number))) if number >= 1 else 0
    if digits == 8 and number == int(number):
        whole = int(number)
        return _checked(value, whole // 10_000, whole // 100 % 100, whole % 100)
    seconds = number / 1000 if digits == 13 else number if digits == 10 else None
    if seconds is None:
        _refuse(value)
        return None
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return _checked(value, moment.year, moment.month, moment.day)


def iso_date(value: object) -> str | None:
    """`value` (ISO text, RFC 822, '9 Feb 2025', 'Feb 9, 2025', a PDF date, a struct_time, a datetime, epoch
    seconds) as YYYY-MM-DD; None when it states none, or one refused (see `_checked` and `_number`)."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):
        return _checked(value, value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, (datetime, date)):
        return _checked(value, value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            _refuse(value)
            return None
        return _number(value, value)
    text = str(value).strip()
    if _NUMBER.fullmatch(text):
        return _number(value, float(text))
    if match := _PDF.match(text):
        return _checked(value, *map(int, match.groups()))
    if match := _ISO.search(text):
        return _checked(value, int(match[1]), int(match[2]), int(match[3] or 1))
    if _BAD_YEAR.match(text):
        _refuse(value)  # a year no publication has
        return None
    try:
        parsed = parsedate_to_datetime(text)
        return _checked(value, parsed.year, parsed.month, parsed.day)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    if match := _WORDY.search(text):
        day, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        number = _MONTHS.get(month.lower())
        return _checked(value, int(match[5]), number, int(day)) if number else None
    return None
