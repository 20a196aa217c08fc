"""Damage in the middle of a large index file: never copied into a new generation, always found by `qa check`."""

from __future__ import annotations

import errno
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bench.common import HashEmbedder
import index.checksums
import index.config as settings
import index.update
from index.check import check_index
from index.errors import IndexDamagedError
from index.store import DB_NAME, MANIFEST_NAME, IndexReader, current_generation
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


def change_a_figure(db: Path) -> str:
    """Change one digit of a passage's stored text in place, as a bad sector would, where a sampled checksum
    does not look (SQLite's pages stay well-formed); the path of the file the passage belongs to."""
    data = bytearray(db.read_bytes())
    sample = index.checksums.SAMPLE_BYTES
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = connection.execute("SELECT path, text FROM passages ORDER BY id").fetchall()
    connection.close()
    for path, text in rows:
        stored, digit = text.encode("utf-8"), re.search(rb"[0-8]", text.encode("utf-8"))
        places = [m.start() for m in re.finditer(re.escape(stored), data)]
        if digit is None or not places or not all(sample <= at and at + len(stored) <= len(data) - sample
                                                   for at in places):
            continue
        for at in places:  # every stored copy alike (before format 5 FTS5 kept a second one)
            data[at + digit.start()] += 1
        db.write_bytes(bytes(data))
        return path
    raise AssertionError("no passage lies wholly in the unsampled middle of the database")


def test_a_changed_figure_is_never_carried_into_a_new_segment(tmp_path, seed_copy, large):
    """A touched file's rows move into the new segment: each text is checked against its hash first, so a
    changed figure the sampled checksum missed is refused with the fix, never stored under a fresh checksum."""
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live = current_generation(folder)
    touched = Path(change_a_figure(segment_db(folder)))
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime - 60))  # same bytes, a new mtime
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")  # with it, the new stat is recorded
    with pytest.raises(IndexDamagedError, match="stored text was changed") as caught:
        update_index(folder, [seed_copy], HashEmbedder())
    assert "qa check" in str(caught.value) and "--rebuild" in str(caught.value)
    assert current_generation(folder) == live  # nothing published
    update_index(folder, [seed_copy], HashEmbedder(), rebuild=True)  # the fix works
    check_index(folder)


@pytest.mark.parametrize("damage, refused", [
    (damage_middle, "damaged"),  # SQLite's pages no longer check out
    (change_a_figure, "stored text was changed"),  # the pages intact: only the text's own hash can tell
], ids=["page", "figure"])
def test_a_merge_without_whole_file_hashes_still_refuses_damage(tmp_path, seed_copy, large, damage, refused):
    """A merge whose inputs have no whole-file hash (a manifest from before them) checks page by page and
    still checks every text it copies: damage either way is refused and nothing is published."""
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live = current_generation(folder)
    manifest = json.loads((live / MANIFEST_NAME).read_text(encoding="utf-8"))
    for checksum in manifest["segments"][0]["checksums"].values():
        checksum.pop("full_sha256", None)
    (live / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    damage(segment_db(folder))
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    update_index(folder, [seed_copy], HashEmbedder())
    before = current_generation(folder)
    with pytest.raises(IndexDamagedError, match=refused):
        optimize_index(folder)
    assert current_generation(folder) == before


def test_an_update_that_fails_on_damage_commits_nothing(tmp_path, seed_copy, large, monkeypatch, capsys):
    """The merge an update triggers hashes its inputs before the switch: `qa index` exits 2 with CURRENT
    where it was and the new file not answerable, never after publishing it."""
    import index.embed
    from qa.cli import qa_main

    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, max_segments=1))  # two segments: a merge
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live = current_generation(folder)
    change_a_figure(segment_db(folder))
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    assert qa_main(["index", str(seed_copy), "--index", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and "damaged" in err[-1]
    assert current_generation(folder) == live
    reader = IndexReader.open(folder, check=False)
    try:
        assert not any(path.endswith("new.txt") for (path,) in reader.db.execute("SELECT path FROM files"))
    finally:
        reader.close()


def test_a_merge_that_fails_after_the_switch_is_a_warning(tmp_path, seed_copy, monkeypatch):
    """Once CURRENT has moved the update is committed: a merge failing after it (a full disk) is a warning and
    the update's summary, not an error that says the update failed."""
    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, max_segments=1))
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live = current_generation(folder)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index.update, "_merge", full)
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    summary = update_index(folder, [seed_copy], HashEmbedder())
    assert summary.added == 1 and current_generation(folder) != live
    assert any("merging segments failed" in w and "saved" in w for w in summary.warnings), summary.warnings


def test_a_damaged_file_text_is_never_carried_into_a_new_segment(tmp_path, seed_copy):
    """The file's own text (compressed, for `qa show`) is checked by zlib's checksum before it moves; the
    damage here is recorded under the segment's checksums, as damage a sampled checksum misses would be."""
    from index.checksums import generation_checksum

    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    live, database = current_generation(folder), segment_db(folder)
    connection = sqlite3.connect(database)
    touched, blob = connection.execute("SELECT path, text FROM texts ORDER BY path LIMIT 1").fetchone()
    connection.execute("UPDATE texts SET text = ? WHERE path = ?", (blob[:-6] + bytes(6), touched))
    connection.commit()
    connection.close()
    manifest = json.loads((live / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["segments"][0]["checksums"][DB_NAME] = generation_checksum(database)
    (live / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    path = Path(touched)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 60))
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(IndexDamagedError, match="stored text of .* is damaged"):
        update_index(folder, [seed_copy], HashEmbedder())
    assert current_generation(folder) == live
