"""Segments at scale: adding one article to an N-passage index, bytes written, and warm retrieval by segment count.

The index is bench/windows.py's SQuAD word-window corpus (composed vectors), written through the same
generation code as `qa index`; above ~110k windows the 48 articles are repeated under other names
(`--passages 1000000`). The article added is new text (one dev article's sentences in reverse order,
under a new title), embedded by a hashing stand-in whose time is reported apart (`embed_s`): the real
model embeds ~56 passages/s here, so its cost is `embedded / 56` s on top. Retrieval is timed on SQuAD
dev questions (dense + BM25 + fusion, `Retriever.search`, query vectors taken from sentence vectors, as
the model's cost is not the point) for: one segment; the same plus 7 one-article updates (8 segments);
and after `--optimize` (one merged segment). Prints one JSON line.
Run: `.venv/bin/python -m bench.segments --passages N` from the repository root.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench import windows
from bench.common import DATA, OUT, HashEmbedder, load, size_of, status_mb
from index.changes import Stat
from index.embed import MODEL_DIM, MODEL_NAME
from index.generation import Generation
from index.models import Document, SourceFile
from index.store import IndexReader, current_generation, text_hash
from index.update import optimize_index, update_index, write_lock
from qa.retrieve import lexical_terms

WORK = OUT / "segments"
PER_COPY = 100_000  # distinct windows used per copy of the 48 articles (about 110k exist)


def build(index_dir: Path, found: list[windows.Article], chosen: list[windows.Window],
          vectors: list[np.ndarray], copies: int) -> float:
    """One segment of the chosen windows, each article's stat recorded as `qa index` records it."""
    began = time.perf_counter()
    with write_lock(index_dir):
        generation = Generation(index_dir, current_generation(index_dir), MODEL_NAME, MODEL_DIM)
        for copy in range(copies):
            for number, article in enumerate(found):
                mine = [w for w in chosen if w.article == number]
                path = Path(article.path) if copy == 0 else Path(article.path).with_name(f"c{copy}-{Path(article.path).name}")
                if copy:
                    shutil.copyfile(article.path, path)
                os.utime(path, (time.time() - 3600, time.time() - 3600))  # old enough for its mtime to be trusted
                text = article.text
                data = text.encode("utf-8")
                source = SourceFile(str(path), text, hashlib.sha256(data).hexdigest(), len(data), path.stat().st_mtime)
                passages = [replace(windows.passage(article, w), path=str(path)) for w in mine]
                matrix = np.vstack([windows.vector(article, w, vectors[number]) for w in mine])
                generation.add_file(source, [Document(str(path), 0, article.title, None)], passages, matrix,
                                    [text_hash(p.text) for p in passages])
                generation.record_stat(str(path), Stat(len(data), path.stat().st_mtime_ns))
        generation.publish()
    return time.perf_counter() - began


def peak_mb(reset: bool = False) -> float:
    """This process's peak resident memory since the last reset (Linux: writing 5 to clear_refs resets VmHWM)."""
    if reset:
        Path("/proc/self/clear_refs").write_text("5")
    return status_mb("VmHWM")


