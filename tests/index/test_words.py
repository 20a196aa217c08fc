"""index/words.py: the splitter against SQLite's unicode61 (the reference it follows), Snowball stems, stopwords."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path

from qa.retrieve import query_words
from index.words import QUERY_STOPWORDS, STOPWORDS, TOKENIZER, content_terms, stem, terms, tokens

REPO = Path(__file__).resolve().parents[2]
SQUAD_DEV = REPO.parent / "shared" / "data" / "squad-dev-v1.1.json"

CLASSIC = (
    "caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping "
    "tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci "
    "digitizer conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism "
    "decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize "
    "electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible "
    "irritant replacement adjustment dependent adoption homologou communism activate angulariti homologous "
    "effective bowdlerize probate rate cease controll roll generalizations oscillators increase sses ies aed yed "
    "Café naïve Łódź Straße İstanbul Σίσυφος ǅemal ﬁne x_y don't well-known 3.5 ½ Ⅻ ĳssel 中文字 "
    "a\u0301b µs ſtate"
)


def _fts5(rows: list[str]) -> dict[int, list[str]]:
    """The tokens FTS5 `unicode61` (no stemmer) makes of each row (numbered from 1), in order."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(rows, start=1))
    terms: dict[int, list[str]] = {}
    for term, doc in db.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        terms.setdefault(doc, []).append(term)
    db.close()
    return terms


def _texts() -> list[str]:
    """The seed articles, the classic examples, and SQuAD dev's paragraphs and questions when present."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "seeds").glob("*.txt"))]
    texts.append(CLASSIC)
    if SQUAD_DEV.exists():
        for article in json.loads(SQUAD_DEV.read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                texts.append(paragraph["context"])
                texts.extend(qa["question"] for qa in paragraph["qas"])
    return texts


def test_stems_are_snowball_english_of_folded_tokens():
    assert [stem(w) for w in "generalizations running dying ponies caresses Workers news".split()] == [
        "general", "run", "die", "poni", "caress", "worker", "news"]
    assert terms("Running to the Café's naïve generalizations") == ["run", "to", "the", "cafe", "s", "naiv", "general"]
    assert TOKENIZER.stemmer == "snowball-english"


def test_tokens_split_running_text_as_fts5_does():
    texts = _texts()
    indexed = _fts5(texts)
    differ = [row for row, text in enumerate(texts, start=1) if indexed.get(row, []) != tokens(text)]
    assert differ == [], f"{len(differ)} of {len(texts)} texts split differently, first: {texts[differ[0] - 1][:200]!r}"


def test_tokens_fold_characters_as_unicode61_does():
    # Every character of the scripts and symbols news is written in, between two letters: is it a
    # separator, part of the word, folded (case, Latin diacritics) as SQLite folds it?
    blocks = [(0x20, 0x590), (0x1E00, 0x2070), (0x20A0, 0x20BA), (0x2100, 0x2190), (0x3000, 0x3040), (0xFF00, 0xFFF0)]
    chars = [chr(c) for a, b in blocks for c in range(a, b) if unicodedata.category(chr(c)) != "Cn"]
    indexed = _fts5(["q" + char + "q" for char in chars])
    differ = [hex(ord(c)) for row, c in enumerate(chars, start=1) if indexed.get(row, []) != tokens("q" + c + "q")]
    # What remains are characters added to Unicode after SQLite's tables (13 of 2,433 with 3.40: 'Ϳ', 'Ԩ'…).
    assert len(differ) <= len(chars) // 100, differ


def test_stem_folds_case_and_diacritics_and_leaves_short_tokens():
    assert stem("Workers") == stem("workers") == "worker"
    assert stem("Café") == "cafe"
    assert [stem(w) for w in ("is", "an", "US")] == ["is", "an", "us"]


def test_content_terms_drop_stopwords():
    assert "the" in STOPWORDS and "worker" in content_terms("How many of the workers?")
    assert not content_terms("what is the") & {"the", "what", "is"}


def test_queries_drop_a_subset_of_the_stopwords():
    assert QUERY_STOPWORDS < STOPWORDS
    assert query_words("What is the name of the Café before 1990?") == ["name", "cafe", "before", "1990"]
    assert query_words("What is it?") == ["what", "is", "it"]  # nothing but stopwords: keep them all
