"""Shared fixtures: a deterministic fake embedder, seed copies, and indexes built with either model."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.update import update_index

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


class FakeEmbedder:
    """Bag-of-words hashed into 64 signed buckets: fast, deterministic, lexically meaningful."""

    name = "fake-hash-64"
    dim = 64

    def __init__(self) -> None:
        self.calls: list[int] = []  # batch sizes, so tests can see what was (not) embedded

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.md5(word.rstrip("s").encode()).digest()
                matrix[row, digest[0] % self.dim] += 1.0 if digest[1] % 2 else -1.0
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    @property
    def embedded(self) -> int:
        return sum(self.calls)


def live_segment(index: Path, generation: str | None = None, last: bool = False) -> Path:
    """A segment folder the (live, or named) generation lists: its first, or its newest."""
    import json

    name = generation or (index / "CURRENT").read_text().strip()
    segments = json.loads((index / name / "manifest.json").read_text(encoding="utf-8"))["segments"]
    return index / "segments" / segments[-1 if last else 0]["name"]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled seed articles."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def fake_index(tmp_path: Path, seed_copy: Path, fake_embedder: FakeEmbedder) -> Path:
    """An index of the seed copy built with the fake embedder."""
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], fake_embedder)
    return folder


@pytest.fixture(scope="session")
def real_embedder():
    """The real all-MiniLM-L6-v2 model, loaded once for all end-to-end tests."""
    from index.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """An index of the bundled seeds built with the real model."""
    folder = tmp_path_factory.mktemp("real") / "index"
    update_index(folder, [SEEDS], real_embedder)
    return folder
