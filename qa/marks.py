"""Answer spans (file offsets) marked in a text slice as shown: whitespace flattened, the spans' own places marked.

Every output shows a passage flattened to one line of single spaces and stresses the answer where the reader
found it; searching the shown text for the answer's words would mark the first of two equal figures instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

_WORD = re.compile(r"\S+")  # \s is str.isspace's whitespace, so the words are str.split's

Range = tuple[int, int]


def marks(exact: str, start: int, spans: Iterable[Range]) -> tuple[str, list[Range]]:
    """`exact` (a file text's slice beginning at offset `start`) flattened, and each span's range in it.

    Spans are file offsets; a span's leading and trailing whitespace is not marked, one outside the slice
    or holding only whitespace gives no range, overlapping ones give one range. Ranges come sorted.
    """
    words = [match.span() for match in _WORD.finditer(exact)]
    lows, highs = [low for low, _ in words], [high for _, high in words]
    shown: list[int] = []  # where each word begins in the flattened text
    at = 0
    for low, high in words:
        shown.append(at)
        at += high - low + 1
    flat = " ".join(exact[low:high] for low, high in words)

    def opening(offset: int) -> int:
        """The flattened offset of the first visible character at or after `offset`."""
        word = bisect_right(highs, offset)
        return len(flat) if word == len(words) else shown[word] + max(offset - lows[word], 0)

    def closing(offset: int) -> int:
        """The flattened offset just after the last visible character before `offset`."""
        word = bisect_left(lows, offset) - 1
        return 0 if word < 0 else shown[word] + min(offset, highs[word]) - lows[word]

    ranges = sorted((opening(low - start), closing(high - start)) for low, high in spans)
    merged: list[Range] = []
    for low, high in ranges:
        if low >= high:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return flat, merged


def pieces(text: str, ranges: Iterable[Range]) -> list[tuple[str, bool]]:
    """`text` cut at sorted, disjoint `ranges`: (piece, marked) in order, no piece empty."""
    out: list[tuple[str, bool]] = []
    at = 0
    for low, high in ranges:
        if low > at:
            out.append((text[at:low], False))
        out.append((text[low:high], True))
        at = high
    if at < len(text):
        out.append((text[at:], False))
    return out


def marked(text: str, ranges: Iterable[Range], open_: str, close: str) -> str:
    """`text` with each range between `open_` and `close`."""
    return "".join(open_ + piece + close if stressed else piece for piece, stressed in pieces(text, ranges))
