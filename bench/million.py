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
Run: `.venv/bin/python bench/million.py` (the first run builds the index, ~5 min and ~4.6 GB, under bench/out/million/).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import windows  # noqa: E402
from ann import percentile_ms, timed_stages  # noqa: E402
from squad import DATA, OUT, load, readable  # noqa: E402

WORK = OUT / "million"
TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "squad-train-v1.1.json.gz"
QUERY_MODEL = OUT / "speed" / "index-100000" / "query-model"  # bench/speed.py's copy of the ONNX export
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "OMP_NUM_THREADS": "1"}


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def corpus(size: int) -> tuple[list[windows.Article], list[np.ndarray], list[windows.Window]]:
    """Dev and train articles, their sentence vectors, and `size` windows: all of dev's, train's spread evenly."""
    dev = windows.articles(DATA, OUT / "speed" / "articles")
    train = windows.articles(TRAIN, WORK / "train", "t")
    vectors = windows.sentence_vectors(dev, None, OUT / "speed") + windows.sentence_vectors(train, None, WORK)  # type: ignore[arg-type]
    chosen = windows.every_window(dev)
    rest = windows.every_window(train, first=len(dev))
    wanted = size - len(chosen)
    if wanted > len(rest):
        raise SystemExit(f"only {len(chosen) + len(rest)} distinct windows, not {size}")
    chosen += [rest[int(i * len(rest) / wanted)] for i in range(wanted)]
    return dev + train, vectors, chosen


def build(index_dir: Path, size: int) -> dict[str, float]:
    """Write the index (one segment) and the exact vectors beside it, by passage id; returns timings."""
    from index.embed import MODEL_DIM, MODEL_NAME
    from index.models import Document, SourceFile
    from index.store import text_hash
    from index.update import _Generation, write_lock

    found, vectors, chosen = corpus(size)
    by_article: dict[int, list[windows.Window]] = {}
    for window in chosen:
        by_article.setdefault(window.article, []).append(window)
    shutil.rmtree(index_dir, ignore_errors=True)
    began = time.perf_counter()
    matrices = []
    with write_lock(index_dir):
        generation = _Generation(index_dir, None, MODEL_NAME, MODEL_DIM)
        for number, article in enumerate(found):
            mine = by_article.get(number, [])
            if not mine:
                continue
            data = article.text.encode("utf-8")
            source = SourceFile(article.path, article.text, hashlib.sha256(data).hexdigest(), len(data),
                                Path(article.path).stat().st_mtime)
            passages = [windows.passage(article, w) for w in mine]
            matrix = np.vstack([windows.vector(article, w, vectors[number]) for w in mine])
            matrices.append(matrix)
            generation.add_file(source, [Document(article.path, 0, article.title, None)], passages, matrix,
                                [text_hash(p.text) for p in passages])
        generation.publish()
    build_s = time.perf_counter() - began
    # Passage ids are handed out in the order passages are added, so the stacked matrices are in id order.
    np.save(WORK / f"exact-{size}.npy", np.vstack(matrices))
    shutil.copytree(QUERY_MODEL, index_dir / QUERY_MODEL.name)
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
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*(Path(p) for p in args.child))
        return
    index_dir = WORK / f"index-{args.passages}"
    stamp = WORK / f"index-{args.passages}.json"
    if args.rebuild or not stamp.exists() or not readable(index_dir):
        build(index_dir, args.passages)
    built = json.loads(stamp.read_text())
    _, raw = load(DATA)
    questions = [q for _, q, _ in random.Random(7).sample(raw, args.questions)]
    question_file = WORK / "questions.txt"
    question_file.write_text("\n".join(questions) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, __file__, "--child", str(index_dir), str(question_file),
                           str(WORK / f"exact-{args.passages}.npy")], env=ENV, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    disk = sum(p.stat().st_size for p in (index_dir / "segments").rglob("*") if p.is_file())
    print(json.dumps({"bench": "million", **result, "build_s": built["build_s"],
                      "build_peak_rss_mb": built.get("build_peak_rss_mb"), "disk_mb": round(disk / 2**20, 1)}))


if __name__ == "__main__":
    main()
