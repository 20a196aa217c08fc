"""Passage text with the answer words stressed, as Textual content."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from index.safe_text import safe
from qa.marks import Range

SPAN_STYLE = "bold $text-warning on $warning-muted"


def stressed(flat: str, ranges: Iterable[Range]) -> Content:
    """Flattened passage text with the answer's ranges in it stressed (both as `qa.marks.marks` gives them)."""
    # Article text is untrusted: an ESC in it would reach the terminal (same length, so the ranges hold).
    content = Content(safe(flat))
    for low, high in ranges:
        content = content.stylize(SPAN_STYLE, low, high)
    return content
