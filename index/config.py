"""Every tuned number of building and searching an index, in one frozen config recorded in each manifest."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class IndexConfig:
    """Passage lengths, cleaning thresholds, vector tiers, merge policy and BM25's constants."""

    # Passages: sentences packed evenly up to max_words; cut at max_chars however the text is punctuated
    # (a 5 MB file with no sentence end must not become one passage printed whole on every hit).
    max_words: int = 120
    max_chars: int = 1_500
    max_file_bytes: int = 16 * 2**20  # news articles are kilobytes; a larger .txt is a dump or a log
    # Cleaning (index/clean.py): a short line without a closing stop reads as a heading; a block is hard-wrapped
    # when this share of its lines run on into the next and none is wider than wrap_width.
    heading_words: int = 25
    wrapped_share: float = 0.4
    wrap_width: int = 120
    header_lines: int = 12  # a header ("Date: …", "Source: …") sits above the story, never inside it
    # Dense vectors (index/vectors.py): exact search below exact_limit; IVF-SQ8 up to pq_limit; IVF-PQ of
    # pq_bytes codes from there, each search re-scoring rerank× the hits wanted from float16 copies.
    # bench/dense.py at 3M: PQ64 alone keeps 0.53 of the exact top 10, re-scoring 300 candidates 0.968.
    exact_limit: int = 50_000
    pq_limit: int = 2_000_000
    pq_bytes: int = 64
    rerank: int = 10
    train_per_list: int = 64  # k-means sample: enough points per centroid, bounded cost at 1M
    probe_share: int = 16  # probe 1/16 of the lists: recall@10 >= 0.99 on SQuAD questions (bench/speed.py)
    # Merges (index/update.py): past max_segments the smallest are merged, leaving about half; a segment more
    # than dead_share tombstones is rewritten (Lucene's TieredMergePolicy allows 33 % by default).
    max_segments: int = 8
    dead_share: float = 1 / 3
    # BM25 (index/lexical.py): FTS5's bm25() constants (ext/fts5/fts5_aux.c), so one segment scores as FTS5.
    bm25_k1: float = 1.2
    bm25_b: float = 0.75

    def to_dict(self) -> dict[str, float | int]:
        """The settings as a manifest records them."""
        return asdict(self)

    @classmethod
    def recorded(cls, data: object) -> IndexConfig:
        """The settings a manifest recorded; an index written before they were recorded used the defaults."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})


INDEX = IndexConfig()
