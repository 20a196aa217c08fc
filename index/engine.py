"""Where an update reads, splits and embeds: in this process (the default), or on a Ray cluster (`index.ray_engine`).

`index.changes` decides what to read and what to embed and `index.update` writes the result; an engine
only does the work in between, so every engine builds the same index from the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from index.boundary import guarded, refused_note, with_said
from index.embed import Embedder
from index.load import read_source
from index.models import Document, Passage, SourceFile
from index.names import stored_name
from index.split import split_source
from index.store import text_hash

EMBED_CHUNK = 512  # texts per model call: large enough for full batches, small enough for progress
Counted = Callable[[int], None]  # told how many items are done so far


@dataclass(frozen=True)
class Named:
    """A model known by name and size only: the driver's, when an engine embeds elsewhere (a Ray cluster)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise AssertionError("this model embeds on the engine, not in the driver")


@dataclass(frozen=True)
class Split:
    """One file read and split: its source (None when it could not be used), why not, its documents and passages."""

    source: SourceFile | None
    warning: str | None
    documents: tuple[Document, ...] = ()
    passages: tuple[Passage, ...] = ()
    hashes: tuple[str, ...] = ()


def _read_split(path: Path, max_bytes: int | None, fields: Mapping[str, str] | None) -> Split:
    source, warning = read_source(path, max_bytes, fields)
    if source is None:
        return Split(None, warning)
    documents, passages = split_source(source)
    return Split(source, warning, tuple(documents), tuple(passages), tuple(text_hash(p.text) for p in passages))


def read_split(path: Path, max_bytes: int | None, fields: Mapping[str, str] | None) -> Split:
    """Read, clean and split one file, hashing each passage's text: the per-file work of every engine.

    It is the file's input boundary (`index.boundary`): whatever goes wrong is one warning and the file
    is skipped; what a library said is dropped, or folded into that warning; refused dates are counted.
    """
    name = stored_name(path)
    split, heard, failure = guarded(name, lambda: _read_split(path, max_bytes, fields))
    if split is None:
        return Split(None, failure)
    if split.source is None:
        return replace(split, warning=with_said(split.warning or f"skipped {name}", heard))
    notes = [note for note in (split.warning, refused_note(name, heard)) if note]
    return replace(split, warning="; ".join(notes) or None)


def read_here(paths: Sequence[Path], max_bytes: int | None, fields: Mapping[str, str] | None,
              done: Counted | None) -> Iterator[Split]:
    """Each path's `Split`, read in this process one after another."""
    for number, path in enumerate(paths):
        if done:
            done(number)  # before the read: a slow file shows which count it holds up
        yield read_split(path, max_bytes, fields)


class Engine(Protocol):
    """Reads and splits files, and embeds texts, for one update."""

    def read(self, paths: Sequence[Path], max_bytes: int | None, fields: Mapping[str, str] | None,
             done: Counted | None) -> Iterator[Split]:
        """Each path's `Split`, in the order given."""
        ...

    def embed(self, texts: Sequence[str], done: Counted | None) -> np.ndarray:
        """One unit-length float32 row per text, in the order given."""
        ...


@dataclass(frozen=True)
class Local:
    """The single-machine engine: files read one after another, texts embedded by `embedder` in this process."""

    embedder: Embedder

    def read(self, paths: Sequence[Path], max_bytes: int | None, fields: Mapping[str, str] | None,
             done: Counted | None) -> Iterator[Split]:
        return read_here(paths, max_bytes, fields, done)

    def embed(self, texts: Sequence[str], done: Counted | None) -> np.ndarray:
        parts = [np.zeros((0, self.embedder.dim), dtype=np.float32)]
        for i in range(0, len(texts), EMBED_CHUNK):
            parts.append(self.embedder.embed(texts[i : i + EMBED_CHUNK]))
            if done:
                done(min(i + EMBED_CHUNK, len(texts)))
        return np.concatenate(parts)
