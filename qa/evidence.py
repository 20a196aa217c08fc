"""Sentence evidence: how well each sentence of the retrieved passages matches a question."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.split import sentence_spans
from qa.models import Hit
from qa.question import STOPWORDS, Question, content_terms, stem, words

# Evidence = cosine to the question + idf-weighted share of its words (plus shared phrases and the
# previous sentence's match) + the passage's retrieval score. Weights and the threshold come from
# the SQuAD sweep in bench/answers.py (tuned on one question sample, reported on another).
W_COSINE, W_OVERLAP, W_RETRIEVAL = 0.3, 0.5, 0.2
W_PHRASE, W_BEFORE = 0.3, 0.2
# Between the 99th percentile of off-topic and the 1st of on-topic SQuAD questions (--calibrate).
LOW_CONFIDENCE = 0.20


@dataclass(frozen=True)
class Sentence:
    """A sentence of a retrieved passage, with its evidence score for the question."""

    hit: int
    start: int
    end: int
    text: str
    score: float


def _pairs(text: str) -> frozenset[tuple[str, str]]:
    """Adjacent content-word pairs: a sentence sharing the question's phrases, not just its words."""
    stems = [stem(w) for w in words(text) if w.lower() not in STOPWORDS]
    return frozenset(zip(stems, stems[1:]))


def term_weights(frequencies: Mapping[str, int], total: int) -> dict[str, float]:
    """Inverse document frequency of the question's words: words the collection lacks weigh most."""
    return {term: math.log(1.0 + total / (1.0 + count)) for term, count in frequencies.items()}


def locate_sentences(hits: Sequence[Hit]) -> list[tuple[int, int, int, str]]:
    """(hit number, start, end, text) of every sentence of the hits' passages."""
    return [
        (number, start, end, hit.passage.text[start:end])
        for number, hit in enumerate(hits)
        for start, end in sentence_spans(hit.passage.text)
    ]


def score_sentences(question: Question, located: list[tuple[int, int, int, str]], cosines: np.ndarray,
                    hits: Sequence[Hit], weights: Mapping[str, float] | None = None) -> list[Sentence]:
    """Every located sentence scored as evidence for the question."""
    weights = weights or {term: 1.0 for term in question.terms}
    total = sum(weights.values()) or 1.0
    pairs = _pairs(question.text)
    overlaps = []
    for _, _, _, text in located:
        found = content_terms(text)
        overlap = sum(weight for term, weight in weights.items() if term in found) / total
        phrase = len(pairs & _pairs(text)) / len(pairs) if pairs else 0.0
        overlaps.append(overlap + W_PHRASE * phrase)
    scored = []
    for position, ((number, start, end, text), cosine) in enumerate(zip(located, cosines)):
        # SQuAD-style answers often sit one sentence after the one that restates the question.
        before = overlaps[position - 1] if position and located[position - 1][0] == number else 0.0
        lexical = overlaps[position] + W_BEFORE * before
        score = W_COSINE * float(cosine) + W_OVERLAP * lexical + W_RETRIEVAL * hits[number].score
        scored.append(Sentence(number, start, end, text, score))
    return scored


def confidence(sentences: list[Sentence], hits: Sequence[Hit], frequencies: Mapping[str, int] | None,
               weights: Mapping[str, float] | None) -> float:
    """How well the best sentence answers, in absolute terms; below LOW_CONFIDENCE nothing really does."""
    # Fused retrieval scores are relative (the top hit always has 1.0), so they say nothing about
    # whether anything answers at all: only the absolute part of the evidence counts.
    best = max((s.score - W_RETRIEVAL * hits[s.hit].score for s in sentences), default=0.0)
    if weights and frequencies:
        # "the capital of France" over stories that never mention France: the best sentence may
        # match "capital", but the question's rarest word is nowhere in the collection.
        known = sum(w for term, w in weights.items() if frequencies.get(term, 0) > 0)
        best *= 0.5 + 0.5 * known / (sum(weights.values()) or 1.0)
    return best
