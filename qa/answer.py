"""Answers from the reader's spans: equal answers grouped across sources, ranked, disagreement and confidence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from index.words import content_words
from qa.config import ReaderConfig
from qa.contest import set_against
from qa.group import answer_key, shared_text
from qa.locate import sources_in
from qa.measure import at_once, disputes, same_thing
from qa.mentions import IDENTIFIER, Mention, mentions, statements
from qa.models import Answer, Hit, Result, Source, Span
from qa.question import AnswerType, answer_type, asked_day, asked_name, asks_past
from qa.reader import SpanScore
from qa.retrieve import hit_shingles, near_duplicates, reports_on
from qa.rivals import Asked, beside_first, current_together, newest_current, newest_first, read_group, timeline
from qa.sentences import first_sentence, sentences



def confidence(spans: Sequence[SpanScore], hits: Sequence[Hit], config: ReaderConfig) -> float:
    """How much the reader prefers its best span to 'no answer', plus how close its passage is to the question.

    The reader alone cannot tell a question about another topic from one its passage answers: asked of
    the news seeds, SQuAD questions still find a 'who' or a 'when' (seed 11: 10 % of them scored above
    the 5th percentile of answerable ones). Their passages' cosines are low (95th percentile 0.24 against
    a 5th of 0.36 for answerable ones), so the cosine, weighted as bench/answers.py --calibrate fits it,
    tells them apart.
    """
    return max((span.score - span.null + config.similarity_weight * hits[span.passage].dense for span in spans),
               default=-math.inf)


def _independent(members: list[Mention], hits: Sequence[Hit]) -> int:
    """How many different stories state the answer: one per document, near-identical copies once."""
    stories: list[tuple[tuple[str, int], frozenset]] = []
    for mention in members:
        passage = hits[mention.hit].passage
        grams = hit_shingles(hits[mention.hit])
        if not any((passage.path, passage.part) == story or near_duplicates(grams, other) for story, other in stories):
            stories.append(((passage.path, passage.part), grams))
    return len(stories)


def _parts(text: str, kind: AnswerType) -> tuple[tuple[object, ...], frozenset[object]]:
    """An answer's key and what it is made of: its figures when it states any, else its content words."""
    key = answer_key(text, kind)
    if key[0] == "quantity":
        return key, frozenset(key[1])
    return key, frozenset(w for w in content_words(text) if w not in HONORIFICS)


# A title names no one: "Mr Zelensky" and "Volodymyr Zelensky" are one answer, not a disagreement (seeds).
HONORIFICS = frozenset("mr mrs ms miss dr sir madam mister".split())


def _same(a: tuple[tuple[object, ...], frozenset[object]], b: tuple[tuple[object, ...], frozenset[object]]) -> bool:
    """Equal keys, or one made only of the other's parts: 'Zelensky' and 'Volodymyr Zelensky', '$800' and
    '4,000 workers paid $800'; '11,000' and 'between 10,000 and 12,000' stay apart."""
    (key_a, parts_a), (key_b, parts_b) = a, b
    if key_a == key_b:
        return True
    if key_a[0] != key_b[0] or not parts_a or not parts_b:
        return False
    return parts_a <= parts_b or parts_b <= parts_a


