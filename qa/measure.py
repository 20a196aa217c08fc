"""What a figure counts and when it was said: two answers disagree only about the same thing at the same time.

Two figures disagree only when they count the same thing: a worker count against a worker count, never
against a ship count or an acreage. The noun is read from the words right after the figure in its passage
("4,200 dockworkers", "seven of its members"), or from the span itself ("14,200 acres").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from index.dates import MONTHS, WEEKDAYS
from qa.config import DEFAULT
from qa.group import answer_key, like_keys, strip_hedge
from qa.models import Answer
from qa.question import AnswerType
from qa.sentences import sentence_at, sentence_before

WORDS = DEFAULT.words

_ASKED = re.compile(r"\bhow\s+many\s+(?:more\s+|of\s+the\s+|other\s+)?([a-z][\w-]*)", re.IGNORECASE)
_OF = re.compile(r"^\s*(?:(?:of|among)\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?)?")
_NEXT = re.compile(r"[A-Za-z][\w'’-]*|[^\sA-Za-z]")
FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
                     r"thousands?|millions?)\b", re.IGNORECASE)
# Words that follow a figure without naming what it counts ("12 on Wednesday", "4,200 were", "46 in all").
_NOT_NOUNS = frozenset("on in at by for to from and or but was were are is had have has as with since after before "
                       "percent per cent a an the that who which than this last still remain remains more without within".split())
# Nouns news uses for the same count: people, soldiers, workers. A count of casualties or of a group's members
# is a count of people ("seven of its members were injured" against "two people were hurt", "17 injuries"
# against "11 people injured"); a duration's unit is no thing counted ("three weeks" against "10 days").
_SAME = {word: group.split()[0] for group in (
    "people person persons resident residents individual individuals evacuee evacuees civilian civilians "
    "member members victim victims claimant claimants patient patients injury injuries casualty casualties "
    "fatality fatalities death deaths rescue rescues",
    "troop troops soldier soldiers forces personnel servicemen",
    "worker workers laborer laborers labourer labourers employee employees staff",
    "complaint complaints reports report incidents incident",
    "day days weeks week months month years year hours hour minutes minute",
) for word in group.split()}


def _stem(word: str) -> str:
    word = word.lower()
    if word in _SAME:
        return _SAME[word]
    for suffix, keep in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


Counted = tuple[str, ...]  # stems that may name what a figure counts; empty when nothing does


def asked(question: str) -> Counted:
    """The noun a 'how many' question counts ('how many homes were destroyed' -> ('home',))."""
    match = _ASKED.search(question)
    return (_stem(match[1]),) if match else ()


def asked_phrase(question: str) -> Counted:
    """What a 'how many' question counts, read as a figure's words are (up to an auxiliary, a word ending a
    noun or an -ed verb), names left out as the story's context ('how many CG-250 heaters were added' ->
    cg-250, heater; 'how many Crestel customers had' -> customer)."""
    match = _ASKED.search(question)
    if match is None:
        return ()
    found = []
    for word in re.findall(r"[A-Za-z][\w-]*", question[match.start(1):]):
        if _AUXILIARY.fullmatch(word) or word.lower() in _NOT_NOUNS or word.lower().endswith("ed"):
            break
        if not (word[0].isupper() and not any(char.isdigit() for char in word)):
            found.append(_stem(word))
    return tuple(found[:WORDS.noun_window])  # read as far as a figure's own words are (`stated`)


def counts_all(wanted: Counted, counts: Counted) -> bool:
    """Whether a figure's words name every word of what is asked ('72,000 CG-250 heaters sold' for CG-250
    heaters; not '212,000 heaters')."""
    return bool(wanted) and all(same_thing((word,), counts) for word in wanted)


def _verb_root(word: str) -> str:
    """A verb without its ending, to match 'added' with 'adds', 'assigned' with 'assign'."""
    return without_ending(word, ("ing", "ed", "es", "s", "d"), 3)


def asked_verb(question: str) -> str:
    """What a 'how many' question says its figure did, the word after its auxiliary ('were hurt' -> 'hurt');
    '' when it says none ('had the fire destroyed': an article; 'were in shelters': a preposition)."""
    rest = _after_auxiliary(question)
    # A passive's 'been' is no verb of its own, nor 'still': 'have been diverted', 'are still missing'.
    word = re.match(r"\s+(?:been\s+|being\s+|still\s+)?([a-z]{3,})", rest) if rest is not None else None
    return _verb_root(word[1]) if word and word[1] not in _NOT_NOUNS else ""  # 'are still missing': no verb


def _after_auxiliary(question: str) -> str | None:
    """A 'how many' question's words after the auxiliary that follows the counted noun ('… were hurt when …'),
    None when it has none."""
    match = _ASKED.search(question)
    verb = _AUXILIARY.search(question, match.end()) if match else None
    return question[verb.end():] if verb else None


def _sentence_of(text: str, start: int) -> str:
    """The sentence holding text[start]."""
    first, last = sentence_at(text, start)
    return text[first:last]


def names(phrase: Counted, said: frozenset[str], text: str, start: int) -> bool:
    """Whether the sentence holding text[start] names a word of what a 'how many' question counts (`phrase`) or
    of what it says the figure did (`said`, from `told`); always, for a question counting nothing by name."""
    return not phrase or any(_stem(word) in phrase or _root(word) in said
                             for word in re.findall(r"[A-Za-z][\w-]*", _sentence_of(text, start)))


def does(verb: str, text: str, start: int) -> bool:
    """Whether the sentence holding text[start] says the asked verb ('Three firefighters were hurt')."""
    return bool(verb) and any(_verb_root(word) == verb for word in re.findall(r"[A-Za-z]+", _sentence_of(text, start)))


_WEEKDAY = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)})\b", re.IGNORECASE)
# A weekday right after a figure says the day it was so: '19 on Monday', 'lead was 391 votes on Thursday'.
ON_WEEKDAY = re.compile(rf"\s+(?:on|by|as\s+of)\s+({'|'.join(day.capitalize() for day in WEEKDAYS)})\b")
_ANCHOR = re.compile(r"\b(?:on|by|as\s+of|during)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:night|day|morning|evening|weekend)\b",
                     re.IGNORECASE)


def days_asked(question: str) -> frozenset[str] | None:
    """The weekdays a question names when it asks about a time of its own ('on election night', 'on Friday');
    None when it names no time."""
    if not (_ANCHOR.search(question) or _WEEKDAY.search(question)):
        return None
    return frozenset(day.lower() for day in _WEEKDAY.findall(question))


def another_day(days: frozenset[str] | None, text: str, start: int) -> bool:
    """Whether the sentence holding text[start] names a weekday other than the asked `days` (`days_asked`),
    when the question asks about a time of its own: a figure said of Friday answers another time than
    election night's."""
    if days is None:
        return False
    return any(day.lower() not in days for day in _WEEKDAY.findall(_sentence_of(text, start)))


