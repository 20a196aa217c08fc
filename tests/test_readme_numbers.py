"""The README's numbers come from the config objects: each stated figure is checked against them."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import INDEX
from qa.config import DEFAULT

README = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())
reader, retrieval = DEFAULT.reader, DEFAULT.retrieval
SHARE = {1 / 3: "a third"}

STATED = [
    f"at most {INDEX.max_words} words and at most {INDEX.max_chars:,} characters",
    f"more than {INDEX.max_segments} segments (`max_segments`)",
    f"more than {SHARE[INDEX.dead_share]} of its passages (`dead_share`",
    f"below {INDEX.exact_limit:,} passages, exact `IndexFlatIP`",
    f"from {INDEX.pq_limit // 10**6}M on, IVF-PQ with {INDEX.pq_bytes}-byte codes, whose hits ({INDEX.rerank}× as many as wanted)",
    f"1/{INDEX.probe_share} of them probed",
    f"reads the top {reader.passages} passages in windows of {reader.max_length} tokens",
    f"{reader.stride} tokens shared between the windows of a long passage",
    f"at most {reader.max_answer_tokens} tokens",
    f"+ {reader.retrieval_weight:g} × the passage's fused retrieval score",
    f"by at least {reader.alternative_margin:g} logits",
    f"plus {reader.similarity_weight:g} × its passage's cosine to the question) is below {reader.null_threshold}",
    f"top-{retrieval.candidates} from FAISS and from BM25",
    f"fused score = {retrieval.dense_weight} · min-max(cosine) + {1 - retrieval.dense_weight:.2f} · BM25/max(BM25)",
]


@pytest.mark.parametrize("phrase", STATED)
def test_the_readme_states_the_configured_number(phrase: str) -> None:
    assert phrase in README


def test_a_changed_number_would_be_caught() -> None:
    assert f"at most {INDEX.max_words + 1} words" not in README
