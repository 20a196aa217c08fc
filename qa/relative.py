"""Relative dates in answers ('on Sunday', 'last week', 'mid-January', 'yesterday') pinned to the calendar.

Each is read against the date of the article that says it: news reports what happened, so a bare weekday
or month is the latest one on or before that date; `next`/`tomorrow` look forward.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta

from index.dates import MONTHS, WEEKDAYS
from qa.models import Answer, DateSpan, Result, Source

_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "a few": 3}
_BY_LENGTH = sorted(MONTHS, key=len, reverse=True)  # 'september' before 'sep', so a name is matched whole
_MONTH = "|".join(_BY_LENGTH)
_PATTERNS = (
    ("weekday", re.compile(rf"\b(?:(last|next|this|past)\s+)?({'|'.join(WEEKDAYS)})\b", re.IGNORECASE)),
    ("day", re.compile(r"\b(yesterday|today|tonight|tomorrow)\b", re.IGNORECASE)),
    ("period", re.compile(r"\b(?:(earlier|later)\s+)?(last|this|next|past)\s+(week|month|year)\b", re.IGNORECASE)),
    ("ago", re.compile(rf"\b(\d{{1,3}}|{'|'.join(_COUNTS)})\s+(day|week|month|year)s?\s+ago\b", re.IGNORECASE)),
    ("part", re.compile(rf"\b(early|mid|late)[\s-]+({_MONTH})\b\.?(?!\s*\d)", re.IGNORECASE)),
    ("month_day", re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})", re.IGNORECASE)),
    ("day_month", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b\.?(?!,?\s*\d{{4}})", re.IGNORECASE)),
    # A bare month name is capitalised ('in January'); 'May' alone is too often the verb.
    ("month", re.compile(rf"\b({'|'.join(m.capitalize() for m in _BY_LENGTH if m != 'may')}|(?<=in )May)\b\.?(?!\s*\d)")),
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _latest_month(number: int, base: date) -> int:
    """The year of the latest such month that began on or before `base`."""
    return base.year if number <= base.month else base.year - 1


def _weekday(which: str | None, name: str, base: date) -> tuple[date, date]:
    target = WEEKDAYS.index(name.lower())
    back = (base.weekday() - target) % 7
    which = (which or "").lower()
    if which == "next":
        day = base + timedelta(days=(target - base.weekday()) % 7 or 7)
    elif which == "this":
        day = base + timedelta(days=target - base.weekday())  # the day of the article's own week
    else:
        day = base - timedelta(days=back or (7 if which in ("last", "past") else 0))
    return day, day


def _period(edge: str | None, which: str, unit: str, base: date) -> tuple[date, date]:
    which, unit = which.lower(), unit.lower()
    if which == "past":  # 'the past week': the days up to the article
        start = base - timedelta(days=7) if unit == "week" else _months_before(base, 1 if unit == "month" else 12)
        return start, base
    step = {"last": -1, "this": 0, "next": 1}[which]
    if unit == "week":
        monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
        first, last = monday, monday + timedelta(days=6)
    elif unit == "month":
        total = base.year * 12 + base.month - 1 + step
        first = date(total // 12, total % 12 + 1, 1)
        last = _month_end(first.year, first.month)
    else:
        first, last = date(base.year + step, 1, 1), date(base.year + step, 12, 31)
    if edge and which == "this":  # 'earlier this month' ends at the article, 'later this week' starts there
        return (first, base) if edge.lower() == "earlier" else (base, last)
    return first, last


def _span(kind: str, groups: tuple[str | None, ...], base: date) -> tuple[date, date] | None:
    if kind == "weekday":
        return _weekday(groups[0], groups[1] or "", base)
    if kind == "day":
        word = (groups[0] or "").lower()
        day = base + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0))
        return day, day
    if kind == "period":
        return _period(groups[0], groups[1] or "", groups[2] or "", base)
    if kind == "ago":
        count = int(groups[0]) if (groups[0] or "").isdigit() else _COUNTS[(groups[0] or "").lower()]
        unit = (groups[1] or "").lower()
        if unit in ("day", "week"):
            day = base - timedelta(days=count * (7 if unit == "week" else 1))
            return day, day
        day = _months_before(base, count * (12 if unit == "year" else 1))
        return (day, day) if unit == "month" else (date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == "part":
        number = MONTHS[(groups[1] or "").lower()]
        year = _latest_month(number, base)
        end = _month_end(year, number).day
        low, high = {"early": (1, 10), "mid": (11, 20), "late": (21, end)}[(groups[0] or "").lower()]
        return date(year, number, low), date(year, number, high)
    if kind in ("month_day", "day_month"):
        month, day = (groups[0], groups[1]) if kind == "month_day" else (groups[1], groups[0])
        number = MONTHS[(month or "").lower()]
        for year in (base.year, base.year - 1):  # a date given without its year is never after the article
            try:
                found = date(year, number, int(day or 0))
            except ValueError:
                return None
            if found <= base:
                return found, found
        return None
    number = MONTHS.get((groups[0] or "").lower())
    if number is None:
        return None
    year = _latest_month(number, base)
    return date(year, number, 1), _month_end(year, number)


def resolve(text: str, base: date | None) -> DateSpan | None:
    """The first relative date in `text`, read against an article published on day `base`; None if none."""
    if base is None:
        return None
    found: list[tuple[int, int, str, tuple[str | None, ...]]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found.append((match.start(), -(match.end() - match.start()), kind, match.groups()))
            break
    for start, negative_length, kind, groups in sorted(found):
        span = _span(kind, groups, base)
        if span is not None:
            words = " ".join(text[start:start - negative_length].split()).rstrip(".")
            return DateSpan(words, *span)
    return None


def pin_dates(result: Result) -> Result:
    """Each answer's relative date read against each source's article date (and the best source's on the answer)."""
    answers = []
    for answer in result.answers:
        sources = tuple(replace(s, resolved=resolve(answer.text, s.meta.day)) for s in answer.sources)
        best = next((s.resolved for s in sources if s.resolved is not None), None)
        answers.append(replace(answer, sources=sources, resolved=best))
    return replace(result, answers=tuple(answers))


def dated_answer(answer: Answer) -> str:
    """`Sunday (9 Feb 2025)`: the answer's words with the day they mean, when every dated source agrees."""
    days = {s.resolved.iso for s in answer.sources if s.resolved is not None}
    if answer.resolved is None or len(days) != 1:
        return answer.text
    return f"{answer.text} ({answer.resolved.label})"


def source_reading(answer: Answer, source: Source) -> str:
    """`Sunday = 2 Feb 2025` where this source's article dates the answer differently from the others."""
    days = {s.resolved.iso for s in answer.sources if s.resolved is not None}
    if source.resolved is None or len(days) < 2:
        return ""
    return f"{source.resolved.words} = {source.resolved.label}"