def _root(word: str) -> str:
    """A word without its inflection, to match 'joined' with 'join' ('joins', 'joining')."""
    return without_ending(word, ("ing", "ed", "es", "s"), 4)


def without_ending(word: str, endings: tuple[str, ...], shortest: int) -> str:
    """The lowercased word less the first of `endings` it has, when at least `shortest` letters remain."""
    word = word.lower()
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            return word[: -len(ending)]
    return word


def told(question: str) -> frozenset[str]:
    """What a 'how many' question says its figure did, not what it counts: the words after its verb's auxiliary
    ('how many people have joined the group action' -> join, group, action; 'how many CG-250 heaters were
    added' -> added, never 'heaters')."""
    rest = _after_auxiliary(question)
    if rest is None:
        return frozenset()
    # A name is who or what the figure concerns ('640,000 Crestel Mobile customers'), never what it did.
    return frozenset(_root(word) for word in re.findall(r"[A-Za-z]+", rest) if len(word) >= 4 and not word[0].isupper())


_AUXILIARY = re.compile(r"\b(?:is|are|was|were|has|have|had|do|does|did|will|would|can|could)\b", re.IGNORECASE)


def stated(text: str, start: int, end: int, said: frozenset[str] = frozenset()) -> Counted:
    """What the figure at text[start:end] may count: its own last word, or the few words after it up to one
    the question says the figure did (`said`, from `told`): '40,000 join group legal action' counts nothing
    named, not legal actions."""
    span = text[start:end]
    if not FIGURE.search(span):
        return ()
    # A hedge before the figure names nothing it counts: 'About 240' is read on ('About 240 firefighters remain').
    words = re.findall(r"[A-Za-z][\w-]*", strip_hedge(span))
    if words and not FIGURE.fullmatch(words[-1]) and words[-1].lower() not in _NOT_NOUNS:
        return (_stem(words[-1]),)
    after = text[end : end + 80].split("\n", 1)[0]  # a heading's figure names nothing in the line below it
    if compound := re.match(r"-([A-Za-z]+)\b", after):
        return (_stem(compound[1]),)  # 'a 2,140-vote lead' counts votes, 'a 16-day fire' days
    after = after[_OF.match(after).end():]
    found: list[str] = []
    for token in _NEXT.findall(after)[:WORDS.noun_window]:
        if not token[0].isalpha() or token.lower() in _NOT_NOUNS:
            break  # punctuation or a verb-like word ends the noun phrase
        if token.lower().endswith("ed") and len(token) > 4:
            break  # a verb ('40,000 joined the action', '700 displaced') ends what the figure names
        if _root(token) in said:
            break  # what the question says it did: a headline's present-tense verb ('40,000 join …')
        found.append(_stem(token))
    return tuple(found)


