"""Cost of adding one article to a large index, against rebuilding that index from scratch.

Documents are SQuAD v1.1 dev paragraphs cut into runs of consecutive sentences, so 10,000 distinct
documents come from 2,066 paragraphs without repeating any text; the last paragraph is held out
whole as the article to add. Prints one JSON line, measured in one run with the real model.
Run: `.venv/bin/python -m bench.update [--docs N]` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time

from bench.common import DATA, OUT, load
from index.split import sentence_spans, split_file


def _sentences(paragraph: str) -> list[str]:
    return [paragraph[s:e].strip() for s, e in sentence_spans(paragraph)]


def _indexable(text: str) -> bool:
    """Whether the indexer keeps this text (a lone heading-like line yields no passage)."""
    return bool(split_file("doc.txt", text + "\n")[1])


def _cut(split: list[list[str]], k: int) -> list[str]:
    """Each paragraph's sentences cut into up to k consecutive runs; distinct, indexable runs only."""
    docs: list[str] = []
    seen: set[str] = set()
    for sentences in split:
        parts = min(len(sentences), k)
        size, extra = divmod(len(sentences), parts) if parts else (0, 0)
        start = 0
        for i in range(parts):
            end = start + size + (1 if i < extra else 0)
            text = " ".join(sentences[start:end])
            start = end
            if text not in seen and _indexable(text):
                seen.add(text)
                docs.append(text)
    return docs


def documents(paragraphs: list[str], wanted: int) -> list[str]:
    """`wanted` distinct documents, cutting paragraphs into as few sentence runs as will do."""
    split = [_sentences(p) for p in paragraphs]
    k = 1
    while len(docs := _cut(split, k)) < wanted:
        if k > max(len(s) for s in split):
            raise SystemExit(f"only {len(docs)} distinct documents available, not {wanted}")
        k += 1
    # Spread the cut-off over all paragraphs rather than dropping the last ones whole.
    step = len(docs) / wanted
    return [docs[int(i * step)] for i in range(wanted)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents in the index (default 10,000)")
    args = parser.parse_args()

    from index.embed import SentenceTransformerEmbedder
    from index.update import update_index

    paragraphs, _ = load(DATA)
    article = paragraphs[-1]  # held out whole: the one new article
    docs = documents(paragraphs[:-1], args.docs)
    root = OUT / f"update-{args.docs}"
    shutil.rmtree(root, ignore_errors=True)
    folder, index = root / "docs", root / "index"
    folder.mkdir(parents=True)
    for number, text in enumerate(docs):
        (folder / f"d{number:05d}.txt").write_text(text + "\n", encoding="utf-8")

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm-up"])  # model start-up is not part of either cost

    began = time.perf_counter()
    rebuilt = update_index(index, [folder], embedder, rebuild=True)
    rebuild_seconds = time.perf_counter() - began

    (folder / "new-article.txt").write_text(article + "\n", encoding="utf-8")
    began = time.perf_counter()
    added = update_index(index, [folder], embedder)
    add_seconds = time.perf_counter() - began

    began = time.perf_counter()
    again = update_index(index, [folder], embedder)
    noop_seconds = time.perf_counter() - began

    print(json.dumps({
        "docs": rebuilt.documents,
        "passages": rebuilt.passages,
        "rebuild_seconds": round(rebuild_seconds, 2),
        "rebuild_embedded": rebuilt.embedded,
        "add_one_seconds": round(add_seconds, 3),
        "add_one_embedded": added.embedded,
        "add_one_added": added.added,
        "ratio": round(add_seconds / rebuild_seconds, 5),
        "unchanged_reindex_seconds": round(noop_seconds, 3),
        "unchanged_reindex_embedded": again.embedded,
    }))


if __name__ == "__main__":
    main()
