"""End to end on the real model and the bundled seeds."""

from __future__ import annotations

import pytest

from qa.pipeline import Pipeline
from qa.retrieve import near_duplicates, shingles
from tests.qa.test_cli import run

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pipeline(real_index, real_embedder):
    return Pipeline(real_index, lambda reader: real_embedder)


def test_how_many_workers_puts_a_4000_passage_in_the_top_3(pipeline):
    hits = pipeline.ask("how many workers?", k=5).hits
    assert any("4,000" in hit.passage.text for hit in hits[:3])


def test_the_same_story_from_two_outlets_is_shown_once(pipeline):
    for question in ["how many workers?", "how many soldiers did Pyongyang send?", "what did Mr Wi say?"]:
        hits = pipeline.ask(question, k=8).hits
        grams = [shingles(hit.passage.text) for hit in hits]
        assert not any(near_duplicates(a, b) for i, a in enumerate(grams) for b in grams[i + 1 :])
        assert any(hit.duplicates for hit in hits)


def test_appended_stories_are_cited_as_their_own_documents(pipeline):
    hits = pipeline.ask("how many people were killed in the drone attack on Kyiv?", k=3).hits
    top = hits[0].passage
    assert top.path.endswith("003_ea055f40b69adf91.txt") and top.part > 0
    assert top.title and "North Korea" not in top.title


def test_first_ask_builds_the_default_seed_index(tmp_path):
    proc = run("ask", "how many workers?", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "building the index of the bundled seed articles" in proc.stderr
    assert "4,000" in proc.stdout
    assert (tmp_path / "seeds-index" / "CURRENT").exists()
