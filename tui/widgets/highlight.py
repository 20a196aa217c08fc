"""Passage text with the answer words stressed, as Textual content."""

from __future__ import annotations

from textual.content import Content

SPAN_STYLE = "bold $text-warning on $warning-muted"


def stressed(text: str, quote: str | None) -> Content:
    """The passage, whitespace-flattened, with the first occurrence of `quote` stressed."""
    flat = " ".join(text.split())
    content = Content(flat)
    needle = " ".join(quote.split()) if quote else ""
    if not needle:
        return content
    at = flat.find(needle)
    if at < 0:
        at = flat.lower().find(needle.lower())
    return content.stylize(SPAN_STYLE, at, at + len(needle)) if at >= 0 else content
