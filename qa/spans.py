"""Typed answer candidates in a sentence: quantities, dates and names, located by character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.question import AnswerType

_SMALL = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion|bn|mn)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = (
    rf"(?:[$£€¥]|US\$|Rs\.?\s?)?(?:{_DIGITS})(?:\s?{_SCALE}|(?=\W|$))(?:\s?(?:%|percent\b|per\s?cent\b))?"
    rf"|\b(?:{_SMALL})(?:[\s-](?:{_SMALL}))?(?:\s{_SCALE})?(?:\s(?:percent|per\s?cent))?\b"
    rf"|\b(?:a|one|two|three)[\s-](?:half|third|quarter|fifth|tenth)s?\b|\bhalf\b"
    rf"|\b(?:hundreds|thousands|millions|billions|dozens|tens\s+of\s+thousands)\b|\ba\s+(?:dozen|{_SCALE})\b"
    rf"|\b(?:\w+fold|double|triple|twice|thrice)\b"
)
_HEDGE = (
    r"(?:approximately|approx\.|about|around|roughly|nearly|almost|over|more\s+than|less\s+than|"
    r"fewer\s+than|at\s+least|at\s+most|up\s+to|some|an\s+estimated|estimated|close\s+to|"
    r"just\s+over|just\s+under|as\s+many\s+as|as\s+much\s+as|as\s+few\s+as|upwards\s+of|almost)\s+"
)
QUANTITY = re.compile(
    rf"(?:\bbetween\s+(?:{_NUMBER})\s+and\s+(?:{_NUMBER})"
    rf"|\bfrom\s+(?:{_NUMBER})\s+to\s+(?:{_NUMBER})"
    rf"|(?:\b{_HEDGE})?(?:{_NUMBER})(?:\s?(?:-|–|to)\s?(?:{_NUMBER}))?)",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})s?"
_PART = r"(?:early|mid|late|the\s+end\s+of|the\s+middle\s+of|the\s+beginning\s+of|the\s+start\s+of)[\s-]+"
DATE = re.compile(
    rf"(?:\b{_PART})?(?:\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+{_YEAR})?"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+{_YEAR})?"
    rf"|\b{_MONTH}(?:\s+(?:of\s+)?(?:{_YEAR}|last\s+year|this\s+year|next\s+year))?"
    rf"|\b(?:(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)|\w+teenth|\w+th)\s+century)"
    rf"|\b(?:the\s+)?\d{{2}}0s\b|\b{_YEAR}\b(?:\s*[-–]\s*\d{{2,4}}\b)?"
    rf"|\b(?:on\s+)?{_WEEKDAY}\b"
    rf"|\b(?:last|next|this|earlier\s+this|earlier\s+last|later\s+this)\s+(?:week|month|year|summer|winter|spring|autumn|fall)"
    rf"|\b(?:yesterday|today|tomorrow))",
    re.IGNORECASE,
)

_NAME_WORD = r"(?:[A-Z][\w'’.-]*[\w.]|[A-Z])"
_NAME_JOIN = r"(?:\s+(?:of|the|for|de|del|da|van|von|al|bin|la|le|and)\s+|\s+|-)"
NAME = re.compile(rf"\b{_NAME_WORD}(?:{_NAME_JOIN}{_NAME_WORD})*")

_ORG_WORDS = re.compile(
    r"\b(?:Agency|Service|Council|Institute|Party|Ministry|University|College|Company|Inc|Corp|"
    r"Corporation|Association|Army|Union|Nations|Department|Organization|Organisation|Committee|"
    r"Bank|Court|Parliament|Assembly|Group|Foundation|Society|Office|Bureau|Commission|Forces|"
    r"Navy|Times|Post|News|Herald|Agency|Network|Club|League|Federation|Church|School|Academy)\b|^[A-Z]{2,6}$"
)
_PLACE_CUE = re.compile(r"\b(?:in|at|to|from|near|across|into|throughout|outside|inside|around)\s+(?:the\s+)?$")
_PERSON_CUE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|President|Minister|King|Queen|Sir|Lord|Pope|Saint|St|General|Gen|Leader)\.?\s+$"
)
_NOT_NAMES = re.compile(
    rf"^(?:{_MONTH}|{_WEEKDAY}|The|A|An|In|On|At|But|And|However|This|That|These|Those|It|He|She|They|"
    r"We|I|His|Her|Their|Its|Our|Many|Some|Most|After|Before|During|While|When|If|As|According|"
    r"Under|Both|Last|Despite|Given|Moreover|Meanwhile|Reports?|Read|Yes|No)$"
)


_DEMONYM = re.compile(r"(?:an|ese|ish|ic|ern)$")
_NOT_NOUN = frozenset(
    "said says say told tells was were is are has have had and or but who whom which that in at of to on for "
    "with by from as became becomes won wrote led made took gave did does will would could can may might "
    "also then later".split()
)
_TIME_UNIT = re.compile(r"^\s+(?:\w+\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries|times)\b")


@dataclass(frozen=True)
class Candidate:
    """A possible answer inside a sentence: offsets into the sentence, and how well it fits the type."""

    start: int
    end: int
    text: str
    fit: float


VAGUE = re.compile(r"^(?:hundreds|thousands|millions|billions|dozens|tens of thousands|half|a dozen)$", re.I)
_MONEY = re.compile(r"[$£€¥]|\b(?:dollars?|pounds?|euros?|yuan|yen|rupees?|won|roubles?|rubles?)\b", re.I)


def _quantities(sentence: str, money: bool, duration: bool) -> list[Candidate]:
    found = []
    for match in QUANTITY.finditer(sentence):
        text = match.group()
        before = sentence[max(0, match.start() - 12):match.start()]
        if _is_bare_year(text) or re.search(rf"{_MONTH}\s+$", before):
            continue  # a year or the day of a date is no count
        label = re.search(r"\b([A-Z][a-z]+)\.?\s+$", before)
        if label and not _NOT_NAMES.match(label.group(1)) and re.fullmatch(r"\d+", text):
            continue  # "Resolution 2397", "Flight 17": a number that names something
        # "thousands" is a figure only when nothing more precise is said.
        fit = 0.4 if VAGUE.match(text) else 0.5 if text.lower() == "one" else 1.0
        if not duration and _TIME_UNIT.match(sentence[match.end():match.end() + 20]):
            fit *= 0.5  # "four months after" counts time, not what "how many soldiers" asks about
        # A sum of money answers "how much does it cost", rarely "how many".
        if money != bool(_MONEY.search(sentence[match.start():match.end() + 12])):
            fit *= 0.6
        found.append(Candidate(match.start(), match.end(), text, fit))
    return found


def _is_bare_year(text: str) -> bool:
    """A lone four-digit year is a date, not a count."""
    return bool(re.fullmatch(r"(?:in\s+)?(?:1[5-9]\d\d|20\d\d)", text.strip()))


def _dates(sentence: str) -> list[Candidate]:
    found = []
    for match in DATE.finditer(sentence):
        text = match.group()
        if re.fullmatch(r"may", text, re.IGNORECASE) and not text[0].isupper():
            continue  # the verb, not the month
        start = match.start() + (3 if text.lower().startswith("on ") else 0)
        found.append(Candidate(start, match.end(), sentence[start:match.end()], 1.0))
    return found


def _trim_name(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading sentence-opening words that are capitalised only by position or grammar."""
    tokens = list(re.finditer(r"\S+", sentence[start:end]))
    while tokens and _NOT_NAMES.match(tokens[0].group().rstrip(".,'’")):
        tokens.pop(0)
    if not tokens:
        return None
    begin = start + tokens[0].start()
    return begin, end


