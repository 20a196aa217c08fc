"""Splitting at scale: linear in the file's size, and no passage longer than max_chars whatever the text."""

from __future__ import annotations

import random
import sys

import pytest

from index.config import INDEX
from index.split import split_file

WORDS = "the workers said on Tuesday that about 4,000 people in the harbour city would strike for pay".split()


def article(size: int, seed: int = 1) -> str:
    """Paragraphs of sentences over many short lines: what makes per-passage line counting quadratic."""
    rng, out, total = random.Random(seed), [], 0
    while total < size:
        sentences = (" ".join(rng.choices(WORDS, k=rng.randint(8, 25))).capitalize() + "." for _ in range(4))
        paragraph = "\n".join(sentences)
        out.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(out)


def check(text: str) -> None:
    _, passages = split_file("x.txt", text)
    for passage in passages:
        assert len(passage.text) <= INDEX.max_chars and len(passage.text.split()) <= INDEX.max_words * 1.3
        assert " ".join(text[passage.start:passage.end].split()) == " ".join(passage.text.split())
        assert passage.line == text.count("\n", 0, passage.start) + 1


def calls(text: str) -> int:
    """Python function calls made splitting `text`: a deterministic measure of work (no clock in tests)."""
    count = 0

    def profile(frame, event, arg) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        split_file("x.txt", text)
    finally:
        sys.setprofile(None)
    return count


def test_splitting_work_grows_linearly():
    # Counting lines from the file's start for each passage (str.count: one call, but O(offset)) made
    # splitting quadratic; every passage's line now comes from one scan of the newlines.
    small, large = article(2**17), article(2**20)  # 128 KB and 1 MB: 8 times the text
    ratio = calls(large) / calls(small)
    assert 6 < ratio < 10, ratio


@pytest.mark.parametrize("text", [
    "word " * 200_000,                                # 1 MB, no punctuation, no line break
    ("Sentence one is here. " * 50_000).strip(),     # one line, ordinary sentences
    "x" * 300_000,                                    # no space at all
    ("https://example.com/" + "a" * 80 + " ") * 3_000,  # long words
    "# " + "Heading " * 5_000 + "\n\nBody text follows here. " * 20,  # an enormous heading
], ids=["no-punctuation", "one-line", "no-space", "long-words", "huge-heading"])
def test_no_passage_is_longer_than_the_cap_and_each_is_located(text):
    check(text)


def test_ordinary_text_is_split_and_located():
    text = article(50_000, seed=3)
    assert split_file("x.txt", text)[1]
    check(text)
