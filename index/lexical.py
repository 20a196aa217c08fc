"""BM25 over every live segment with global statistics, so scores across segments stay comparable.

A per-segment BM25 would use one segment's row count, average length and document frequencies: a query
over segments of different sizes would rank a passage by which segment it happens to sit in. So BM25 is
computed here from each segment's postings (index/postings.py, made by index/words.py when the segment is
sealed) and passage lengths (`lengths.npy`), with N, average length and df summed over the live passages of
all segments. The formula and constants are FTS5's (IndexConfig: k1 = 1.2, b = 0.75, idf = ln((N - df +
0.5) / (df + 0.5)), floored at 1e-6); tests hold it to a plain per-passage BM25 over the same terms, within
1e-6. At 1M passages (bench/million.py, 300 SQuAD dev questions, common words left out as qa/retrieve.py
does) a question took 10.7 ms p50; bench/tokenizer.py measures it before and after format 5's tokenizer,
bench/lexical.py against tantivy and bm25s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from index.config import INDEX, IndexConfig
from index.segment_reader import SegmentReader
from index import words as tokenizer


def frequencies(segments: Sequence[SegmentReader], words: Sequence[str]) -> dict[str, int]:
    """How many passages hold each word, stemmed as the lexical index stems, over all segments."""
    return {word: sum(segment.frequency(tokenizer.stem(word)) for segment in segments) for word in words}


def search(segments: Sequence[SegmentReader], words: Sequence[str], k: int,
           allowed: np.ndarray | None = None, config: IndexConfig = INDEX) -> list[tuple[int, float]]:
    """Passage ids and BM25 scores (higher is better) of the k best live matches, among `allowed` when given."""
    if not words or not segments:
        return []
    return global_bm25(segments, words, k, allowed, config)


def global_bm25(segments: Sequence[SegmentReader], words: Sequence[str], k: int,
                allowed: np.ndarray | None = None, config: IndexConfig = INDEX) -> list[tuple[int, float]]:
    """BM25 from every segment's postings with N, average length and df over all live passages."""
    rows = sum(s.live for s in segments)
    if rows == 0:
        return []
    average = sum(s.live_tokens for s in segments) / rows
    weighted: list[tuple[float, list[tuple[np.ndarray, np.ndarray]]]] = []
    for word in words:  # each word once per occurrence: a word asked twice weighs twice
        term = tokenizer.stem(word)
        postings = [segment.postings(term) for segment in segments]
        df = sum(len(held) for held, _ in postings)
        if df:
            idf = math.log((rows - df + 0.5) / (df + 0.5))
            weighted.append((idf if idf > 0 else 1e-6, postings))
    if not weighted:
        return []
    found: list[np.ndarray] = []
    totals: list[np.ndarray] = []
    for number, segment in enumerate(segments):
        held = [(idf, *postings[number]) for idf, postings in weighted if len(postings[number][0])]
        if held:
            ids, total = _segment_scores(segment, held, average, allowed, config)
            found.append(ids)
            totals.append(total)
    if not found:
        return []
    unique, total = np.concatenate(found), np.concatenate(totals)
    if len(total) > k:  # only the k best need sorting
        best = np.argpartition(-total, k - 1)[:k]
        cut = total[best].min()
        chosen = np.flatnonzero(total >= cut)  # ties at the cut-off all kept, then ordered by id
        unique, total = unique[chosen], total[chosen]
    order = np.lexsort((unique, -total))[:k]
    return [(int(unique[i]), float(total[i])) for i in order]


def _segment_scores(segment: SegmentReader, held: list[tuple[float, np.ndarray, np.ndarray]], average: float,
                    allowed: np.ndarray | None, config: IndexConfig) -> tuple[np.ndarray, np.ndarray]:
    """Ids and BM25 totals of one segment's matching rows (among `allowed`, when given)."""
    rows = np.concatenate([found for _, found, _ in held])
    scores = []
    k1, b = config.bm25_k1, config.bm25_b
    for idf, found, counts in held:
        freq = counts.astype(np.float64)
        size = np.asarray(segment.lengths)[found]
        scores.append(idf * freq * (k1 + 1.0) / (freq + k1 * (1.0 - b + b * size / average)))
    # One slot per row of the segment: bincount adds each row's terms word by word,
    # and is cheaper than np.unique over the concatenated postings (a sort) at 1M passages.
    total = np.bincount(rows, weights=np.concatenate(scores), minlength=len(segment.ids))
    matched = np.flatnonzero(total)
    if allowed is not None:
        permitted = np.zeros(len(segment.ids), dtype=bool)
        permitted[segment.rows_of(allowed)] = True
        matched = matched[permitted[matched]]
    return np.asarray(segment.ids)[matched], total[matched]
