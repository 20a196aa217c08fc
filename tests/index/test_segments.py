"""Segments: one index as many segments ranks as one segment; updates share segments; merges and cleanup."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import HashEmbedder
import index.segments
import index.update
from index.check import check_index
from index.errors import IndexMismatchError, QAError
from index.store import MANIFEST_NAME, IndexReader, current_generation, read_manifest
from index.update import optimize_index, update_index
from index.words import tokens
from qa.retrieve import Retriever
from dataclasses import replace
import index.config as settings

WORDS = [f"w{n}" for n in range(400)] + ["harbour", "colony", "workers", "troops", "election", "minister"]


def _sentence(rng: random.Random) -> str:
    # Zipf-like word choice: some words common, most rare, so BM25's idf and lengths matter.
    chosen = [WORDS[min(int(rng.paretovariate(0.8)) - 1, len(WORDS) - 1)] for _ in range(rng.randint(6, 18))]
    return " ".join(chosen).capitalize() + "."


def write_corpus(folder: Path, files: int = 40, seed: int = 3) -> list[Path]:
    """`files` articles of random Zipf-like sentences, each a few paragraphs long."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(files):
        paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(3, 7))) for _ in range(rng.randint(2, 5))]
        path = folder / f"f{number:02d}.txt"
        path.write_text(f"Story {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        # Written an hour ago: a file read within 2 s of its mtime is read (and its stat recorded) again later.
        os.utime(path, (path.stat().st_atime - 3600, path.stat().st_mtime - 3600))
        paths.append(path)
    return paths


def questions(count: int = 80, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS[:120] + WORDS[-6:]) for _ in range(rng.randint(2, 6))) for _ in range(count)]


def rankings(folder: Path) -> dict[str, list]:
    """Every question's lexical, dense and fused results, each hit as (path, start, score)."""
    embedder = HashEmbedder()
    reader = IndexReader.open(folder)
    try:
        retriever = Retriever(reader, embedder)
        out = {}
        for question in questions():
            vector = embedder.embed([question])[0]
            ids = [reader.lexical_search(tokens(question), 30), reader.dense_search(vector, 30)]
            found = reader.passages([i for hits in ids for i, _ in hits])
            out[question] = [[(found[i].path, found[i].start, score) for i, score in hits] for hits in ids] + [
                [(h.passage.path, h.passage.start, h.score) for h in retriever.search(question, 10, vector)]]
        return out
    finally:
        reader.close()


def same(first: dict[str, list], second: dict[str, list]) -> None:
    """Same hits in the same order, scores within 1e-6; among hits tied with the last one only the count must
    agree (at the cut-off FAISS keeps the first of equal vectors it scanned, e.g. the fake embedder's cosine 0)."""
    for question in first:
        for one, many in zip(first[question], second[question]):
            assert len(one) == len(many), question
            assert all(abs(a[2] - b[2]) <= 1e-6 for a, b in zip(one, many)), (question, one, many)
            cut = [abs(hit[2] - one[-1][2]) <= 1e-6 for hit in one] if one else []
            kept = [a[:2] for a, tied in zip(one, cut) if not tied]
            assert kept == [b[:2] for b, tied in zip(many, cut) if not tied], (question, one, many)


@pytest.fixture
def no_auto_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tombstones stay until an explicit merge.
    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, max_segments=1000, dead_share=1.0))


