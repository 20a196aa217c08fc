"""Laying extracted articles out as one text per file, so every citation is an offset into it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.models import Article, Meta

SEPARATOR = "\n\n\n"  # between articles: blank lines end a paragraph and a story's block alike


@dataclass(frozen=True)
class Extracted:
    """One article as an extractor found it, before it is laid out in the file's text."""

    title: str | None
    body: str
    meta: Meta


def paragraphs(text: str) -> str:
    """Text with one blank line between paragraphs: extractors end a paragraph with a single newline."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n\n".join(line for line in lines if line)


def one_line(value: object) -> str | None:
    """A metadata value as one trimmed line, or None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def compose(items: Iterable[Extracted]) -> tuple[str, tuple[Article, ...]]:
    """The file's text (each article: its title, a blank line, its body) and where each article lies."""
    parts: list[str] = []
    articles: list[Article] = []
    at = 0
    for item in items:
        body = item.body.strip()
        if not body:
            continue
        title = one_line(item.title)
        # The title heads its text only when the body does not already open with it.
        head = f"{title}\n\n" if title and not re.sub(r"\s+", " ", body[: len(title) + 20]).startswith(title) else ""
        chunk = head + body
        if parts:
            at += len(SEPARATOR)
        articles.append(Article(at, at + len(chunk), title, item.meta))
        parts.append(chunk)
        at += len(chunk)
    return SEPARATOR.join(parts), tuple(articles)
