"""Watch mode: initial sync, then additions, edits, renames and deletions applied as they happen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.store import IndexReader
from index.watch import watch_paths
from index.words import tokens
from tests.conftest import REPO
from tests.index.test_update import ARTICLE

TIMEOUT = 20.0


class Watcher:
    """watch_paths running in a thread, with its log lines collected."""

    def __init__(self, index: Path, paths: list[Path]) -> None:
        self.index = index
        self.lines: list[str] = []
        self.stop = threading.Event()
        self.embedder = HashEmbedder()
        self.result: list[int] = []
        self.thread = threading.Thread(
            target=lambda: self.result.append(
                watch_paths(index, paths, self.embedder, log=self.lines.append, stop_event=self.stop, debounce_ms=100)
            )
        )

    def until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            assert self.thread.is_alive(), f"watcher died: {self.lines}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}: {self.lines}"
            time.sleep(0.05)

    def files(self) -> set[str]:
        reader = IndexReader.open(self.index)
        try:
            return {Path(row[0]).name for row in reader.db.execute("SELECT path FROM files")}
        finally:
            reader.close()

    def finds(self, word: str) -> set[str]:
        reader = IndexReader.open(self.index)
        try:
            ids = [i for i, _ in reader.lexical_search(tokens(word), 20)]
            return {Path(p.path).name for p in reader.passages(ids).values()}
        finally:
            reader.close()


@pytest.fixture
def watcher(tmp_path: Path, seed_copy: Path) -> Iterator[Watcher]:
    running = Watcher(tmp_path / "index", [seed_copy])
    running.thread.start()
    running.until(lambda: any(line.startswith("watching") for line in running.lines), "initial sync")
    yield running
    running.stop.set()
    running.thread.join(TIMEOUT)
    assert not running.thread.is_alive() and running.result == [0]


def test_initial_sync_indexes_existing_files(watcher, seed_copy):
    assert watcher.lines[0].startswith(f"+{len(list(seed_copy.glob('*.txt')))} added, 0 changed, 0 removed;")
    assert watcher.files() == {p.name for p in seed_copy.glob("*.txt")}


def test_add_edit_rename_delete_are_applied(watcher, seed_copy):
    new = seed_copy / "zebrafinch.txt"
    new.write_text(ARTICLE, encoding="utf-8")
    watcher.until(lambda: "zebrafinch.txt" in watcher.finds("zebrafinch"), "the new file")
    assert any(line.startswith("+1 added, 0 changed, 0 removed;") for line in watcher.lines)

    new.write_text(ARTICLE.replace("Lisbon", "Porto").replace("LISBON", "PORTO"), encoding="utf-8")
    watcher.until(lambda: "zebrafinch.txt" in watcher.finds("Porto"), "the edit")
    assert not watcher.finds("Lisbon")

    new.rename(seed_copy / "renamed.md")
    watcher.until(lambda: watcher.finds("zebrafinch") == {"renamed.md"}, "the rename")

    (seed_copy / "renamed.md").unlink()
    watcher.until(lambda: not watcher.finds("zebrafinch"), "the delete")
    assert "renamed.md" not in watcher.files()


def test_new_subfolder_and_its_removal_are_applied(watcher, seed_copy):
    folder = seed_copy / "more"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    watcher.until(lambda: "a.txt" in watcher.files(), "the file in a new folder")
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    watcher.until(lambda: "a.txt" not in watcher.files(), "the removed folder")


class SlowEmbedder(HashEmbedder):
    """Takes a while over its first batch, like the real model over a big folder."""

    started = False

    def embed(self, texts):
        if not self.calls:
            self.started = True
            time.sleep(1.0)
        return super().embed(texts)


def test_file_written_during_the_initial_sync_is_not_missed(tmp_path, seed_copy):
    running = Watcher(tmp_path / "index", [seed_copy])
    running.embedder = SlowEmbedder()
    running.thread.start()
    running.until(lambda: running.embedder.started, "the initial sync to start")
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    try:
        running.until(lambda: (tmp_path / "index" / "CURRENT").exists() and "zebrafinch.txt" in running.files(),
                      "the file written during the initial sync")
    finally:
        running.stop.set()
        running.thread.join(TIMEOUT)


def test_other_files_trigger_no_update(watcher, seed_copy):
    before, embedded = list(watcher.lines), watcher.embedder.embedded
    (seed_copy / "notes.log").write_text("not an article", encoding="utf-8")
    (seed_copy / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    time.sleep(1.0)
    assert watcher.lines == before
    assert watcher.embedder.embedded == embedded


def test_running_pipeline_picks_up_the_update(watcher, seed_copy):
    from qa.pipeline import Pipeline

    pipeline = Pipeline(watcher.index, lambda reader: HashEmbedder())
    try:
        assert not pipeline.reload_if_changed()
        (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
        watcher.until(lambda: "zebrafinch.txt" in watcher.files(), "the new file")
        assert pipeline.reload_if_changed()
        result = pipeline.ask("where was the glowing zebrafinch colony found?", k=3)
        assert any(Path(hit.passage.path).name == "zebrafinch.txt" for hit in result.hits)
    finally:
        pipeline.close()


def test_index_inside_the_watched_folder_does_not_loop(tmp_path, seed_copy):
    running = Watcher(seed_copy / ".index", [seed_copy])
    running.thread.start()
    running.until(lambda: any(line.startswith("watching") for line in running.lines), "initial sync")
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    running.until(lambda: "zebrafinch.txt" in running.files(), "the new file")
    time.sleep(1.0)
    updates = [line for line in running.lines if line.startswith("+")]
    running.stop.set()
    running.thread.join(TIMEOUT)
    assert len(updates) == 2, running.lines  # initial sync and the one addition, nothing triggered by the index


CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from index.watch import watch_paths
    from bench.common import HashEmbedder
    sys.exit(watch_paths(sys.argv[1], sys.argv[2:], HashEmbedder(), log=lambda m: print(m, flush=True)))
    """
).format(repo=str(REPO))


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_kill_stop_cleanly(tmp_path, seed_copy, stop_signal):
    script = tmp_path / "watch_child.py"
    script.write_text(CHILD)
    # A shell's background jobs ignore SIGINT; give the child the default a terminal would.
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "index"), str(seed_copy)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("watching"):
                break
        os.kill(proc.pid, stop_signal)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped" in out
    IndexReader.open(tmp_path / "index").close()


