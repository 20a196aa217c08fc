"""Warm ask at 1M passages, measured: retrieval latency, recall@10 against exact search, resident memory.

The corpus is 1,000,000 distinct word windows (bench/windows.py) over SQuAD articles: every window of the
48 dev articles (~110k; the questions are about them) and windows of the 442 train articles spread evenly
for the rest, so no text repeats and every passage cites its file. Vectors are composed from real sentence
embeddings (bench/windows.py says how); questions are SQuAD dev questions embedded for real by the index's
ONNX query model. The index is written through the same generation code as `qa index`, as one segment.

In a fresh process (`Pipeline`, as `qa tui` holds one): per question, the embedding, the dense and lexical
searches alone, and `Retriever.search` (dense + BM25 + fusion + folding: "retrieval"), p50 and p95; then a
whole `Pipeline.ask` (reader included) on other questions; the process's resident memory (VmRSS) and peak
(VmHWM). Then recall@10: the same searches with each segment's vectors swapped for an exact index of the
original float32 vectors (BM25 is exact already), the top 10 compared. Prints one JSON line.
Run: `.venv/bin/python -m bench.million` from the repository root. The first run exports the query model and
embeds the sentences it lacks (cached under bench/out/ and shared with the other benches), then builds the
index (~5 min and ~4.6 GB, under bench/out/million/).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

from bench import windows
from bench.common import (DATA, OUT, ROOT, TRAIN, load, module_command, percentile_ms, query_model, readable,
                          size_of, status_mb, timed_stages)

WORK = OUT / "million"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "OMP_NUM_THREADS": "1"}


def corpus(size: int) -> tuple[list[windows.Article], list[np.ndarray], list[windows.Window]]:
    """Dev and train articles, their sentence vectors, and `size` windows: all of dev's, train's spread evenly."""
    dev = windows.articles(DATA, OUT / "speed" / "articles")
    chosen = windows.every_window(dev)
    if size <= len(chosen):  # a small trial run: dev's windows suffice, spread evenly
        return dev, windows.sentence_vectors(dev), windows.windows(dev, size)
    train = windows.articles(TRAIN, WORK / "train", "t")
    vectors = windows.sentence_vectors(dev) + windows.sentence_vectors(train)
    rest = windows.every_window(train, first=len(dev))
    wanted = size - len(chosen)
    if wanted > len(rest):
        raise SystemExit(f"only {len(chosen) + len(rest)} distinct windows, not {size}")
    chosen += [rest[int(i * len(rest) / wanted)] for i in range(wanted)]
    return dev + train, vectors, chosen


def prepare(size: int) -> None:
    """Export the query model and embed the sentences not cached yet, so the build process loads no model."""
    query_model()
    corpus(size)


def build(index_dir: Path, size: int) -> dict[str, float]:
    """Write the index (one segment) and the exact vectors beside it, by passage id; returns timings."""
    from index.onnx_embed import QUERY_DIR

    found, vectors, chosen = corpus(size)
    shutil.rmtree(index_dir, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    matrices: list[np.ndarray] = []
    build_s = windows.build(index_dir, found, chosen, vectors, matrices)
    np.save(WORK / f"exact-{size}.npy", np.vstack(matrices))
    shutil.copytree(query_model(), index_dir / QUERY_DIR)
    # The writer spools vectors to disk and adds them to FAISS in chunks: this peak is the corpus itself
    # (articles, sentence vectors, the matrices kept for exact-{size}.npy) plus SQLite's and FAISS's working sets.
    stamp = {"build_s": round(build_s, 1), "passages": len(chosen), "build_peak_rss_mb": status_mb("VmHWM")}
    (WORK / f"index-{size}.json").write_text(json.dumps(stamp))
    return stamp


def exact_swap(reader, exact_path: Path) -> None:
    """Give every segment an exact index of the original vectors in place of its approximate one."""
    from index import vectors as vector_index

    matrix = np.load(exact_path, mmap_mode="r")
    for segment in reader.segments:
        ids = np.asarray(segment.ids)
        exact = vector_index.empty(matrix.shape[1])
        exact.add_with_ids(np.ascontiguousarray(matrix[np.arange(len(ids))]), ids)  # one segment: rows = ids order
        segment.vectors = exact


def child(index_dir: Path, question_file: Path, exact_path: Path) -> None:
    """In a fresh process: stage latencies, whole asks, memory, then recall@10 against exact search."""
    from qa.pipeline import Pipeline

    questions = question_file.read_text(encoding="utf-8").splitlines()
    began = time.perf_counter()
    pipeline = Pipeline(index_dir)
    open_s = time.perf_counter() - began
    timed, asked = questions[:-50], questions[-50:]
    stages: dict[str, list[float]] = {"embed": [], "dense": [], "lexical": [], "retrieval": []}
    found: list[list[int]] = []
    vectors = []
    for round_ in range(2):  # the first round reads the pages a warm process would hold
        for question in timed:
            vector, hits, spent = timed_stages(pipeline, question, 10)
            if round_:
                for name, seconds in zip(stages, spent):
                    stages[name].append(seconds)
                found.append([hit.passage.id for hit in hits])
                vectors.append(vector)
    asks = []
    for question in asked:
        t0 = time.perf_counter()
        pipeline.ask(question)
        asks.append(time.perf_counter() - t0)
    memory = {"rss_mb": status_mb("VmRSS"), "peak_rss_mb": status_mb("VmHWM"),
              "rss_anon_mb": status_mb("RssAnon"), "rss_file_mb": status_mb("RssFile")}
    import faiss

    stored = faiss.downcast_index(pipeline.reader.segments[0].index())
    kind, nprobe = type(stored).__name__, getattr(stored, "nprobe", None)
    exact_swap(pipeline.reader, exact_path)
    recall = []
    for question, vector, approximate in zip(timed, vectors, found):
        truth = [hit.passage.id for hit in pipeline.retriever.search(question, 10, vector)]
        if truth:
            recall.append(len(set(truth) & set(approximate)) / len(truth))
    print(json.dumps({
        "passages": pipeline.reader.manifest.passages, "segments": len(pipeline.reader.segments),
        "dense_kind": kind, "nprobe": nprobe, "questions": len(timed), "open_s": round(open_s, 2),
        **{f"{name}_p50_ms": percentile_ms(values, 50) for name, values in stages.items()},
        **{f"{name}_p95_ms": percentile_ms(values, 95) for name, values in stages.items()},
        "ask_p50_ms": percentile_ms(asks, 50), "ask_p95_ms": percentile_ms(asks, 95), "asks": len(asks),
        "recall_at_10_vs_exact": round(float(np.mean(recall)), 4), **memory,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=350, help="SQuAD dev questions (the last 50 for whole asks)")
    parser.add_argument("--rebuild", action="store_true", help="build the index again even if cached")
    parser.add_argument("--build-only", action="store_true", help="only build the index (if not cached)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*(Path(p) for p in args.child))
        return
    if args.prepare:
        prepare(args.passages)
        return
    index_dir = WORK / f"index-{args.passages}"
    stamp = WORK / f"index-{args.passages}.json"
    if args.rebuild or not stamp.exists() or not readable(index_dir):
        # In a child: the model loaded for the export and the sentences would count in this build's peak memory.
        subprocess.run(module_command("bench.million", "--prepare", "--passages", str(args.passages)), cwd=ROOT,
                       check=True)
        build(index_dir, args.passages)
    if args.build_only:
        return
    built = json.loads(stamp.read_text())
    _, raw = load(DATA)
    questions = [q for _, q, _ in random.Random(7).sample(raw, args.questions)]
    question_file = WORK / "questions.txt"
    question_file.write_text("\n".join(questions) + "\n", encoding="utf-8")
    proc = subprocess.run(module_command("bench.million", "--child", str(index_dir), str(question_file),
                                         str(WORK / f"exact-{args.passages}.npy")),
                          env=ENV, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    disk = size_of(index_dir / "segments")
    print(json.dumps({"bench": "million", **result, "build_s": built["build_s"],
                      "build_peak_rss_mb": built.get("build_peak_rss_mb"), "disk_mb": round(disk / 2**20, 1)}))


if __name__ == "__main__":
    main()
