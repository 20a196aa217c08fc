"""The index's stemmer before issue 20: Porter (1980) as SQLite's FTS5 `porter` tokenizer applies it, kept for bench.tokenizer.

Until format 5 the lexical index was FTS5 `porter unicode61`, and index/words.py copied that stemmer byte for
byte so query terms matched. bench/tokenizer.py builds the same corpus with this stemmer ("old") and with
PyStemmer's Snowball English ("new") to measure what the change costs; nothing else imports it.
"""

from __future__ import annotations

from functools import lru_cache

from index.words import fold

# The Porter (1980) stemmer exactly as SQLite's FTS5 `porter` tokenizer implements it
# (ext/fts5/fts5_tokenize.c): it works on the token's UTF-8 bytes, so each byte of a non-ASCII
# letter counts as a consonant, and tokens under 3 or over 64 bytes are left as they are.
# Each step's rules are tried in order; the first suffix that matches (leaving at least one
# byte) decides, whether or not its condition holds.


def _vowel(char: str, y_is_vowel: bool) -> bool:
    return char in "aeiou" or (y_is_vowel and char == "y")


def _vc_end(stem: str, consonant: bool = False) -> int:
    """Where the stem's first vowel-consonant sequence ends (0 if it has none)."""
    i, size = 0, len(stem)
    while i < size:
        consonant = not _vowel(stem[i], consonant)
        if not consonant:
            break
        i += 1
    for i in range(i + 1, size):
        consonant = not _vowel(stem[i], consonant)
        if consonant:
            return i + 1
    return 0


def _m_gt0(stem: str) -> bool:
    return _vc_end(stem) > 0


def _m_gt1(stem: str) -> bool:
    end = _vc_end(stem)
    return end > 0 and _vc_end(stem[end:], True) > 0


def _m_eq1(stem: str) -> bool:
    end = _vc_end(stem)
    return end > 0 and _vc_end(stem[end:], True) == 0


def _cvc(stem: str) -> bool:
    """*o: the stem ends consonant-vowel-consonant, the last not w, x or y."""
    if stem[-1] in "wxy":
        return False
    mask, consonant = 0, False
    for char in stem:
        consonant = not _vowel(char, consonant)
        mask = (mask << 1 | consonant) & 7
    return mask == 5


def _has_vowel(stem: str) -> bool:
    """*v* as FTS5 tests it: a, e, i, o, u, or y anywhere but first."""
    return any(_vowel(char, i > 0) for i, char in enumerate(stem))


def _ion(stem: str) -> bool:
    return stem[-1] in "st" and _m_gt1(stem)


_STEP2 = (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
    ("logi", "log"), ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
    ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
    ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
)
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""))
_STEP4 = tuple(
    (suffix, "", _ion if suffix == "ion" else _m_gt1)
    for suffix in "al ance ence er ic able ible ant ement ment ent ion ou ism ate iti ous ive ize".split()
)


def _apply(word: str, rules: tuple) -> str:
    """The first rule whose suffix ends the word (with a byte to spare) replaces it if its condition holds."""
    for suffix, replacement, *condition in rules:
        if len(word) > len(suffix) and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + replacement if (condition[0] if condition else _m_gt0)(stem) else word
    return word


def _porter(word: str) -> str:
    # Step 1a: plurals.
    if word.endswith("es"):
        sses_or_ies = (len(word) > 4 and word.endswith("sses")) or (len(word) > 3 and word.endswith("ies"))
        word = word[:-2] if sses_or_ies else word[:-1]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # Step 1b: -eed, -ed, -ing.
    removed = False
    if len(word) > 3 and word.endswith("eed"):
        if _m_gt0(word[:-3]):
            word = word[:-1]
    elif len(word) > 2 and word.endswith("ed") or len(word) > 3 and word.endswith("ing"):
        stem = word[:-2] if word.endswith("ed") else word[:-3]
        if _has_vowel(stem):
            word, removed = stem, True
    if removed:
        if word.endswith(("at", "bl", "iz")) and len(word) > 2:
            word += "e"
        elif not _vowel(word[-1], False) and word[-1] not in "lsz" and word[-1] == word[-2]:
            word = word[:-1]
        elif _m_eq1(word) and _cvc(word):
            word += "e"
    # Step 1c: y after a vowel-bearing stem becomes i.
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    word = _apply(word, _STEP2)
    word = _apply(word, _STEP3)
    word = _apply(word, _STEP4)
    # Step 5.
    if word.endswith("e") and (_m_gt1(word[:-1]) or (_m_eq1(word[:-1]) and not _cvc(word[:-1]))):
        word = word[:-1]
    if len(word) > 1 and word.endswith("ll") and _m_gt1(word[:-1]):
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's stem as FTS5 `porter unicode61` stored it (the index's terms before format 5).

    For a token of `tokens` (or any word `TOKEN` matches whole) this is the term in the index's
    vocabulary; other words (say 'well-known') still get one consistent stem, not an index term.
    """
    folded = fold(word)
    raw = folded.encode("utf-8", errors="surrogatepass")
    if not 3 <= len(raw) <= 64:
        return folded
    return _porter(raw.decode("latin-1")).encode("latin-1").decode("utf-8", errors="replace")


