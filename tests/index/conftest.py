"""Fixtures the storage tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.index.test_update import ARTICLE


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder holding one article, zebra.txt."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "zebra.txt").write_text(ARTICLE, encoding="utf-8")
    return folder
