"""Which answers stand beside the first: rivals of like kind that their own sources give, newest first for 'latest'."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from index.models import Passage
from qa.config import ReaderConfig
from qa.group import answer_key, like_keys
from qa.clause import dates_another, event_words
from qa.contest import opposed
from qa.copula import stated_as, subject_asked
from qa.fit import about_another, asked_pairs, fits, narrower
from qa.measure import (ON_WEEKDAY, Counted, added, another_day, asked, asked_phrase, asked_verb, counts_all, days_asked,
                        does, forecast, names, replaced, same_thing, stated, told)
from qa.mentions import Mention
from qa.models import Answer, Hit, Step
from qa.question import AnswerType
from qa.relative import resolve
from qa.role import holds_role, roles_asked


@dataclass(frozen=True)
class Reading:
    """What a group's best mention says, read in its passage."""

    counts: Counted  # what its figure counts ('38 homes' -> ('home',))
    forecast: bool  # stated as what was expected ('forecast to crest at 33 feet'), not as what happened
    fitting: bool  # has the shape the question asks for (qa.fit.fits)
    # its sentence is about another thing than the one asked: another model (qa.fit.about_another) or a narrower
    # kind ('a monthly reduced-fare pass' for 'the monthly pass', qa.fit.narrower)
    elsewhere: bool = False
    counts_asked: bool = False  # names what a 'how many' question counts ('72,000 CG-250 heaters')
    does_asked: bool = False  # its sentence says what the question says it did ('were hurt')
    another_day: bool = False  # its sentence is about another day than the question's (qa.measure.another_day)
    holds_role: bool = False  # a name given with the role a 'who is the X?' question asks for (qa.role.holds_role)
    stated_as: bool = False  # stated as the value of what a 'what is X?' question asks ('Turnout was 54.1%')
    dates_another: bool = False  # a date its sentence gives for another event than the asked one (qa.clause)
    opposed: tuple[str, ...] = ()  # the figures sentences stating it set it against (qa.contest.opposed)
    added: bool = False  # stated as a change of a tally ('the additional 500,000', 'up 2,140'), not as one


@dataclass(frozen=True)
class Asked:
    """What a question asks of the figures read for it, parsed once for all its groups."""

    question: str
    kind: AnswerType
    noun: Counted  # the noun a 'how many' question counts (qa.measure.asked); empty for other kinds
    phrase: Counted  # every word of what it counts (qa.measure.asked_phrase); empty for other kinds
    verb: str  # what it says the figure did ('were hurt' -> 'hurt'); '' for other kinds
    told: frozenset[str]  # its words after the auxiliary, which end a figure's noun (qa.measure.told)
    days: frozenset[str] | None  # the weekdays it names when it asks about a time of its own
    roles: frozenset[str]  # the titles of what a 'who' question asks for (qa.role.roles_asked)
    subject: str  # what a 'what is X?' question asks the value of (qa.copula.subject_asked)
    events: frozenset[str]  # what a 'when' question asks happened (qa.clause.event_words); empty for other kinds
    pairs: tuple[tuple[str, str], ...]  # its two-word things ('monthly pass', qa.fit.asked_pairs)

    @classmethod
    def of(cls, question: str, kind: AnswerType) -> Asked:
        """The question parsed for reading answers of `kind`."""
        counting = kind is AnswerType.QUANTITY
        return cls(question, kind, asked(question) if counting else (), asked_phrase(question) if counting else (),
                   asked_verb(question) if counting else "", told(question), days_asked(question),
                   roles_asked(question) if kind is AnswerType.PERSON else frozenset(),
                   subject_asked(question) if kind is not AnswerType.PERSON else "",
                   event_words(question) if kind is AnswerType.DATE else frozenset(), asked_pairs(question))


def read_group(members: list[Mention], hits: Sequence[Hit], asking: Asked) -> Reading:
    """A group's best mention read in its passage."""
    best = members[0]
    text = hits[best.hit].passage.text
    counts = stated(text, best.start, best.end, asking.told)
    return Reading(counts, forecast(text, best.start, best.end),
                   fits(asking.question, asking.kind, text, best.start, best.end),
                   about_another(asking.question, text, best.start, best.end)
                   or narrower(asking.pairs, text, best.start),
                   bool(counts) and counts_all(asking.phrase, counts),
                   does(asking.verb, text, best.start),
                   another_day(asking.days, text, best.start), holds_role(asking.roles, text, best.start, best.end),
                   stated_as(asking.subject, text, best.start),
                   dates_another(asking.events, text, best.start, best.end),
                   tuple(f for m in members for f in opposed(hits[m.hit].passage.text, m.start, m.end)),
                   added(text, best.start, best.end))