def segments_of(folder: Path) -> list[str]:
    manifest = json.loads((current_generation(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    return [entry["name"] for entry in manifest["segments"]]


def test_twenty_segments_rank_as_one(tmp_path, no_auto_merge):
    """Global BM25 statistics: the same corpus as 1 segment and as 20 (20 updates) gives the same ranking."""
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus)
    one = tmp_path / "one"
    update_index(one, [corpus], HashEmbedder())
    many, growing = tmp_path / "many", tmp_path / "growing"
    growing.mkdir()
    for pair in range(20):
        for path in paths[2 * pair : 2 * pair + 2]:
            os.link(path, growing / path.name)
        update_index(many, [growing], HashEmbedder())
    assert len(segments_of(one)) == 1 and len(segments_of(many)) == 20
    first = rankings(one)
    assert sum(len(r[0]) for r in first.values()) > 500  # lexical hits to compare, not empty lists
    # Paths differ by folder only; compare by file name.
    def renamed(result: dict[str, list]) -> dict[str, list]:
        return {q: [[(Path(p).name, s, v) for p, s, v in hits] for hits in lists] for q, lists in result.items()}
    same(renamed(first), renamed(rankings(many)))

    # Tombstones: deleted files leave the statistics too, as if the index never held them.
    for path in paths[::7]:
        (growing / path.name).unlink()
    update_index(many, [growing], HashEmbedder())
    fresh = tmp_path / "fresh"
    update_index(fresh, [growing], HashEmbedder())
    assert len(segments_of(many)) == 20
    after = renamed(rankings(fresh))
    same(after, renamed(rankings(many)))

    summary = optimize_index(many)
    assert (summary.before, summary.after) == (20, 1) and len(segments_of(many)) == 1
    same(after, renamed(rankings(many)))
    check_index(many)


def test_an_update_writes_one_new_segment_and_shares_the_rest(tmp_path, no_auto_merge):
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, files=12)
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    (first,) = segments_of(folder)
    files = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (folder / "segments" / first).iterdir()}
    (corpus / "extra.txt").write_text(paths[0].read_text(encoding="utf-8").replace("Story 0", "Extra"), encoding="utf-8")
    paths[1].unlink()
    summary = update_index(folder, [corpus], HashEmbedder())
    assert (summary.added, summary.removed) == (1, 1)
    assert segments_of(folder)[0] == first and len(segments_of(folder)) == 2
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (folder / "segments" / first).iterdir()} == files
    manifest = json.loads((current_generation(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["deleted"] == {first: [str(paths[1].resolve())]}
    reader = IndexReader.open(folder)
    try:
        assert str(paths[1].resolve()) not in {row[0] for row in reader.db.execute("SELECT path FROM files")}
        assert reader.count("passages") == reader.vector_count == reader.manifest.passages
    finally:
        reader.close()
    check_index(folder)


def test_a_segment_mostly_tombstones_is_rewritten_without_them(tmp_path):
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, files=12)
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    (first,) = segments_of(folder)
    paths[0].unlink()
    update_index(folder, [corpus], HashEmbedder())
    manifest = read_manifest(current_generation(folder))
    held = manifest.infos()[0].passages
    assert segments_of(folder) == [first] and 0 < manifest.dead_passages[first] <= held / 3  # kept as tombstones
    for path in paths[1:5]:
        path.unlink()
    update_index(folder, [corpus], HashEmbedder())
    manifest = read_manifest(current_generation(folder))
    assert first not in segments_of(folder) and manifest.deleted == {} and manifest.dead_passages == {}
    assert manifest.infos()[0].passages == manifest.passages < held * 2 / 3
    check_index(folder)


def test_touched_files_move_into_the_new_segment_in_one_copy(tmp_path, monkeypatch, no_auto_merge):
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, files=12)
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    for path in paths:  # content unchanged, mtime moved: the new stat must be recorded
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 60))
    (corpus / "new.txt").write_text("Story new\n\nHarbour colony workers.\n", encoding="utf-8")
    (corpus / "new.txt").touch()
    os.utime(corpus / "new.txt", (0, (corpus / "new.txt").stat().st_mtime - 3600))
    copies = []
    original = index.segments.SegmentWriter.copy_from
    monkeypatch.setattr(index.segments.SegmentWriter, "copy_from",
                        lambda self, *args, **kwargs: copies.append(kwargs.get("only")) or original(self, *args, **kwargs))
    summary = update_index(folder, [corpus], HashEmbedder())
    assert summary.added == 1 and summary.embedded <= 2
    assert len(copies) == 1 and sorted(copies[0]) == sorted(str(p.resolve()) for p in paths)
    manifest = read_manifest(current_generation(folder))
    assert len(manifest.deleted[segments_of(folder)[0]]) == 12  # every old row hidden, none embedded again
    reader = IndexReader.open(folder)
    try:  # the old segment's rows are all hidden; the new one holds all 13 files, each once
        assert sorted(row[0] for row in reader.db.execute("SELECT path FROM files")) == sorted(
            str(p.resolve()) for p in [*paths, corpus / "new.txt"])
        assert reader.count("passages") == reader.vector_count == reader.manifest.passages
    finally:
        reader.close()
    check_index(folder)


def test_only_segments_no_kept_generation_lists_are_removed(tmp_path, no_auto_merge):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, files=6)
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    stray = folder / "segments" / "seg-999999"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine", encoding="utf-8")  # not ours: a segment holds no such file
    for number in range(3):
        (corpus / f"new{number}.txt").write_text(f"Fresh story {number}\n\nw1 w2 w3 harbour colony.\n", encoding="utf-8")
        update_index(folder, [corpus], HashEmbedder())
    optimize_index(folder)
    live = set(segments_of(folder))
    on_disk = {p.name for p in (folder / "segments").iterdir()}
    previous = sorted(folder.glob("gen-*"))[0]
    listed = {e["name"] for e in json.loads((previous / MANIFEST_NAME).read_text())["segments"]}
    assert on_disk == live | listed | {"seg-999999"}  # the live and previous generations' segments, and the stray
    assert (stray / "notes.txt").exists()


