"""What an update changes: files on disk against the index's hashes, then new text embedded and applied.

A file whose size and mtime (in nanoseconds) are those recorded is unchanged without being read, as
rsync and git decide: on 10,000 small files (bench/noop_update.py) that turns ~0.5 s of reading,
decoding and hashing into ~0.1 s of `stat`. The cost is a rewrite that keeps both size and mtime
(`touch -r`, a clock set back), which `--checksum` (every file read and hashed) or `--rebuild`
catches. A file whose mtime is too close to the moment it was read is recorded without one, so a
same-size rewrite within one timestamp tick is never missed: it is read again next time (git's
"racily clean" entries).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embed import Embedder
from index.engine import Engine, Local, read_here
from index.manifest import Manifest
from index.errors import REBUILD, IndexDamagedError
from index.models import Document, Passage, SourceFile
from index.names import disk_name, stored_name
from index.segments import DB_NAME

Progress = Callable[[str, int, int], None]
# mtimes this close to the read are not trusted: FAT keeps 2 s steps, ext4 and tmpfs clock ticks (~4 ms).
RACY_NS = 2 * 10**9
# Stale stats (content unchanged) worth a generation of their own: re-reading 256 small files costs
# ~10 ms a run, publishing a generation ~0.5 s at 10,000 small files (more as the index grows).
# Any other change records them all.
REFRESH_AT = 256


@dataclass(frozen=True)
class Stat:
    """A file's size and mtime as recorded; `mtime_ns` None when it is not to be trusted."""

    size: int
    mtime_ns: int | None


@dataclass(frozen=True)
class Indexed:
    """What the live generation holds of one file: its content hash and its stat when indexed."""

    sha256: str
    stat: Stat


@dataclass(frozen=True)
class Pending:
    """A file to (re)index: its source, documents and passages, with each passage's text hash."""

    source: SourceFile
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    hashes: tuple[str, ...]
    stat: Stat


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
    restat: tuple[tuple[str, Stat], ...] = ()  # unchanged content under a new size or mtime

    @property
    def idle(self) -> bool:
        """Nothing worth a new generation: no file added, changed or gone, few stale stats."""
        return not self.pending and not self.gone and len(self.restat) < REFRESH_AT


@dataclass(frozen=True)
class Applied:
    """What applying a plan did: the plan's counts plus how many passages went to the model."""

    plan: Plan
    embedded: int


class Target(Protocol):
    """The generation being written (`index.generation.Generation`)."""

    def reusable_vectors(self, hashes: set[str]) -> dict[str, np.ndarray]: ...

    def remove_file(self, path: str) -> None: ...

    def add_file(self, source: SourceFile, documents: Sequence[Document], passages: Sequence[Passage],
                 vectors: np.ndarray, hashes: Sequence[str]) -> None: ...

    def record_stat(self, path: str, stat: Stat) -> None: ...


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path) == root or root in Path(path).parents for root in roots)


def live_files(live: Path | None, manifest: Manifest | None) -> dict[str, Indexed]:
    """Path to content hash and recorded stat of every file the live generation (and its manifest) holds."""
    if live is None or manifest is None:
        return {}
    from index.store import segment_folder  # store imports this module's neighbours

    found: dict[str, Indexed] = {}
    for info in manifest.infos():
        dead = set(manifest.deleted.get(info.name, ()))
        db = sqlite3.connect(f"file:{segment_folder(live.parent, info.name) / DB_NAME}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT path, sha256, size, mtime_ns FROM files")
            found.update({path: Indexed(digest, Stat(size, mtime_ns)) for path, digest, size, mtime_ns in rows
                          if path not in dead})
        except sqlite3.DatabaseError as error:
            raise IndexDamagedError(f"index in {live.parent} is damaged", fix=REBUILD) from error
        finally:
            db.close()
    return found


def stat_of(path: Path, since_ns: int) -> Stat | None:
    """A file's size and mtime, the mtime left out when within `RACY_NS` of `since_ns`; None if gone."""
    try:
        result = os.stat(path)
    except OSError:
        return None  # reading it will say why
    mtime_ns = result.st_mtime_ns
    return Stat(result.st_size, mtime_ns if mtime_ns < since_ns - RACY_NS else None)


