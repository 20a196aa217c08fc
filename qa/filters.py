"""Date and outlet filters for a question: `--since`, `--until`, `--outlet`, parsed and checked once."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from index.errors import InputError
from index.filters import Filters
from index.models import Listed
from qa.present import plural

_RELATIVE = re.compile(r"(\d{1,5})\s*([dwmy])")
_UNIT_DAYS = {"d": 1, "w": 7}
FORMS = "give a date (2025-02-09), a month (2025-02), a year (2025) or an age (7d, 2w, 3m, 1y)"
# What each filter is called in the messages: the command line's flags by default; the app's box its own labels.
FLAGS = {"since": "--since", "until": "--until", "outlet": "--outlet"}


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
                  today: date | None = None, names: Mapping[str, str] = FLAGS) -> Filters:
    """Filters from the user's words; a bad date, an empty outlet or an empty range is an InputError."""
    # `names`: what the messages call each filter, the command line's `--since` or the app's `Since:`.
    today = today or date.today()
    if (since is not None and not since.strip()) or (until is not None and not until.strip()):
        raise InputError("a date filter is empty", fix=FORMS)
    first = parse_day(since, names["since"], today, end=False) if since is not None else None
    last = parse_day(until, names["until"], today, end=True) if until is not None else None
    if first and last and first > last:
        raise InputError(f"{names['since']} {first} is after {names['until']} {last}",
                         fix="swap them, or widen the range")
    outlet_names = tuple(" ".join(name.split()) for name in outlets)
    if any(not name for name in outlet_names):
        raise InputError(f"{names['outlet']} is empty", fix=f"give an outlet's name, e.g. {names['outlet']} Yonhap")
    return Filters(first, last, tuple(dict.fromkeys(outlet_names)))


def why_empty(documents: Sequence[Listed], filters: Filters) -> str:
    """Why no passage was found: `0 of 41 documents are dated on or after 2026-09-06; the newest is from 2025-09-15`."""
    if not documents:
        return "The index holds no documents: nothing to search."
    if not filters.active:
        return "No passage in the index matches this question."
    from index.scope import matching_outlets

    pool, whose = list(documents), ""
    if filters.outlets:
        known = sorted({d.outlet for d in documents if d.outlet})
        chosen = set(matching_outlets(known, filters.outlets))
        pool = [d for d in documents if d.outlet in chosen]
        whose = f" from {' or '.join(filters.outlets)}"
    if not (filters.since or filters.until):
        return f"No passage of the {plural(len(pool), 'document')}{whose} matches this question."
    span = (f"between {filters.since} and {filters.until}" if filters.since and filters.until
            else f"on or after {filters.since}" if filters.since else f"on or before {filters.until}")
    total = plural(len(pool), "document") + whose
    dates = sorted(d.published for d in pool if d.published)
    verb = "is" if len(pool) == 1 else "are"
    if not dates:
        return f"0 of {total} {verb} dated {span}: none of them states a date."
    before = [day for day in dates if filters.since and day < filters.since]
    after = [day for day in dates if filters.until and day > filters.until]
    if before and not after:
        nearest = f"the newest is from {before[-1]}"
    elif after and not before:
        nearest = f"the oldest is from {after[0]}"
    elif before and after:
        nearest = f"the nearest are from {before[-1]} and {after[0]}"
    else:  # dated within the range, yet no passage: documents with no text to search
        nearest = f"they run from {dates[0]} to {dates[-1]}"
    undated = len(pool) - len(dates)
    left_out = f" ({undated:,} undated, which a date filter leaves out)" if undated else ""
    return f"0 of {total} {verb} dated {span}; {nearest}{left_out}."