# Words that mark the figure after them as an earlier one the sentence replaces: "5.1 million, up from 4.6
# million", "lowered the limit from $210 to $195", "previously reported 17,300"; or anywhere before it in its
# sentence, "The company had said 4.6 million ... last week", "It first reported 1.2 million".
_REPLACED = re.compile(r"(?:\bfrom|\b(?:previously|earlier|initially|originally)(?:\s+(?:reported|estimated|"
                       r"announced|given|put\s+at))?)\s+(?:about\s+|roughly\s+|nearly\s+|the\s+|an?\s+)?$",
                       re.IGNORECASE)
_EARLIER_SAID = re.compile(r"\b(?:had\s+(?:said|reported|estimated|put|given|counted|announced)|first\s+(?:said|"
                           r"reported|estimated|counted|announced)|previously|initially|originally)\b", re.IGNORECASE)


def replaced(text: str, start: int) -> bool:
    """Whether the figure starting at text[start] is stated as the earlier figure a newer one replaces."""
    sentence = sentence_before(text, start)
    return bool(_REPLACED.search(sentence[-40:]) or _EARLIER_SAID.search(sentence))


# Words that make a figure a change rather than the tally: "adding about 51,500 heaters … bringing the total to
# 263,500", "The additional 500,000 customers", "Two more lawsuits"; "Whitfield up 2,140", "shares down 9%" (but
# "holding up $60 million" is a verb's object).
_ADDED_BEFORE = re.compile(r"(?:\b(?:additional|another|adding|added|extra|further)|(?<!ing)\s(?:up|down))\s+"
                           r"(?:about\s+|some\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+)?$", re.IGNORECASE)
_ADDED_AFTER = re.compile(r"\s+(?:more|additional|new|extra)\b", re.IGNORECASE)


def added(text: str, start: int, end: int) -> bool:
    """Whether the figure at text[start:end] is stated as a change of a tally (an addition, a lead, a rise or a
    fall), not as the tally."""
    return bool(_ADDED_BEFORE.search(text, max(0, start - 30), start) or _ADDED_AFTER.match(text, end))


