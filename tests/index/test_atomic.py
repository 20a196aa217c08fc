"""Atomic updates: SIGKILL at any point keeps the old index usable, writers serialise, readers never mix."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.store import POINTER_NAME, IndexReader
from index.check import check_index
from index.update import optimize_index, update_index
from index.words import tokens
from tests.conftest import REPO
from tests.index.test_update import ARTICLE

# A child process that updates the index and blocks at one chosen point, so the parent can kill it there.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    import index.generation as generation
    import index.update as update
    from bench.common import HashEmbedder

    index_dir, articles, point, marker, pause = sys.argv[1:6]

    def block(where):
        if where == point:
            Path(marker).write_text(where)
            time.sleep(float(pause))

    class Embedder(HashEmbedder):
        def embed(self, texts):
            block("embed")
            return super().embed(texts)

    def wrap(owner, name, where, when=lambda *a, **k: True):
        original = getattr(owner, name)
        def wrapper(*args, **kwargs):
            if when(*args, **kwargs):
                block(where)
            return original(*args, **kwargs)
        setattr(owner, name, wrapper)

    wrap(generation.Generation, "__init__", "copy")
    wrap(generation.Generation, "add_file", "write")
    wrap(generation.Generation, "publish", "publish")
    wrap(generation, "write_durably", "manifest", lambda path, text: path.name == "manifest.json")
    wrap(update.os, "replace", "switch")
    wrap(update, "_prune", "prune")
    wrap(generation.Generation, "merge", "merge")
    if articles == "--optimize":
        merged = update.optimize_index(index_dir, notify=lambda m: print(m, flush=True))
        print("done", merged.before, merged.after, flush=True)
    else:
        summary = update.update_index(index_dir, [articles], Embedder(), notify=lambda m: print(m, flush=True))
        print("done", summary.embedded, flush=True)
    """
).format(repo=str(REPO))

BEFORE_SWITCH = ("copy", "embed", "write", "publish", "manifest", "switch")
AFTER_SWITCH = ("prune",)


def start_child(tmp_path: Path, index: Path, articles: Path, point: str, pause: float = 60) -> tuple:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    marker = tmp_path / f"reached-{point}"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(index), str(articles), point, str(marker), str(pause)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return proc, marker


