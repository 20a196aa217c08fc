"""The kind of answer a question expects, which decides how equal answers are recognised (figures, dates, names)."""

from __future__ import annotations

import re
from enum import Enum

from index.dates import MONTHS, WEEKDAYS
from index.words import STOPWORDS, tokens, words


class AnswerType(Enum):
    """What an answer looks like, judged from the question's wording."""

    QUANTITY = "quantity"
    DATE = "date"
    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"
    OTHER = "other"


_QUANTITY_NOUNS = (
    "number|amount|percentage|percent|proportion|share|fraction|rate|population|size|cost|price|"
    "value|total|count|sum|figure|budget|salary|wage|stipend|fee|income|revenue|speed|distance|"
    "length|height|weight|area|depth|temperature|age"
)
_DATE_NOUNS = "year|years|date|day|month|decade|century|era|time|period|season|week|hour"
_PERSON_NOUNS = (
    "person|man|woman|people|leader|president|minister|king|queen|emperor|author|writer|official|"
    "lawmaker|politician|player|coach|scientist|artist|founder|director|chairman|chief|general|"
    "ambassador|spokesman|spokeswoman|representative|actor|singer|composer|inventor|pope|prince|"
    "princess|architect|engineer|philosopher|poet|ruler|governor|senator|mayor|ceo"
)
_ORG_NOUNS = (
    "company|organization|organisation|agency|group|team|party|university|college|school|institute|"
    "firm|band|club|newspaper|outlet|network|body|council|committee|ministry|department|government|"
    "army|corporation|association|union|alliance|league|bank|court|parliament|service"
)
_PLACE_NOUNS = (
    "city|country|state|nation|place|region|province|town|village|continent|island|river|area|"
    "location|site|capital|county|district|territory|street|building|stadium|airport|port|border|"
    "front|frontline|mountain|lake|sea|ocean"
)

_RULES: tuple[tuple[re.Pattern[str], AnswerType], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        # "Who is Wi Sung Lac?" asks for a description of a named person, not for a name.
        (r"^\s*who\s+(?:is|was|are|were)\s+(?:(?-i:[A-Z])[\w'’.-]*\s*){1,4}\??\s*$", AnswerType.OTHER),
        (r"\bhow\s+(?:many|much|long|far|old|big|large|high|tall|deep|often|fast|heavy)\b", AnswerType.QUANTITY),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_QUANTITY_NOUNS})\b", AnswerType.QUANTITY),
        # "What is the average net price …?", "what was Respivane's list price …?": a figure, however qualified.
        (rf"\bwhat\s+(?:is|was|are|were|will\s+be)\s+(?:the\s+|its\s+|their\s+|[\w-]+['’]s\s+)(?:[\w-]+\s+){{0,2}}"
         rf"(?:{_QUANTITY_NOUNS})\b", AnswerType.QUANTITY),
        (r"\bwhen\b|\bwhat\s+time\b|\bsince\s+when\b", AnswerType.DATE),
        (rf"\b(?:what|which|in\s+what|in\s+which)\s+(?:\w+\s+)?(?:{_DATE_NOUNS})\b", AnswerType.DATE),
        (r"^\s*(?:who|whom|whose)\b|\bby\s+whom\b|\b(?:who|whom)\b", AnswerType.PERSON),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_PERSON_NOUNS})\b", AnswerType.PERSON),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_ORG_NOUNS})\b", AnswerType.ORGANIZATION),
        (r"\bwhere\b|\bfrom\s+where\b", AnswerType.PLACE),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_PLACE_NOUNS})\b", AnswerType.PLACE),
    )
)


def answer_type(text: str) -> AnswerType:
    """The kind of answer a question expects; the first matching rule wins."""
    for pattern, kind in _RULES:
        if pattern.search(text):
            return kind
    return AnswerType.OTHER


def wants_latest(text: str, words: tuple[str, ...]) -> bool:
    """Whether a question asks for the newest news ('latest', 'now', 'currently'…, as the config lists them)."""
    flat = " ".join(re.findall(r"\w+", text.lower()))
    return any(re.search(rf"\b{re.escape(word)}\b", flat) for word in words)


_PAST = re.compile(r"\b(?:did|was|were|had)\b", re.IGNORECASE)
_AHEAD = re.compile(r"\b(?:will|would|expected|going\s+to|next|plans?\s+to|planned\s+to)\b", re.IGNORECASE)


def asks_past(text: str) -> bool:
    """Whether a question asks about what has happened ('when did …', 'what time was …'), not what is planned
    ('when does the recount begin?', 'when will the bridge reopen?'), which news revises."""
    return bool(_PAST.search(text)) and not _AHEAD.search(text)


_ASKED_NAME = re.compile(r"\b(?:what|which)\s+([A-Za-z]+)\b", re.IGNORECASE)


def asked_name(text: str) -> str | None:
    """The noun a 'what/which X' question asks to be named ('what resolution …' -> 'resolution')."""
    match = _ASKED_NAME.search(text)
    return match[1].lower() if match else None


# Capitalised words that name a time, not a story: the question's date is read against sources' dates instead.
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)


def story_names(text: str) -> list[str]:
    """The names a question gives its story ('How many homes did the Pine Flat Fire destroy?' -> pine, flat, fire):
    its capitalised words after the first, leaving out days, months and function words."""
    found = [token for word in words(text)[1:] if word[:1].isupper() for token in tokens(word)]
    return list(dict.fromkeys(t for t in found if len(t) > 1 and t not in _CALENDAR and t not in STOPWORDS))


_MONTH_DAY = re.compile(rf"\b({'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b",
                        re.IGNORECASE)


def asked_day(text: str) -> tuple[int, int] | None:
    """The month and day a question asks about ('… on Friday, Aug. 8?' -> (8, 8)), if it names one."""
    match = _MONTH_DAY.search(text)
    if match is None or not 1 <= int(match[2]) <= 31:
        return None
    return MONTHS[match[1].lower()], int(match[2])
