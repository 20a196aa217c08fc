"""Ownership by marker, not by name: only a folder marked as an index at creation (or an index an earlier
version built, adopted) is ever written into or cleaned; a user's folder that merely looks like one is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.errors import InputError
from index.owned import MARKER
from index.store import IndexReader, current_generation
from index.update import optimize_index, update_index
from tests.index.test_update import ARTICLE


def lookalike(folder: Path) -> dict[Path, bytes]:
    """A user's folder holding what an index's generation holds, by name only (and the bytes it holds)."""
    (folder / "gen-000001").mkdir(parents=True)
    files = {folder / "gen-000001" / "manifest.json": b'{"my": "notes"}',
             folder / "gen-000001" / "index.sqlite": b"my own database"}
    for path, data in files.items():
        path.write_bytes(data)
    return files


def test_a_folder_named_like_an_index_is_refused_and_kept(tmp_path, seed_copy):
    target = tmp_path / "g2"
    files = lookalike(target)
    with pytest.raises(InputError, match="not an index"):
        update_index(target, [seed_copy], HashEmbedder())
    with pytest.raises(InputError, match="not an index"):
        optimize_index(target)
    assert {path: path.read_bytes() for path in files} == files
    assert sorted(p.name for p in target.iterdir()) == ["gen-000001"]  # no lock, no marker, no segments


def test_qa_index_into_a_lookalike_folder_is_one_line(tmp_path, seed_copy, capsys, monkeypatch):
    import index.embed
    from qa.cli import qa_main

    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    target = tmp_path / "g2"
    files = lookalike(target)
    assert qa_main(["index", str(seed_copy), "--index", str(target)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: ") and "not an index" in err[0], err
    assert {path: path.read_bytes() for path in files} == files


def test_a_new_index_is_marked_first(tmp_path, seed_copy):
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    assert (folder / MARKER).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    update_index(empty, [seed_copy], HashEmbedder())  # an empty folder is as good as a new one
    assert (empty / MARKER).is_file()


def test_an_index_built_before_markers_is_adopted(tmp_path, seed_copy):
    """A valid CURRENT and a newsqa manifest: the next update marks the folder and goes on as before."""
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    (folder / MARKER).unlink()
    (seed_copy / "new.txt").write_text(ARTICLE, encoding="utf-8")
    summary = update_index(folder, [seed_copy], HashEmbedder())
    assert summary.added == 1 and (folder / MARKER).is_file()
    reader = IndexReader.open(folder)
    reader.close()


def test_an_unmarked_index_whose_manifest_is_not_ours_is_refused(tmp_path, seed_copy):
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], HashEmbedder())
    (folder / MARKER).unlink()
    live = current_generation(folder)
    (live / "manifest.json").write_text(json.dumps(["not", "a", "manifest"]), encoding="utf-8")
    with pytest.raises(InputError, match="not an index"):
        update_index(folder, [seed_copy], HashEmbedder(), rebuild=True)
    assert (live / "manifest.json").exists() and current_generation(folder) == live
