"""Postings arrays: made from the passages' own tokens when sealed, checked in full by `qa check`, damage one line."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench.common import HashEmbedder
from index.check import check_index
from index.errors import IndexDamagedError, IndexMismatchError
from index.manifest import MANIFEST_NAME
from index.postings import ROWS_NAME, TERMS_NAME, Postings
from index.store import IndexReader, current_generation
from index.update import update_index
from index.words import terms, tokens
from tests.conftest import live_segment
from tests.index.test_segments import write_corpus


@pytest.fixture
def corpus_index(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write_corpus(folder, files=12)
    (folder / "repeats.txt").write_text("Harbour " * 300 + "\n\nColony workers.\n", encoding="utf-8")
    (folder / "stems.txt").write_text("Running Generalizations\n\nThe Café's generalization was running late.\n",
                                      encoding="utf-8")
    index = tmp_path / "index"
    update_index(index, [folder], HashEmbedder())
    return index


def test_every_term_has_exactly_the_postings_of_its_passages_tokens(corpus_index: Path):
    segment = live_segment(corpus_index)
    db = sqlite3.connect(segment / "index.sqlite")
    expected: dict[str, Counter[int]] = {}
    sizes: dict[int, int] = {}
    for pid, text in db.execute("SELECT id, text FROM passages"):
        sizes[pid] = len(tokens(text))
        for term, count in Counter(terms(text)).items():
            expected.setdefault(term, Counter())[pid] = count
    assert db.execute("SELECT name FROM sqlite_master WHERE name LIKE '%fts%'").fetchall() == []  # stored once
    db.close()
    ids, lengths = np.load(segment / "lengths.npy")
    assert dict(zip(ids.tolist(), lengths.tolist())) == sizes
    postings = Postings(segment, len(ids))
    assert len(expected) > 100
    assert json.loads((segment / TERMS_NAME).read_text(encoding="utf-8")) == sorted(expected)
    for term, counts in expected.items():
        rows, held = postings.of(term)
        assert dict(zip(ids[rows].tolist(), held.tolist())) == dict(counts)
        assert postings.frequency(term) == len(counts)
    assert postings.of("nosuchterm")[0].size == 0
    assert max(expected["harbour"].values()) >= 100  # a word held many times in one passage keeps its count


def test_a_question_finds_a_passage_through_its_stems(corpus_index: Path):
    reader = IndexReader.open(corpus_index)
    try:
        stems = {pid for pid, _ in reader.lexical_search(tokens("generalization run"), 5)}
        (path,) = {p.path for p in reader.passages(sorted(stems)).values()}
        assert path.endswith("stems.txt")  # 'Generalizations', 'Running' stemmed alike in passage and question
    finally:
        reader.close()


def test_an_index_made_by_another_tokenizer_asks_for_a_rebuild(corpus_index: Path):
    manifest = current_generation(corpus_index) / MANIFEST_NAME
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "tokenizer": {**data["tokenizer"], "stemmer": "porter"}}))
    with pytest.raises(IndexMismatchError, match="tokenizer") as caught:
        IndexReader.open(corpus_index)
    assert "--rebuild" in caught.value.fix and "\n" not in str(caught.value)
    old = {key: value for key, value in data.items() if key != "tokenizer"}  # format 4: FTS5 porter, none recorded
    manifest.write_text(json.dumps({**old, "format_version": 4}))
    with pytest.raises(IndexMismatchError, match="format 4") as caught:
        IndexReader.open(corpus_index)
    assert "--rebuild" in caught.value.fix


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
