"""Damage in the middle of a large index file: never copied into a new generation, always found by `qa check`."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import HashEmbedder
import index.checksums
from index.check import check_index
from index.errors import IndexDamagedError
from index.store import DB_NAME, MANIFEST_NAME, current_generation
from index.update import optimize_index, update_index
from tests.index.test_update import ARTICLE


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the seed index's files count as large (sampled by `ask`), as a 90 MB index's are."""
    monkeypatch.setattr(index.checksums, "FULL_HASH_LIMIT", 32 * 1024)
    monkeypatch.setattr(index.checksums, "SAMPLE_BYTES", 8 * 1024)


def damage_middle(path: Path) -> None:
    """Overwrite 4 KB in the middle with random bytes, as a bad sector or a stray write would."""
    at = (path.stat().st_size // 2) // 4096 * 4096
    with open(path, "r+b") as handle:
        handle.seek(at)
        handle.write(random.Random(7).randbytes(4096))


def segment_db(folder: Path) -> Path:
    """The live generation's first segment database."""
    name = json.loads((current_generation(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))["segments"][0]["name"]
    return folder / "segments" / name / DB_NAME


def test_damage_in_the_middle_of_a_large_file_is_never_rewritten_as_whole(tmp_path, seed_copy, large):
    """An update copies no segment: the damaged one stays under its own checksum, found by `qa check`; a merge,
    which copies, hashes its inputs whole and refuses; `--rebuild` repairs."""
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live = current_generation(folder)
    damaged = segment_db(folder)
    assert damaged.stat().st_size > 3 * index.checksums.FULL_HASH_LIMIT
    damage_middle(damaged)
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    update_index(folder, [seed_copy], HashEmbedder())
    assert segment_db(folder) == damaged  # referenced as it is, never copied under a new checksum
    with pytest.raises(IndexDamagedError, match="damaged"):
        check_index(folder)
    merged_from = current_generation(folder)
    with pytest.raises(IndexDamagedError, match="--rebuild"):
        optimize_index(folder)
    assert current_generation(folder) == merged_from and merged_from != live  # nothing published
    update_index(folder, [seed_copy], HashEmbedder(), rebuild=True)  # the fix works
    check_index(folder)


def test_a_merge_without_whole_file_hashes_checks_page_by_page(tmp_path, seed_copy, large):
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live = current_generation(folder)
    manifest = json.loads((live / MANIFEST_NAME).read_text(encoding="utf-8"))
    for checksum in manifest["segments"][0]["checksums"].values():
        checksum.pop("full_sha256", None)
    (live / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    damage_middle(segment_db(folder))
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    update_index(folder, [seed_copy], HashEmbedder())
    before = current_generation(folder)
    with pytest.raises(IndexDamagedError):
        optimize_index(folder)
    assert current_generation(folder) == before


def test_check_finds_damage_anywhere(tmp_path, seed_copy, large):
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    report = check_index(folder)
    assert report.passages > 0 and report.bytes_hashed > 0
    damage_middle(segment_db(folder))
    with pytest.raises(IndexDamagedError, match="damaged"):
        check_index(folder)


def test_qa_check_is_one_line_either_way(fake_index):
    qa = [str(Path(sys.executable).parent / "qa"), "check", "--index", str(fake_index)]
    env = {**os.environ, "QA_HOME": "/nonexistent-qa-home"}
    ok = subprocess.run(qa, capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    damage_middle(segment_db(fake_index))
    bad = subprocess.run(qa, capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and len(bad.stderr.splitlines()) == 1
    assert "Traceback" not in bad.stderr
