"""Watch mode: initial sync, then additions, edits, renames and deletions applied as they happen."""

from __future__ import annotations

import os
import re
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
    count = len(list(seed_copy.glob("*.txt")))
    assert any(line.startswith(f"{count} files added, 0 changed, 0 removed;") for line in watcher.lines), watcher.lines
    assert any(line.startswith(f"{count} files: {count} text → ") for line in watcher.lines), watcher.lines
    assert watcher.files() == {p.name for p in seed_copy.glob("*.txt")}


def test_add_edit_rename_delete_are_applied(watcher, seed_copy):
    new = seed_copy / "zebrafinch.txt"
    new.write_text(ARTICLE, encoding="utf-8")
    watcher.until(lambda: "zebrafinch.txt" in watcher.finds("zebrafinch"), "the new file")
    watcher.until(lambda: any(line.startswith("1 file added, 0 changed, 0 removed;") for line in watcher.lines),
                  "the update's log line")  # logged after the index is published
    assert any(re.fullmatch(r"added .*zebrafinch\.txt \(\d+ passages?\)", line) for line in watcher.lines)

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
    updates = [line for line in running.lines if re.match(r"\d+ files? added, ", line)]
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


@pytest.fixture
def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compare folders every 0.2 s once the OS watcher gives up, so a test need not wait seconds."""
    import dataclasses

    import index.config

    if hasattr(index.config.INDEX, "watch_poll_seconds"):
        monkeypatch.setattr(index.config, "INDEX", dataclasses.replace(index.config.INDEX, watch_poll_seconds=0.2))


def test_a_folder_not_utf8_at_start_up_is_watched_by_polling(tmp_path, seed_copy, quick_poll):
    # watchfiles raised "Unable to decode path" at start-up and the watch died with a traceback (D3).
    odd = os.path.join(os.fsencode(seed_copy), b"caf\xe9")
    os.mkdir(odd)
    with open(os.path.join(odd, b"n\xf6te.txt"), "wb") as handle:
        handle.write(ARTICLE.encode())
    running = Watcher(tmp_path / "index", [seed_copy])
    running.thread.start()
    try:
        running.until(lambda: any(line.startswith("watching") for line in running.lines), "initial sync")
        assert "n\\xf6te.txt" in running.files()  # indexed under its escaped name
        fallback = [line for line in running.lines if "not UTF-8" in line]
        assert len(fallback) == 1 and fallback[0].startswith("warning: ")
        (seed_copy / "later.txt").write_text(ARTICLE.replace("zebrafinch", "kestrel"), encoding="utf-8")
        running.until(lambda: "later.txt" in running.finds("kestrel"), "a file added while polling")
        (seed_copy / "later.txt").unlink()
        running.until(lambda: "later.txt" not in running.files(), "a file removed while polling")
        assert all(line.encode("utf-8") for line in running.lines)  # every line printable
    finally:
        running.stop.set()
        running.thread.join(TIMEOUT)
    assert not running.thread.is_alive() and running.result == [0]


def test_a_name_not_utf8_appearing_while_watching_is_indexed(watcher, seed_copy, quick_poll):
    with open(os.path.join(os.fsencode(seed_copy), b"x\xff.txt"), "wb") as handle:
        handle.write(ARTICLE.replace("zebrafinch", "kestrel").encode())
    watcher.until(lambda: "x\\xff.txt" in watcher.finds("kestrel"), "the file with a name that is not UTF-8")
    assert sum("not UTF-8" in line for line in watcher.lines) == 1
    (seed_copy / "after.txt").write_text(ARTICLE.replace("zebrafinch", "osprey"), encoding="utf-8")
    watcher.until(lambda: "after.txt" in watcher.finds("osprey"), "a later file, found by polling")


def test_a_file_that_breaks_its_extractor_leaves_the_watch_running(watcher, seed_copy, monkeypatch):
    import index.extract_records

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(index.extract_records, "extract_records", broken)
    (seed_copy / "deep.json").write_text('{"text": "x"}', encoding="utf-8")
    watcher.until(lambda: any("deep.json" in line and line.startswith("warning:") for line in watcher.lines),
                  "the warning for the broken file")
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    watcher.until(lambda: "zebrafinch.txt" in watcher.files(), "the next file")


def _after_watching(watcher: Watcher) -> list[str]:
    """The log lines since the watch began."""
    lines = watcher.lines
    return lines[next(i for i, line in enumerate(lines) if line.startswith("watching")) + 1:]


def test_log_names_only_files_read_after_the_change_with_plurals(watcher, seed_copy):
    """Issue 22 item 6: no raw events (an editor's temporary file), no page without article counted as added."""
    (seed_copy / "sedAb12Cd").write_text("temporary", encoding="utf-8")  # sed -i's temporary file, then renamed
    (seed_copy / "sedAb12Cd").unlink()
    (seed_copy / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>",
                                         encoding="utf-8")
    watcher.until(lambda: any("menu.html" in line for line in _after_watching(watcher)), "the page's warning")
    (seed_copy / "short.txt").write_text("The port reopened on Monday.\n", encoding="utf-8")
    watcher.until(lambda: "short.txt" in watcher.files(), "the one-passage file")
    watcher.until(lambda: any(line.startswith("1 file added") for line in _after_watching(watcher)), "its log")
    log = _after_watching(watcher)
    assert not any("sedAb12Cd" in line for line in log), log
    assert not any(line.startswith(("added", "changed")) and "menu.html" in line for line in log), log
    assert "added short.txt (1 passage)" in [line.replace(str(seed_copy) + os.sep, "") for line in log], log
    assert any(line.startswith("1 file added, 0 changed, 0 removed; 1 passage embedded") for line in log), log
    assert not any(" 1 passages" in line or " 1 files" in line for line in watcher.lines), watcher.lines
    (seed_copy / "short.txt").unlink()
    watcher.until(lambda: any(line.endswith("short.txt") and line.startswith("removed ")
                              for line in _after_watching(watcher)), "the removal")


def test_ignored_files_are_neither_indexed_nor_logged(tmp_path, seed_copy):
    """`.newsqaignore` (gitignore syntax) and `select` leave files out of a watch, and edits to it apply."""
    from index.ignore import Selection

    (seed_copy / ".newsqaignore").write_text("drafts/\n", encoding="utf-8")
    (seed_copy / "drafts").mkdir()
    running = Watcher(tmp_path / "index", [seed_copy])
    running.thread = threading.Thread(target=lambda: running.result.append(watch_paths(
        running.index, [seed_copy], running.embedder, log=running.lines.append, stop_event=running.stop,
        debounce_ms=100, select=Selection.of(excludes=["*.csv"]))))
    running.thread.start()
    try:
        running.until(lambda: any(line.startswith("watching") for line in running.lines), "initial sync")
        (seed_copy / "drafts" / "wip.txt").write_text(ARTICLE, encoding="utf-8")
        (seed_copy / "table.csv").write_text("title,text\nA,The port reopened on Monday.\n", encoding="utf-8")
        (seed_copy / "kept.txt").write_text(ARTICLE, encoding="utf-8")
        running.until(lambda: "kept.txt" in running.files(), "the file not ignored")
        time.sleep(0.5)
        assert not {"wip.txt", "table.csv"} & running.files()
        assert not any("wip.txt" in line or "table.csv" in line for line in running.lines), running.lines
        (seed_copy / ".newsqaignore").write_text("kept.txt\n", encoding="utf-8")
        running.until(lambda: "wip.txt" in running.files() and "kept.txt" not in running.files(), "the new patterns")
    finally:
        running.stop.set()
        running.thread.join(TIMEOUT)
