"""Pipeline smoke test on the fake embedder."""

from __future__ import annotations

from qa.pipeline import Pipeline


def test_pipeline_answers_with_fake_embedder(fake_index, fake_embedder):
    pipeline = Pipeline(fake_index, lambda reader: fake_embedder)
    result = pipeline.ask("how many workers are in Russia?", k=3)
    assert 1 <= len(result.hits) <= 3
    assert [hit.rank for hit in result.hits] == list(range(1, len(result.hits) + 1))
