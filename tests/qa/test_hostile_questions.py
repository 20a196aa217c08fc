"""Hostile questions: whatever the text, the whole pipeline ends in a Result or one project error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bench.common import HashEmbedder
from index.errors import QAError
from index.update import update_index
from qa.models import Result
from qa.pipeline import Pipeline
from tests.conftest import SEEDS

# FTS5 syntax, quoting, number-and-suffix tokens, emoji and control characters: each once broke
# or could break a query parser, the span patterns or the number reader.
FRAGMENTS = [
    'NEAR(a b)', '"', '""', "*", "AND", "OR", "NOT", "^", "-", "+", ":", "(", ")", "{", "}", "col:word",
    "3fold", "fold", "threefold", "4,000", "1e9", "½", "$", "%", "10 000", "0x1F", "-5", "9" * 40,
    "how many", "when", "who", "where", "why", "workers", "Russia", "🙂", "👩‍👩‍👧", "\u202e", "\u200b",
    "\x00", "\x1b[2J", "\x7f", "\x9b", "é", "漢字", "\t", "\n", "?", "'", "\\",
]

questions = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=12).map("".join),
)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile") / "index"
    update_index(folder, [SEEDS], HashEmbedder())
    pipeline = Pipeline(folder, embedder_factory=lambda reader: HashEmbedder())
    yield pipeline
    pipeline.close()


def ask_or_error(pipeline: Pipeline, question: str) -> None:
    try:
        result = pipeline.ask(question, 3)
    except QAError as error:
        assert "\n" not in str(error)  # printed as one `error: …` line
        return
    assert isinstance(result, Result)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=questions)
@example(question='NEAR(a b) "unterminated * AND OR NOT')
@example(question="how many were there, 3fold or fold?")
@example(question="fold")
@example(question="how many 🙂 \x00\x1b]52;c;eA==\x07 workers?")
@example(question="workers " * 1500)  # ~12,000 characters
@example(question="x" * 10_000)
def test_any_question_ends_in_a_result_or_a_project_error(pipeline, question):
    ask_or_error(pipeline, question)


def test_a_question_with_a_lone_surrogate_ends_in_a_project_error(pipeline):
    ask_or_error(pipeline, "how many \ud800 workers?")