def comparable(a: Reading, b: Reading) -> bool:
    """Whether two answers can dispute each other: they count the same thing, both as what happened or both as
    what was expected (a forecast crest never disputes the measured one), and the rival has the asked shape
    whenever the first does (a weekday never disputes a clock time) and is about the asked model and, when the
    question names its time, about no other day."""
    # When the first names what the question counts, a rival naming something else counts another thing, even
    # sharing a word with it ('212,000 heaters' the recall covers against '72,000 CG-250 heaters' added). A
    # change of a tally ('adding about 51,500 heaters', 'Whitfield up 2,140') is no rival of a tally (news bench:
    # 3 'latest' answers lost an addition; precision 0.905 -> 0.927 without the lead beside a ballot count).
    return (same_thing(a.counts, b.counts) and a.forecast == b.forecast and (b.fitting or not a.fitting)
            and not b.elsewhere and (b.counts_asked or not b.counts or not a.counts_asked)
            and (not b.another_day or a.another_day) and not b.dates_another and a.added == b.added)


def beside_first(groups: list[list[Mention]], shares: list[float], readings: list[Reading], config: ReaderConfig,
                 kind: AnswerType) -> list[int]:
    """The best answer, and beside it only answers that also score well and are the same kind of thing
    counting the same thing (two troop counts, not a count beside a sentence or a ship count): a
    disagreement, not noise."""
    shown = [0]
    if kind is AnswerType.PERSON:
        # Two names are two people, not one fact disputed: on the news bench none of the 31 'who' questions
        # has sources that disagree, and each of the 7 second names shown was another person in the story.
        return shown
    first = answer_key(groups[0][0].text, kind)
    for number in range(1, len(groups)):
        if len(shown) >= config.max_answers:
            break
        best = groups[number][0]
        key = answer_key(best.text, kind)
        # Two figures can disagree at any share: the reader's belief concentrates on one source. Two names
        # or phrases are as often two different facts (the union's president, the employers'), so only
        # one the reader itself weighs can stand beside the first.
        figures = len(first) > 2 and len(key) > 2
        # Two dates with figures ('2027' and '2031', 'Aug. 22' and 'July 14') are as definite as two counts.
        dates = kind is AnswerType.DATE and _dated(groups[0][0].text) and _dated(best.text)
        figures = figures or dates
        floor = config.alternative_share if figures else config.alternative_share_words
        # A figure a sentence sets against another is a claim made against it: the reader, reading that
        # sentence as about the other figure, weighs it little ('…, not the 410,000 the authority has cited').
        claim = figures and any(answer_key(other, kind) == first for other in readings[number].opposed)
        if (shares[number] >= floor
                and (claim or _answers_its_passage(number, groups))
                and best.margin >= (config.contested_margin if claim else config.alternative_margin)
                and best.rank >= groups[0][0].rank - config.alternative_gap
                and key[0] == first[0] and (figures or kind is not AnswerType.QUANTITY)
                and comparable(readings[0], readings[number])):
            shown.append(number)
    return shown


def _dated(text: str) -> bool:
    """Whether a date answer states a figure (a year, a day of a month, a time), not a phrase ('next month')."""
    return any(char.isdigit() for char in text)


def _answers_its_passage(number: int, groups: list[list[Mention]]) -> bool:
    """Whether a group's best mention is what its passage answers: no answer but the first ranks above it there
    (a report often sets the rival claims side by side). A rival figure is its own source's answer; the fifth
    figure of a passage is only another fact (on the news bench, 16 of 66 wrong second answers and none of 25
    right ones were outranked in their passage)."""
    best = groups[number][0]
    return all(m.rank <= best.rank for other, members in enumerate(groups) if other not in (0, number)
               for m in members if m.hit == best.hit)


def _current(members: list[Mention], hits: Sequence[Hit]) -> list[Mention]:
    """The mentions that state a group's figure as current (not as the one a newer one replaced): a source
    saying "5.1 million, up from 4.6 million" dates the 5.1 million, not the figure it replaces."""
    return [m for m in members if not replaced(hits[m.hit].passage.text, m.start)]


def _as_of(mention: Mention, passage: Passage) -> str:
    """The day a source states a figure as so: its publication date, or the earlier weekday it names right after
    the figure (a Tuesday report's 'lead was 391 votes on Thursday' is Thursday's figure, not Tuesday's)."""
    said = ON_WEEKDAY.match(passage.text, mention.end)
    day = resolve(said[1], passage.meta.day) if said else None
    # The day before is still news of the day ('fell to 19 on Monday' in Tuesday's paper).
    if day is not None and passage.meta.day is not None and (passage.meta.day - day.last).days > 1:
        return day.last.isoformat()
    return passage.meta.published or ""


def _replaces(first: list[Mention], older: str, hits: Sequence[Hit]) -> bool:
    """Whether a source of the first figure states `older` as the figure it replaces ('$96, up from $90')."""
    said = re.compile(rf"(?<![\w.,]){re.escape(older)}(?![\w]|[.,]\d)")
    return any(replaced(text, found.start()) for text in {hits[m.hit].passage.text for m in first}
               for found in said.finditer(text))


