"""Hybrid retrieval: dense (FAISS) and lexical (BM25, postings arrays) candidates, fused, near-duplicates folded."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from index.embed import Embedder
from index.models import Passage
from index.store import IndexReader
from qa.config import DEFAULT, RetrievalConfig
from index.filters import NO_FILTERS, Filters
from qa.models import Hit
from qa.question import asked_day, story_names, wants_latest
from index.words import QUERY_STOPWORDS, tokens


def query_words(question: str) -> list[str]:
    """The question's content words, once each (all its words if it has no content words)."""
    words = tokens(question)
    return list(dict.fromkeys([w for w in words if w not in QUERY_STOPWORDS] or words))


def lexical_terms(reader: IndexReader, question: str, config: RetrievalConfig = DEFAULT.retrieval) -> list[str]:
    """The words BM25 ranks by: the question's content words, common ones left out on large indexes."""
    words = query_words(question)
    passages = reader.manifest.passages
    if passages >= config.common_words_above:
        # Ranking every passage that has a word found in one passage of ten costs most of a
        # large index's search time and moves its top ten little (0.94 overlap at 100k).
        counts = reader.document_frequencies(words)
        rare = [w for w in words if counts[w] <= config.common_share * passages]
        words = rare or sorted(words, key=counts.__getitem__)[:1]
    return words


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """Word trigrams of a text, lowercased, with punctuation and quote styles ignored."""
    words = tokens(text)
    return frozenset(zip(words, words[1:], words[2:])) if len(words) >= 3 else frozenset({tuple(words)})


def hit_shingles(hit: Hit) -> frozenset[tuple[str, ...]]:
    """A hit's word trigrams: those folding computed, else computed now."""
    return hit.shingles if hit.shingles is not None else shingles(hit.passage.text)


def near_duplicates(a: frozenset, b: frozenset, share: float = DEFAULT.retrieval.near_duplicate) -> bool:
    """Whether two passages are copies of one text (containment, so partial overlaps count)."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= share


def collapse(hits: list[Hit], share: float = DEFAULT.retrieval.near_duplicate) -> list[Hit]:
    """Fold near-identical passages into the best-ranked copy, listing the rest as duplicates."""
    kept: list[tuple[Hit, frozenset, list[Passage]]] = []
    for hit in hits:
        grams = hit_shingles(hit)
        for best, best_grams, copies in kept:
            if near_duplicates(grams, best_grams, share) and best.passage.path != hit.passage.path:
                copies.append(hit.passage)
                break
        else:
            kept.append((hit, grams, []))
    return [
        Hit(h.passage, h.score, rank, h.dense, h.lexical, tuple(copies), shingles=grams)
        for rank, (h, grams, copies) in enumerate(kept, start=1)
    ]


def fuse(dense: dict[int, float], lexical: dict[int, float], dense_weight: float) -> dict[int, float]:
    """Convex combination of min-max-normalised dense cosines and max-normalised BM25 scores."""
    low, high = min(dense.values()), max(dense.values())
    top_lexical = max(lexical.values(), default=0.0) or 1.0
    spread = (high - low) or 1.0
    return {
        pid: dense_weight * (dense[pid] - low) / spread + (1 - dense_weight) * lexical.get(pid, 0.0) / top_lexical
        for pid in dense
    }


def recency(published: dict[int, date | None]) -> dict[int, float]:
    """Each candidate's date min-max scaled to 0-1 over the dated candidates (newest 1; undated and all-alike 0)."""
    days = {pid: day.toordinal() for pid, day in published.items() if day is not None}
    low, high = min(days.values(), default=0), max(days.values(), default=0)
    return {pid: (days[pid] - low) / (high - low) if pid in days and high > low else 0.0 for pid in published}


def reports_on(filed: date | None, day: tuple[int, int]) -> float:
    """1 when a document filed on `filed` reports the (month, day) asked about: filed that day or the next."""
    if filed is None:
        return 0.0
    return float(any((d.month, d.day) == day for d in (filed, filed - timedelta(days=1))))


