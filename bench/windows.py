"""Large benchmark indexes from SQuAD dev: word windows over its 48 articles, no text repeated.

Each article is written once as a file (paragraphs as paragraphs). Passages are windows that start
at every sentence and run 40, 48, …, 120 words (crossing sentence and paragraph ends), so each has
a real citation into its file; 10,144 sentences × 11 lengths give ~110k distinct passages.

Embedding 100k passages with the model would take ~30 min on these 2 cores, so a passage's vector
is composed from real ones: every SQuAD sentence is embedded once (by the index's ONNX export of
all-MiniLM-L6-v2, cosine 0.99999 to sentence-transformers) and a window gets the word-weighted mean
of the sentences it covers, L2-normalised. Questions are embedded for real at query time. The index
is written through the same generation code as `qa index` (SQLite + FTS5 + FAISS chosen by size).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import OUT, query_model
from index.embed import MODEL_DIM, MODEL_NAME, Embedder
from index.generation import Generation
from index.models import Document, Passage, SourceFile
from index.split import sentence_spans
from index.store import text_hash
from index.update import write_lock

LENGTHS = tuple(range(40, 121, 8))
SENTENCES = OUT / "sentences"  # sentence vectors by corpus digest, shared by every bench
# Where benches cached them before they shared one folder: embedding train's ~90k sentences takes a while.
OLD_SENTENCES = (OUT / "speed", OUT / "million", OUT / "segments")


@dataclass(frozen=True)
class Article:
    """One SQuAD article as a file: its text, and each word's span and sentence number."""

    path: str
    title: str
    text: str
    words: tuple[tuple[int, int, int], ...]  # (start, end, sentence)
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Window:
    """A passage: words [first, first + length) of one article."""

    article: int
    first: int
    length: int


def articles(data: Path, folder: Path, prefix: str = "a") -> list[Article]:
    """Write each SQuAD article as one .txt file (once) and index its words and sentences."""
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    raw = gzip.decompress(data.read_bytes()) if data.suffix == ".gz" else data.read_bytes()
    for number, article in enumerate(json.loads(raw.decode("utf-8"))["data"]):
        title = article["title"].replace("_", " ")
        paragraphs, sentences, spans = [], [], []
        offset = len(title) + 2
        for paragraph in article["paragraphs"]:
            parts = [paragraph["context"][s:e].strip() for s, e in sentence_spans(paragraph["context"])]
            for part in parts:
                spans.append((offset, len(sentences)))
                sentences.append(part)
                offset += len(part) + 1
            paragraphs.append(" ".join(parts))
            offset += 1  # the paragraph break is "\n\n" where sentences are joined by " "
        text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        words = []
        for start, sentence in spans:
            for match in re.finditer(r"\S+", sentences[sentence]):
                words.append((start + match.start(), start + match.end(), sentence))
        path = folder / f"{prefix}{number:02d}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        assert all(text[start : start + len(sentences[n])] == sentences[n] for start, n in spans)
        found.append(Article(str(path.resolve()), title, text, tuple(words), tuple(sentences)))
    return found


def every_window(found: list[Article], lengths: Sequence[int] = LENGTHS, first: int = 0) -> list[Window]:
    """Every window that starts at a sentence, of each length, in article order (articles numbered from `first`)."""
    every = []
    for number, article in enumerate(found, start=first):
        starts = [i for i, word in enumerate(article.words) if i == 0 or article.words[i - 1][2] != word[2]]
        every += [Window(number, i, n) for i in starts for n in lengths if i + n <= len(article.words)]
    return every


def windows(found: list[Article], wanted: int, lengths: Sequence[int] = LENGTHS) -> list[Window]:
    """`wanted` distinct windows spread evenly over all articles, sentence starts and lengths."""
    every = every_window(found, lengths)
    if wanted > len(every):
        raise SystemExit(f"only {len(every)} distinct windows, not {wanted}")
    step = len(every) / wanted
    return [every[int(i * step)] for i in range(wanted)]


def sentence_vectors(found: list[Article], embedder: Embedder | None = None) -> list[np.ndarray]:
    """Every article's sentence vectors, cached by content; embedded by `embedder`, else the ONNX query model."""
    digest = hashlib.sha1("".join(a.text for a in found).encode()).hexdigest()[:12]
    # Another model's vectors (a stand-in's, in a trial run) must never be read back as the real model's.
    model = "" if embedder is None or embedder.name == MODEL_NAME else embedder.name.replace("/", "_") + "-"
    name = f"sentences-{model}{digest}.npy"
    cached = [folder / name for folder in (SENTENCES, *OLD_SENTENCES) if (folder / name).exists()]
    if cached:
        matrix = np.load(cached[0])
    else:
        if embedder is None:
            from index.onnx_embed import OnnxEmbedder

            embedder = OnnxEmbedder.open(query_model().parent, threads=os.cpu_count() or 1)
        matrix = embedder.embed([s for a in found for s in a.sentences])
        SENTENCES.mkdir(parents=True, exist_ok=True)
        partial = SENTENCES / f"{name}.partial.npy"
        np.save(partial, matrix)
        os.replace(partial, SENTENCES / name)  # a bench running beside this one never loads half a file
    out, at = [], 0
    for article in found:
        out.append(matrix[at : at + len(article.sentences)])
        at += len(article.sentences)
    return out


def passage(article: Article, window: Window) -> Passage:
    words = article.words[window.first : window.first + window.length]
    start, end = words[0][0], words[-1][1]
    line = article.text.count("\n", 0, start) + 1
    return Passage(article.path, 0, article.title, start, end, line, article.text[start:end])


def vector(article: Article, window: Window, sentences: np.ndarray) -> np.ndarray:
    counts = np.bincount([w[2] for w in article.words[window.first : window.first + window.length]],
                         minlength=len(sentences))
    mixed = counts @ sentences
    return (mixed / np.linalg.norm(mixed)).astype(np.float32)


def write(index_dir: Path, found: list[Article], chosen: list[Window], model: str, dim: int,
          vectors_of: Callable[[int, Article, list[Window]], np.ndarray]) -> float:
    """Write a one-segment index of the chosen windows, each article's vectors from `vectors_of`; seconds taken.

    Passage ids are handed out in the order passages are added: article by article, window by window.
    """
    by_article: dict[int, list[Window]] = {}
    for window in chosen:
        by_article.setdefault(window.article, []).append(window)
    began = time.perf_counter()
    with write_lock(index_dir):
        generation = Generation(index_dir, None, model, dim)
        for number, article in enumerate(found):
            mine = by_article.get(number, [])
            if not mine:
                continue
            data = article.text.encode("utf-8")
            source = SourceFile(article.path, article.text, hashlib.sha256(data).hexdigest(), len(data),
                                Path(article.path).stat().st_mtime)
            passages = [passage(article, w) for w in mine]
            generation.add_file(source, [Document(article.path, 0, article.title, None)], passages,
                                vectors_of(number, article, mine), [text_hash(p.text) for p in passages])
        generation.publish()
    return time.perf_counter() - began


def build(index_dir: Path, found: list[Article], chosen: list[Window], vectors: list[np.ndarray],
          matrices: list[np.ndarray] | None = None) -> float:
    """Write a one-segment index of the chosen windows (their vectors into `matrices`, in id order); seconds taken."""
    def mixed(number: int, article: Article, mine: list[Window]) -> np.ndarray:
        matrix = np.vstack([vector(article, w, vectors[number]) for w in mine])
        if matrices is not None:
            matrices.append(matrix)
        return matrix

    return write(index_dir, found, chosen, MODEL_NAME, MODEL_DIM, mixed)
