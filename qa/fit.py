"""Whether a proposed answer has the shape its question asks for: a person's whole name, a clock time."""

from __future__ import annotations

import re

from index.dates import WEEKDAYS
from index.words import STOPWORDS, WORD
from qa.config import DEFAULT
from qa.group import NUMBER_WORDS
from qa.measure import CLOCK, FIGURE, MONTH_NAME, ON_WEEKDAY
from qa.question import AnswerType
from qa.sentences import sentence_at

WORDS = DEFAULT.words

# A title before a name belongs to it: "Dr. Samuel Pike" is the coroner, "Pike" half of him.
_TITLE = re.compile(r"(?:Dr|Mr|Mrs|Ms|Gov|Sen|Rep|Gen|Col|Capt|Lt|Sgt|Rev|Prof|Judge|Mayor|Chief)\.?$")
_CAPITAL = re.compile(r"[A-Z][\w'’-]*")
_WHAT_TIME = re.compile(r"\b(?:what|which)\s+time\b|\bat\s+what\s+hour\b", re.IGNORECASE)
_SENTENCE_END = ".!?\"“”\n"
# "Who is the coroner?", "who leads the union?" ask for the holder of a role, a name; "who elects the
# parliament?" asks for an agent, as often a group ('citizens'): on SQuAD dev (seed 7, 300) preferring
# names for every 'who' cost 1 point of exact match, for role questions nothing.
_ROLE_HOLDER = re.compile(r"^\s*who\s+(?:is|was|are|were|leads|led|heads|headed|runs|ran|chairs|chaired|speaks\s+for|"
                          r"represents|manages|directs|coaches|owns|founded)\b", re.IGNORECASE)


def whole_name(text: str, start: int, end: int) -> int:
    """Where a lone capitalised word (a surname) starts once the first name and title before it are taken in."""
    if " " in text[start:end].strip() or not _CAPITAL.fullmatch(text[start:end]):
        return start
    for _ in range(WORDS.name_words_before):
        before = text[:start]
        match = re.search(r"(\S+) $", before)
        if match is None:
            break
        word = match[1]
        if not (_CAPITAL.fullmatch(word) or _TITLE.fullmatch(word)) or _sentence_start(text, match.start(1)):
            break
        start = match.start(1)
    return start


# A measure is stated with its unit: "1.4 million tonnes", not "1.4 million" (the counted noun, as in
# "4,000 workers", stays outside: it repeats the question).
_UNIT = re.compile(r"\s(?:(?:square|cubic)\s)?(?:tonnes|tons|acres|hectares|feet|foot|inches|miles|kilometres|"
                   r"kilometers|km|metres|meters|gallons|litres|liters|barrels|pounds|kilograms|kg|degrees|percent|"
                   r"per cent|percentage points|points|megawatts|MW|mph)\b", re.IGNORECASE)
_FROM_OLDER = re.compile(r",?\s+(?:(?:up|down)\s+)?from\s+(?:about\s+|roughly\s+|nearly\s+|the\s+|an?\s+)?(?=[$€£]?\d)",
                         re.IGNORECASE)
_DATE_RUNS_ON = re.compile(r",\s+(?!\d{4}\b|\d{1,2}(?::\d{2})?\s*[ap]\.?m)")
# A share is of something: 'up to 4% of a company's annual global turnover' answers 'how much can it fine?'
# where '4%' does not; the phrase ends at a clause's edge or a preposition ('… turnover for serious breaches').
_SHARE_OF = re.compile(r"\s+of\s+(?:(?:the|a|an|its|their|his|her|[A-Z][\w-]*['’]s|[a-z]+['’]s)\s+)?"
                       r"(?:(?!(?:for|in|on|at|by|from|to|with|and|or|that|which|who|since|after|before|is|are|was|were|has|have|"
                       r"had|will|would|can|could|may|said|says)\b)[\w'’-]+\s*){1,4}")
