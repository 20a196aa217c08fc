"""Answers from the reader's spans: equal answers grouped across sources, ranked, disagreement and confidence."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.split import sentence_spans
from qa.config import ReaderConfig
from qa.group import answer_key, shared_text
from qa.locate import sources_in
from qa.measure import Counted, asked, at_once, disputes, same_thing, stated
from qa.models import Answer, Hit, Result, Source, Span
from qa.question import AnswerType, answer_type, asked_name
from qa.reader import SpanScore
from qa.retrieve import hit_shingles, near_duplicates
from index.words import content_words

_EDGE = " \t\n,;:.!?\"'“”‘’()[]"  # a span never starts or ends on these (the model's word pieces may)


@dataclass(frozen=True)
class Mention:
    """One statement of a possible answer: a span of one hit's passage, with the reader's scores."""

    hit: int
    start: int  # offsets into the passage text
    end: int
    text: str
    rank: float  # comparable across passages: what answers are ordered by
    margin: float  # span score minus the 'no answer' score of its window


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop punctuation and spaces the model's word pieces left at the ends of a span."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if text[start:end].count("(") > text[start:end].count(")") and end < len(text) and text[end] == ")":
        end += 1  # "(UNSC" reads better whole
    return start, end


def _joined(text: str, at: int) -> bool:
    """Whether text[at - 1] and text[at] belong to one word or number ('4.5', '4,000', "don't")."""
    if at <= 0 or at >= len(text):
        return False
    left, right = text[at - 1], text[at]
    if left.isalnum() and right.isalnum():
        return True
    if left.isalnum() and right in ".,'’" and at + 1 < len(text):
        after = text[at + 1]
        return (left.isdigit() and after.isdigit() and right in ".,") or (right in "'’" and after.isalpha())
    if right.isalnum() and left in ".,'’" and at >= 2:
        before = text[at - 2]
        return (before.isdigit() and right.isdigit() and left in ".,") or (left in "'’" and before.isalpha())
    return False


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to whole words and numbers: '5 percent' in '4.5 percent' becomes '4.5 percent'."""
    while start > 0 and _joined(text, start):
        start -= 1
    while end < len(text) and _joined(text, end):
        end += 1
    return start, end


# A number or code naming one of its kind right after the noun: 'Resolution 2375', 'Flight No. 17', 'Route 94'.
_IDENTIFIER = re.compile(r"\s(?:No\.\s?|Number\s)?[A-Z]{0,3}-?\d[\w./-]*(?<![.,])")


def _identified(text: str, end: int, name: str | None) -> int:
    """The span's end moved past the identifier that follows it when the span ends with the asked noun:
    'what resolution …?' is answered 'Resolution 2375', never 'Resolution' with the number left beside it."""
    if name is None:
        return end
    last = text[:end].rsplit(None, 1)[-1].lower() if text[:end].strip() else ""
    if last.rstrip("s") != name.rstrip("s"):
        return end
    match = _IDENTIFIER.match(text, end)
    return match.end() if match else end


def mentions(spans: Sequence[SpanScore], hits: Sequence[Hit], config: ReaderConfig,
             name: str | None = None) -> list[Mention]:
    """Each proposed span once (overlapping windows propose some twice), best score kept; a span ending with
    the noun a 'what X' question asks (`name`) takes the number after it."""
    best: dict[tuple[int, int, int], Mention] = {}
    for span in spans:
        text = hits[span.passage].passage.text
        start, end = _trim(text, *_whole_words(text, span.start, _identified(text, span.end, name)))
        if end <= start:
            continue
        margin = span.score - span.null
        rank = span.score - config.null_weight * span.null + config.retrieval_weight * hits[span.passage].score
        key = (span.passage, start, end)
        if key not in best or rank > best[key].rank:
            best[key] = Mention(span.passage, start, end, text[start:end], rank, margin)
    return sorted(best.values(), key=lambda m: -m.rank)


