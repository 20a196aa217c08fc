"""The reader: answer spans in the retrieved passages, grouped across sources, with a confidence flag."""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.embed import Embedder
from qa.evidence import (
    LOW_CONFIDENCE, Sentence, confidence, locate_sentences, score_sentences, term_weights,
)
from qa.group import answer_key, shared_text
from qa.locate import sources_in
from qa.models import Answer, Hit, Result, Source, Span
from qa.question import AnswerType, Question, stem, words
from qa.retrieve import near_duplicates, shingles
from qa.spans import candidates

SPAN_WEIGHT = 0.15  # how much a span's type fit and closeness to the question's words move its sentence
_TITLES = frozenset("mr mrs ms dr prof president minister sir general gen".split())
GOOD_FIT, POOR_FIT = 0.75, 0.45  # spans below POOR_FIT are dropped when another one fits well
SUPPORT = 0.08  # bonus per further independent source stating the same answer
KEEP = 0.55  # answers scoring below this share of the best are not shown
MAX_ANSWERS = 5
CACHE_SIZE = 4096
SENTENCE_COSINES = False  # embedding every sentence costs ~75 % of a warm ask for ~3 points of sentence@1


@dataclass(frozen=True)
class Mention:
    """One statement of a possible answer: a span inside a sentence of one hit."""

    sentence: Sentence
    start: int
    end: int
    text: str
    score: float
    quality: float = 1.0  # how well the span itself fits the question, apart from its sentence
    typed: bool = False  # a span of the expected type, not a whole sentence standing in for one


def _proximity(question: Question, sentence: str, start: int, end: int) -> float:
    """Closer to the question's words is likelier to be the answer: 1.0 beside them, 0.6 at the least."""
    between = [len(words(sentence[match[1]:start])) if match[1] <= start
               else len(words(sentence[end:match[0]]))
               for match in _word_matches(sentence) if stem(match[2]) in question.terms]
    if not between:
        return 0.7
    return max(0.6, 1.0 - 0.03 * min(between))


def _word_matches(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"\w+(?:['’-]\w+)*", text)]


def _focus(question: Question, sentence: str, end: int) -> float:
    """'4,000 Korean workers' answers 'how many workers' better than '$800 per month' does."""
    if not question.focus:
        return 1.0
    following = [stem(w) for w in words(sentence[end : end + 40])[:3]]
    return 1.0 if question.focus in following else 0.8


def _restates_question(question: Question, text: str) -> bool:
    """A span made only of the question's own words is no answer to it."""
    terms = [stem(w) for w in words(text)]
    return bool(terms) and all(term in question.terms for term in terms)


class Reader:
    """Finds, groups and ranks answer spans; caches sentence vectors across questions."""

    def __init__(self, embedder: Embedder, sentence_cosines: bool = SENTENCE_COSINES) -> None:
        self.embedder = embedder
        self.sentence_cosines = sentence_cosines
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing)):
                self._vectors[text] = vector
        for text in texts:
            self._vectors.move_to_end(text)
        while len(self._vectors) > CACHE_SIZE:
            self._vectors.popitem(last=False)
        return np.vstack([self._vectors[t] for t in texts])

    def sentences(self, question: Question, vector: np.ndarray, hits: Sequence[Hit],
                  weights: Mapping[str, float] | None = None) -> list[Sentence]:
        """Every sentence of the hits, scored as evidence for the question."""
        located = locate_sentences(hits)
        if not located:
            return []
        if self.sentence_cosines:
            cosines = self._sentence_vectors([text for *_, text in located]) @ vector
        else:
            # The passage's own cosine stands in for its sentences': no model call per question.
            cosines = np.array([hits[number].dense for number, *_ in located], dtype=np.float32)
        return score_sentences(question, located, cosines, hits, weights)

    def mentions(self, question: Question, sentences: list[Sentence]) -> list[Mention]:
        """Typed answer candidates in every sentence; the whole sentence where none fits the type."""
        found = []
        for sentence in sentences:
            typed = [c for c in candidates(sentence.text, question.kind, question.money, question.duration)
                     if not _restates_question(question, c.text)]
            if not typed:
                # Sentence choice dominates span choice: a sentence without a typed span still answers.
                penalty = 1.0 if question.kind is AnswerType.OTHER else 1.0 - SPAN_WEIGHT
                found.append(Mention(sentence, sentence.start, sentence.end, sentence.text, sentence.score * penalty,
                                     1.0 - SPAN_WEIGHT))
            for candidate in typed:
                quality = (candidate.fit * _proximity(question, sentence.text, candidate.start, candidate.end)
                           * _focus(question, sentence.text, candidate.end))
                found.append(Mention(sentence, sentence.start + candidate.start, sentence.start + candidate.end,
                                     candidate.text, sentence.score * (1.0 - SPAN_WEIGHT + SPAN_WEIGHT * quality),
                                     quality, True))
        return found

    def read(self, question: Question, vector: np.ndarray, hits: Sequence[Hit],
             frequencies: Mapping[str, int] | None = None, total: int = 0) -> Result:
        """Answers for a question from its retrieved passages, best first.

        `frequencies` (passages per question word, out of `total`) weight rare words up and let
        words the collection never mentions lower the confidence.
        """
        weights = term_weights(frequencies, total) if frequencies else None
        sentences = self.sentences(question, vector, hits, weights)
        best_evidence = confidence(sentences, hits, frequencies, weights)
        low_confidence = best_evidence < LOW_CONFIDENCE
        groups = _group(self.mentions(question, sentences), question.kind, hits)
        ranked = sorted(groups, key=lambda g: -g[0])
        if any(members[0].quality >= GOOD_FIT for _, members in ranked):
            # "Thousands" or "four months" is an answer only when nothing fits the question better.
            ranked = [group for group in ranked if group[1][0].quality >= POOR_FIT]
        if question.kind is not AnswerType.OTHER and ranked:
            # A whole sentence stands in for a span only where it beats every span of the right type.
            ranked = ranked[:1] + [group for group in ranked[1:] if group[1][0].typed]
        if ranked:
            ranked = [g for g in ranked if g[0] >= KEEP * ranked[0][0]][:MAX_ANSWERS]
        answers = tuple(_answer(score, members, hits, question.kind) for score, members in ranked)
        spans = tuple(_hit_span(number, hits[number], ranked, answers) for number in range(len(hits)))
        return Result(question.text, tuple(hits), answers, spans, low_confidence, round(best_evidence, 4))


