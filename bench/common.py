"""What the benches and the tests share: paths, SQuAD v1.1, the `HashEmbedder` stand-in model, the query model, timing.

Every bench runs from the repository root as a module, e.g. `.venv/bin/python -m bench.speed --help`.
Only numpy and `index.embed` are imported here, so the tests import `HashEmbedder` at no cost.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.embed import MODEL_DIM, Embedder

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "squad-dev-v1.1.json"
TRAIN = ROOT.parent / "shared" / "data" / "squad-train-v1.1.json.gz"
OUT = ROOT / "bench" / "out"
MODEL_HOME = OUT / "model"  # holds only `query-model/`, laid out as an index holds it

TRIGRAM_WEIGHT = 0.3  # a shared word outweighs shared spelling, as it does for a sentence model
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1 << 17)
def _features(word: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """A lowercased word's buckets and signed weights: the word (a plural 's' dropped), then its trigrams."""
    stem = word.rstrip("s") or word  # 'workers' lands on 'worker', so questions match articles' plurals
    padded = f"<{stem}>"
    names = [f"w:{stem}"] + [f"g:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
    columns, weights = [], []
    for number, name in enumerate(names):
        value = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")
        columns.append(value % dim)
        # Signed buckets: collisions cancel on average instead of adding a shared bias to every vector.
        weights.append((1.0 if number == 0 else TRIGRAM_WEIGHT) * (1.0 if value >> 63 else -1.0))
    return np.array(columns, dtype=np.int64), np.array(weights, dtype=np.float64)


class HashEmbedder:
    """A deterministic stand-in for the embedding model: hashed words and character trigrams, unit-length rows."""

    # The whole `index.embed.Embedder` protocol and no export methods, so its indexes get no query model.
    # Class attributes too: `qa.progress.LazyEmbedder` reads them off a stand-in class before building it.
    # `name=MODEL_NAME` writes indexes the default query path accepts.
    name: str = f"hash-{MODEL_DIM}"
    dim: int = MODEL_DIM

    def __init__(self, dim: int = MODEL_DIM, name: str | None = None) -> None:
        self.dim = dim
        self.name = name or f"hash-{dim}"
        self.calls: list[int] = []  # batch sizes, so tests can see what was (not) embedded
        self.seconds = 0.0  # time spent embedding, so benches can report it apart

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text (a text without words gets a zero row)."""
        began = time.perf_counter()
        self.calls.append(len(texts))
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            found = [_features(word, self.dim) for word in _WORD.findall(text.lower())]
            if found:
                columns = np.concatenate([columns for columns, _ in found])
                weights = np.concatenate([weights for _, weights in found])
                matrix[row] = np.bincount(columns, weights, minlength=self.dim)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms == 0, 1.0, norms)
        self.seconds += time.perf_counter() - began
        return matrix

    @property
    def embedded(self) -> int:
        """Texts embedded so far."""
        return sum(self.calls)


@dataclass(frozen=True)
class Question:
    """A SQuAD question, the file of its own paragraph, and its gold answers."""

    text: str
    path: str
    answers: tuple[str, ...]


def load(data: Path = DATA) -> tuple[list[str], list[tuple[int, str, tuple[str, ...]]]]:
    """Paragraph texts and (paragraph number, question, answers) triples."""
    articles = json.loads(data.read_text(encoding="utf-8"))["data"]
    paragraphs: list[str] = []
    questions: list[tuple[int, str, tuple[str, ...]]] = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            paragraphs.append(paragraph["context"])
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                questions.append((len(paragraphs) - 1, qa["question"], answers))
    return paragraphs, questions


def corpus(data: Path = DATA) -> tuple[Path, list[Question]]:
    """Write each paragraph as one .txt file (once, cached by data hash); return folder and questions."""
    digest = hashlib.sha1(data.read_bytes()).hexdigest()[:12]
    folder = OUT / f"squad-{digest}" / "docs"
    paragraphs, raw = load(data)
    names = [folder / f"p{i:05d}.txt" for i in range(len(paragraphs))]
    if not folder.exists() or len(list(folder.glob("*.txt"))) != len(paragraphs):
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in zip(names, paragraphs):
            name.write_text(text + "\n", encoding="utf-8")
    questions = [Question(q, str(names[i].resolve()), answers) for i, q, answers in raw]
    return folder, questions


def squad_index(embedder: Embedder) -> tuple[Path, list[Question], float]:
    """The SQuAD corpus indexed with `embedder` (cached); returns index folder, questions, build seconds."""
    from index.errors import IndexMismatchError
    from index.update import update_index

    folder, questions = corpus()
    index_dir = folder.parent / f"index-{embedder.name.replace('/', '_')}"
    try:
        summary = update_index(index_dir, [folder], embedder)
    except IndexMismatchError:  # a cached index from an older format: build it again
        summary = update_index(index_dir, [folder], embedder, rebuild=True)
    return index_dir, questions, summary.seconds


def readable(index_dir: Path) -> bool:
    """Whether a cached benchmark index can be read by this code (else it is built again)."""
    from index.errors import QAError
    from index.store import current_generation, read_manifest

    try:
        live = current_generation(index_dir) if (index_dir / "CURRENT").exists() else None
        return live is not None and read_manifest(live) is not None
    except QAError:
        return False


def query_model() -> Path:
    """all-MiniLM-L6-v2's ONNX query model as `qa index` exports it into an index, exported once under bench/out/."""
    from index.export import ensure_query_model
    from index.onnx_embed import has_query_model, query_dir

    if not has_query_model(MODEL_HOME):
        from index.embed import SentenceTransformerEmbedder

        ensure_query_model(MODEL_HOME, SentenceTransformerEmbedder())
    return query_dir(MODEL_HOME)


def module_command(module: str, *args: str) -> list[str]:
    """The command line that runs a bench module in a fresh process (run it with `cwd=ROOT`)."""
    return [sys.executable, "-m", module, *args]


def status_mb(field: str) -> float:
    """One memory figure of this process from /proc/self/status, in MB (VmRSS, VmHWM, RssAnon, RssFile)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def percentile_ms(values: Sequence[float], q: float) -> float:
    """The q-th percentile of durations in seconds, in milliseconds."""
    return round(1000 * float(np.percentile(values, q)), 2)


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def timed_stages(pipeline: Any, question: str, k: int) -> tuple[np.ndarray, list[Any], tuple[float, ...]]:
    """A question through a warm `Pipeline`: vector, hits, seconds to embed, dense, BM25 and whole retrieval."""
    from qa.retrieve import lexical_terms

    t0 = time.perf_counter()
    vector = pipeline.embedder.embed([question])[0]
    t1 = time.perf_counter()
    pipeline.reader.dense_search(vector, 50)
    t2 = time.perf_counter()
    pipeline.reader.lexical_search(lexical_terms(pipeline.reader, question), 50)
    t3 = time.perf_counter()
    hits = pipeline.retriever.search(question, k, vector)
    t4 = time.perf_counter()
    return vector, hits, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)
