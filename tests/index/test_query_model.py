"""The index's exported query model: written once, checked, used by `ask`, refused in one line when damaged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import index.embed
from index.errors import IndexDamagedError
from index.onnx_embed import ONNX_NAME, STAMP_NAME, TOKENIZER_NAME, WEIGHTS_NAME, OnnxEmbedder, query_dir
from index.store import IndexReader
from index.update import update_index
from qa.cli import ask_main
from qa.pipeline import Pipeline, default_embedder
from tests.index.tiny_model import TinyEmbedder

QUESTIONS = ["how many workers?", "who is Wi Sung Lac?", "drone attack on Kyiv", "student visas to Russia"]


@pytest.fixture
def tiny(tmp_path: Path) -> TinyEmbedder:
    return TinyEmbedder(tmp_path / "tiny")


@pytest.fixture
def tiny_index(tmp_path: Path, seed_copy: Path, tiny: TinyEmbedder) -> Path:
    folder = tmp_path / "index"
    update_index(folder, [seed_copy], tiny)
    return folder


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_indexing_exports_a_query_model_that_embeds_like_the_model(tiny_index, tiny):
    stamp = json.loads((query_dir(tiny_index) / STAMP_NAME).read_text())
    assert (stamp["model"], stamp["dim"], stamp["source"]) == (tiny.name, tiny.dim, "tiny-0")
    fast = OnnxEmbedder.open(tiny_index)
    texts = QUESTIONS + ["a much longer text about North Korean workers sent to Russia on student visas"]
    cosines = np.sum(fast.embed(texts) * tiny.embed(texts), axis=1)
    assert cosines.min() > 0.9999
    many = [f"{q} {n}" for n in range(40) for q in QUESTIONS]  # several length-sorted batches, original order
    assert np.allclose(fast.embed(many), tiny.embed(many), atol=1e-5)


def test_default_embedder_is_the_fast_one_and_answers_match(tiny_index, tiny):
    reader = IndexReader.open(tiny_index)
    try:
        assert isinstance(default_embedder(reader), OnnxEmbedder)
    finally:
        reader.close()
    fast, slow = Pipeline(tiny_index), Pipeline(tiny_index, lambda reader: tiny)
    for question in QUESTIONS:
        a, b = fast.ask(question), slow.ask(question)
        assert [h.passage.id for h in a.hits] == [h.passage.id for h in b.hits]
        assert [x.text for x in a.answers] == [x.text for x in b.answers]


def test_export_happens_once_and_again_on_rebuild_or_new_weights(tiny_index, seed_copy, tiny, tmp_path):
    assert tiny.exports == 1
    update_index(tiny_index, [seed_copy], tiny)  # nothing changed
    (seed_copy / "new.txt").write_text("The council approved 12 new schools on Monday.\n", encoding="utf-8")
    update_index(tiny_index, [seed_copy], tiny)  # changed, same weights
    assert tiny.exports == 1
    update_index(tiny_index, [seed_copy], tiny, rebuild=True)
    assert tiny.exports == 2
    other = TinyEmbedder(tmp_path / "other", seed=1)
    update_index(tiny_index, [seed_copy], other, rebuild=True)
    assert json.loads((query_dir(tiny_index) / STAMP_NAME).read_text())["source"] == "tiny-1"


def test_missing_onnx_falls_back_and_the_next_update_restores_it(tiny_index, seed_copy, tiny, monkeypatch):
    (query_dir(tiny_index) / ONNX_NAME).unlink()
    assert OnnxEmbedder.open(tiny_index) is None
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", lambda: tiny)
    reader = IndexReader.open(tiny_index)
    try:
        assert default_embedder(reader) is tiny
    finally:
        reader.close()
    assert ask_main(["how many workers?", "--index", str(tiny_index)]) == 0
    update_index(tiny_index, [seed_copy], tiny)
    assert tiny.exports == 2 and isinstance(OnnxEmbedder.open(tiny_index), OnnxEmbedder)


DAMAGE = ["graph-flipped", "graph-truncated", "weights-flipped", "weights-truncated", "tokenizer-flipped",
          "stamp-garbage"]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_query_model_is_one_line_naming_the_fix(tiny_index, seed_copy, tiny, damage, capsys):
    folder = query_dir(tiny_index)
    if damage.endswith("-flipped") and damage != "tokenizer-flipped":
        _flip(folder / (ONNX_NAME if damage.startswith("graph") else WEIGHTS_NAME))
    elif damage.endswith("-truncated"):
        path = folder / (ONNX_NAME if damage.startswith("graph") else WEIGHTS_NAME)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "tokenizer-flipped":
        _flip(folder / TOKENIZER_NAME)
    else:
        (folder / STAMP_NAME).write_text("{not json")
    with pytest.raises(IndexDamagedError, match="qa index --rebuild"):
        OnnxEmbedder.open(tiny_index)
    assert ask_main(["how many workers?", "--index", str(tiny_index)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "qa index --rebuild" in err[0]
    update_index(tiny_index, [seed_copy], tiny, rebuild=True)
    assert isinstance(OnnxEmbedder.open(tiny_index), OnnxEmbedder)


def test_embedders_without_export_write_no_query_model(fake_index):
    assert not query_dir(fake_index).exists()
    assert OnnxEmbedder.open(fake_index) is None


def test_an_older_export_counts_as_none_and_is_replaced(tiny_index, seed_copy, tiny):
    stamp = query_dir(tiny_index) / STAMP_NAME
    stamp.write_text(json.dumps({"version": 1, "model": tiny.name, "onnx_size": 5}))
    assert OnnxEmbedder.open(tiny_index) is None
    update_index(tiny_index, [seed_copy], tiny)
    assert tiny.exports == 2 and isinstance(OnnxEmbedder.open(tiny_index), OnnxEmbedder)


def test_default_seed_index_without_query_model_gets_one(tmp_path, tiny, monkeypatch):
    from qa.home import default_index

    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", lambda: tiny)
    folder = default_index()
    assert tiny.exports == 1
    shutil.rmtree(query_dir(folder))
    assert default_index() == folder and tiny.exports == 2
    assert isinstance(OnnxEmbedder.open(folder), OnnxEmbedder)
    assert default_index() == folder and tiny.exports == 2  # present: nothing to do