def statements(found: list[Mention], config: ReaderConfig) -> list[tuple[Mention, float]]:
    """Overlapping spans of one passage are one statement ('10,000', '10,000 and 12,000', 'between 10,000 ...').

    Each statement's weight sums its spans' softmax weights (the reader's belief in that place, whatever the
    exact boundaries); it is worded by its longest span within `config.widen` logits of its best one.
    """
    if not found:
        return []
    top = found[0].rank
    clusters: list[list[Mention]] = []
    for mention in found:  # best first
        home = next((c for c in clusters if c[0].hit == mention.hit
                     and any(mention.start < m.end and m.start < mention.end for m in c)), None)
        if home is None:
            clusters.append([mention])
        else:
            home.append(mention)
    out = []
    for cluster in clusters:
        close = [m for m in cluster if m.rank >= cluster[0].rank - config.widen]
        wording = max(close, key=lambda m: (m.end - m.start, m.rank))
        out.append((replace(wording, rank=cluster[0].rank, margin=cluster[0].margin),
                    sum(math.exp(m.rank - top) for m in cluster)))
    return out


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
    for s, e in sentence_spans(text):
        if s <= start and end <= e:
            return s, e
    return 0, len(text)


def _answer(members: list[Mention], share: float, hits: Sequence[Hit], kind: AnswerType) -> Answer:
    """One answer: the words its mentions share, each source located in its file."""
    text = shared_text([m.text for m in members], kind)
    # The wording a source gives with its identifier ('Resolution 2375') over the bare one others share.
    text = next((m.text for m in members if m.text.startswith(text) and _IDENTIFIER.fullmatch(m.text[len(text):])), text)
    sources: list[Source] = []
    seen: set[str] = set()  # each document once per answer, however often it repeats the words
    placed_at: dict[int, tuple[int, int]] = {}  # where each mention states the shown words, in its passage text
    for number, mention in enumerate(members):
        hit = hits[mention.hit]
        inner = mention.text.find(text)
        if inner < 0:
            continue  # grouped by its parts ('Zelensky, Volodymyr'), but the words shown are not in it verbatim
        start, end = mention.start + inner, mention.start + inner + len(text)
        placed_at[number] = start, end
        first, last = _sentence(hit.passage.text, start, end)
        for source in sources_in(hit, start, end, hit.passage.text[first:last]):
            if source.path not in seen:
                seen.add(source.path)
                sources.append(source)
    best = members[0]
    first, last = _sentence(hits[best.hit].passage.text, best.start, best.end)
    # The words' place in the sentence, known here once, so no output searches the sentence for them.
    in_context = (placed_at[0][0] - first, placed_at[0][1] - first) if 0 in placed_at else None
    return Answer(text, round(share, 4), hits[best.hit].passage.text[first:last], tuple(sources),
                  _independent(members, hits), in_context=in_context)


def _shown(groups: list[list[Mention]], shares: list[float], counts: list[Counted], config: ReaderConfig,
           kind: AnswerType) -> list[int]:
    """The best answer, and beside it only answers that also score well and are the same kind of thing
    counting the same thing (two troop counts, not a count beside a sentence or a ship count): a
    disagreement, not noise."""
    shown = [0]
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
        floor = config.alternative_share if figures else config.alternative_share_words
        if (shares[number] >= floor
                and best.margin >= config.alternative_margin
                and key[0] == first[0] and (figures or kind is not AnswerType.QUANTITY)
                and same_thing(counts[0], counts[number])):
            shown.append(number)
    return shown


def _counted(members: list[Mention], hits: Sequence[Hit]) -> Counted:
    """What a group's best figure counts, read in its passage ('38 homes' -> ('home',))."""
    best = members[0]
    return stated(hits[best.hit].passage.text, best.start, best.end)


def _newest(answer: Answer) -> str:
    """An answer's newest source date ('' when none is dated)."""
    return max((source.meta.published or "" for source in answer.sources), default="")


