"""Index format 5's tokenizer against format 4's, built and measured in one run: SQuAD recall, BM25 p50, disk.

Issue 20 item 3. Both tokenizers split text alike (index/words.py `tokens`, FTS5's unicode61); they differ in
the stemmer and in what is stored:
- `old` (format 4): FTS5 `porter unicode61` tokenised the passages; its postings were copied into arrays when a
  segment was sealed, and the FTS5 tables stayed in `index.sqlite`. Rebuilt here by sealing segments with
  bench/porter.py (the byte-for-byte copy of FTS5's Porter stemmer that words.py held, tested against SQLite
  until format 5) in place of `index.words.stem`, so the arrays are format 4's; the FTS5 tables format 4 also
  kept (index and its copy of the text) are built beside it in a scratch database and counted as its disk.
- `new` (format 5): PyStemmer's Snowball English; the arrays only.
Everything else (splitting, query words, BM25, common-word cut) is the same code.

Per tokenizer, in order:
1. recall: SQuAD dev, each of the 2,067 paragraphs one file (bench.common.corpus), indexed by `update_index`;
   every question's lexical search (`qa.retrieve.lexical_terms`, `IndexReader.lexical_search`, BM25 only: the
   tokenizer's part) ranks documents; recall@1/5 = its own paragraph among the first 1/5 distinct documents.
2. scale: `--passages` distinct word windows of SQuAD articles (bench/windows.py; dev's ~110k, then train's),
   written as one segment through `Generation` with stand-in vectors (8-d, seeded: dense search is not
   measured), then 300 seeded SQuAD dev questions searched twice, the second round timed (p50, p95), and
   the lexical disk (postings arrays + lengths.npy, + FTS5's tables for `old`) and the whole index's.
Prints one JSON line. Run from the repository root (1M needs ~25 min and ~3 GB of disk on 2 cores):

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python -m bench.tokenizer --passages 1000000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bench import porter, windows
from bench.common import DATA, OUT, TRAIN, HashEmbedder, corpus, load, percentile_ms, size_of
import index.words
from index.postings import FILES as POSTINGS_FILES
from index.segments import DB_NAME, LENGTHS_NAME
from index.store import IndexReader
from index.update import update_index
from qa.retrieve import lexical_terms

WORK = OUT / "tokenizer"
MODES = ("old", "new")
QUESTIONS, SEED, K = 300, 7, 50
DIM = 8


@contextmanager
def tokenizer(mode: str) -> Iterator[None]:
    """Seal and search with `mode`'s stemmer: format 4's Porter copy for `old`, index/words.py's own for `new`."""
    own = index.words.stem
    index.words.stem = porter.stem if mode == "old" else own
    try:
        yield
    finally:
        index.words.stem = own


def _documents(ranked: list[int], paths: dict[int, str], k: int) -> list[str]:
    """The first k distinct documents of a ranked passage list."""
    seen: list[str] = []
    for pid in ranked:
        if paths[pid] not in seen:
            seen.append(paths[pid])
        if len(seen) == k:
            break
    return seen


def recall(mode: str) -> dict[str, float]:
    """BM25-only recall@1/5 of each SQuAD dev question's own paragraph, over an index of all paragraphs."""
    folder, questions = corpus()
    index_dir = WORK / f"squad-{mode}"
    shutil.rmtree(index_dir, ignore_errors=True)
    update_index(index_dir, [folder], HashEmbedder())
    reader = IndexReader.open(index_dir)
    try:
        paths = {pid: path for pid, path in reader.db.execute("SELECT id, path FROM passages")}
        hits = {1: 0, 5: 0}
        for question in questions:
            found = _documents([i for i, _ in reader.lexical_search(lexical_terms(reader, question.text), K)], paths, 5)
            for k in hits:
                hits[k] += question.path in found[:k]
    finally:
        reader.close()
    return {f"recall_at_{k}": round(count / len(questions), 4) for k, count in hits.items()}


