"""A passage's sentences, split once and kept: where the sentence holding a place stands, and its words before it."""

from __future__ import annotations

import re
from functools import lru_cache

from index.split import sentence_spans


@lru_cache(maxsize=64)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """A passage's sentences, split once: every reading of every answer group asks for them again."""
    return tuple(sentence_spans(text))


def first_sentence(text: str) -> str:
    """Text up to the end of its first sentence, without the stop that ends it ('D.C.' keeps its own), when
    three words or more follow: fewer are more likely a name after an abbreviation ('Warner Bros. Presents',
    the one span SQuAD dev seed 7 cut, and a right one) than a sentence of their own."""
    spans = sentences(text)
    if len(spans) < 2 or len(text[spans[0][1]:].split()) < 3:
        return text
    first = text[: spans[0][1]].rstrip()
    return first[:-1] if re.search(r"(?:\d|[a-z]{3,})[.!?;]$", first) else first


def sentence_at(text: str, at: int) -> tuple[int, int]:
    """Where the sentence holding text[at] stands (the whole text when none does)."""
    return next(((start, end) for start, end in sentences(text) if start <= at < end), (0, len(text)))


def sentence_before(text: str, at: int) -> str:
    """The words of text[at]'s sentence that come before it."""
    return text[max((s for s, _ in sentences(text) if s <= at), default=0):at]
