"""Unchanged files cost a `stat`: no read, no hash, no model, no new generation (issue 12, item 2)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from bench.common import HashEmbedder
import index.changes
import index.engine
from index.check import check_index
from index.checksums import generation_checksum
from index.store import DB_NAME, MANIFEST_NAME, POINTER_NAME, current_generation
from index.update import update_index
from tests.index.test_update import ARTICLE
from tests.index.tiny_model import TinyEmbedder

HOUR_NS = 3600 * 10**9


class Lazy:
    """An embedder built on first use, recording whether it was: what `qa index` should never pay for nothing."""

    def __init__(self, factory: Callable[[], TinyEmbedder]) -> None:
        self.factory = factory
        self.model: TinyEmbedder | None = None
        self.name, self.dim = TinyEmbedder.name, TinyEmbedder.dim

    def _loaded(self) -> TinyEmbedder:
        if self.model is None:
            self.model = self.factory()
        return self.model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._loaded().embed(texts)

    def source_fingerprint(self) -> str:
        return "tiny-0"  # known without loading, as the real model's weights fingerprint is

    def export_onnx(self, path: Path) -> tuple[int, Path]:
        return self._loaded().export_onnx(path)


def backdate(where: Path, ns: int = HOUR_NS) -> None:
    """Give a file, or every file of a folder, an mtime in the past, as an archive's files have."""
    for path in where.rglob("*.txt") if where.is_dir() else [where]:
        mtime = path.stat().st_mtime_ns - ns
        os.utime(path, ns=(mtime, mtime))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the update reads (and so hashes), in order."""
    seen: list[str] = []
    original = index.engine.read_source

    def counting(path: Path, *args: object, **kwargs: object):
        seen.append(path.name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(index.engine, "read_source", counting)
    return seen


@pytest.fixture
def old_index(tmp_path: Path, seed_copy: Path) -> Path:
    """A fake-embedder index of seed files last written an hour before they were indexed."""
    backdate(seed_copy)
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    return folder


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))


def test_noop_reads_no_file_embeds_nothing_and_publishes_nothing(old_index, seed_copy, reads):
    before = ((old_index / POINTER_NAME).read_text(), generations(old_index))
    embedder = HashEmbedder()
    summary = update_index(old_index, [seed_copy], embedder)
    assert reads == [] and embedder.calls == []
    assert summary.unchanged == len(list(seed_copy.glob("*.txt"))) and summary.added == summary.changed == 0
    assert ((old_index / POINTER_NAME).read_text(), generations(old_index)) == before


def test_noop_never_loads_the_model_even_to_check_the_query_model(tmp_path, seed_copy, reads):
    backdate(seed_copy)
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], TinyEmbedder(tmp_path / "tiny"))  # builds and exports the query model
    reads.clear()
    lazy = Lazy(lambda: TinyEmbedder(tmp_path / "tiny"))
    update_index(folder, [seed_copy], lazy)
    assert lazy.model is None and reads == []
    touched = sorted(seed_copy.glob("*.txt"))[0]
    os.utime(touched)  # touched, same bytes: read and hashed again, but nothing to embed
    summary = update_index(folder, [seed_copy], lazy)
    assert lazy.model is None and reads == [touched.name] and summary.embedded == 0


def test_touched_identical_file_is_rehashed_not_embedded(old_index, seed_copy, reads):
    touched = sorted(seed_copy.glob("*.txt"))[1]
    os.utime(touched, ns=(time.time_ns() - HOUR_NS // 2,) * 2)
    embedder = HashEmbedder()
    summary = update_index(old_index, [seed_copy], embedder)
    assert reads == [touched.name] and embedder.calls == []
    assert (summary.changed, summary.embedded, summary.unchanged) == (0, 0, len(list(seed_copy.glob("*.txt"))))


def test_many_stale_stats_are_recorded_once(old_index, seed_copy, reads, monkeypatch):
    monkeypatch.setattr(index.changes, "REFRESH_AT", 2)
    touched = sorted(seed_copy.glob("*.txt"))[:2]
    for path in touched:
        os.utime(path, ns=(time.time_ns() - HOUR_NS // 2,) * 2)
    before = generations(old_index)
    update_index(old_index, [seed_copy], HashEmbedder())
    assert reads == [p.name for p in touched] and generations(old_index) != before  # worth a generation
    reads.clear()
    update_index(old_index, [seed_copy], HashEmbedder())
    assert reads == []


def test_few_stale_stats_are_recorded_with_the_next_real_change(old_index, seed_copy, reads):
    touched = sorted(seed_copy.glob("*.txt"))[0]
    os.utime(touched, ns=(time.time_ns() - HOUR_NS // 2,) * 2)
    before = generations(old_index)
    update_index(old_index, [seed_copy], HashEmbedder())
    assert reads == [touched.name] and generations(old_index) == before  # one file: not worth a generation
    new = seed_copy / "zebrafinch.txt"
    new.write_text(ARTICLE, encoding="utf-8")
    backdate(seed_copy / "zebrafinch.txt")
    update_index(old_index, [seed_copy], HashEmbedder())
    reads.clear()
    update_index(old_index, [seed_copy], HashEmbedder())
    assert reads == []


def test_same_size_same_mtime_rewrite_needs_checksum(old_index, seed_copy, reads):
    """The documented trade-off of rsync and git: a rewrite that keeps size and mtime is not seen."""
    path = sorted(seed_copy.glob("*.txt"))[0]
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("the", "teh", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert update_index(old_index, [seed_copy], HashEmbedder()).changed == 0 and reads == []
    summary = update_index(old_index, [seed_copy], HashEmbedder(), checksum=True)
    assert summary.changed == 1 and len(reads) == len(list(seed_copy.glob("*.txt")))


def test_rewrite_within_the_same_tick_is_not_missed(tmp_path, seed_copy):
    """A file written just before it was read keeps no trusted mtime, so a same-size, same-mtime rewrite is read."""
    folder = tmp_path / "index"
    path = seed_copy / "fresh.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    update_index(folder, [seed_copy], HashEmbedder())
    before = path.stat()
    path.write_text(ARTICLE.replace("300", "301"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a coarse clock would leave it
    assert update_index(folder, [seed_copy], HashEmbedder()).changed == 1


def test_file_grown_over_the_limit_is_still_skipped(old_index, seed_copy):
    largest = max(path.stat().st_size for path in seed_copy.glob("*.txt"))
    summary = update_index(old_index, [seed_copy], HashEmbedder(), max_file_bytes=largest - 1)
    assert summary.removed == 1 and any("limit" in w for w in summary.warnings)


def test_index_without_recorded_stats_is_read_once_then_not(old_index, seed_copy, reads, monkeypatch):
    """Files recorded without a stat: every file is read, the stats recorded (the files move into a new
    segment, whose rows hold them), then only stat."""
    live = current_generation(old_index)
    manifest = json.loads((live / MANIFEST_NAME).read_text())
    segment = old_index / "segments" / manifest["segments"][0]["name"]
    db = sqlite3.connect(segment / DB_NAME)
    db.execute("UPDATE files SET mtime_ns = NULL")
    db.commit()
    db.close()
    manifest["segments"][0]["checksums"][DB_NAME] = generation_checksum(segment / DB_NAME)
    (live / MANIFEST_NAME).write_text(json.dumps(manifest))
    monkeypatch.setattr(index.changes, "REFRESH_AT", 1)  # five seed files: make them worth recording
    files = len(list(seed_copy.glob("*.txt")))
    assert update_index(old_index, [seed_copy], HashEmbedder()).unchanged == files and len(reads) == files
    reads.clear()
    summary = update_index(old_index, [seed_copy], HashEmbedder())
    assert summary.unchanged == files and reads == [] and summary.embedded == 0
    check_index(old_index)


def test_cli_checksum_flag_reaches_the_update(tmp_path, seed_copy, monkeypatch):
    import index.update
    from index.update import UpdateSummary
    from qa.cli import qa_main

    calls: list[dict[str, object]] = []

    def recording(*args: object, **kwargs: object) -> UpdateSummary:
        calls.append(kwargs)
        return UpdateSummary(1, 0, 0, 0, 1, 1, 0, 0.0)

    monkeypatch.setattr(index.update, "update_index", recording)
    for argv in ([], ["--checksum"]):
        assert qa_main(["index", str(seed_copy), "--index", str(tmp_path / "index"), "--json", *argv]) == 0
    assert [call["checksum"] for call in calls] == [False, True]