def _newest_first(order: list[int], groups: list[list[Mention]], counts: list[Counted], hits: Sequence[Hit],
                  config: ReaderConfig, kind: AnswerType) -> list[int]:
    """For a 'latest' question, the group stated in the newest source goes first, among those the reader
    prefers to 'no answer' that are the same kind of answer counting the same thing as the best one.

    Ranked by belief alone, the newest figure was often not shown at all: older figures are stated by more
    sources, so support and the reader's softmax favour them.
    """
    first = answer_key(groups[order[0]][0].text, kind)

    def newest(members: list[Mention]) -> str:
        return max((hits[m.hit].passage.meta.published or "" for m in members), default="")

    matched = config.latest_lexical_share * hits[groups[order[0]][0].hit].lexical
    eligible = [g for g in order if groups[g][0].margin >= config.latest_margin
                and hits[groups[g][0].hit].lexical >= matched
                and answer_key(groups[g][0].text, kind)[0] == first[0] and same_thing(counts[order[0]], counts[g])]
    if not eligible:
        return order
    chosen = max(eligible, key=lambda g: newest(groups[g]))  # max keeps the best-ranked of equal dates
    if not newest(groups[chosen]):
        return order
    return [chosen, *(g for g in order if g != chosen)]


def read_answers(question: str, hits: Sequence[Hit], spans: Sequence[SpanScore], config: ReaderConfig,
                 latest: bool = False) -> Result:
    """The answers the reader's spans give, grouped and ranked, with hits marked where they state one.

    A 'how many X' question prefers figures that count X; a `latest` question ('so far', 'now') puts the
    answer its newest source states first.
    """
    kind = answer_type(question)
    found = mentions(spans, hits, config, asked_name(question))
    best_margin = confidence(spans, hits, config)
    low = best_margin < config.null_threshold
    if not found:
        return Result(question, tuple(hits), (), True, 0.0)
    placed = statements(found, config)
    weight_of = {(m.hit, m.start, m.end): w for m, w in placed}
    groups = _group([m for m, _ in placed], kind)
    # A softmax over every distinct span: each group's share of the reader's belief.
    weights = [sum(weight_of[(m.hit, m.start, m.end)] for m in members) for members in groups]
    total = sum(weights)
    support = [config.support * math.log2(_independent(members, hits)) for members in groups]
    order = sorted(range(len(groups)), key=lambda g: -(math.log(weights[g] / total) + support[g]))
    wanted = asked(question) if kind is AnswerType.QUANTITY else None
    counts = [_counted(members, hits) for members in groups]
    # A figure counting something else ('14,200 acres' for 'how many homes') goes after those that may not.
    order.sort(key=lambda g: not same_thing(wanted, counts[g]))
    if latest:
        order = _newest_first(order, groups, counts, hits, config, kind)
    groups = [groups[g] for g in order]
    shares = [weights[g] / total for g in order]
    counts = [counts[g] for g in order]
    answers = [(groups[n], _answer(groups[n], shares[n], hits, kind))
               for n in _shown(groups, shares, counts, config, kind)]
    if latest:
        answers.sort(key=lambda pair: _newest(pair[1]), reverse=True)  # stable: undated keep their place last
    marked = tuple(replace(hit, answer=_hit_span(number, hit, answers)) for number, hit in enumerate(hits))
    shown = tuple(a for _, a in answers)
    rivals = disputes(shown, kind, first_only=latest)
    return Result(question, marked, shown, low, round(best_margin, 4), at_once(shown, config.same_days, rivals))


def _hit_span(number: int, hit: Hit, answers: list[tuple[list[Mention], Answer]]) -> Span | None:
    """The best answer that stands in this hit's passage, located in its file."""
    for members, answer in answers:
        if any(m.hit == number for m in members):
            source = next((s for s in answer.sources if s.path == hit.passage.path
                           and hit.passage.start <= s.start < hit.passage.end), None)
            if source is not None:
                return Span(answer.text, source.start, source.end)
    return None