def test_missing_path_is_one_error_line(tmp_path):
    lines: list[str] = []
    assert watch_paths(tmp_path / "index", [tmp_path / "nowhere"], HashEmbedder(), log=lines.append) == 2
    assert len(lines) == 1 and lines[0].startswith("error: no such file or folder")


def test_damaged_index_stops_watch_with_one_error_line(fake_index, seed_copy):
    (fake_index / "CURRENT").write_text("garbage")
    lines: list[str] = []
    assert watch_paths(fake_index, [seed_copy], HashEmbedder(), log=lines.append) == 2
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--rebuild" in lines[0]


def test_watching_a_single_file_ignores_its_neighbours(tmp_path, seed_copy):
    target = seed_copy / "zebrafinch.txt"
    target.write_text(ARTICLE, encoding="utf-8")
    running = Watcher(tmp_path / "index", [target])
    running.thread.start()
    try:
        running.until(lambda: any(line.startswith("watching") for line in running.lines), "initial sync")
        assert running.files() == {"zebrafinch.txt"}
        (seed_copy / "neighbour.txt").write_text(ARTICLE.replace("Lisbon", "Porto"), encoding="utf-8")
        target.write_text(ARTICLE.replace("Lisbon", "Faro"), encoding="utf-8")  # an editor's save
        running.until(lambda: "zebrafinch.txt" in running.finds("Faro"), "the edit of the watched file")
        assert running.files() == {"zebrafinch.txt"}
    finally:
        running.stop.set()
        running.thread.join(TIMEOUT)
