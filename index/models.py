"""Values carried end to end while building an index: source files, documents and passages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFile:
    """A decoded source file: its absolute path, its whole text and the hash of its bytes."""

    path: str
    text: str
    sha256: str
    size: int
    mtime: float


@dataclass(frozen=True)
class Document:
    """One story inside a file; a file may hold several (appended 'Related Articles')."""

    path: str
    part: int
    title: str | None
    outlet: str | None


@dataclass(frozen=True)
class Passage:
    """A few sentences of one document, located in the original file text.

    `file_text[start:end]` equals `text` up to whitespace; `line` is 1-based.
    """

    path: str
    part: int
    title: str | None
    start: int
    end: int
    line: int
    text: str
    id: int = -1
