"""A folder of short news files for a test's `qa index` to read, embedded with the stand-in model."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.embed
from bench.common import HashEmbedder


def news_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Path:
    """`tmp_path/news` holding `files` (name: text); `qa index` in this test embeds with HashEmbedder."""
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