def windows_of(size: int) -> tuple[list[windows.Article], list[windows.Window]]:
    """`size` distinct windows: dev's spread evenly, or all of dev's and train's spread evenly for the rest."""
    dev = windows.articles(DATA, OUT / "speed" / "articles")
    chosen = windows.every_window(dev)
    if size <= len(chosen):
        return dev, windows.windows(dev, size)
    train = windows.articles(TRAIN, OUT / "million" / "train", "t")
    rest = windows.every_window(train, first=len(dev))
    wanted = size - len(chosen)
    if wanted > len(rest):
        raise SystemExit(f"only {len(chosen) + len(rest)} distinct windows, not {size}")
    return dev + train, chosen + [rest[int(i * len(rest) / wanted)] for i in range(wanted)]


def build(index_dir: Path, found: list[windows.Article], chosen: list[windows.Window]) -> float:
    """One segment of the chosen windows through `Generation`, with seeded stand-in vectors; seconds taken."""
    rng = np.random.default_rng(SEED)
    shutil.rmtree(index_dir, ignore_errors=True)

    def random_unit(number: int, article: windows.Article, mine: list[windows.Window]) -> np.ndarray:
        vectors = rng.standard_normal((len(mine), DIM)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    return windows.write(index_dir, found, chosen, "stand-in", DIM, random_unit)


def fts5_bytes(reader: IndexReader, scratch: Path) -> int:
    """What format 4 also kept in each `index.sqlite`: FTS5 `porter unicode61` over the passages, with its text copy."""
    scratch.unlink(missing_ok=True)
    db = sqlite3.connect(scratch)
    db.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(text, tokenize='porter unicode61')")
    for segment in reader.segments:
        db.executemany("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)",
                       segment.db.execute("SELECT id, text FROM main.passages ORDER BY id"))
    db.commit()
    db.execute("VACUUM")
    db.close()
    size = scratch.stat().st_size
    scratch.unlink()
    return size


def scale(mode: str, size: int, questions: list[str]) -> dict[str, float]:
    """Build `size` passages with `mode`'s tokenizer; BM25 p50/p95 over the questions and the disk it takes."""
    index_dir = WORK / f"windows-{size}-{mode}"
    build_s = build(index_dir, *windows_of(size))
    reader = IndexReader.open(index_dir)
    try:
        times = []
        for round_ in range(2):  # the first round reads the pages a warm process would hold
            for question in questions:
                began = time.perf_counter()
                reader.lexical_search(lexical_terms(reader, question), K)
                if round_:
                    times.append(time.perf_counter() - began)
        lexical = sum(size_of(s.folder / name) for s in reader.segments for name in (*POSTINGS_FILES, LENGTHS_NAME))
        database = sum(size_of(s.folder / DB_NAME) for s in reader.segments)
        terms = sum(len(s.terms.offsets) - 1 for s in reader.segments)
        fts5 = fts5_bytes(reader, WORK / "fts5-scratch.sqlite") if mode == "old" else 0
    finally:
        reader.close()
    whole = size_of(index_dir)
    shutil.rmtree(index_dir)  # 1M passages take ~1.5 GB: one index on disk at a time
    mb = 1e6
    return {"passages": size, "build_s": round(build_s, 1), "bm25_p50_ms": percentile_ms(times, 50),
            "bm25_p95_ms": percentile_ms(times, 95), "terms": terms, "postings_mb": round(lexical / mb, 1),
            "fts5_mb": round(fts5 / mb, 1), "lexical_disk_mb": round((lexical + fts5) / mb, 1),
            "index_disk_mb": round((whole + fts5) / mb, 1), "database_mb": round((database + fts5) / mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000,
                        help="passages of the scale index (1,000,000 in the issue)")
    parser.add_argument("--tokenizer", choices=(*MODES, "both"), default="both", help="which to build (default both)")
    parser.add_argument("--no-recall", action="store_true", help="skip the SQuAD recall part")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    _, squad = load()
    picked = np.random.default_rng(SEED).choice(len(squad), QUESTIONS, replace=False)
    questions = [squad[i][1] for i in picked]
    results: dict[str, dict[str, float]] = {}
    for mode in MODES if args.tokenizer == "both" else (args.tokenizer,):
        with tokenizer(mode):
            results[mode] = {} if args.no_recall else recall(mode)
            results[mode].update(scale(mode, args.passages, questions))
    print(json.dumps({"bench": "tokenizer", "questions_timed": QUESTIONS, "k": K, **results}))


if __name__ == "__main__":
    main()
