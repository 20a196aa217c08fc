"""Filters: `Pipeline.ask` with `--since` (and `--outlet`) against unfiltered, on a 10k-document index.

The index: 10,000 SQuAD word windows (bench/windows.py; vectors composed from real MiniLM sentence
vectors), each its own document with a publication date spread evenly over 2023-2025 and one of eight
outlets. Questions are SQuAD dev questions, embedded for real by the index's ONNX query model; the
trained reader reads the top 5 as in `ask`. Each question is asked unfiltered and with every filter,
in rotating order, so all share the machine's load. The filter's passage set is resolved once per index
generation (as in `ask --batch` and the app); `resolve_ms` is that one-time cost, measured apart.
Prints one JSON line. Run: `.venv/bin/python -m bench.filters` from the repository root (the first run
exports the query model and embeds SQuAD's sentences unless cached under bench/out/, then builds the
index, ~1 min).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import DATA, OUT, load, percentile_ms, query_model, readable

WORK = OUT / "filters"
OUTLETS = ("Yonhap", "Reuters", "Korea Herald", "NK News", "BBC", "Al Jazeera", "Kyiv Independent", "AP")
FIRST_DAY, DAYS = date(2023, 1, 1), 3 * 365
TODAY = FIRST_DAY + timedelta(days=DAYS)  # relative filters ('90d') count back from the newest document


def build(index_dir: Path, documents: int) -> float:
    """Write the synthetic index: one window per document, dates and outlets spread; returns seconds."""
    import numpy as np

    from bench import windows
    from index.embed import MODEL_DIM, MODEL_NAME
    from index.generation import Generation
    from index.models import Document, Passage, SourceFile
    from index.store import text_hash
    from index.update import write_lock

    found = windows.articles(DATA, OUT / "speed" / "articles")
    # Embedded by the ONNX query model (cosine 0.99999 to MiniLM) unless another bench cached them.
    vectors = windows.sentence_vectors(found)
    model = query_model()  # exported before the clock starts, if it has to be
    chosen = windows.windows(found, documents)
    began = time.perf_counter()
    shutil.rmtree(index_dir, ignore_errors=True)
    with write_lock(index_dir):
        generation = Generation(index_dir, None, MODEL_NAME, MODEL_DIM)
        for number, window in enumerate(chosen):
            article = found[window.article]
            text = windows.passage(article, window).text
            path = str(WORK / "docs" / f"d{number:05d}.txt")
            published = (FIRST_DAY + timedelta(days=number * DAYS // documents)).isoformat()
            source = SourceFile(path, text, hashlib.sha256(text.encode()).hexdigest(), len(text), 0.0)
            document = Document(path, 0, f"{article.title} {number}", OUTLETS[number % len(OUTLETS)], published)
            vector = windows.vector(article, window, vectors[window.article])
            generation.add_file(source, [document], [Passage(path, 0, document.title, 0, len(text), 1, text)],
                                np.vstack([vector]), [text_hash(text)])
        generation.publish()
    shutil.copytree(model, index_dir / model.name)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=120)
    args = parser.parse_args()

    from index.scope import resolve
    from index.filters import NO_FILTERS
    from qa.filters import parse_filters
    from qa.pipeline import Pipeline

    index_dir = WORK / f"index-{args.documents}"
    build_s = build(index_dir, args.documents) if not readable(index_dir) else None
    _, raw = load(DATA)
    questions = [q for _, q, _ in random.Random(5).sample(raw, args.questions + 5)]
    variants = {"unfiltered": NO_FILTERS, "since_90d": parse_filters("90d", today=TODAY),
                "since_1y": parse_filters("1y", today=TODAY), "outlet": parse_filters(outlets=["Yonhap"])}
    pipeline = Pipeline(index_dir)
    for question in questions[:5]:  # warm-up: model sessions, page cache, each filter's passage set
        for filters in variants.values():
            pipeline.ask(question, filters=filters)
    asks: dict[str, list[float]] = {name: [] for name in variants}
    searches: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for number, question in enumerate(questions[5:]):
        vector = pipeline.embedder.embed([question])[0]
        for name in names[number % len(names):] + names[: number % len(names)]:  # rotate who goes first
            t0 = time.perf_counter()
            pipeline.ask(question, filters=variants[name])
            t1 = time.perf_counter()
            pipeline.retriever.search(question, 5, vector, variants[name])
            asks[name].append(t1 - t0)
            searches[name].append(time.perf_counter() - t1)
    resolve_ms = {}
    for name, filters in variants.items():
        if filters.active:
            t0 = time.perf_counter()
            scope = resolve(pipeline.reader.segments, filters, pipeline.reader.manifest.passages)
            resolve_ms[name] = {"ms": round((time.perf_counter() - t0) * 1000, 2), "share": round(scope.share, 3)}
    base = percentile_ms(asks["unfiltered"], 50)
    print(json.dumps({
        "bench": "filters", "documents": pipeline.reader.manifest.documents,
        "passages": pipeline.reader.manifest.passages, "questions": len(questions) - 5,
        "build_s": round(build_s, 1) if build_s is not None else "cached",
        "ask_p50_ms": {name: percentile_ms(values, 50) for name, values in asks.items()},
        "ask_p95_ms": {name: percentile_ms(values, 95) for name, values in asks.items()},
        "ratio_p50": {name: round(percentile_ms(values, 50) / base, 3) for name, values in asks.items()},
        "search_p50_ms": {name: percentile_ms(values, 50) for name, values in searches.items()},
        "resolve_once": resolve_ms, "today": TODAY.isoformat(),
    }))


if __name__ == "__main__":
    main()