def _names(sentence: str, kind: AnswerType) -> list[Candidate]:
    found = []
    for match in NAME.finditer(sentence):
        trimmed = _trim_name(sentence, match.start(), match.end())
        if trimmed is None:
            continue
        start, end = trimmed
        text = sentence[start:end].rstrip(".")
        end = start + len(text)
        if not text or _NOT_NAMES.match(text):
            continue
        before = sentence[max(0, start - 20):start]
        organisation = bool(_ORG_WORDS.search(text))
        place = bool(_PLACE_CUE.search(before)) and not organisation
        after = sentence[end:end + 15]
        following = re.match(r"\s+([a-z]+)", after)
        if _DEMONYM.search(text) and following and following.group(1) not in _NOT_NOUN \
                and not following.group(1).endswith("ed"):
            continue  # "North Korean troops": a nationality qualifying a noun, not anyone's name
        person = bool(_PERSON_CUE.search(before)) or (len(text.split()) >= 2 and not organisation and not place)
        fit = {
            AnswerType.PERSON: 1.0 if person else 0.5 if not organisation else 0.3,
            AnswerType.ORGANIZATION: 1.0 if organisation else 0.5,
            AnswerType.PLACE: 1.0 if place else 0.3 if organisation else 0.5,
        }[kind]
        found.append(Candidate(start, end, text, fit))
    return found


def candidates(sentence: str, kind: AnswerType, money: bool = False, duration: bool = False) -> list[Candidate]:
    """Spans of the sentence that could answer a question of this type (none for OTHER)."""
    if kind is AnswerType.QUANTITY:
        return _quantities(sentence, money, duration)
    if kind is AnswerType.DATE:
        return _dates(sentence)
    if kind in (AnswerType.PERSON, AnswerType.ORGANIZATION, AnswerType.PLACE):
        return _names(sentence, kind)
    return []
