"""The ONNX query path against sentence-transformers on the real model: same vectors, ranking and answers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from index.onnx_embed import OnnxEmbedder
from index.store import IndexReader
from qa.pipeline import Pipeline, default_embedder

pytestmark = pytest.mark.model

QUESTIONS = [
    "how many workers?",
    "how many soldiers did Pyongyang send?",
    "what did Mr Wi say?",
    "who is Wi Sung Lac?",
    "which resolution bans North Korean workers?",
    "how many people were killed in the drone attack on Kyiv?",
    "what visas did the workers use?",
    "where do the North Korean workers go?",
    "when did the workers arrive in Russia?",
    "what does Seoul say?",
    "who sent troops to Kursk?",
    "how much do the workers earn?",
]

HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "scipy", "textual")


@pytest.fixture(scope="module")
def fast(real_index) -> OnnxEmbedder:
    embedder = OnnxEmbedder.open(real_index)
    assert embedder is not None, "indexing with the real model must export the query model"
    return embedder


def test_onnx_vectors_equal_sentence_transformers(fast, real_embedder, real_index):
    reader = IndexReader.open(real_index)
    try:
        passages = [p.text for p in reader.passages(list(range(1, 30))).values()]
    finally:
        reader.close()
    texts = QUESTIONS + passages
    cosines = np.sum(fast.embed(texts) * real_embedder.embed(texts), axis=1)
    assert cosines.min() >= 0.9999


def test_fast_and_slow_paths_rank_and_answer_alike(fast, real_embedder, real_index):
    quick, slow = Pipeline(real_index, lambda reader: fast), Pipeline(real_index, lambda reader: real_embedder)
    try:
        for question in QUESTIONS:
            a, b = quick.ask(question, k=5), slow.ask(question, k=5)
            assert [h.passage.id for h in a.hits] == [h.passage.id for h in b.hits], question
            assert [(x.text, x.sources) for x in a.answers] == [(x.text, x.sources) for x in b.answers], question
            assert [h.answer for h in a.hits] == [h.answer for h in b.hits] and a.low_confidence == b.low_confidence
    finally:
        quick.close()
        slow.close()


def test_default_query_path_is_onnx(real_index):
    reader = IndexReader.open(real_index)
    try:
        assert isinstance(default_embedder(reader), OnnxEmbedder)
    finally:
        reader.close()


def test_ask_imports_nothing_heavy(real_index):
    code = (
        "import sys; from qa.cli import ask_main; "
        f"code = ask_main(['how many workers?', '--index', {str(real_index)!r}]); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})); sys.exit(code)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