def plan(indexed: dict[str, Indexed], found: Sequence[Path], roots: Sequence[Path],
         max_bytes: int | None = None, checksum: bool = False, fields: Mapping[str, str] | None = None,
         progress: Progress | None = None, engine: Engine | None = None) -> Plan:
    """Compare files on disk with the index: what to add or replace, what to remove.

    A file whose size and trusted mtime match the index's is not read, unless `checksum`; the others are
    read and split by `engine` (in this process by default).
    """
    added = changed = unchanged = 0
    warnings: list[str] = []
    pending: list[Pending] = []
    restat: list[tuple[str, Stat]] = []
    seen: set[str] = set()
    began = time.time_ns()  # every stat below is taken after this, so it bounds "close to the read"
    stale: list[tuple[Path, Stat | None, Indexed | None]] = []
    for path in found:
        old = indexed.get(stored_name(path))  # the index keys a file by its stored name (index.names)
        # Stat before reading: a write after it changes the mtime, so the next run reads the file again.
        stat = stat_of(path, began)
        if (old is not None and stat is not None and not checksum and stat.mtime_ns is not None
                and stat == old.stat and (max_bytes is None or stat.size <= max_bytes)):
            seen.add(stored_name(path))
            unchanged += 1
            continue
        stale.append((path, stat, old))
    skipped = len(found) - len(stale)
    done = (lambda count: progress("reading", skipped + count, len(found))) if progress else None
    paths = [path for path, _, _ in stale]
    reads = engine.read(paths, max_bytes, fields, done) if engine else read_here(paths, max_bytes, fields, done)
    for (path, stat, old), split in zip(stale, reads, strict=True):
        source, warning = split.source, split.warning
        if warning:
            warnings.append(warning)
        if source is None:
            continue
        if not split.passages:
            # Nothing newsqa can cite (a page with no article, a file of blank lines): not counted as added,
            # and a version that had passages is removed; it is read again next time, as a skipped file is.
            warnings.append(f"skipped file with no indexable text: {source.path}")
            continue
        stat = stat or Stat(source.size, None)  # a stat that failed where the read did not: read it again next time
        seen.add(source.path)
        if old is not None and old.sha256 == source.sha256:
            unchanged += 1
            if stat != old.stat:
                restat.append((source.path, stat))
            continue
        if old is not None:
            changed += 1
        else:
            added += 1
        pending.append(Pending(source, split.documents, split.passages, split.hashes, stat))
    if progress:
        progress("reading", len(found), len(found))
    gone = tuple(p for p in indexed if p not in seen
                 and (_under(disk_name(p), roots) or not os.path.exists(disk_name(p))))
    return Plan(tuple(pending), gone, frozenset(indexed), added, changed, len(gone), unchanged, tuple(warnings),
                tuple(restat))


def embed_new(plan: Plan, known: dict[str, np.ndarray], engine: Engine, progress: Progress | None) -> int:
    """Embed each distinct new text once, longest first across the whole update; returns how many."""
    texts = {digest: p.text for item in plan.pending for digest, p in zip(item.hashes, item.passages)}
    missing = [digest for digest in texts if digest not in known]
    # One global length order: every batch holds texts of similar length, as in a single encode() call.
    missing.sort(key=lambda digest: len(texts[digest]), reverse=True)
    if progress and missing:
        progress("embedding", 0, len(missing))  # the total before the first chunk: an ETA from the start
    done = (lambda count: progress("embedding", count, len(missing))) if progress else None
    if missing:
        known.update(zip(missing, engine.embed([texts[digest] for digest in missing], done)))
    return len(missing)


def apply(target: Target, plan: Plan, embedder: Embedder, progress: Progress | None,
          engine: Engine | None = None) -> Applied:
    """Embed what is new (by `engine`, else here), remove gone and changed files, add the new versions, record stats."""
    hashes = {digest for item in plan.pending for digest in item.hashes}
    vectors = target.reusable_vectors(hashes)  # before removal, so changed files reuse theirs
    embedded = embed_new(plan, vectors, engine or Local(embedder), progress)
    for path in plan.gone:
        target.remove_file(path)
    for item in plan.pending:
        if item.source.path in plan.indexed:
            target.remove_file(item.source.path)
        matrix = np.array([vectors[digest] for digest in item.hashes], dtype=np.float32).reshape(-1, embedder.dim)
        target.add_file(item.source, item.documents, item.passages, matrix, item.hashes)
        target.record_stat(item.source.path, item.stat)
    for path, stat in plan.restat:
        target.record_stat(path, stat)
    return Applied(plan, embedded)