_BARE_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_RANGE = re.compile(r"\s(?:and|to|through)\s")
_BETWEEN = re.compile(r"\b(?:between|from)\s$", re.IGNORECASE)
_PART_OF_DAY = re.compile(r"\s(?:morning|afternoon|evening|night)\b", re.IGNORECASE)
_WEEKDAY_NAME = "|".join(day.capitalize() for day in WEEKDAYS)
_WEEKDAY = re.compile(rf"(?:{_WEEKDAY_NAME})$")
_WEEKDAY_BEFORE = re.compile(rf"(?:{_WEEKDAY_NAME}) $")
_PARTS = re.compile(r"(?:morning|afternoon|evening|night)$", re.IGNORECASE)


def completed(question: str, text: str, start: int, end: int, kind: AnswerType,
              newest: bool = False) -> tuple[int, int]:
    """A span with the words that finish it: a figure's unit (unless the question names it: 'how many
    acres'), a range's 'between', a weekday's part of the day ('Monday evening'); with `newest` (a 'latest'
    question), a figure without the older one it replaces."""
    span = text[start:end]
    if newest and kind is AnswerType.QUANTITY and (older := _FROM_OLDER.search(span)):
        # For the newest figure, '19 on Monday, from 46' states the 19; the 46 is the story's history.
        end = start + older.start()
        if when := ON_WEEKDAY.search(text, start, end):
            end = when.start()  # '19 on Monday': the day is when it was so, not what it counts
        span = text[start:end]
    # A bare number answers 'what is flood stage …?' too: "22 feet", whatever the question's wording.
    measure = kind is AnswerType.QUANTITY or (kind is AnswerType.OTHER and _BARE_NUMBER.fullmatch(span))
    if measure and span[-1:].isalnum() and re.search(r"\d|million|billion", span):
        unit = _UNIT.match(text, end)
        if unit and unit[0].split()[-1].lower() not in question.lower().split():
            return start, unit.end()
    if (kind is AnswerType.QUANTITY and re.search(r"(?:%|\bpercent)$", span) and "percent" not in question.lower()
            and (share := _SHARE_OF.match(text, end))
            and not set(re.findall(r"[a-z]+", share[0].lower())[1:]) <= set(re.findall(r"[a-z]+", question.lower()))):
        return start, start + len(text[start:share.end()].rstrip())  # unless the question names it ('of the vote')
    if kind is AnswerType.DATE and (comma := _DATE_RUNS_ON.search(span)):
        end = start + comma.start()  # 'Sept. 5, three days' is 'Sept. 5'; 'Sept. 5, 2025' stays whole
        span = text[start:end]
    if kind is AnswerType.DATE and _RANGE.search(span) and (between := _BETWEEN.search(text, max(0, start - 9), start)):
        return between.start(), end  # 'between September 2022 and February 2025': without it, two dates
    if kind is AnswerType.DATE:
        if _WEEKDAY.search(span) and (part := _PART_OF_DAY.match(text, end)):
            return start, part.end()
        if _PARTS.fullmatch(span) and (day := _WEEKDAY_BEFORE.search(text, max(0, start - 12), start)):
            return day.start(), end
    return start, end


def _sentence_start(text: str, at: int) -> bool:
    """Whether a word at text[at] opens a sentence (its capital says nothing about it being a name)."""
    before = text[:at].rstrip()
    if before.endswith(".") and _TITLE.fullmatch(before.rsplit(None, 1)[-1]):
        return False  # "Dr. Samuel": a title's stop ends no sentence
    return not before or before[-1] in _SENTENCE_END