def test_more_than_max_segments_merges_the_smallest(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, max_segments=4))
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, files=10)
    growing = tmp_path / "growing"
    growing.mkdir()
    counts = []
    for path in paths:
        os.link(path, growing / path.name)
        update_index(growing.parent / "index", [growing], HashEmbedder())
        counts.append(len(segments_of(growing.parent / "index")))
    assert max(counts) <= 4 and counts[:4] == [1, 2, 3, 4] and counts[4] == 2  # 5 > 4: the smallest 3 merged
    check_index(growing.parent / "index")


def test_an_index_of_the_previous_format_asks_for_a_rebuild_in_one_line(tmp_path, fake_index, seed_copy):
    live = current_generation(fake_index)
    (live / MANIFEST_NAME).write_text(json.dumps({"format_version": 2, "model": HashEmbedder.name,
                                                  "dim": HashEmbedder.dim, "documents": 5, "passages": 9,
                                                  "updated": 0, "checksums": {}}))
    with pytest.raises(IndexMismatchError) as caught:
        IndexReader.open(fake_index)
    assert caught.value.fix == "run: qa index --rebuild PATH..."
    with pytest.raises(QAError, match="--rebuild"):
        update_index(fake_index, [seed_copy], HashEmbedder())
    proc = subprocess.run([str(Path(sys.executable).parent / "ask"), "how many workers?", "--index", str(fake_index)],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "qa index --rebuild" in lines[0], proc.stderr
    update_index(fake_index, [seed_copy], HashEmbedder(), rebuild=True)
    check_index(fake_index)


def test_cli_optimize(tmp_path, monkeypatch, capsys, no_auto_merge):
    from qa.cli import qa_main

    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, files=4)
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    paths[0].unlink()
    update_index(folder, [corpus], HashEmbedder())
    (corpus / "x.txt").write_text("X\n\nw1 w9 harbour workers colony troops minister.\n", encoding="utf-8")
    update_index(folder, [corpus], HashEmbedder())
    assert len(segments_of(folder)) == 2
    assert qa_main(["index", "--optimize", "--index", str(folder)]) == 0
    assert "2 segments → 1" in capsys.readouterr().out
    assert len(segments_of(folder)) == 1
    check_index(folder)


def _same_ranking(ours: list[tuple[int, float]], theirs: list[tuple[int, float]]) -> bool:
    """The same hits in the same order, scores within 1e-6."""
    return [i for i, _ in ours] == [i for i, _ in theirs] and all(
        abs(a - b) <= 1e-6 for (_, a), (_, b) in zip(ours, theirs))


@pytest.mark.parametrize("segments", [1, 3])
def test_global_bm25_is_a_plain_bm25_over_the_same_tokens(tmp_path, segments, no_auto_merge):
    """The postings arrays rank as BM25 over each live passage's own tokens: same hits and order, within 1e-6."""
    from index import lexical
    from tests.index.bm25_reference import reference_bm25

    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus)
    for number in range(segments):  # each update seals a segment; a deleted file leaves tombstones behind
        if number:
            paths.pop().unlink()
            (corpus / f"n{number}.txt").write_text(f"N\n\nharbour colony w{number} workers.\n", encoding="utf-8")
        update_index(tmp_path / "index", [corpus], HashEmbedder())
    reader = IndexReader.open(tmp_path / "index")
    try:
        assert len(reader.segments) == segments
        compared = 0
        for question in questions() + ["harbour harbour colony", "w1 w2 w3 w4 w5 w6 w7"]:
            words = tokens(question)
            ours = lexical.search(reader.segments, words, 1000)
            assert _same_ranking(ours, reference_bm25(reader, words, 1000)), question
            compared += len(ours)
        assert compared > 1000
    finally:
        reader.close()


def test_optimize_of_no_index_says_so_and_creates_nothing(tmp_path):
    with pytest.raises(QAError, match="qa index PATH"):
        optimize_index(tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_cli_optimize_refuses_the_seed_demo_index(monkeypatch, tmp_path):
    from qa.cli import qa_main
    from qa.home import seeds_index

    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QA_INDEX", raising=False)
    assert qa_main(["index", "--optimize", "--index", str(seeds_index())]) == 2
    assert qa_main(["index"]) == 2  # nothing to index and nothing to optimize