def _group(found: list[Mention], kind: AnswerType) -> list[list[Mention]]:
    """Mentions stating the same answer, each group named by its best mention."""
    groups: list[tuple[tuple[tuple[object, ...], frozenset[object]], list[Mention]]] = []
    for mention in found:  # best first
        parts = _parts(mention.text, kind)
        home = next((g for g in groups if _same(g[0], parts)), None)
        if home is None:
            groups.append((parts, [mention]))
        else:
            home[1].append(mention)
    return [members for _, members in groups]


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence of a passage holding a span stands (the passage when no sentence holds all of it)."""
    for s, e in sentences(text):
        if s <= start and end <= e:
            return s, e
    return 0, len(text)


def _answer(members: list[Mention], share: float, hits: Sequence[Hit], kind: AnswerType) -> Answer:
    """One answer: the words its mentions share, each source located in its file."""
    text = shared_text([m.text for m in members], kind)
    # Shown and cited up to the end of its first sentence: a span the reader ran on into the next ('15 people.
    # The number of people still unaccounted for fell to nine') says one thing. Grouping and ranking, done on
    # the spans as proposed, are unchanged (cutting the spans themselves regrouped them: news top 0.924 -> 0.912).
    text = first_sentence(text)
    # The wording a source gives with its identifier ('Resolution 2375') over the bare one others share.
    text = next((m.text for m in members if m.text.startswith(text) and IDENTIFIER.fullmatch(m.text[len(text):])), text)
    sources: list[Source] = []
    seen: set[str] = set()  # each document once per answer, however often it repeats the words
    placed_at: dict[int, tuple[int, int]] = {}  # where each mention states the shown words, in its passage text
    part_of: dict[int, tuple[int, int]] = {}  # mentions stating a part of them ('Pike' of 'Samuel Pike')
    for number, mention in enumerate(members):
        inner = mention.text.find(text)
        if inner >= 0:
            placed_at[number] = mention.start + inner, mention.start + inner + len(text)
        elif " ".join(mention.text.split()) in text:
            part_of[number] = mention.start, mention.end
        # else grouped by its parts ('Zelensky, Volodymyr'), but no words of it are shown verbatim: not cited
    for number, (start, end) in [*placed_at.items(), *part_of.items()]:  # the whole wording cited first
        hit = hits[members[number].hit]
        first, last = _sentence(hit.passage.text, start, end)
        for source in sources_in(hit, start, end, hit.passage.text[first:last]):
            if source.path not in seen:
                seen.add(source.path)
                sources.append(source)
    # Shown in the sentence of the best mention stating the words whole.
    lead = min(placed_at, default=0)
    best = members[lead]
    first, last = _sentence(hits[best.hit].passage.text, best.start, best.end)
    # The words' place in the sentence, known here once, so no output searches the sentence for them.
    in_context = (placed_at[lead][0] - first, placed_at[lead][1] - first) if lead in placed_at else None
    return Answer(text, round(share, 4), hits[best.hit].passage.text[first:last], tuple(sources),
                  _independent(members, hits), in_context=in_context)


def read_answers(question: str, hits: Sequence[Hit], spans: Sequence[SpanScore], config: ReaderConfig,
                 latest: bool = False) -> Result:
    """The answers the reader's spans give, grouped and ranked, with hits marked where they state one.

    A 'how many X' question prefers figures that count X; a `latest` question ('so far', 'now') puts the
    answer its newest source states first.
    """
    kind = answer_type(question)
    found = mentions(spans, hits, config, asked_name(question), kind, question, latest)
    best_margin = confidence(spans, hits, config)
    low = best_margin < config.null_threshold
    if not found:
        return Result(question, tuple(hits), (), True, 0.0)
    ranked = [m for m in found if not m.rival_only]
    extra = [m for m in found if m.rival_only]
    if not ranked:  # every span a rival-only one: nothing to stand beside, so they are ranked as usual
        ranked, extra = extra, []
    placed = statements(ranked, config)
    weight_of = {(m.hit, m.start, m.end): w for m, w in placed}
    groups = _group([m for m, _ in placed], kind)
    # A softmax over every distinct span: each group's share of the reader's belief.
    weights = [sum(weight_of[(m.hit, m.start, m.end)] for m in members) for members in groups]
    total = sum(weights)
    support = [config.support * math.log2(_independent(members, hits)) for members in groups]
    order = sorted(range(len(groups)), key=lambda g: -(math.log(weights[g] / total) + support[g]))
    # A question naming its day ('on Friday, Aug. 8') is answered first by that day's reports: a later one's
    # figure ('2,100 … on Sunday') is another day's.
    if (day := asked_day(question)) is not None:
        order.sort(key=lambda g: not any(reports_on(hits[m.hit].passage.meta.day, day) for m in groups[g]))
    asking = Asked.of(question, kind)
    readings = [read_group(members, hits, asking) for members in groups]
    # A name given with the role asked ('County Auditor Nadia Fairbanks' for 'who is the county auditor?')
    # before names given without it, below every rule that follows.
    order.sort(key=lambda g: not readings[g].holds_role)
    # So does a value stated as what a 'what is X?' question asks ('Turnout was 54.1% …').
    order.sort(key=lambda g: not readings[g].stated_as)
    # A figure whose sentence says what the question asks it did ('Three firefighters were hurt') before one
    # that does not ('2,100 firefighters were assigned'), below the rules that follow.
    order.sort(key=lambda g: not readings[g].does_asked)
    # A date given for another event than the asked one goes after the others ('notified it … on Sept. 5, three
    # days after the company says it detected the intrusion' for 'when did it detect the intrusion?').
    order.sort(key=lambda g: readings[g].dates_another)
    # A figure counting something else ('14,200 acres' for 'how many homes') goes after those that may not,
    # once some answer is seen to count the asked noun: with none, the noun was misread ('how many Brightwell
    # workers' asks no count of 'brightwell') and the reader's order stands.
    if asking.noun and any(readings[g].counts and same_thing(asking.noun, readings[g].counts) for g in order):
        order.sort(key=lambda g: not same_thing(asking.noun, readings[g].counts))
    # So does one whose sentence is about another model than the asked one ('CG-250' for 'the CG-200').
    order.sort(key=lambda g: readings[g].elsewhere)
    # So does an answer of the wrong shape: a figure for 'who …?', a weekday for 'what time …?'.
    order.sort(key=lambda g: not readings[g].fitting)
    if latest:
        order = newest_first(order, groups, readings, hits, config, kind)
    groups = [groups[g] for g in order]
    shares = [weights[g] / total for g in order]
    readings = [readings[g] for g in order]
    # Further places of a window come after everything ranked, each only as a rival: never the first answer
    # (but below), never a 'latest' pick, and never adding belief to an answer already ranked.
    for members, weight in _rivals_only(extra, groups, found[0].rank, config, kind):
        groups.append(members)
        shares.append(weight / total)
        readings.append(read_group(members, hits, asking))
    # A name holding the role a 'who is the X?' question asks goes first when no ranked name does: the reader
    # proposed 'Commissioner Helen Mahony' only beside a likelier 'Crestel'.
    holder = next((n for n, r in enumerate(readings) if r.holds_role and r.fitting), 0)
    groups.insert(0, groups.pop(holder))
    shares.insert(0, shares.pop(holder))
    readings.insert(0, readings.pop(holder))
    # After them, the figures the first answer's sentences contest.
    for number, members in _claims_against(groups, hits, kind):
        if number == len(groups):
            groups.append(members)
            shares.append(0.0)
        else:
            groups[number] = members
        readings[number:number + 1] = [read_group(members, hits, asking)]
    chosen = beside_first(groups, shares, readings, config, kind)
    answers = [(groups[n], _answer(groups[n], shares[n], hits, kind)) for n in chosen]
    steps = timeline(answers, [readings[n] for n in chosen], hits, asking)
    if latest:
        # By the newest source stating each figure as current ("down from four" dates the two, not the four);
        # stable: undated keep their place last.
        answers.sort(key=lambda pair: newest_current(pair[0], hits), reverse=True)
    marked = tuple(replace(hit, answer=_hit_span(number, hit, answers)) for number, hit in enumerate(hits))
    shown = tuple(a for _, a in answers)
    rivals = disputes(shown, kind, first_only=latest)
    if latest:  # the newest figure's rivals are figures another source states as current on its own day
        rivals = [(a, b) for a, b in rivals if current_together(answers[a][0], answers[b][0], hits)]
    # When a thing happened stays what it was: two sources giving two times for it disagree on any day they
    # wrote. A count, or a date planned, is revised as news comes in.
    days = None if kind is AnswerType.DATE and asks_past(question) else config.same_days
    return Result(question, marked, shown, low, round(best_margin, 4), at_once(shown, days, rivals), timeline=steps)


def _rivals_only(extra: list[Mention], groups: list[list[Mention]], top: float, config: ReaderConfig,
                 kind: AnswerType) -> list[tuple[list[Mention], float]]:
    """Groups of rival-only mentions stating no answer already ranked, each with its softmax weight (scaled as
    the ranked ones', whose best span ranks `top`)."""
    if not extra:
        return []
    placed = statements(extra, config)
    scale = math.exp(extra[0].rank - top)
    weight_of = {(m.hit, m.start, m.end): w * scale for m, w in placed}
    known = [_parts(members[0].text, kind) for members in groups]
    out = []
    for members in _group([m for m, _ in placed], kind):
        if not any(_same(_parts(members[0].text, kind), parts) for parts in known):
            out.append((members, sum(weight_of[(m.hit, m.start, m.end)] for m in members)))
    return out


def _claims_against(groups: list[list[Mention]], hits: Sequence[Hit],
                    kind: AnswerType) -> list[tuple[int, list[Mention]]]:
    """Each figure a sentence of the first answer sets against it ('…, not the 410,000 the authority has cited'),
    as (the group it joins, or a new one's number; that group's mentions): the other side of a dispute one
    report gives, which the reader reading the sentence for the first figure rarely proposes."""
    if kind not in (AnswerType.QUANTITY, AnswerType.OTHER) or not groups:
        return []
    known = [_parts(members[0].text, kind) for members in groups]
    out: dict[int, list[Mention]] = {}
    for mention in groups[0]:
        text = hits[mention.hit].passage.text
        if (place := set_against(text, mention.start, mention.end)) is None:
            continue
        claim = Mention(mention.hit, *place, text[place[0]:place[1]], mention.rank, mention.margin, rival_only=True)
        parts = _parts(claim.text, kind)
        number = next((n for n, other in enumerate(known) if _same(other, parts)), len(known))
        if number == 0:
            continue  # a figure the first answer states itself: nothing to set beside it
        if number == len(known):
            known.append(parts)
        out[number] = [*out.get(number, groups[number] if number < len(groups) else []), claim]
    return sorted(out.items())


def _hit_span(number: int, hit: Hit, answers: list[tuple[list[Mention], Answer]]) -> Span | None:
    """The best answer that stands in this hit's passage, located in its file."""
    for members, answer in answers:
        if any(m.hit == number for m in members):
            source = next((s for s in answer.sources if s.path == hit.passage.path
                           and hit.passage.start <= s.start < hit.passage.end), None)
            if source is not None:
                return Span(answer.text, source.start, source.end)
    return None