def wait_for(condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def snapshot(index: Path, embedder: HashEmbedder) -> tuple[frozenset[str], tuple, tuple]:
    """What a reader sees: the indexed files, and dense and lexical results for a fixed question."""
    reader = IndexReader.open(index)
    try:
        files = frozenset(row[0] for row in reader.db.execute("SELECT path FROM files"))
        question = "glowing zebrafinch colony in the harbour"
        dense = tuple(reader.passages([i for i, _ in reader.dense_search(embedder.embed([question])[0], 5)]))
        lexical = tuple(i for i, _ in reader.lexical_search(tokens(question), 5))
        return files, dense, lexical
    finally:
        reader.close()


def kill_at(tmp_path: Path, index: Path, work: Path | str, point: str) -> None:
    """Run an update (or `--optimize`) in a child, SIGKILL it once it reaches `point`, and reap it."""
    proc, marker = start_child(tmp_path, index, work, point)
    try:
        wait_for(lambda: marker.exists() or proc.poll() is not None, what=f"child to reach {point}")
        assert marker.exists(), proc.communicate()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", BEFORE_SWITCH + AFTER_SWITCH)
def test_sigkill_mid_update_keeps_an_index_and_the_next_update_completes(tmp_path, fake_index, seed_copy, point):
    embedder = HashEmbedder()
    old = snapshot(fake_index, embedder)
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    gone = sorted(seed_copy.glob("0*.txt"))[0]
    gone.unlink()

    kill_at(tmp_path, fake_index, seed_copy, point)

    seen = snapshot(fake_index, embedder)  # opens and verifies: never damaged
    if point in BEFORE_SWITCH:
        assert seen == old
    else:
        assert str((seed_copy / "zebrafinch.txt").resolve()) in seen[0]

    summary = update_index(fake_index, [seed_copy], HashEmbedder())
    files, _, _ = snapshot(fake_index, embedder)
    assert str((seed_copy / "zebrafinch.txt").resolve()) in files and str(gone.resolve()) not in files
    if point in BEFORE_SWITCH:
        assert (summary.added, summary.removed) == (1, 1)
    live = (fake_index / POINTER_NAME).read_text().strip()
    generations = sorted(p.name for p in fake_index.glob("gen-*"))
    assert generations[-1] == live and len(generations) <= 2  # leftovers of the killed run are gone
    fresh = update_index(tmp_path / "fresh", [seed_copy], HashEmbedder())
    reader = IndexReader.open(fake_index)
    try:
        assert reader.vector_count == fresh.passages == reader.manifest.passages
    finally:
        reader.close()


MERGE_BEFORE_SWITCH = ("copy", "merge", "publish", "manifest", "switch")


@pytest.mark.parametrize("point", MERGE_BEFORE_SWITCH + AFTER_SWITCH)
def test_sigkill_during_optimize_keeps_the_old_generation_readable(tmp_path, fake_index, seed_copy, point):
    """A merge killed at any step leaves the generation it started from intact and readable; the next one completes."""
    embedder = HashEmbedder()
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    sorted(seed_copy.glob("0*.txt"))[0].unlink()
    update_index(fake_index, [seed_copy], embedder)  # two segments and a tombstone: something to merge
    old = snapshot(fake_index, embedder)
    before = _live(fake_index)
    kill_at(tmp_path, fake_index, "--optimize", point)
    assert snapshot(fake_index, embedder) == old  # same files, same dense and lexical results
    if point in MERGE_BEFORE_SWITCH:
        assert _live(fake_index) == before
    check_index(fake_index)
    summary = optimize_index(fake_index)
    assert summary.after == 1 and snapshot(fake_index, embedder) == old
    check_index(fake_index)
    listed = {e["name"] for g in fake_index.glob("gen-*") for e in json.loads((g / "manifest.json").read_text())["segments"]}
    assert {p.name for p in (fake_index / "segments").iterdir()} == listed  # the killed merge's segment is gone


def test_two_concurrent_updates_are_serialised(tmp_path, fake_index, seed_copy):
    """The second writer waits for the first, then finds nothing left to embed."""
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    first, marker = start_child(tmp_path, fake_index, seed_copy, "embed", pause=1.5)
    wait_for(marker.exists, what="first writer to start embedding")
    second, _ = start_child(tmp_path, fake_index, seed_copy, "never")
    out_first, err_first = first.communicate(timeout=60)
    out_second, err_second = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, err_first + err_second
    assert "waiting for another update" in out_second
    assert int(out_first.strip().splitlines()[-1].split()[1]) > 0  # "done <embedded>"
    assert out_second.strip().splitlines()[-1] == "done 0"
    fresh = update_index(tmp_path / "fresh", [seed_copy], HashEmbedder())
    reader = IndexReader.open(fake_index)
    try:
        assert reader.vector_count == fresh.passages
        assert sum(segment.live for segment in reader.segments) == fresh.passages
    finally:
        reader.close()


def test_readers_never_see_a_mix_during_updates(fake_index, seed_copy):
    """While files come and go, every reader sees exactly one published state."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for n in range(12):
                (seed_copy / f"story{n}.txt").write_text(ARTICLE.replace("300", str(1000 + n)), encoding="utf-8")
                if n % 3 == 2:
                    (seed_copy / f"story{n - 1}.txt").unlink()
                update_index(fake_index, [seed_copy], HashEmbedder())
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
        finally:
            stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    checks = 0
    while not stop.is_set() or checks == 0:
        reader = IndexReader.open(fake_index)
        try:
            files = {row[0] for row in reader.db.execute("SELECT path FROM files")}
            passage_files = {row[0] for row in reader.db.execute("SELECT DISTINCT path FROM passages")}
            count = reader.count("passages")
            assert passage_files <= files
            assert reader.vector_count == count == reader.manifest.passages
            for pid, _ in reader.lexical_search(tokens("zebrafinch harbour"), 20):
                assert reader.passages([pid])  # every hit resolves within the same generation
        finally:
            reader.close()
        checks += 1
    thread.join()
    assert not errors, errors
    assert checks > 1


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    path.write_bytes(bytes(data))


def _live(index: Path) -> Path:
    return index / (index / POINTER_NAME).read_text().strip()


def _segment(index: Path) -> Path:
    """The live generation's first segment folder."""
    name = json.loads((_live(index) / "manifest.json").read_text())["segments"][0]["name"]
    return index / "segments" / name


DAMAGE = {
    "vectors-truncated": lambda index: _truncate(_segment(index) / "vectors.faiss"),
    "vectors-flipped": lambda index: _flip(_segment(index) / "vectors.faiss"),
    "vectors-deleted": lambda index: (_segment(index) / "vectors.faiss").unlink(),
    "sqlite-truncated": lambda index: _truncate(_segment(index) / "index.sqlite"),
    "sqlite-flipped": lambda index: _flip(_segment(index) / "index.sqlite"),
    "lengths-deleted": lambda index: (_segment(index) / "lengths.npy").unlink(),
    "segment-deleted": lambda index: shutil.rmtree(_segment(index)),
    "manifest-garbage": lambda index: (_live(index) / "manifest.json").write_text("{not json"),
    "manifest-deleted": lambda index: (_live(index) / "manifest.json").unlink(),
    "current-binary": lambda index: (index / POINTER_NAME).write_bytes(b"\xff\xfe\x00garbage"),
    "current-empty": lambda index: (index / POINTER_NAME).write_text(""),
    "current-dangling": lambda index: (index / POINTER_NAME).write_text("gen-999999\n"),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damage_is_refused_with_the_fix_and_rebuild_repairs(fake_index, seed_copy, kind, capsys, monkeypatch):
    import index.embed
    from index.errors import IndexDamagedError, QAError
    from qa.cli import ask_main, qa_main

    passages = IndexReader.open(fake_index).manifest.passages
    DAMAGE[kind](fake_index)
    with pytest.raises(IndexDamagedError, match="--rebuild"):
        IndexReader.open(fake_index)
    with pytest.raises(QAError, match="--rebuild"):
        update_index(fake_index, [seed_copy], HashEmbedder())

    assert ask_main(["how many workers?", "--index", str(fake_index)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "qa index --rebuild" in err[0]

    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    assert qa_main(["index", str(seed_copy), "--index", str(fake_index), "--rebuild"]) == 0
    reader = IndexReader.open(fake_index)
    try:
        assert reader.manifest.passages == reader.vector_count == passages
    finally:
        reader.close()


@pytest.mark.parametrize("kind", ["vectors-truncated", "sqlite-flipped", "current-binary"])
def test_ask_command_refuses_damage_in_one_line(fake_index, kind):
    DAMAGE[kind](fake_index)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([str(Path(sys.executable).parent / "ask"), "how many workers?", "--index", str(fake_index)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--rebuild" in lines[0], proc.stderr
