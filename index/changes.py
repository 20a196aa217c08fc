"""What an update changes: files on disk against the index's hashes, then new text embedded and applied."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embed import Embedder
from index.errors import REBUILD, IndexDamagedError
from index.load import read_source
from index.models import Document, Passage, SourceFile
from index.split import split_file
from index.store import DB_NAME, text_hash

Progress = Callable[[str, int, int], None]
EMBED_CHUNK = 512  # texts per model call: large enough for full batches, small enough for progress


@dataclass(frozen=True)
class Pending:
    """A file to (re)index: its source, documents and passages, with each passage's text hash."""

    source: SourceFile
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    hashes: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """Files to add or replace, files to remove, and the counts the summary reports."""

    pending: tuple[Pending, ...]
    gone: tuple[str, ...]
    indexed: frozenset[str]
    added: int
    changed: int
    removed: int
    unchanged: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Applied:
    """What applying a plan did: the plan's counts plus how many passages went to the model."""

    plan: Plan
    embedded: int


class Target(Protocol):
    """The generation being written (see `index.update._Generation`)."""

    def reusable_vectors(self, hashes: set[str]) -> dict[str, np.ndarray]: ...

    def remove_file(self, path: str) -> None: ...

    def add_file(self, source: SourceFile, documents: Sequence[Document], passages: Sequence[Passage],
                 vectors: np.ndarray, hashes: Sequence[str]) -> None: ...


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path) == root or root in Path(path).parents for root in roots)


def live_files(live: Path | None) -> dict[str, str]:
    """Path to content hash of every file the live generation holds."""
    if live is None:
        return {}
    db = sqlite3.connect(f"file:{live / DB_NAME}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT path, sha256 FROM files"))
    except sqlite3.DatabaseError as error:
        raise IndexDamagedError(f"index in {live.parent} is damaged", fix=REBUILD) from error
    finally:
        db.close()


def plan(indexed: dict[str, str], found: Sequence[Path], roots: Sequence[Path],
         max_bytes: int | None = None) -> Plan:
    """Compare files on disk with the indexed hashes: what to add or replace, what to remove."""
    added = changed = unchanged = 0
    warnings: list[str] = []
    pending: list[Pending] = []
    seen: set[str] = set()
    for path in found:
        source, warning = read_source(path, max_bytes)
        if warning:
            warnings.append(warning)
        if source is None:
            continue
        seen.add(source.path)
        old_hash = indexed.get(source.path)
        if old_hash == source.sha256:
            unchanged += 1
            continue
        if old_hash:
            changed += 1
        else:
            added += 1
        documents, passages = split_file(source.path, source.text)
        if not passages:
            warnings.append(f"skipped file with no indexable text: {source.path}")
        pending.append(Pending(source, tuple(documents), tuple(passages), tuple(text_hash(p.text) for p in passages)))
    gone = tuple(p for p in indexed if p not in seen and (_under(p, roots) or not Path(p).exists()))
    return Plan(tuple(pending), gone, frozenset(indexed), added, changed, len(gone), unchanged, tuple(warnings))


def embed_new(plan: Plan, known: dict[str, np.ndarray], embedder: Embedder, progress: Progress | None) -> int:
    """Embed each distinct new text once, longest first across the whole update; returns how many."""
    texts = {digest: p.text for item in plan.pending for digest, p in zip(item.hashes, item.passages)}
    missing = [digest for digest in texts if digest not in known]
    # One global length order: every batch holds texts of similar length, as in a single encode() call.
    missing.sort(key=lambda digest: len(texts[digest]), reverse=True)
    for i in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[i : i + EMBED_CHUNK]
        known.update(zip(chunk, embedder.embed([texts[digest] for digest in chunk])))
        if progress:
            progress("embedding", min(i + EMBED_CHUNK, len(missing)), len(missing))
    return len(missing)


def apply(target: Target, plan: Plan, embedder: Embedder, progress: Progress | None) -> Applied:
    """Embed what is new, then remove gone and changed files and add the new versions."""
    hashes = {digest for item in plan.pending for digest in item.hashes}
    vectors = target.reusable_vectors(hashes)  # before removal, so changed files reuse theirs
    embedded = embed_new(plan, vectors, embedder, progress)
    for path in plan.gone:
        target.remove_file(path)
    for item in plan.pending:
        if item.source.path in plan.indexed:
            target.remove_file(item.source.path)
        matrix = np.array([vectors[digest] for digest in item.hashes], dtype=np.float32).reshape(-1, embedder.dim)
        target.add_file(item.source, item.documents, item.passages, matrix, item.hashes)
    return Applied(plan, embedded)
