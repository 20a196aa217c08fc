"""The README's numbers come from the config objects: each stated figure is checked against them."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import INDEX
from index.index_path import LONGEST_INSIDE, NAME_MAX, SQLITE_PATH_MAX
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
    f"a part over {NAME_MAX} bytes; over {SQLITE_PATH_MAX - LONGEST_INSIDE} bytes, as SQLite's {SQLITE_PATH_MAX}-byte limit",
    f"or a run past {INDEX.file_seconds:g} s)",
    f"JSON nested more than {INDEX.json_depth} levels is refused before parsing",
    f"a run of {INDEX.tiny_run_lines} or more lines of at most {INDEX.tiny_line_chars} characters is dropped unread",
    f"an export or feed gives at most {INDEX.max_records:,} articles",
    f"A date before {INDEX.earliest_year} or after {INDEX.latest_year}",
    f"the most common year of the {INDEX.year_siblings} nearest in name order",
    f"puts the date within {INDEX.year_wrap_days} days of one of theirs",
    f"compares the folders every {INDEX.watch_poll_seconds:g} s instead",
]


@pytest.mark.parametrize("phrase", STATED)
def test_the_readme_states_the_configured_number(phrase: str) -> None:
    assert phrase in README


def test_a_changed_number_would_be_caught() -> None:
    assert f"at most {INDEX.max_words + 1} words" not in README