# Words that make a figure what was expected rather than what happened: "was forecast to crest at 33 feet",
# "the 33 feet forecasters had predicted".
_FORECAST_BEFORE = re.compile(r"\b(?:forecasts?|forecasted|predict(?:s|ed|ing|ions?)?|projected|projections?|expected)\b"
                              r"[^.;:!?]{0,40}$", re.IGNORECASE)
_FORECAST_AFTER = re.compile(r"^[^.;:!?,]{0,30}\b(?:forecast(?:ers?)?|predicted|projected|expected)\b", re.IGNORECASE)


def forecast(text: str, start: int, end: int) -> bool:
    """Whether the figure at text[start:end] is stated as a forecast: a forecasting word close before it in its
    clause, or right after it."""
    return bool(_FORECAST_BEFORE.search(sentence_before(text, start)) or _FORECAST_AFTER.search(text[end:end + 40]))


CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\b\.?|p\.?m\b\.?)|\b(?:noon|midnight)\b", re.IGNORECASE)
MONTH_NAME = rf"\b(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))})\b\.?"
_GRAINS = (
    ("time", CLOCK),
    ("day", re.compile(rf"{MONTH_NAME}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH_NAME}|\d{{4}}-\d{{2}}-\d{{2}}", re.IGNORECASE)),
    ("month", re.compile(rf"{MONTH_NAME}\s+\d{{4}}\b", re.IGNORECASE)),
    ("weekday", _WEEKDAY),
    ("year", re.compile(r"\b(?:1[5-9]|20)\d{2}s?\b")),
)


def grain(text: str) -> str:
    """How finely a date answer tells the time: 'time', 'day', 'month', 'weekday', 'year'; '' for none of them.
    Dates of different grains answer different questions ('last raised fares in 2019', 'voted Monday')."""
    return next((name for name, pattern in _GRAINS if pattern.search(text)), "")


def same_thing(a: Counted, b: Counted) -> bool:
    """Whether two figures can count the same thing: a shared noun (or one a kind of the other), or either unsaid."""
    if not a or not b:
        return True
    return any(x == y or x.endswith(y) or y.endswith(x) for x in a for y in b)


def at_once(answers: Sequence[Answer], days: int | None, pairs: Iterable[tuple[int, int]] | None = None) -> bool:
    """Whether two of the answers (of `pairs`, by position; every pair by default) were stated at about the
    same time (an undated source could be any time); with `days` None, at any time."""
    dated = [[source.meta.day for source in answer.sources] for answer in answers]
    if pairs is None:
        pairs = ((first, second) for first in range(len(dated)) for second in range(first + 1, len(dated)))
    return any(days is None or a is None or b is None or abs((a - b).days) <= days
               for first, second in pairs for a in dated[first] for b in dated[second])


def disputes(answers: Sequence[Answer], kind: AnswerType, first_only: bool = False) -> list[tuple[int, int]]:
    """The pairs of shown answers that can dispute each other: the same kind of figure (a percentage never
    disputes an amount or a count).

    One article stating both is no sign either way: a report often sets the rival claims side by side
    (on the news bench, requiring a source that states one without the other cut disagreement recall from
    0.55 to 0.32). With `first_only` (a 'latest' question, newest answer first) only rivals
    of the first count: the figures that came before it are its history.
    """
    pairs = []
    for first in range(1 if first_only else len(answers)):
        for second in range(first + 1, len(answers)):
            a, b = answers[first], answers[second]
            # Dates told as finely: '2019' and 'Monday' answer different questions (when fares last rose, when
            # the board met), 'Aug. 22' and 'July 14' the same one.
            if like_keys(answer_key(a.text, kind), answer_key(b.text, kind)) and \
                    (kind is not AnswerType.DATE or grain(a.text) == grain(b.text)):
                pairs.append((first, second))
    return pairs
