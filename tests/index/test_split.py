"""Passages: sentence-aware, sized, and always locatable in the original file text."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from index.config import INDEX
from index.split import sentence_spans, split_file
from tests.conftest import SEEDS


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_sentences_respect_abbreviations_and_quotes():
    text = 'Mr. Wi spoke at the U.N. Security Council. He left. “We will return,” he said. Then 4.5 million.'
    parts = [text[s:e] for s, e in sentence_spans(text)]
    assert parts == ["Mr. Wi spoke at the U.N. Security Council.", "He left.", "“We will return,” he said.",
                     "Then 4.5 million."]


def test_seed_passages_cite_their_exact_place():
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        _, passages = split_file(str(path), text)
        assert passages
        for passage in passages:
            assert _squash(text[passage.start : passage.end]) == _squash(passage.text)
            assert passage.line == text.count("\n", 0, passage.start) + 1
            assert len(passage.text.split()) <= INDEX.max_words * 1.3


words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=9)
sentence = st.lists(words, min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")
boiler = st.sampled_from(["Leave a Comment", "Read : Another headline here", "Hashtags", "Share this article"])


@st.composite
def articles(draw) -> str:
    """Random articles with hard wraps, blank lines and boilerplate lines mixed in."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        paragraph = " ".join(draw(st.lists(sentence, min_size=1, max_size=6)))
        width = draw(st.sampled_from([0, 40, 60, 80]))
        if width:
            import textwrap

            lines.extend(textwrap.wrap(paragraph, width))
        else:
            lines.append(paragraph)
        lines.append(draw(st.sampled_from(["", "", "Leave a Comment"])))
        if draw(st.booleans()):
            lines.append(draw(boiler))
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(articles())
def test_citation_invariant_holds_on_random_articles(text):
    _, passages = split_file("/x.txt", text)
    for passage in passages:
        original = text[passage.start : passage.end]
        assert _squash(original) == _squash(passage.text)
        for junk in ("Leave a Comment", "Read : Another", "Hashtags", "Share this article"):
            assert junk not in original
