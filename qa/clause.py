"""Whether a date's own clause says what its question asks happened: 'The company detected the intrusion on Sept. 2'."""

from __future__ import annotations

import re

from index.words import STOPWORDS
from qa.measure import without_ending
from qa.sentences import sentence_at

# Words a 'when' question shares with any date of its story: they say nothing of which event is dated.
_NOT_EVENTS = frozenset({"when", "time", "date", "first", "last", "still", "ever"})
_CLAUSE_EDGE = re.compile(r"[,;:—–]\s")


def _root(word: str) -> str:
    """A word without its inflection ('detected' -> 'detect', 'reaches' -> 'reach')."""
    return without_ending(word, ("ing", "ed", "es", "s", "d"), 4)


def event_words(question: str) -> frozenset[str]:
    """The roots of what a 'when' question asks happened: its lowercase content words ('When did Crestel
    detect the intrusion?' -> detect, intrusion)."""
    return frozenset(_root(word) for word in re.findall(r"\b[a-z][a-z-]+", question)
                     if len(word) >= 4 and word not in STOPWORDS and word not in _NOT_EVENTS)


def _names(words: frozenset[str], text: str) -> bool:
    """Whether `text` holds a word whose root is one of `words`."""
    return any(_root(word) in words for word in re.findall(r"[A-Za-z][a-z-]+", text))


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause holding text[start:end] stands: between the clause marks (',', ';', dashes) around it."""
    first, last = sentence_at(text, start)
    edges = [m.end() for m in _CLAUSE_EDGE.finditer(text, first, start)]
    after = _CLAUSE_EDGE.search(text, end, last)
    return edges[-1] if edges else first, after.start() if after else last


def clause_says(words: frozenset[str], text: str, start: int, end: int) -> bool:
    """Whether the clause holding text[start:end] names one of `words` ('The company detected the intrusion on
    Sept. 2')."""
    return bool(words) and _names(words, text[slice(*_clause(text, start, end))])


# 'three days after', 'weeks before': the sentence dates one event by its distance from another.
_RELATIVE = re.compile(r"\b(?:days?|weeks?|months?|hours?|years?)\s+(?:after|before)\b", re.IGNORECASE)


def dates_another(words: frozenset[str], text: str, start: int, end: int) -> bool:
    """Whether the date at text[start:end] is given for another event than `words` name, its sentence dating
    theirs apart from it: 'notified it of the breach on Sept. 5, three days after the company says it detected …'."""
    if not words or clause_says(words, text, start, end):
        return False
    _, last = sentence_at(text, start)
    apart = _RELATIVE.search(text, end, last)
    return apart is not None and _names(words, text[apart.end():last])
