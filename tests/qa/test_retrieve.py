"""Retrieval: fusion of dense and lexical scores, near-duplicate folding."""

from __future__ import annotations

from index.models import Passage
from index.store import IndexReader
from qa.models import Hit
from qa.retrieve import Retriever, collapse, fuse, near_duplicates, shingles


def _hit(path: str, text: str, score: float) -> Hit:
    return Hit(Passage(path, 0, None, 0, len(text), 1, text), score, 0)


def test_fusion_rewards_agreement_between_retrievers():
    dense = {1: 0.9, 2: 0.5, 3: 0.7}
    lexical = {2: 10.0, 3: 8.0}
    fused = fuse(dense, lexical, dense_weight=0.5)
    assert fused[3] > fused[1] and fused[3] > fused[2] * 0.9
    assert fuse(dense, lexical, 1.0)[1] == max(fuse(dense, lexical, 1.0).values())
    assert fuse(dense, lexical, 0.0)[2] == max(fuse(dense, lexical, 0.0).values())


def test_near_duplicates_ignore_quote_styles_and_partial_overlap():
    a = "Pyongyang sent roughly 11,000 soldiers to help with Vladimir Putin’s war effort in November."
    b = "Some lead-in words. Pyongyang sent roughly 11,000 soldiers to help with Vladimir Putin 's war effort in November."
    assert near_duplicates(shingles(a), shingles(b))
    assert not near_duplicates(shingles(a), shingles("An entirely different sentence about the weather in Kyiv today."))


def test_collapse_folds_copies_from_other_files_and_reranks():
    story = "North Korea sent around 4,000 workers to Russia on student visas, the agency said on Sunday."
    hits = [_hit("/a.txt", story, 0.9), _hit("/b.txt", "Unrelated text about a drone attack on Kyiv overnight.", 0.8),
            _hit("/c.txt", story.replace("said", "reported"), 0.7)]
    folded = collapse(hits)
    assert [h.passage.path for h in folded] == ["/a.txt", "/b.txt"]
    assert [h.rank for h in folded] == [1, 2]
    assert [c.path for c in folded[0].duplicates] == ["/c.txt"]


def test_seed_copies_of_one_story_are_never_shown_twice(fake_index, fake_embedder):
    retriever = Retriever(IndexReader.open(fake_index), fake_embedder)
    for question in ["how many workers?", "student visas", "11,000 soldiers Kursk", "Wi Sung Lac labour shortages"]:
        hits = retriever.search(question, k=8)
        for i, first in enumerate(hits):
            for second in hits[i + 1 :]:
                assert not near_duplicates(shingles(first.passage.text), shingles(second.passage.text))


def test_lexical_query_survives_fts_syntax(fake_index, fake_embedder):
    retriever = Retriever(IndexReader.open(fake_index), fake_embedder)
    assert retriever.search('"NEAR( AND OR * workers:', k=3)
