"""Answers on word boundaries: over the real reader's spans on real passages, no mention starts or ends
inside a word or a number, and '4.5 percent' is never '5 percent'."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.split import split_file
from qa.mentions import _joined, _whole_words, mentions
from qa.config import ReaderConfig
from qa.models import Hit
from qa.reader import SpanReader

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
PASSAGES = [p for path in SEEDS for p in split_file(str(path), path.read_text(encoding="utf-8"))[1]]
EXTRA = "Officials said 4.5 percent of the 12,500 homes, or about 560, were damaged; 3.25 million dollars was set aside."
STEMS = ("how many", "how much", "what percentage of", "who said", "when did", "what", "which", "where did")


@pytest.fixture(scope="module")
def reader() -> SpanReader:
    return SpanReader(ReaderConfig())


def test_joined_sees_numbers_and_words_whole() -> None:
    assert _whole_words("said 4.5 percent", 7, 16) == (5, 16)
    assert _whole_words("about 4,000 workers", 8, 11) == (6, 11)
    assert _whole_words("in 2019.The end", 3, 7) == (3, 7)
    assert not _joined("workers, officials", 7) and not _joined("a b", 1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_mention_starts_or_ends_inside_a_word(reader, data) -> None:
    passage = data.draw(st.sampled_from(PASSAGES + [PASSAGES[0].__class__("x", 0, None, 0, len(EXTRA), 1, EXTRA)]))
    words = [w for w in passage.text.split() if w.isalpha() and len(w) > 3]
    question = f"{data.draw(st.sampled_from(STEMS))} {' '.join(data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=4)))}?"
    hits = [Hit(passage, 1.0, 1, 0.5)]
    text = passage.text
    for mention in mentions(reader.read(question, [text]), hits, ReaderConfig()):
        assert not _joined(text, mention.start), (question, text[mention.start - 3 : mention.end])
        assert not _joined(text, mention.end), (question, text[mention.start : mention.end + 3])
        if mention.text.endswith("percent") and mention.start >= 2:
            assert not (text[mention.start - 1] == "." and text[mention.start - 2].isdigit())
