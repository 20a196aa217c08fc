"""Words, stopwords and stems: the one place the index, retrieval and the reader split text."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache

import Stemmer

WORD = re.compile(r"\w+(?:['’-]\w+)*")

STOPWORDS = frozenset(
    "a an and are as at be been being by can could did do does doing for from had has have how i if in "
    "into is it its of on or that the their them then there these they this those to was were what when "
    "where which who whom whose why will with would many much about after before during over under "
    "than so such not no s any some all each both other only own same also just should may might must "
    "shall one ones name named called".split()
)

# What BM25 queries leave out: a subset of STOPWORDS, the plainest function words. Leaving out all of
# STOPWORDS instead lowered recall on SQuAD dev (10,570 questions, bench/retrieval.py's setup): fused
# @1/@5/@10 0.818/0.954/0.973 -> 0.814/0.952/0.972, BM25 alone @1 0.784 -> 0.781; the other words
# ('before', 'not', 'one', 'called', ...) still help BM25 rank.
QUERY_STOPWORDS = frozenset(
    "a an and are as at be been by did do does for from had has have how i in is it its of on or "
    "that the their them they this to was were what when where which who whom whose why will with "
    "would many much".split()
)


def words(text: str) -> list[str]:
    """Word tokens of a text (letters, digits, inner apostrophes and hyphens)."""
    return WORD.findall(text)


def content_words(text: str) -> list[str]:
    """The lowercased words of a text that are not stopwords."""
    return [w for w in (word.lower() for word in words(text)) if w not in STOPWORDS]


# Index tokens: runs of letters, digits and private-use characters, plus the combining marks folded away,
# lowercased with one Latin diacritic removed (FTS5's unicode61 splitter, which tests/index/test_words.py keeps
# as the reference for it). Passages and questions are both split here: the index and a query tokenise alike.
_MARKS = "\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331"
TOKEN = re.compile(rf"(?:[^\W_]|[{_MARKS}\ue000-\uf8ff])+")
_LONE_MARK = re.compile(f"[{_MARKS}]")
# Letters unicode61 folds beyond lowercasing: long s, Greek symbol forms, micro sign, final sigma.
_FOLDS = str.maketrans(
    "\u017f\u1e9b\u03d0\u03f5\u03d1\u1fbe\u03f0\u00b5\u03d6\u03f1\u03d5\u03c2", "ssβεθικμπρφσ"
)


@dataclass(frozen=True)
class Tokenizer:
    """How the lexical index turns text into terms, recorded in each manifest: an index made otherwise is refused."""

    # Change a name whenever what it names changes (the TOKEN pattern, fold, the stemmer): an index built
    # the old way then asks to be rebuilt instead of silently missing every term that now stems differently.
    splitter: str = "unicode61-fold"  # TOKEN and fold
    stopwords: str = "none"  # passages keep every word; questions leave QUERY_STOPWORDS out (qa/retrieve.py)
    stemmer: str = "snowball-english"  # PyStemmer's Snowball English, pinned in pyproject.toml

    def to_dict(self) -> dict[str, str]:
        """The tokenizer as a manifest records it."""
        return asdict(self)


TOKENIZER = Tokenizer()


def fold(token: str) -> str:
    """A token as unicode61 folds it: lowercased, one diacritic off Latin letters, final sigma as sigma."""
    token = token.lower()
    if token.isascii():
        return token
    out = []
    for char in _LONE_MARK.sub("", token.translate(_FOLDS)):  # a lone mark is part of a token, folded to nothing
        parts = unicodedata.normalize("NFD", char)
        out.append(parts[0] if len(parts) == 2 and parts[0].isascii() and _LONE_MARK.match(parts[1]) else char)
    return "".join(out)


def tokens(text: str) -> list[str]:
    """The text's tokens as the lexical index sees them before stemming (see TOKEN and fold)."""
    return [token.lower() if token.isascii() else fold(token) for token in TOKEN.findall(text)]


_LOCAL = threading.local()  # a PyStemmer object is not to be shared between threads (qa serve answers in several)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's stem as the lexical index stores it: folded, then Snowball English (PyStemmer).

    For a token of `tokens` (or any word `TOKEN` matches whole) this is the term in the index's
    vocabulary; other words (say 'well-known') still get one consistent stem, not an index term.
    """
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = Stemmer.Stemmer("english")
    return stemmer.stemWord(fold(word))


def terms(text: str) -> list[str]:
    """A text's index terms in order: its tokens, stemmed (what a passage is indexed by and a question searched for)."""
    return [stem(token) for token in tokens(text)]


def content_terms(text: str) -> frozenset[str]:
    """Stems of the words in a text that are not stopwords (what a question asks about)."""
    return frozenset(stem(w) for w in words(text) if w.lower() not in STOPWORDS)
