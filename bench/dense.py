"""FAISS index kinds for the dense side at 1M and at a large size: memory, recall against exact search, query time.

Corpus: word windows over SQuAD train + dev (bench/windows.py): a window's vector is the word-weighted mean
of its sentences' real all-MiniLM-L6-v2 vectors, L2-normalised. 1M: lengths 40..120 step 8, 1,000,000
spread evenly; large: every length 21..120 (~10M). Vectors come from prefix sums over each article's words
and flow in chunks, so 10M float32 vectors (15 GB) are never held at once. Queries: 300 SQuAD dev questions
(seed 7), embedded for real (cached). Truth: exact inner-product top-10 and top-50, chunk by chunk.

Kinds at one size share one k-means coarse quantizer and one assignment pass (`coarse_s`, `assign_s`); a
kind's own codec training and encoding is `train_add_s`. OPQ rotates by an orthonormal matrix, which keeps
inner products, so the rotated centroids give the same lists. Per kind: in-memory bytes (serialised, no
direct map), recall@10/@50 against exact, and single-thread one-query p50/p95 ms (as the app searches)
per nprobe; PQ kinds also with their top 100 / 300 reranked by exact vectors from a memory-mapped file.

Run: `nice -n 19 .venv/bin/python -m bench.dense [--large 10000000] [--dev-only]` from the repository root
(prints one JSON line, also written to bench/out/dense/result.json; sentence vectors not cached under
bench/out/ yet are embedded first, train's ~90k in some minutes).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator

import faiss
import numpy as np

from bench import windows
from bench.common import DATA, OUT, TRAIN, load, percentile_ms
from index.vectors import lists_for

WORK = OUT / "dense"
DIM, CHUNK, RERANK = 384, 200_000, (100, 300)  # candidates reranked by exact vectors
PQ_KINDS = ["ivf-pq48", "ivf-pq64", "opq48-ivf-pq48", "opq64-ivf-pq64"]


def corpus(dev_only: bool) -> tuple[list[windows.Article], list[np.ndarray]]:
    """Train + dev articles and their sentence vectors (cached, or embedded now by the query model)."""
    found = windows.articles(DATA, OUT / "speed" / "articles")
    vectors = windows.sentence_vectors(found)
    if dev_only:
        return found, vectors
    train = windows.articles(TRAIN, OUT / "million" / "train", "t")
    return train + found, windows.sentence_vectors(train) + vectors


def questions(count: int = 300) -> np.ndarray:
    """Vectors of a seeded sample of SQuAD dev questions, embedded once and cached."""
    path = WORK / "questions.npy"
    if not path.exists():
        from index.embed import SentenceTransformerEmbedder

        _, raw = load()
        texts = [q for _, q, _ in random.Random(7).sample(raw, count)]
        WORK.mkdir(parents=True, exist_ok=True)
        np.save(path, SentenceTransformerEmbedder().embed(texts))
    return np.load(path)


def grid(article: windows.Article, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first word, length) of every window in `windows.windows` order: by sentence start, then length."""
    sentence = np.array([w[2] for w in article.words])
    starts = np.flatnonzero(np.r_[True, sentence[1:] != sentence[:-1]])
    first, length = np.repeat(starts, len(lengths)), np.tile(lengths, len(starts))
    keep = first + length <= len(sentence)
    return first[keep], length[keep]


