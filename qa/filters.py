"""Date and outlet filters for a question: `--since`, `--until`, `--outlet`, parsed and checked once."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from index.errors import InputError
from index.filters import Filters

_RELATIVE = re.compile(r"(\d{1,5})\s*([dwmy])")
_UNIT_DAYS = {"d": 1, "w": 7}
FORMS = "give a date (2025-02-09), a month (2025-02), a year (2025) or an age (7d, 2w, 3m, 1y)"




def _months_back(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it has fewer days)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def parse_day(value: str, option: str, today: date, end: bool) -> str:
    """One bound as an ISO date: a month or year bound opens at its first day (`end`: closes at its last)."""
    text = value.strip().lower()
    try:
        if match := _RELATIVE.fullmatch(text):
            count, unit = int(match[1]), match[2]
            if unit in _UNIT_DAYS:
                return (today - timedelta(days=count * _UNIT_DAYS[unit])).isoformat()
            return _months_back(today, count * (12 if unit == "y" else 1)).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = map(int, text.split("-"))
            last = calendar.monthrange(year, month)[1]
            return date(year, month, last if end else 1).isoformat()
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 12 if end else 1, 31 if end else 1).isoformat()
    except (ValueError, OverflowError):
        pass  # 2025-02-30, month 13, an age reaching before year 1: reported below like any bad form
    raise InputError(f"{option} {value!r} is not a date", fix=FORMS)


def parse_filters(since: str | None = None, until: str | None = None, outlets: tuple[str, ...] | list[str] = (),
                  today: date | None = None) -> Filters:
    """Filters from the user's words; a bad date, an empty outlet or an empty range is an InputError."""
    today = today or date.today()
    if (since is not None and not since.strip()) or (until is not None and not until.strip()):
        raise InputError("a date filter is empty", fix=FORMS)
    first = parse_day(since, "--since", today, end=False) if since is not None else None
    last = parse_day(until, "--until", today, end=True) if until is not None else None
    if first and last and first > last:
        raise InputError(f"--since {first} is after --until {last}", fix="swap them, or widen the range")
    names = tuple(" ".join(name.split()) for name in outlets)
    if any(not name for name in names):
        raise InputError("--outlet is empty", fix="give an outlet's name, e.g. --outlet Yonhap")
    return Filters(first, last, tuple(dict.fromkeys(names)))