def _group(mentions: list[Mention], kind: AnswerType, hits: Sequence[Hit]) -> list[tuple[float, list[Mention]]]:
    """Mentions stating the same answer, scored by the best one plus independent support."""
    by_key: dict[tuple[object, ...], list[Mention]] = {}
    for mention in mentions:
        key = answer_key(mention.text, kind)
        if kind is AnswerType.OTHER:
            grams = shingles(mention.text)
            key = next((k for k, ms in by_key.items() if near_duplicates(grams, shingles(ms[0].text))), key)
        by_key.setdefault(key, []).append(mention)
    if kind in (AnswerType.PERSON, AnswerType.ORGANIZATION, AnswerType.PLACE):
        by_key = _merge_names(by_key)
    groups = []
    for members in by_key.values():
        members.sort(key=lambda m: -m.score)
        support = _independent(members, hits)
        groups.append((members[0].score + SUPPORT * math.log2(support), members))
    return groups


def _merge_names(by_key: dict[tuple[object, ...], list[Mention]]) -> dict[tuple[object, ...], list[Mention]]:
    """'Zelensky', 'Mr Zelensky' and 'Volodymyr Zelensky' name one person: fold into the shortest."""
    def tokens(key: tuple[object, ...]) -> frozenset[str]:
        return frozenset(str(key[-1]).split()) - _TITLES

    merged: dict[tuple[object, ...], list[Mention]] = {}
    for key in sorted(by_key, key=lambda k: len(tokens(k))):
        home = next((k for k in merged if tokens(k) and tokens(k) <= tokens(key)), None)
        merged.setdefault(home or key, []).extend(by_key[key])
    return merged


def _independent(members: list[Mention], hits: Sequence[Hit]) -> int:
    """How many different stories state the answer: one per document, near-identical copies once."""
    stories: list[tuple[tuple[str, int], frozenset]] = []
    for mention in members:
        passage = hits[mention.sentence.hit].passage
        grams = shingles(mention.sentence.text)
        if not any((passage.path, passage.part) == story or near_duplicates(grams, other)
                   for story, other in stories):
            stories.append(((passage.path, passage.part), grams))
    return len(stories)


def _answer(score: float, members: list[Mention], hits: Sequence[Hit], kind: AnswerType) -> Answer:
    """One answer: the words its mentions share, each source located in its file."""
    text = shared_text([m.text for m in members], kind)
    sources: list[Source] = []
    seen: set[tuple[str, int]] = set()
    for mention in members:
        hit = hits[mention.sentence.hit]
        inner = mention.text.find(text)
        start, end = (mention.start + inner, mention.start + inner + len(text)) if inner >= 0 \
            else (mention.start, mention.end)
        for source in sources_in(hit, start, end, mention.sentence.text):
            if (source.path, source.start) not in seen:
                seen.add((source.path, source.start))
                sources.append(source)
    return Answer(text, round(score, 4), members[0].sentence.text, tuple(sources), _independent(members, hits))


def _hit_span(number: int, hit: Hit, ranked: list[tuple[float, list[Mention]]],
              answers: tuple[Answer, ...]) -> Span | None:
    """The best answer span that stands in this hit's passage, located in its file."""
    for (_, members), answer in zip(ranked, answers):
        for mention in members:
            if mention.sentence.hit == number:
                passage = hit.passage
                source = next((s for s in answer.sources if s.path == passage.path
                               and passage.start <= s.start < passage.end), None)
                if source is not None:
                    return Span(answer.text, source.start, source.end)
    return None