_BY_HOW_MUCH = re.compile(r"\bby\s+how\s+much\b", re.IGNORECASE)
_BY_BEFORE = re.compile(r"\bby\s$", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b", re.IGNORECASE)
_WHAT_DAY = re.compile(r"\b(?:what|which)\s+(?:day|date)\b", re.IGNORECASE)
_DAY = re.compile(rf"{MONTH_NAME}|\b(?:{'|'.join(WEEKDAYS)}|today|yesterday|tomorrow|tonight)\b|\d{{4}}-\d{{2}}-\d{{2}}|"
                  r"\b\d{1,2}/\d{1,2}\b", re.IGNORECASE)


def fits(question: str, kind: AnswerType, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] can be what the question asks for: the holder of a role ('who is the coroner?')
    is named (a capitalised word that does not just open its sentence, and no figure); a 'what time' answer
    is a time of day, a 'what day' answer a day; a 'how many' or 'how much' answer states a figure ('several'
    and 'Volunteers' do not, '2,000' and 'seven' do), a 'by how much' one the size of a change."""
    span = text[start:end]
    if kind is AnswerType.QUANTITY and _BY_HOW_MUCH.search(question):
        # The size of a change: a percentage, or a figure told as one ('raised it by $71'), not the new level.
        return bool(FIGURE.search(span)) and ("%" in span or "percent" in span.lower()
                                              or bool(_BY_BEFORE.search(text, max(0, start - 4), start)))
    if kind is AnswerType.QUANTITY and _HOW_MANY.search(question):
        return bool(FIGURE.search(span))
    if kind is AnswerType.PERSON and _ROLE_HOLDER.search(question):
        if any(char.isdigit() for char in span):
            return False
        capitals = [m for m in _CAPITAL.finditer(span)]
        return len(capitals) >= 2 or any(not _sentence_start(text, start + m.start()) for m in capitals)
    if kind is AnswerType.DATE and _WHAT_TIME.search(question):
        return bool(CLOCK.search(span))
    if kind is AnswerType.DATE and _WHAT_DAY.search(question):
        return bool(_DAY.search(span))
    return True


# A code naming one of a family: a model ('CG-200'), an aircraft ('A320'), a flight or route number ('F-35').
_CODE = re.compile(r"\b([A-Z]{1,4})-?(\d[\w]*)\b")


def about_another(question: str, text: str, start: int, end: int) -> bool:
    """Whether the sentence holding text[start:end] names another member of a family the question names by
    code, and not the asked one: 'The CG-250 sold for about $119' answers no question about the CG-200."""
    asked = {(m[1], m[2]) for m in _CODE.finditer(question)}
    if not asked:
        return False
    first, last = sentence_at(text, start)
    named = {(m[1], m[2]) for m in _CODE.finditer(text[first:last])}
    return not named & asked and any(family in {f for f, _ in asked} for family, _ in named)


def asked_pairs(question: str) -> tuple[tuple[str, str], ...]:
    """The question's two-word things, each two content words side by side ('monthly pass')."""
    words = [w.lower() for w in WORD.findall(question)]
    return tuple((a, b) for a, b in zip(words, words[1:]) if a not in STOPWORDS and b not in STOPWORDS)


def narrower(pairs: tuple[tuple[str, str], ...], text: str, start: int) -> bool:
    """Whether the sentence holding text[start] names one of the question's two-word things (`asked_pairs`) only
    with a qualifier between its words: 'a monthly reduced-fare pass' is another pass than 'the monthly pass'."""
    if not pairs:
        return False
    first, last = sentence_at(text, start)
    said = [w.lower() for w in WORD.findall(text[first:last])]
    for a, b in pairs:
        if any(x == a and y == b for x, y in zip(said, said[1:])):
            continue  # the asked thing itself is named
        if any(x == a and z == b and _kind_of(y) for x, y, z in zip(said, said[1:], said[2:])):
            return True
    return False


def _kind_of(word: str) -> bool:
    """Whether a compound qualifier names a kind ('reduced-fare', 'low-income'), not a measure of the thing
    ('four-year', '12-mile'), which leaves it the same thing."""
    head, _, rest = word.partition("-")
    return bool(rest) and not head.isdigit() and head not in NUMBER_WORDS
