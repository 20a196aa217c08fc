"""Figures a sentence sets against each other: one source's claim against another's, reported in one line.

News reports a dispute in one sentence as often as in two articles: "about 365,000 riders on an average
weekday, not the 410,000 the authority has cited"; "46 homes had been destroyed …, while inspection teams
… said they had confirmed 38". Either figure is a claim its speaker makes against the other's.
"""

from __future__ import annotations

import re

from qa.sentences import sentence_at

# A figure: digits with their currency, separators and scale ('$140 million', '4,200', '54.1%').
_FIGURE = re.compile(r"[$€£]?\d[\d,]*(?:\.\d+)?(?:\s+(?:million|billion))?%?")
# What lies between the two: the first one's words, a comma, then 'not the', or 'while/but/whereas' and a
# verb of saying before the second figure ('while the county auditor's office said the number was 312').
# 'While the union is seeking 19%' sets a demand against an offer, two positions, not two counts of one
# thing: no verb of saying, no contest.
_SAID = (r"(?:said|says|say|put|puts|estimated|estimates|counted|counts|reported|reports|cited|cites|"
         r"knows|know|confirmed|confirms)")
_BETWEEN = re.compile(rf"^[^.;]{{0,80}}?,\s+(?:not\s+(?:the\s+)?"
                      rf"|(?:while|but|whereas)\s+[^.;]{{0,100}}?\b{_SAID}\b[^.;]{{0,60}}?\s)$", re.IGNORECASE)


def set_against(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the figure that the sentence holding text[start:end] sets against it after it stands; None if none."""
    _, last = sentence_at(text, start)
    for figure in _FIGURE.finditer(text, end, last):
        if _BETWEEN.match(text[end:figure.start()]):
            return figure.start(), figure.end()
    return None


def opposed(text: str, start: int, end: int) -> tuple[str, ...]:
    """The figures the sentence holding text[start:end] sets against it, before or after it."""
    first, _ = sentence_at(text, start)
    found = [figure[0] for figure in _FIGURE.finditer(text, first, start) if _BETWEEN.match(text[figure.end():start])]
    if (after := set_against(text, start, end)) is not None:
        found.append(text[after[0]:after[1]])
    return tuple(found)