def io_written() -> int:
    """Bytes this process has written through write(2) and friends (/proc/self/io `wchar`)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def retrieval(index_dir: Path, questions: list[str], vectors: np.ndarray) -> dict[str, float]:
    from qa.retrieve import Retriever

    reader = IndexReader.open(index_dir)
    retriever = Retriever(reader, HashEmbedder(name=MODEL_NAME))  # never called: each search is given its vector
    times: dict[str, list[float]] = {"dense": [], "lexical": [], "search": []}
    for round_ in range(2):  # the first round warms the page cache and FTS5's pages
        for question, vector in zip(questions, vectors):
            t0 = time.perf_counter()
            reader.dense_search(vector, 50)
            t1 = time.perf_counter()
            reader.lexical_search(lexical_terms(reader, question), 50)
            t2 = time.perf_counter()
            retriever.search(question, 5, vector)
            t3 = time.perf_counter()
            if round_:
                for name, spent in (("dense", t1 - t0), ("lexical", t2 - t1), ("search", t3 - t2)):
                    times[name].append(spent)
    segments = len(reader.segments)
    reader.close()
    out: dict[str, float] = {"segments": segments}
    for name, values in times.items():
        out[f"{name}_p50_ms"] = round(float(np.percentile(values, 50)) * 1000, 2)
        out[f"{name}_p95_ms"] = round(float(np.percentile(values, 95)) * 1000, 2)
    return out


def add_article(index_dir: Path, folder: Path, found: list[windows.Article], number: int) -> dict[str, float]:
    """Add one new article (file) and measure the update: seconds, embedding apart, bytes written."""
    source = found[number % len(found)]
    text = f"Update {number}\n\n" + " ".join(reversed(source.sentences[:40])) + "\n"
    (folder / f"new-{number:03d}.txt").write_text(text, encoding="utf-8")
    embedder = HashEmbedder(name=MODEL_NAME)
    before_io, before_files = io_written(), {p for p in index_dir.rglob("*") if p.is_file()}
    began = time.perf_counter()
    summary = update_index(index_dir, [folder], embedder)
    seconds = time.perf_counter() - began
    written = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file() and p not in before_files)
    return {"seconds": round(seconds, 3), "embed_s": round(embedder.seconds, 3), "embedded": summary.embedded,
            "new_file_bytes": written, "write_syscall_bytes": io_written() - before_io,
            "passages": summary.passages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000, help="index size (default 100,000)")
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()

    found = windows.articles(DATA, WORK / "articles")
    vectors = windows.sentence_vectors(found)
    per_copy = min(args.passages, PER_COPY)
    copies = -(-args.passages // per_copy)
    chosen = windows.windows(found, per_copy)
    index_dir = WORK / f"index-{args.passages}"
    shutil.rmtree(index_dir, ignore_errors=True)
    for stale in (WORK / "articles").glob("[cn]*-*.txt"):
        stale.unlink()
    peak_mb(reset=True)
    build_s = build(index_dir, found, chosen, vectors, copies)
    build_peak = peak_mb()
    folder = WORK / "articles"

    _, squad_questions = load(DATA)
    rng = np.random.default_rng(0)
    picked = rng.choice(len(squad_questions), args.questions, replace=False)
    questions = [squad_questions[i][1] for i in picked]
    flat = np.vstack(vectors)
    query_vectors = flat[rng.choice(len(flat), args.questions, replace=False)]

    one = retrieval(index_dir, questions, query_vectors)
    index_bytes = size_of(index_dir / "segments")
    adds = [add_article(index_dir, folder, found, n) for n in range(7)]
    eight = retrieval(index_dir, questions, query_vectors)
    before_merge = peak_mb(reset=True)
    began = time.perf_counter()
    merged = optimize_index(index_dir)
    optimize_s = time.perf_counter() - began
    merge_peak = peak_mb()
    after = retrieval(index_dir, questions, query_vectors)
    add = adds[-1]
    print(json.dumps({
        "bench": "segments", "passages": add["passages"], "build_s": round(build_s, 1),
        "index_bytes": index_bytes,
        "add_one_seconds": [a["seconds"] for a in adds],
        "add_one_embed_s": [a["embed_s"] for a in adds],
        "add_one_embedded": add["embedded"],
        "add_one_new_file_bytes": add["new_file_bytes"],
        "add_one_write_syscall_bytes": add["write_syscall_bytes"],
        "written_share_of_index": round(add["write_syscall_bytes"] / index_bytes, 6),
        "retrieval_1_segment": one, "retrieval_8_segments": eight,
        "optimize_s": round(optimize_s, 1), "optimize": [merged.before, merged.after],
        "build_peak_rss_mb": build_peak, "rss_before_optimize_mb": before_merge, "optimize_peak_rss_mb": merge_peak,
        "retrieval_after_optimize": after,
    }))


if __name__ == "__main__":
    main()
