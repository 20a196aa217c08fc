"""Defaults that do not surprise: `qa index DIR` builds DIR's own index, `ask` opens the last one built."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.inventory import FileChange
from index.update import update_index
from index.watch import changed_files
from qa import home
from qa.progress import EMBEDDING, READING, Stages


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, no QA_INDEX, and the fake model in place of the real one."""
    import index.embed

    folder = tmp_path / "home"
    monkeypatch.setenv("QA_HOME", str(folder))
    monkeypatch.delenv("QA_INDEX", raising=False)
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    return folder


def _qa(*argv: str) -> int:
    from qa.cli import qa_main

    return qa_main(list(argv))


def test_qa_index_without_index_builds_the_folders_own_index_and_ask_uses_it(data, seed_copy, capsys):
    assert _qa("index", str(seed_copy), "--json") == 0
    own = home.own_index([str(seed_copy)])
    assert own.parent == data / "indexes" and own.name.startswith(seed_copy.name + "-")
    assert (own / "CURRENT").exists()
    assert not (data / "seeds-index").exists()  # the seeds' demo index is never given your files
    assert json.loads(capsys.readouterr().out)["documents"] > 0
    assert home.last_index() == own.resolve() and home.default_index() == own.resolve()
    assert home.own_index([str(seed_copy) + "/"]) == own  # the same folder, however it is written


def test_qa_index_into_the_seeds_index_is_refused(data, seed_copy, capsys):
    assert _qa("index", str(seed_copy), "--index", str(data / "seeds-index")) == 2
    assert "read-only demo" in capsys.readouterr().err and not (data / "seeds-index").exists()


def test_qa_index_env_and_last_index_choose_the_default(data, tmp_path, seed_copy, monkeypatch):
    assert home.chosen_index() is None  # nothing built yet: the seeds
    built = tmp_path / "mine"
    assert _qa("index", str(seed_copy), "--index", str(built)) == 0
    assert home.chosen_index() == built.resolve()  # an explicit --index counts as the last built too
    monkeypatch.setenv("QA_INDEX", str(tmp_path / "elsewhere"))
    assert home.chosen_index() == tmp_path / "elsewhere"  # QA_INDEX wins
    monkeypatch.delenv("QA_INDEX")
    import shutil

    shutil.rmtree(built)
    assert home.chosen_index() is None  # the last index is gone: back to the seeds


def test_an_empty_folder_warns_and_builds_nothing(data, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert _qa("index", str(tmp_path / "empty")) == 0
    assert "warning: nothing to index" in capsys.readouterr().err
    assert not (data / "indexes").exists() and home.last_index() is None


def test_tui_opens_the_last_index_built(data, seed_copy):
    from tui.session import builds_seed_index, resolve_index

    assert builds_seed_index(None)
    assert _qa("index", str(seed_copy)) == 0
    assert not builds_seed_index(None)
    assert resolve_index(None) == home.own_index([str(seed_copy)]).resolve()


def test_update_reports_each_file_read(seed_copy, tmp_path):
    calls: list[tuple[str, int, int]] = []
    update_index(tmp_path / "index", [seed_copy], HashEmbedder(), progress=lambda *call: calls.append(call))
    files = len(list(seed_copy.glob("*.txt")))
    reading = [(done, total) for stage, done, total in calls if stage == "reading"]
    assert reading[0] == (0, files) and reading[-1] == (files, files) and len(reading) == files + 1
    embedding = [call for call in calls if call[0] == "embedding"]
    assert embedding[0][1] == 0 and embedding[0][2] > 0  # the total is known before the first batch


def test_stages_count_files_and_wait_with_the_embedding_total():
    stages = Stages(live=False, began=time.perf_counter() - 5)
    with stages:
        stages("reading", 3, 10)
        stages("embedding", 0, 70)  # before the model loads: no stage yet, but its total is kept
        assert EMBEDDING not in stages.tasks
        stages.stage(EMBEDDING, counted=True)
        task = next(t for t in stages.bar.tasks if t.id == stages.tasks[EMBEDDING])
        assert task.total == 70
        reading = next(t for t in stages.bar.tasks if t.id == stages.tasks[READING])
        assert reading.total == 10
    assert stages.seconds() >= 5  # from the command's start, not from when the display began


def test_watch_log_names_the_files_and_the_time(tmp_path, monkeypatch, capsys):
    from qa.cli import _stamped

    monkeypatch.chdir(tmp_path)
    lines = changed_files([FileChange("removed", "/elsewhere/c.txt"),
                           FileChange("added", str(tmp_path / "news" / "a.txt"), 1),
                           FileChange("changed", str(tmp_path / "news" / "b.txt"), 3)])
    assert lines == ["removed /elsewhere/c.txt", "added news/a.txt (1 passage)", "changed news/b.txt (3 passages)"]
    many = changed_files([FileChange("added", f"/n/{i:02d}.txt", 2) for i in range(15)], limit=10)
    assert len(many) == 11 and many[-1] == "… and 5 more files"
    _stamped("added news/a.txt")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d added news/a.txt\n", capsys.readouterr().err)
