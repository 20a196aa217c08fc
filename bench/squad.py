"""Shared SQuAD v1.1 dev helpers for the benchmarks: paragraphs as files, questions with gold."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "squad-dev-v1.1.json"
OUT = Path(__file__).resolve().parent / "out"


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


def squad_index(embedder) -> tuple[Path, list[Question], float]:
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