def stream(found: list[windows.Article], sentences: list[np.ndarray], lengths: range,
           wanted: int | None) -> Iterator[np.ndarray]:
    """Window vectors in chunks of about CHUNK rows; `wanted` spread evenly like `windows.windows`."""
    lengths_array = np.array(lengths)
    total = sum(len(grid(a, lengths_array)[0]) for a in found)
    wanted = total if wanted is None else wanted
    if wanted > total:
        raise SystemExit(f"only {total} distinct windows, not {wanted}")
    chosen = (np.arange(wanted) * (total / wanted)).astype(np.int64)  # the same picks as windows.windows
    at, buffer, held = 0, [], 0
    for number, article in enumerate(found):
        first, length = grid(article, lengths_array)
        lo, hi = np.searchsorted(chosen, [at, at + len(first)])
        picks = chosen[lo:hi] - at
        at += len(first)
        if not len(picks):
            continue
        words = np.array([w[2] for w in article.words])
        prefix = np.zeros((len(words) + 1, DIM))  # float64: 10k-word sums minus sums keep 1e-12 precision
        np.cumsum(sentences[number][words], axis=0, dtype=np.float64, out=prefix[1:])
        for part in np.array_split(picks, max(1, len(picks) // 20_000)):  # bound the float64 scratch
            mixed = prefix[first[part] + length[part]] - prefix[first[part]]
            buffer.append((mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32))
            held += len(part)
        if held >= CHUNK:
            yield np.vstack(buffer)
            buffer, held = [], 0
    if buffer:
        yield np.vstack(buffer)


def check(found: list[windows.Article], sentences: list[np.ndarray]) -> None:
    """The prefix-sum vectors equal `windows.vector` on the first windows."""
    first = next(stream(found[:1], sentences[:1], windows.LENGTHS, 50))
    for row, window in zip(first, windows.windows(found[:1], 50)):
        assert np.allclose(row, windows.vector(found[0], window, sentences[0]), atol=1e-5)


def ivf_of(index: faiss.Index) -> faiss.IndexIVF:
    """The IVF index inside (an OPQ pre-transform), where nprobe and the lists live."""
    return faiss.extract_index_ivf(index)


def kinds_for(names: list[str], quantizer: faiss.IndexFlatIP, flat: faiss.IndexIVF, sample: np.ndarray) -> dict:
    """Each named kind trained around the shared quantizer: name -> (index, rotation, seconds, kept)."""
    nlist, made = quantizer.ntotal, {}
    centroids = quantizer.reconstruct_n(0, nlist)
    for name in names:
        began, rotation = time.perf_counter(), None
        if name == "ivf-flat":
            index = flat  # trained with the quantizer: its own time is in coarse_s
        elif name == "ivf-sq8":
            index = faiss.IndexIVFScalarQuantizer(quantizer, DIM, nlist, faiss.ScalarQuantizer.QT_8bit,
                                                  faiss.METRIC_INNER_PRODUCT)
            index.train(sample)  # the quantizer is trained and full: only the codec trains
        else:
            m = int(name.rsplit("pq", 1)[1])
            rotated_quantizer, data = quantizer, sample
            if name.startswith("opq"):
                rotation = faiss.OPQMatrix(DIM, m)
                rotation.niter, rotation.max_train_points = 20, 32_768  # faiss's 50 x 65k: minutes on 2 cores
                rotation.train(sample)
                assert rotation.is_orthonormal
                rotated_quantizer = faiss.IndexFlatIP(DIM)
                rotated_quantizer.add(rotation.apply(centroids))
                data = rotation.apply(sample)
            inner = faiss.IndexIVFPQ(rotated_quantizer, DIM, nlist, m, 8, faiss.METRIC_INNER_PRODUCT)
            inner.train(data)
            index = inner
            if rotation is not None:
                index = faiss.IndexPreTransform(rotation, inner)
        # the tuple keeps the quantizer and inner index alive: the wrappers do not own them
        made[name] = (index, rotation, time.perf_counter() - began, rotated_quantizer if rotation else None)
        print(f"trained {name} in {made[name][2]:.0f} s", file=sys.stderr, flush=True)
    return made


def top(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best (score, id) per row, best first."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    best, best_ids = np.take_along_axis(scores, part, 1), np.take_along_axis(ids, part, 1)
    order = np.argsort(-best, axis=1)
    return np.take_along_axis(best, order, 1), np.take_along_axis(best_ids, order, 1)


def measure(index: faiss.Index, queries: np.ndarray, truth: np.ndarray, nprobe: int,
            exact: np.memmap | None = None, rerank: int = 50) -> dict[str, object]:
    """Recall@10/@50 against exact and one-query single-thread latency, optionally reranked by exact vectors."""
    ivf_of(index).nprobe = nprobe
    recall10, recall50, times = [], [], []
    for query, best in zip(queries, truth):
        began = time.perf_counter()
        _, found = index.search(query.reshape(1, -1), rerank)
        found = found[0][found[0] >= 0]
        if exact is not None:  # sorted reads: a forward walk through the mapped file
            found = np.sort(found)
            found = found[np.argsort(-(exact[found] @ query))[:50]]
        times.append(time.perf_counter() - began)
        recall10.append(len(set(found[:10].tolist()) & set(best[:10].tolist())) / 10)
        recall50.append(len(set(found[:50].tolist()) & set(best.tolist())) / 50)
    return {"nprobe": nprobe, "recall_at_10": round(float(np.mean(recall10)), 4),
            "recall_at_50": round(float(np.mean(recall50)), 4), "p50_ms": percentile_ms(times, 50),
            "p95_ms": percentile_ms(times, 95)}


def scale(chunks, count: int, nlist: int, names: list[str], probes: list[int], queries: np.ndarray,
          sample_size: int, keep_vectors: bool) -> dict[str, object]:
    """Build every kind over one stream of `count` vectors and measure them against exact search."""
    threads = faiss.omp_get_max_threads()
    picked = np.sort(np.random.default_rng(0).choice(count, min(count, sample_size), replace=False))
    began, best, best_ids, sample, at = time.perf_counter(), None, None, [], 0
    path = WORK / f"vectors-{count}.f32"  # written, not mapped while writing: dirty mapped pages count as resident
    out = path.open("wb") if keep_vectors else None
    for chunk in chunks():  # pass 1: exact top-50 and the training sample
        scores = queries @ chunk.T
        ids = np.broadcast_to(np.arange(at, at + len(chunk)), scores.shape)
        scores, ids = top(scores, ids, 50)
        if best is not None:
            scores, ids = top(np.hstack([best, scores]), np.hstack([best_ids, ids]), 50)
        best, best_ids = scores, ids
        lo, hi = np.searchsorted(picked, [at, at + len(chunk)])
        sample.append(chunk[picked[lo:hi] - at])
        if out is not None:
            out.write(chunk.tobytes())
        at += len(chunk)
    assert at == count, (at, count)
    truth_s, sample = time.perf_counter() - began, np.vstack(sample)
    began = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIM)
    flat = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    flat.cp.niter = 10  # as index/vectors.py trains
    flat.train(sample)
    coarse_s = time.perf_counter() - began
    made = kinds_for(names, quantizer, flat, sample)
    del sample
    assign_s, spent = 0.0, dict.fromkeys(names, 0.0)
    for chunk in chunks():  # pass 2: one assignment to lists, shared by every kind
        began = time.perf_counter()
        _, lists = quantizer.search(chunk, 1)
        lists = np.ascontiguousarray(lists.ravel())
        assign_s += time.perf_counter() - began
        for name, (index, rotation, *_) in made.items():
            began = time.perf_counter()
            data = rotation.apply(chunk) if rotation is not None else chunk
            ivf_of(index).add_core(len(data), faiss.swig_ptr(data), None, faiss.swig_ptr(lists))
            spent[name] += time.perf_counter() - began
    exact = None
    if out is not None:
        out.close()
        exact = np.memmap(path, np.float32, "r", shape=(count, DIM))
    results = []
    faiss.omp_set_num_threads(1)  # one query on one thread, as index/vectors.search does
    for name, (index, rotation, train_s, _) in made.items():
        size = int(faiss.serialize_index(index).nbytes)
        runs = [measure(index, queries, best_ids, p) for p in probes]
        if exact is not None and "pq" in name:  # PQ alone misorders near-duplicate windows: rerank exactly
            runs += [{**measure(index, queries, best_ids, p, exact, r), "rerank": r} for r in RERANK for p in probes]
        results.append({"kind": name, "train_add_s": round(train_s + spent[name], 1), "bytes": size,
                        "bytes_per_vector": round(size / count, 1), "runs": runs})
        print(json.dumps({"passages": count, **results[-1]}), file=sys.stderr, flush=True)
    faiss.omp_set_num_threads(threads)
    return {"passages": count, "nlist": nlist, "train_sample": len(picked), "truth_s": round(truth_s, 1),
            "coarse_s": round(coarse_s, 1), "assign_s": round(assign_s, 1), "kinds": results}


def recommend(scales: list[dict[str, object]]) -> str:
    """The smallest kind per size whose recall@10 reaches 0.98 without rerank (else the best reranked one)."""
    lines = []
    for at in scales:
        rows = [(k["bytes_per_vector"], k["kind"], r) for k in at["kinds"] for r in k["runs"]]
        plain = [row for row in rows if "rerank" not in row[2] and row[2]["recall_at_10"] >= 0.98]
        pick = min(plain, key=lambda row: (row[0], row[2]["p50_ms"])) if plain else \
            max(rows, key=lambda row: (row[2]["recall_at_10"], -row[0]))
        bpv, name, run = pick
        how = f"+rerank{run['rerank']} from mmapped float32" if "rerank" in run else ""
        lines.append(f"{at['passages']:,}: {name}{how} nprobe {run['nprobe']} ({bpv:.0f} B/vector, "
                     f"recall@10 {run['recall_at_10']}, @50 {run['recall_at_50']}, p50 {run['p50_ms']} ms)")
    return "; ".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=10_000_000, help="vectors at the large size (0: skip)")
    parser.add_argument("--small", type=int, default=1_000_000)
    parser.add_argument("--dev-only", action="store_true", help="dev articles only, to try the code quickly")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    queries = questions()
    found, sentences = corpus(args.dev_only)
    check(found, sentences)
    small_lengths = windows.LENGTHS if not args.dev_only else range(21, 121)  # dev alone: ~1M windows at most
    nlist = lists_for(args.small)
    # k-means on 40 points a list, not the app's 64: a third less training time on 2 cores.
    scales = [scale(lambda: stream(found, sentences, small_lengths, args.small), args.small, nlist,
                    ["ivf-flat", "ivf-sq8", *PQ_KINDS], [64, 128, 256], queries, 40 * nlist, True)]
    if args.large:
        # IVF-SQ8 at 10M is 3.9 GB of codes, IVFFlat 15 GB: neither fits the memory target, so only PQ kinds.
        nlist = 16384 if args.large >= 8_000_000 else 8192 if args.large >= 2_000_000 else lists_for(args.large)
        scales.append(scale(lambda: stream(found, sentences, range(21, 121), args.large), args.large, nlist,
                            PQ_KINDS, [64, 128, 256], queries, 300_000, True))
    result = {"queries": len(queries), "scales": scales, "recommendation": recommend(scales)}
    line = json.dumps(result)
    (WORK / "result.json").write_text(line + "\n")
    print(line)


if __name__ == "__main__":
    main()