def newest_current(members: list[Mention], hits: Sequence[Hit]) -> str:
    """The newest day a source states a group's figure as current ('' when none is dated)."""
    return max((_as_of(m, hits[m.hit].passage) for m in _current(members, hits)), default="")


def current_together(first: list[Mention], rival: list[Mention], hits: Sequence[Hit]) -> bool:
    """Whether another document states the rival as current on a day a source states the first figure so.

    An older day's figure, or one a source gives as the figure it replaces, is the story's history
    (bench/news_answers.py: 3 of the 5 'latest' questions said "Sources disagree" over such history). One
    report stating the newest figure beside a second ('5.1 million, 500,000 of them in Ireland') gives two
    facts, not two sources at odds: on the news bench this took away the 3 'Sources disagree' still said on
    its 26 'latest' questions, none of which has sources that disagree.
    """
    def dated(members: list[Mention]) -> set[tuple[date, str]]:
        passages = [hits[m.hit].passage for m in _current(members, hits)]
        return {(day, passage.path) for passage in passages if (day := passage.meta.day) is not None}

    if _replaces(first, rival[0].text, hits):
        return False  # '$96, up from $90': the first's own sources make the rival its history
    rival_days = dated(rival)
    return any(day == other_day and path != other_path for day, path in dated(first) for other_day, other_path in rival_days)


def newest_first(order: list[int], groups: list[list[Mention]], readings: list[Reading], hits: Sequence[Hit],
                  config: ReaderConfig, kind: AnswerType) -> list[int]:
    """For a 'latest' question, the group stated in the newest source goes first, among those the reader
    prefers to 'no answer' that are the same kind of answer counting the same thing as the best one.

    Ranked by belief alone, the newest figure was often not shown at all: older figures are stated by more
    sources, so support and the reader's softmax favour them.
    """
    first = answer_key(groups[order[0]][0].text, kind)
    # A question counting nothing by name ('what is the latest margin?') is answered in any unit: the newest
    # '402 votes' after an older '0.4 percentage points'.
    asked = readings[order[0]] if kind is AnswerType.QUANTITY else replace(readings[order[0]], counts=())
    matched = config.latest_lexical_share * hits[groups[order[0]][0].hit].lexical
    eligible = [g for g in order if groups[g][0].margin >= config.latest_margin
                and not all(m.rival_only for m in groups[g])
                and hits[groups[g][0].hit].lexical >= matched
                and like_keys(first, answer_key(groups[g][0].text, kind)) and comparable(asked, readings[g])]
    if not eligible:
        return order
    chosen = max(eligible, key=lambda g: newest_current(groups[g], hits))  # max keeps the best-ranked of equal dates
    if not newest_current(groups[chosen], hits):
        return order
    return [chosen, *(g for g in order if g != chosen)]


def timeline(shown: list[tuple[list[Mention], Answer]], readings: list[Reading], hits: Sequence[Hit],
             asking: Asked) -> tuple[Step, ...]:
    """Each cited source stating an answer that measures what the first does as current, once per document and
    answer, oldest day first: the first answer's figure over time, never a ship count among worker counts (nor,
    when the first names no noun, a count of another noun than the asked one), nor what was added to it, nor a
    figure naming nothing it counts in a sentence that names neither what was asked nor what it did."""
    if not shown:
        return ()
    first = answer_key(shown[0][1].text, asking.kind)
    # The day the first figure was first stated as current: a figure its sources give as the one it replaced
    # ('$96, up from $90'), stated again from that day on, is history restated, not a step back.
    since = min((_as_of(m, hits[m.hit].passage) for m in _current(shown[0][0], hits)), default="")
    steps: list[Step] = []
    for number, ((members, answer), reading) in enumerate(zip(shown, readings)):
        if number and not reading.counts and not names(asking.phrase, asking.told, hits[members[0].hit].passage.text,
                                                       members[0].start):
            continue  # 'Red Cross says 700 still displaced' names no firefighter, nor working: another count
        if number and readings[0].does_asked and not reading.does_asked:
            continue  # '46 ships wait offshore' is no step of ships diverted when the first says 'diverted'
        if not same_thing(asking.phrase, reading.counts) or number and not (
                like_keys(first, answer_key(answer.text, asking.kind)) and comparable(readings[0], reading)):
            continue
        cited = {source.path: source for source in answer.sources}
        stale = number and bool(since) and _replaces(shown[0][0], answer.text, hits)
        for mention in _current(members, hits):
            passage = hits[mention.hit].passage
            source = cited.pop(passage.path, None)  # popped: a document's first current statement is its step
            if source is not None and (day := _as_of(mention, passage)) and not (stale and day >= since):
                steps.append(Step(answer.text, day, source))
    return tuple(sorted(steps, key=lambda step: (step.day, step.source.meta.outlet or "")))
