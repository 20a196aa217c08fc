"""The approximate index against exact search on the same vectors: at a built index, and FAISS alone at 1M."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench import windows
from bench.common import DATA, OUT, percentile_ms, status_mb

WORK = OUT / "speed"


def approximate(index_dir: Path, vectors: np.ndarray) -> dict[str, object]:
    """Recall of the stored (approximate) index against exact search over the same vectors."""
    import faiss

    from index import vectors as vector_index
    from index.store import IndexReader

    reader = IndexReader.open(index_dir)
    (segment,) = reader.segments  # the bench's indexes are built in one go: one segment
    ids, stored = vector_index.contents(segment.vectors)
    exact = faiss.IndexIDMap2(faiss.IndexFlatIP(stored.shape[1]))
    exact.add_with_ids(stored, ids)
    recall = {10: [], 50: []}
    times = {"approx": [], "exact": []}
    for query in vectors:
        t0 = time.perf_counter()
        _, found = vector_index.search(segment.vectors, query, 50)
        t1 = time.perf_counter()
        _, truth = vector_index.search(exact, query, 50)
        t2 = time.perf_counter()
        times["approx"].append(t1 - t0)
        times["exact"].append(t2 - t1)
        for k in recall:
            recall[k].append(len(set(found[0][:k]) & set(truth[0][:k])) / k)
    sizes = {name: round(path.stat().st_size / 2**20, 1) for name, path in
             (("vectors_mb", segment.folder / "vectors.faiss"), ("sqlite_mb", segment.folder / "index.sqlite"))}
    result = {"kind": segment.kind(), "passages": segment.vectors.ntotal,
              "recall_at_10": round(float(np.mean(recall[10])), 4), "recall_at_50": round(float(np.mean(recall[50])), 4),
              "p50_ms": percentile_ms(times["approx"], 50), "exact_p50_ms": percentile_ms(times["exact"], 50),
              "nlist": getattr(faiss.downcast_index(segment.vectors), "nlist", 0),
              "nprobe": getattr(faiss.downcast_index(segment.vectors), "nprobe", 0), **sizes}
    reader.close()
    return result


def million(question_vectors: np.ndarray) -> dict[str, object]:
    """FAISS alone at 1M windows (every length 21-120 words): the IVF index `qa index` would build."""
    import faiss

    from index import vectors as vector_index

    found = windows.articles(DATA, WORK / "articles")
    sentences = windows.sentence_vectors(found)  # cached by the corpus build, or embedded now
    chosen = windows.windows(found, 1_000_000, range(21, 121))
    stored = np.vstack([windows.vector(found[w.article], w, sentences[w.article]) for w in chosen])
    ids = np.arange(1, len(stored) + 1, dtype=np.int64)
    exact = vector_index.empty(stored.shape[1])
    exact.add_with_ids(stored, ids)
    began = time.perf_counter()
    built = vector_index.build(ids, stored)
    build_s = time.perf_counter() - began
    path = WORK / "million.faiss"
    faiss.write_index(built, str(path))
    del built
    count = len(stored)
    del stored
    before, before_file = status_mb("RssAnon"), status_mb("RssFile")
    mapped = vector_index.read(path)
    opened = status_mb("RssAnon") - before
    recall, times, exact_times = [], [], []
    for query in question_vectors:
        t0 = time.perf_counter()
        _, found_ids = vector_index.search(mapped, query, 50)
        t1 = time.perf_counter()
        _, truth = vector_index.search(exact, query, 50)
        exact_times.append(time.perf_counter() - t1)
        times.append(t1 - t0)
        recall.append(len(set(found_ids[0][:10]) & set(truth[0][:10])) / 10)
    return {"passages": count, "kind": vector_index.kind(mapped), "build_s": round(build_s, 1),
            "recall_at_10": round(float(np.mean(recall)), 4), "p50_ms": percentile_ms(times, 50), "p95_ms": percentile_ms(times, 95),
            "exact_p50_ms": percentile_ms(exact_times, 50), "vectors_mb": round(path.stat().st_size / 2**20, 1),
            "nlist": faiss.downcast_index(mapped).nlist, "nprobe": faiss.downcast_index(mapped).nprobe,
            "open_anon_mb": round(opened, 1), "after_queries_anon_mb": round(status_mb("RssAnon") - before, 1),
            "after_queries_file_mapped_mb": round(status_mb("RssFile") - before_file, 1)}
