"""Laying extracted articles out as one text per file, so every citation is an offset into it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from index.models import Article, Meta

SEPARATOR = "\n\n\n"  # between articles: blank lines end a paragraph and a story's block alike


@dataclass(frozen=True)
class Extracted:
    """One article as an extractor found it, before it is laid out in the file's text."""

    title: str | None
    body: str
    meta: Meta
    line: int | None = None  # the file's line of the article's title (or its start): where its head is cited
    lines: tuple[tuple[int, int], ...] = ()  # (offset in body, file's line) where its paragraphs begin


_SPACES = re.compile(r"[^\S\n]+")
_EDGES = re.compile(r" ?\n ?")
_BREAKS = re.compile(r"\n+")


def paragraphs(text: str) -> str:
    """Text with one blank line between paragraphs: extractors end a paragraph with a single newline.

    Each line's spaces collapsed and trimmed, empty lines dropped, by whole-text substitutions: a string
    per line made a record of millions of short lines cost gigabytes.
    """
    flat = _EDGES.sub("\n", _SPACES.sub(" ", text.replace("\r", "\n")))
    return _BREAKS.sub("\n\n", flat.strip(" \n"))


_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # where str.splitlines breaks


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text.splitlines()`, one at a time."""
    at = 0
    for match in _LINE_BREAK.finditer(text):
        yield at, match.start()
        at = match.end()
    if at < len(text):
        yield at, len(text)


def lines_of(text: str) -> Iterator[str]:
    """`text.splitlines()` one line at a time: no list of millions of strings at once."""
    return (text[start:end] for start, end in line_spans(text))


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
        lead = len(item.body) - len(item.body.lstrip())
        head_line = ((at, item.line),) if item.line is not None else ()
        body_lines = tuple((at + len(head) + offset - lead, line) for offset, line in item.lines if offset >= lead)
        articles.append(Article(at, at + len(chunk), title, item.meta, head_line + body_lines))
        parts.append(chunk)
        at += len(chunk)
    return SEPARATOR.join(parts), tuple(articles)
