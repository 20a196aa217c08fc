"""Postings arrays: the same postings FTS5 holds, checked in full by `qa check`, damage reported in one line."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench.common import HashEmbedder
from index.check import check_index
from index.errors import IndexDamagedError
from index.postings import ROWS_NAME, TERMS_NAME, Postings
from index.store import IndexReader
from index.update import update_index
from index.words import tokens
from tests.conftest import live_segment
from tests.index.test_segments import write_corpus


@pytest.fixture
def corpus_index(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write_corpus(folder, files=12)
    (folder / "repeats.txt").write_text("Harbour " * 300 + "\n\nColony workers.\n", encoding="utf-8")
    index = tmp_path / "index"
    update_index(index, [folder], HashEmbedder())
    return index


def test_every_term_has_exactly_the_postings_fts5_has(corpus_index: Path):
    segment = live_segment(corpus_index)
    db = sqlite3.connect(segment / "index.sqlite")
    db.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passages_fts, 'instance')")
    expected: dict[str, Counter[int]] = {}
    for term, doc in db.execute("SELECT term, doc FROM temp.v"):
        expected.setdefault(term, Counter())[doc] += 1
    ids = np.load(segment / "lengths.npy")[0]
    postings = Postings(segment)
    assert len(expected) > 100
    for term, counts in expected.items():
        rows, held = postings.of(term)
        assert dict(zip(ids[rows].tolist(), held.tolist())) == dict(counts)
        assert postings.frequency(term) == len(counts)
    assert postings.of("nosuchterm")[0].size == 0
    assert max(expected["harbour"].values()) >= 100  # a word held many times in one passage keeps its count


def test_qa_check_finds_postings_that_point_past_the_segment(corpus_index: Path):
    segment = live_segment(corpus_index)
    rows = np.load(segment / ROWS_NAME)
    rows[0] = 10**6
    np.save(segment / ROWS_NAME, rows)
    with pytest.raises(IndexDamagedError) as caught:
        check_index(corpus_index)
    assert "\n" not in str(caught.value)


def test_a_missing_term_list_is_a_one_line_damage_error(corpus_index: Path):
    (live_segment(corpus_index) / TERMS_NAME).unlink()
    with pytest.raises(IndexDamagedError) as caught:
        reader = IndexReader.open(corpus_index)
        reader.lexical_search(tokens("harbour colony"), 5)
    assert "\n" not in str(caught.value)
