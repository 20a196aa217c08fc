"""Reading a question: the kind of answer it expects and the words an answer sentence should share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Words, stopwords and stems live in qa.text; re-exported here for the modules that import them from here.
from qa.text import STOPWORDS, content_terms, stem, words  # noqa: F401


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

_MONEY = re.compile(
    r"\bhow\s+much\b(?!\s+(?:more|less|of|time|land|area|water|energy|power|weight))|\b(?:cost|price|paid|pay|"
    r"earn|earned|spend|spent|worth|salary|wage|stipend|fee|budget|revenue|income|money|fund|funding)\b",
    re.IGNORECASE,
)

_DURATION = re.compile(
    r"\bhow\s+(?:long|old|often)\b|\bhow\s+many\s+(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries|times)\b",
    re.IGNORECASE,
)

_RULES: tuple[tuple[re.Pattern[str], AnswerType], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        # "Who is Wi Sung Lac?" asks for a description of a named person, not for a name.
        (r"^\s*who\s+(?:is|was|are|were)\s+(?:(?-i:[A-Z])[\w'’.-]*\s*){1,4}\??\s*$", AnswerType.OTHER),
        (r"\bhow\s+(?:many|much|long|far|old|big|large|high|tall|deep|often|fast|heavy)\b", AnswerType.QUANTITY),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_QUANTITY_NOUNS})\b", AnswerType.QUANTITY),
        (r"\bwhen\b|\bwhat\s+time\b|\bsince\s+when\b", AnswerType.DATE),
        (rf"\b(?:what|which|in\s+what|in\s+which)\s+(?:\w+\s+)?(?:{_DATE_NOUNS})\b", AnswerType.DATE),
        (r"^\s*(?:who|whom|whose)\b|\bby\s+whom\b|\b(?:who|whom)\b", AnswerType.PERSON),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_PERSON_NOUNS})\b", AnswerType.PERSON),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_ORG_NOUNS})\b", AnswerType.ORGANIZATION),
        (r"\bwhere\b|\bfrom\s+where\b", AnswerType.PLACE),
        (rf"\b(?:what|which)\s+(?:\w+\s+)?(?:{_PLACE_NOUNS})\b", AnswerType.PLACE),
    )
)


@dataclass(frozen=True)
class Question:
    """A question with its expected answer type and its content words (lowercased stems)."""

    text: str
    kind: AnswerType
    terms: frozenset[str]
    focus: str | None
    money: bool = False
    duration: bool = False


def answer_type(text: str) -> AnswerType:
    """The kind of answer a question expects; the first matching rule wins."""
    for pattern, kind in _RULES:
        if pattern.search(text):
            return kind
    return AnswerType.OTHER


def _focus(text: str, kind: AnswerType) -> str | None:
    """The noun a quantity is counted in ('workers' in 'how many workers'), if the question names one."""
    if kind is not AnswerType.QUANTITY:
        return None
    match = re.search(r"\bhow\s+(?:many|much)\s+(?:\w+\s+)??(\w+)", text, re.IGNORECASE)
    return stem(match.group(1)) if match else None


def parse(text: str) -> Question:
    """Analyse a question once, for every sentence and span that will be scored against it."""
    kind = answer_type(text)
    money = kind is AnswerType.QUANTITY and bool(_MONEY.search(text))
    duration = kind is AnswerType.QUANTITY and bool(_DURATION.search(text))
    return Question(text, kind, content_terms(text), _focus(text, kind), money, duration)
