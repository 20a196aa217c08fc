"""Shared fixtures: the stand-in model (`bench.common.HashEmbedder`), seed copies, indexes built with either model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.update import update_index

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def live_segment(index: Path, generation: str | None = None, last: bool = False) -> Path:
    """A segment folder the (live, or named) generation lists: its first, or its newest."""
    import json

    name = generation or (index / "CURRENT").read_text().strip()
    segments = json.loads((index / name / "manifest.json").read_text(encoding="utf-8"))["segments"]
    return index / "segments" / segments[-1 if last else 0]["name"]


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    """A fresh stand-in model (the fixture keeps its old name: tests across the tree ask for it)."""
    return HashEmbedder()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled seed articles."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def fake_index(tmp_path: Path, seed_copy: Path, fake_embedder: HashEmbedder) -> Path:
    """An index of the seed copy built with the stand-in model."""
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


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings file of the test's own (none yet), so the developer's `qa config` never changes a result."""
    path = tmp_path_factory.mktemp("qa-config") / "config.toml"
    monkeypatch.setenv("QA_CONFIG", str(path))
    return path


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of the test's own: a test building an index never becomes the developer's last index, nor
    builds their seeds' index with the stand-in model (both had happened), and never opens theirs."""
    folder = tmp_path_factory.mktemp("qa-home")
    monkeypatch.setenv("QA_HOME", str(folder))
    monkeypatch.delenv("QA_INDEX", raising=False)
    return folder
