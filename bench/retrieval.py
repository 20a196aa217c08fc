"""Retrieval quality and speed on SQuAD v1.1 dev, through the same code path as `ask`.

Each of the 2,067 paragraphs is one document; a question's hit is its own paragraph.
Prints one JSON line: recall@1/5/10 for lexical only, dense only, plain RRF and the fused
ranking `ask` uses (with the retrieval config it ran, `--set FIELD=VALUE` to change one), plus
indexing and query speed. `--sweep` runs the whole search again at several dense weights.
Run: `.venv/bin/python -m bench.retrieval [--sweep]` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict, fields, replace

import numpy as np

from bench.common import squad_index
from index.embed import SentenceTransformerEmbedder
from index.store import IndexReader
from qa.config import DEFAULT, RetrievalConfig
from qa.retrieve import Retriever

KS = (1, 5, 10)


def _docs(ranked_ids: list[int], paths: dict[int, str], k: int) -> list[str]:
    """The first k distinct documents of a ranked passage list."""
    seen: list[str] = []
    for pid in ranked_ids:
        path = paths[pid]
        if path not in seen:
            seen.append(path)
        if len(seen) == k:
            break
    return seen


def _recall(rankings: list[list[str]], gold: list[str]) -> dict[str, float]:
    return {f"r@{k}": round(float(np.mean([g in r[:k] for r, g in zip(rankings, gold)])), 4) for k in KS}


def _config(settings: list[str]) -> RetrievalConfig:
    """The default retrieval config with FIELD=VALUE overrides, each cast to its field's type."""
    config, known = DEFAULT.retrieval, {f.name for f in fields(RetrievalConfig)}
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in known:
            raise SystemExit(f"error: no retrieval setting {name!r} (one of {', '.join(sorted(known))})")
        config = replace(config, **{name: type(getattr(config, name))(value)})
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="questions to use (0 = all 10,570)")
    parser.add_argument("--sweep", action="store_true", help="also search with several dense weights")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="change one retrieval setting (qa/config.py RetrievalConfig), e.g. dense_weight=0.5")
    args = parser.parse_args()
    config = _config(args.set)

    embedder = SentenceTransformerEmbedder()
    index_dir, questions, build_seconds = squad_index(embedder)
    if args.limit:
        questions = random.Random(13).sample(questions, args.limit)
    reader = IndexReader.open(index_dir)
    retriever = Retriever(reader, embedder, config)
    paths = {pid: passage.path for pid, passage in reader.passages(
        [row[0] for row in reader.db.execute("SELECT id FROM passages")]).items()}

    began = time.perf_counter()
    vectors = embedder.embed([q.text for q in questions])
    embed_seconds = time.perf_counter() - began
    gold = [q.path for q in questions]
    weights = (0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7) if args.sweep else ()
    runs: dict[str, list[list[str]]] = {name: [] for name in ("lexical", "dense", "rrf", "fused")}
    sweep: dict[float, list[list[str]]] = {w: [] for w in weights}
    variants = {w: Retriever(reader, embedder, replace(config, dense_weight=w)) for w in weights}
    search_seconds = []
    for question, vector in zip(questions, vectors):
        began = time.perf_counter()
        hits = retriever.search(question.text, k=10, vector=vector)
        search_seconds.append(time.perf_counter() - began)
        runs["fused"].append([hit.passage.path for hit in hits])
        dense, lexical = retriever.scores(question.text, vector)
        by_dense = sorted(dense, key=dense.__getitem__, reverse=True)
        by_lexical = sorted(lexical, key=lexical.__getitem__, reverse=True)
        runs["dense"].append(_docs(by_dense, paths, 10))
        runs["lexical"].append(_docs(by_lexical, paths, 10))
        rrf = {pid: 1 / (60 + rank) for rank, pid in enumerate(by_dense)}
        for rank, pid in enumerate(by_lexical):
            rrf[pid] = rrf.get(pid, 0.0) + 1 / (60 + rank)
        runs["rrf"].append(_docs(sorted(rrf, key=rrf.__getitem__, reverse=True), paths, 10))
        for weight, variant in variants.items():
            sweep[weight].append([hit.passage.path for hit in variant.search(question.text, k=10, vector=vector)])

    result = {
        "bench": "retrieval",
        "questions": len(questions),
        "documents": reader.manifest.documents,
        "passages": reader.manifest.passages,
        **{name: _recall(rankings, gold) for name, rankings in runs.items()},
        "config": asdict(config),
        "index_seconds": round(build_seconds, 1),
        "query_embed_ms": round(1000 * embed_seconds / len(questions), 2),
        "search_ms_p50": round(1000 * float(np.percentile(search_seconds, 50)), 2),
        "search_ms_p95": round(1000 * float(np.percentile(search_seconds, 95)), 2),
    }
    if weights:
        result["sweep"] = {str(w): _recall(r, gold) for w, r in sweep.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
