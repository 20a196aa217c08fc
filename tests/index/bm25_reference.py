"""A plain BM25 over every live passage's text, word by word: the reference the postings arrays are held to."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from index.config import INDEX, IndexConfig
from index.store import IndexReader
from index.words import stem, terms


def reference_bm25(reader: IndexReader, words: Sequence[str], k: int,
                   config: IndexConfig = INDEX) -> list[tuple[int, float]]:
    """Each live passage tokenised on its own, then BM25 (FTS5's formula and constants), best k by score, then id."""
    counted = {pid: Counter(terms(text)) for pid, text in reader.db.execute("SELECT id, text FROM passages")}
    lengths = {pid: sum(counts.values()) for pid, counts in counted.items()}
    if not counted:
        return []
    average = sum(lengths.values()) / len(counted)
    wanted = [stem(word) for word in words]
    idf: dict[str, float] = {}
    for term in set(wanted):
        df = sum(1 for counts in counted.values() if term in counts)
        value = math.log((len(counted) - df + 0.5) / (df + 0.5))
        idf[term] = value if value > 0 else 1e-6
    k1, b = config.bm25_k1, config.bm25_b
    scores: dict[int, float] = {}
    for pid, counts in counted.items():
        total, matched = 0.0, False
        for term in wanted:
            if counts[term]:
                freq = float(counts[term])
                total += idf[term] * freq * (k1 + 1.0) / (freq + k1 * (1.0 - b + b * lengths[pid] / average))
                matched = True
        if matched:
            scores[pid] = total
    return sorted(scores.items(), key=lambda hit: (-hit[1], hit[0]))[:k]
