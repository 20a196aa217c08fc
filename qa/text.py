"""Words, stopwords and stems: the one place the index, retrieval and the reader split text."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+(?:['’-]\w+)*")

STOPWORDS = frozenset(
    "a an and are as at be been being by can could did do does doing for from had has have how i if in "
    "into is it its of on or that the their them then there these they this those to was were what when "
    "where which who whom whose why will with would many much about after before during over under "
    "than so such not no s any some all each both other only own same also just should may might must "
    "shall one ones name named called".split()
)


def words(text: str) -> list[str]:
    """Word tokens of a text (letters, digits, inner apostrophes and hyphens)."""
    return WORD.findall(text)


def content_words(text: str) -> list[str]:
    """The lowercased words of a text that are not stopwords."""
    return [w for w in (word.lower() for word in words(text)) if w not in STOPWORDS]
