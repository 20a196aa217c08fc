"""Each thing read once: SQLite statements, manifest reads and shingles per `ask` and per no-op `qa index`.

Counted before issue 20 item 5 on the seed index (one segment): opening a Pipeline and asking read the
manifest once and ran 1 statement, or 2 for a 'latest' question (its passages fetched twice), and computed
26-27 shingle sets for 15 candidates; a no-op update read the manifest 4 times (5 with a previous
generation kept). The bounds below are the counts after it.
"""

from __future__ import annotations

import pathlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import qa.retrieve
from bench.common import HashEmbedder
from index.manifest import MANIFEST_NAME
from index.update import update_index
from qa.config import DEFAULT
from qa.pipeline import Pipeline


@dataclass
class Reads:
    """What was read while counting."""

    statements: list[str] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    shingles: int = 0

    def clear(self) -> None:
        self.statements.clear()
        self.manifests.clear()
        self.shingles = 0


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """Every SQL statement of every connection opened from now on, every manifest read, every shingle set."""
    seen = Reads()
    connect, read_bytes, read_text, shingles = (sqlite3.connect, pathlib.Path.read_bytes, pathlib.Path.read_text,
                                                qa.retrieve.shingles)

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)  # type: ignore[arg-type]
        connection.set_trace_callback(seen.statements.append)
        return connection

    def noted(read):  # type: ignore[no-untyped-def]
        def reading(self: Path, *args: object, **kwargs: object) -> object:
            if self.name == MANIFEST_NAME:
                seen.manifests.append(str(self))
            return read(self, *args, **kwargs)
        return reading

    def counted(text: str) -> frozenset[tuple[str, ...]]:
        seen.shingles += 1
        return shingles(text)

    monkeypatch.setattr(sqlite3, "connect", traced)
    monkeypatch.setattr(pathlib.Path, "read_bytes", noted(read_bytes))
    monkeypatch.setattr(pathlib.Path, "read_text", noted(read_text))
    monkeypatch.setattr(qa.retrieve, "shingles", counted)
    yield seen


@pytest.mark.parametrize("question", ["How many workers were hired?", "What is the latest news on the harbour?"])
def test_an_ask_reads_the_manifest_once_and_its_passages_in_one_statement(fake_index: Path, reads: Reads,
                                                                          question: str):
    pipeline = Pipeline(fake_index, lambda reader: HashEmbedder())
    try:
        assert len(pipeline.reader.segments) == 1
        opened = len(reads.manifests)
        result = pipeline.ask(question)
        assert result.hits
        assert opened == 1 and len(reads.manifests) == 1  # the manifest is read when the index opens, never again
        # One SELECT of the candidates' passages with their documents' metadata per segment (was 2 for 'latest').
        assert len(reads.statements) <= len(pipeline.reader.segments), reads.statements
        k = max(5, DEFAULT.reader.passages)
        candidates = max(3 * k, k + 10)
        assert reads.shingles <= candidates  # once per candidate, when copies are folded (was 26 or 27 for 15)
        reads.clear()
        pipeline.ask(question)  # warm: nothing read but the passages
        assert reads.manifests == [] and len(reads.statements) <= 1 and reads.shingles <= candidates
    finally:
        pipeline.close()


def test_a_no_op_update_reads_each_manifest_once(fake_index: Path, seed_copy: Path, reads: Reads):
    reads.clear()
    summary = update_index(fake_index, [seed_copy], HashEmbedder())
    assert summary.added == summary.changed == summary.removed == 0
    assert len(reads.manifests) == 1, reads.manifests  # was 4: verified, listed, summarised, swept
    assert len(reads.statements) <= 1, reads.statements  # the files table of its one segment
    (seed_copy / "new.txt").write_text("Harbour\n\nThe harbour reopened on Monday.\n", encoding="utf-8")
    update_index(fake_index, [seed_copy], HashEmbedder())  # a second generation; the first is kept for readers
    reads.clear()
    update_index(fake_index, [seed_copy], HashEmbedder())
    # The live manifest once, the previous generation's once (its segments are kept while it is): was 5.
    assert sorted(Path(path).parent.name for path in reads.manifests) == ["gen-000001", "gen-000002"], reads.manifests