class Retriever:
    """Finds the passages of one index that best match a question."""

    def __init__(self, reader: IndexReader, embedder: Embedder, config: RetrievalConfig = DEFAULT.retrieval) -> None:
        reader.check_model(embedder.name, embedder.dim)  # once per reader and model: see IndexReader.check_model
        self.reader = reader
        self.embedder = embedder
        self.config = config

    def scores(self, question: str, vector: np.ndarray | None = None,
               filters: Filters = NO_FILTERS) -> tuple[dict[int, float], dict[int, float]]:
        """Dense cosine for every candidate of either retriever, and BM25 for the lexical ones (both within `filters`)."""
        if vector is None:
            vector = self.embedder.embed([question])[0]
        # Filtered inside both searches, so a narrow filter still yields full candidate lists.
        scope = self.reader.scope(filters) if filters.active else None
        dense = dict(self.reader.dense_search(vector, self.config.candidates, scope))
        terms = lexical_terms(self.reader, question, self.config)
        lexical = dict(self.reader.lexical_search(terms, self.config.candidates, scope))
        only_lexical = [pid for pid in lexical if pid not in dense]
        if only_lexical:
            # Score lexical-only candidates densely too, so fusion never guesses a missing cosine.
            cosines = self.reader.vectors_of(only_lexical) @ vector
            dense.update(zip(only_lexical, map(float, cosines)))
        return dense, lexical

    def search(self, question: str, k: int = 5, vector: np.ndarray | None = None,
               filters: Filters = NO_FILTERS) -> list[Hit]:
        """The k best passages within `filters`, fused (newer first for 'latest' questions), copies folded."""
        dense, lexical = self.scores(question, vector, filters)
        if not dense:
            return []
        fused = fuse(dense, lexical, self.config.dense_weight)
        latest = bool(self.config.recency_weight) and wants_latest(question, self.config.recency_words)
        names = story_names(question) if latest and self.config.story_weight else []
        if names:
            fused = self._in_story(fused, names)
        fetched: dict[int, Passage] | None = None  # passages with their metadata, fetched once per question
        day = asked_day(question) if self.config.day_weight else None
        if day is not None:
            fetched = self.reader.passages(list(fused))
            fused = {pid: score + self.config.day_weight * reports_on(fetched[pid].meta.day, day)
                     if pid in fetched else score for pid, score in fused.items()}
        if latest:
            fetched = fetched if fetched is not None else self.reader.passages(list(fused))
            # Newest among the passages that match: scaled over every candidate, the dates of other stories
            # spread the scale so wide that a story's own last two weeks differ by almost nothing.
            floor = self.config.recency_pool * max(fused.values())
            dated = recency({pid: p.meta.day for pid, p in fetched.items() if fused[pid] >= floor})
            weight = self.config.recency_weight
            fused = {pid: (1 - weight) * score + weight * dated.get(pid, 0.0) for pid, score in fused.items()}
        ranked = sorted(fused, key=fused.__getitem__, reverse=True)[: max(3 * k, k + 10)]
        passages = fetched if fetched is not None else self.reader.passages(ranked)
        hits = [
            Hit(passages[pid], round(fused[pid], 4), 0, round(dense[pid], 4), round(lexical.get(pid, 0.0), 4))
            for pid in ranked
            if pid in passages
        ]
        return collapse(hits, self.config.near_duplicate)[:k]

    def _in_story(self, fused: dict[int, float], names: list[str]) -> dict[int, float]:
        """Fused scores raised by the share of the question's names each candidate's document holds, so that the
        newest passages lifted are the named story's: a story that never names 'Pine Flat' is not the one asked
        about, though its newer passage matches the other words."""
        held = self.reader.held_by_documents(names, list(fused))
        weight = self.config.story_weight
        return {pid: score + weight * len(held.get(pid, ())) / len(names) for pid, score in fused.items()}
