"""Every tuned number of building and searching an index, in one frozen config recorded in each manifest."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class IndexConfig:
    """Passage lengths, cleaning thresholds, input bounds, vector tiers, merge policy and BM25's constants."""

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
    # Judging a block wrapped: a line counts as running on when it has at least run_on_chars characters and
    # no closing stop, and a block of fewer than wrap_lines lines is never judged wrapped. A wrapped block's
    # width is this quantile of its line lengths; a line ending a sentence short of short_end_share of that
    # width ends its paragraph, and so does a first line reading as a heading under heading_share of it.
    run_on_chars: int = 30
    wrap_lines: int = 4
    width_quantile: float = 0.9
    short_end_share: float = 0.75
    heading_share: float = 0.6
    max_byline_words: int = 12  # a byline ('By Jane Doe and John Roe, Staff Writers') is a short line
    header_lines: int = 12  # a header ("Date: …", "Source: …") sits above the story, never inside it
    # A run of tiny_run_lines or more lines of at most tiny_line_chars characters (a column of numbers, padding)
    # is no prose: it is dropped as one gap before any per-line work, so memory and time follow bytes, not lines.
    tiny_line_chars: int = 3
    tiny_run_lines: int = 64
    # Passages are balanced within windows of this many words: a section with no heading is never held whole.
    section_words: int = 8_192
    # Input bounds (index/boundary.py): one file's reading and splitting is stopped after file_seconds; JSON
    # nested deeper than json_depth is refused before parsing (exports nest a few levels; Python's parser
    # recurses ~1,000 deep); an export or feed holds at most max_records articles (each costs ~1 KB and
    # ~0.1 ms however short; 16 MB of real articles is ~20,000), the rest skipped with a warning.
    file_seconds: float = 120.0
    json_depth: int = 200
    max_records: int = 100_000
    # A .newsqaignore is a few lines; each file walked is matched against every pattern (~0.3 µs each), so
    # 100,000 patterns cost 7 s to compile and 34 ms a file. Markdown markup (emphasis, links, code) spans at
    # most markdown_span characters of a line, so stripping a line costs its length times that, never its square.
    ignore_bytes: int = 2**20
    ignore_patterns: int = 10_000
    markdown_span: int = 1_000
    # Dates outside these years are no publication dates (a typo, an epoch read wrong): stored as unknown.
    earliest_year: int = 1800
    latest_year: int = 2100
    # A date stated without its year (index/year.py) may take it from this many files of its folder, nearest in
    # name order; the year before or after the folder's only where that lies within year_wrap_days of one of
    # their dates (a Dec 30 story among January ones).
    year_siblings: int = 16
    year_wrap_days: int = 31
    # qa watch, when the OS watcher cannot follow a name that is not UTF-8: the folders are compared this often.
    watch_poll_seconds: float = 2.0
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
    # BM25 (index/lexical.py): the constants FTS5's bm25() uses (ext/fts5/fts5_aux.c), which the index used until format 5.
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
