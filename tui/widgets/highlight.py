"""Passage text with the answer words stressed, as Textual content."""

from __future__ import annotations

from textual.content import Content

from qa.terminal import safe

SPAN_STYLE = "bold $text-warning on $warning-muted"


def stressed(text: str, quote: str | None) -> Content:
    """The passage, whitespace-flattened, with the first occurrence of `quote` stressed."""
    # Article text is untrusted: an ESC in it would reach the terminal (same length, so offsets hold).
    flat = safe(" ".join(text.split()))
    content = Content(flat)
    needle = safe(" ".join(quote.split())) if quote else ""
    if not needle:
        return content
    at = flat.find(needle)
    if at < 0:
        at = flat.lower().find(needle.lower())
    return content.stylize(SPAN_STYLE, at, at + len(needle)) if at >= 0 else content
