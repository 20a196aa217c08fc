"""Incremental, atomic index updates: hash compare, add/change/remove, one writer at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from index.embed import Embedder
from index.errors import IndexBusyError, IndexDamagedError, IndexMismatchError
from index.load import find_files, read_source
from index.models import Passage, SourceFile
from index.split import split_file
from index.store import (
    DB_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    POINTER_NAME,
    SCHEMA,
    VECTORS_NAME,
    Manifest,
    current_generation,
    file_checksum,
    read_manifest,
    text_hash,
    verify,
)

Progress = Callable[[str, int, int], None]
EMBED_CHUNK = 256


@dataclass(frozen=True)
class UpdateSummary:
    """What one `qa index` run did; `embedded` counts passages actually sent to the model."""

    documents: int
    added: int
    changed: int
    removed: int
    unchanged: int
    passages: int
    embedded: int
    seconds: float
    warnings: tuple[str, ...] = field(default=())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def write_lock(index_dir: Path, wait: bool = True, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's writer lock; a second writer waits (saying so) or refuses."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise IndexBusyError(f"another update of {index_dir} is running") from None
            if notify:
                notify(f"waiting for another update of {index_dir} to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _generation_number(path: Path) -> int:
    return int(path.name.split("-")[1])


def _generations(index_dir: Path) -> list[Path]:
    return sorted(
        (p for p in index_dir.glob("gen-*") if p.is_dir() and p.name[4:].isdigit()), key=_generation_number
    )


def _under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path) == root or root in Path(path).parents for root in roots)


class _Generation:
    """A new generation being written: a copy of the old one, changed, then published."""

    def __init__(self, index_dir: Path, old: Path | None, model: str, dim: int) -> None:
        self.index_dir = index_dir
        numbers = [_generation_number(p) for p in _generations(index_dir)]
        self.folder = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
        self.folder.mkdir()
        self.model, self.dim = model, dim
        self.db = sqlite3.connect(self.folder / DB_NAME)
        if old is not None:
            with sqlite3.connect(f"file:{old / DB_NAME}?mode=ro", uri=True) as source:
                source.backup(self.db)
            self.vectors = faiss.read_index(str(old / VECTORS_NAME))
        else:
            self.db.executescript(SCHEMA)
            self.vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def reusable_vectors(self, hashes: set[str]) -> dict[str, np.ndarray]:
        """Vectors already stored for passages with these text hashes."""
        found: dict[str, np.ndarray] = {}
        wanted = list(hashes)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self.db.execute(
                f"SELECT text_hash, MIN(id) FROM passages WHERE text_hash IN ({','.join('?' * len(chunk))}) "
                "GROUP BY text_hash",
                chunk,
            )
            for digest, passage_id in rows:
                found[digest] = self.vectors.reconstruct(int(passage_id))
        return found

    def remove_file(self, path: str) -> None:
        ids = [row[0] for row in self.db.execute("SELECT id FROM passages WHERE path = ?", (path,))]
        if ids:
            self.vectors.remove_ids(np.array(ids, dtype=np.int64))
            self.db.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in ids])
        self.db.execute("DELETE FROM passages WHERE path = ?", (path,))
        self.db.execute("DELETE FROM documents WHERE path = ?", (path,))
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))

    def add_file(self, source: SourceFile, documents: list, passages: list[Passage], vectors: np.ndarray) -> None:
        self.db.execute(
            "INSERT INTO files(path, sha256, size, mtime) VALUES (?, ?, ?, ?)",
            (source.path, source.sha256, source.size, source.mtime),
        )
        self.db.executemany(
            "INSERT INTO documents(path, part, title, outlet) VALUES (?, ?, ?, ?)",
            [(d.path, d.part, d.title, d.outlet) for d in documents],
        )
        ids = []
        for passage in passages:
            cursor = self.db.execute(
                "INSERT INTO passages(path, part, start, end, line, text, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (passage.path, passage.part, passage.start, passage.end, passage.line, passage.text,
                 text_hash(passage.text)),
            )
            ids.append(cursor.lastrowid)
            self.db.execute("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)", (cursor.lastrowid, passage.text))
        if ids:
            self.vectors.add_with_ids(vectors, np.array(ids, dtype=np.int64))

    def publish(self) -> tuple[int, int]:
        """Write everything durably, then switch CURRENT to this generation in one rename."""
        documents = self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        passages = self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        self.db.commit()
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.close()
        faiss.write_index(self.vectors, str(self.folder / VECTORS_NAME))
        for name in (DB_NAME, VECTORS_NAME):
            with open(self.folder / name, "rb+") as handle:
                os.fsync(handle.fileno())
        manifest = Manifest(
            FORMAT_VERSION, self.model, self.dim, documents, passages, time.time(),
            {name: file_checksum(self.folder / name) for name in (DB_NAME, VECTORS_NAME)},
        )
        _write_durably(self.folder / MANIFEST_NAME, manifest.to_json())
        _fsync_dir(self.folder)
        _write_durably(self.index_dir / (POINTER_NAME + ".tmp"), self.folder.name + "\n")
        os.replace(self.index_dir / (POINTER_NAME + ".tmp"), self.index_dir / POINTER_NAME)
        _fsync_dir(self.index_dir)
        return documents, passages

    def abandon(self) -> None:
        try:
            self.db.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _prune(index_dir: Path, live: Path) -> None:
    """Drop generations older than the previous one, and any left by an interrupted update."""
    keep = {live.name}
    older = [g for g in _generations(index_dir) if _generation_number(g) < _generation_number(live)]
    if older:
        keep.add(older[-1].name)
    for generation in _generations(index_dir):
        if generation.name not in keep:
            shutil.rmtree(generation, ignore_errors=True)


def _drop_unpublished(index_dir: Path) -> None:
    """Remove generations newer than the live one: leftovers of an interrupted update."""
    try:
        pointed = current_generation(index_dir)
    except IndexDamagedError:
        pointed = None
    for generation in _generations(index_dir):
        if pointed is None or _generation_number(generation) > _generation_number(pointed):
            shutil.rmtree(generation, ignore_errors=True)


def _live_generation(index_dir: Path, embedder: Embedder, rebuild: bool) -> Path | None:
    """The generation to start from: the verified live one, or none for a fresh build."""
    if rebuild:
        return None
    try:
        live = current_generation(index_dir)
        if live is None:
            return None
        manifest = read_manifest(live)
        verify(live, manifest)
    except (IndexDamagedError, IndexMismatchError) as error:
        if "--rebuild" in str(error):
            raise
        raise type(error)(f"{error} (or pass --rebuild)") from error
    if (manifest.model, manifest.dim) != (embedder.name, embedder.dim):
        raise IndexMismatchError(
            f"index at {index_dir} was built with {manifest.model}; rebuild it with: qa index --rebuild PATH..."
        )
    return live


def update_index(
    index_dir: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    rebuild: bool = False,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> UpdateSummary:
    """Bring the index in line with the files under `paths`, embedding only new text."""
    began = time.perf_counter()
    folder = Path(index_dir)
    found = find_files(paths)  # raises InputError before anything is touched
    roots = [Path(p).expanduser().resolve() for p in paths]
    with write_lock(folder, notify=notify):
        live = _live_generation(folder, embedder, rebuild)
        _drop_unpublished(folder)
        plan = _plan(_live_files(live), found, roots)
        if live is not None and not plan["pending"] and not plan["gone"]:
            # Nothing changed: keep the live generation rather than copying it for nothing.
            manifest = read_manifest(live)
            return UpdateSummary(
                manifest.documents, 0, 0, 0, plan["unchanged"], manifest.passages, 0,
                round(time.perf_counter() - began, 3), tuple(plan["warnings"]),
            )
        generation = _Generation(folder, live, embedder.name, embedder.dim)
        try:
            summary = _apply(generation, plan, embedder, progress)
            documents, passages = generation.publish()
        except BaseException:
            generation.abandon()
            raise
        _prune(folder, generation.folder)
    return UpdateSummary(
        documents, summary["added"], summary["changed"], summary["removed"], summary["unchanged"],
        passages, summary["embedded"], round(time.perf_counter() - began, 3), tuple(summary["warnings"]),
    )


def _live_files(live: Path | None) -> dict[str, str]:
    """Path to content hash of every file the live generation holds."""
    if live is None:
        return {}
    db = sqlite3.connect(f"file:{live / DB_NAME}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT path, sha256 FROM files"))
    except sqlite3.DatabaseError as error:
        raise IndexDamagedError(f"index in {live.parent} is damaged; run: qa index --rebuild PATH...") from error
    finally:
        db.close()


def _plan(indexed: dict[str, str], found: list[Path], roots: list[Path]) -> dict:
    """Compare files on disk with the indexed hashes: what to add or replace, what to remove."""
    counts = {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    warnings: list[str] = []
    pending: list[tuple[SourceFile, list, list[Passage]]] = []
    seen: set[str] = set()
    for path in found:
        source, warning = read_source(path)
        if warning:
            warnings.append(warning)
        if source is None:
            continue
        seen.add(source.path)
        old_hash = indexed.get(source.path)
        if old_hash == source.sha256:
            counts["unchanged"] += 1
            continue
        counts["changed" if old_hash else "added"] += 1
        documents, passages = split_file(source.path, source.text)
        if not passages:
            warnings.append(f"skipped file with no indexable text: {source.path}")
        pending.append((source, documents, passages))
    gone = [p for p in indexed if p not in seen and (_under(p, roots) or not Path(p).exists())]
    counts["removed"] = len(gone)
    return {**counts, "pending": pending, "gone": gone, "indexed": indexed, "warnings": warnings}


def _apply(generation: _Generation, plan: dict, embedder: Embedder, progress: Progress | None) -> dict:
    """Embed what is new, then remove gone and changed files and add the new versions."""
    pending, gone, indexed = plan["pending"], plan["gone"], plan["indexed"]
    counts = {k: plan[k] for k in ("added", "changed", "removed", "unchanged")}
    hashes = {text_hash(p.text) for _, _, passages in pending for p in passages}
    vectors = generation.reusable_vectors(hashes)  # before removal, so changed files reuse theirs
    missing = [h for h in dict.fromkeys(text_hash(p.text) for _, _, ps in pending for p in ps) if h not in vectors]
    texts = {text_hash(p.text): p.text for _, _, ps in pending for p in ps}
    for i in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[i : i + EMBED_CHUNK]
        for digest, vector in zip(chunk, embedder.embed([texts[h] for h in chunk])):
            vectors[digest] = vector
        if progress:
            progress("embedding", min(i + EMBED_CHUNK, len(missing)), len(missing))
    counts["embedded"] = len(missing)

    for path in gone:
        generation.remove_file(path)
    for source, documents, passages in pending:
        if source.path in indexed:
            generation.remove_file(source.path)
        matrix = np.array([vectors[text_hash(p.text)] for p in passages], dtype=np.float32).reshape(-1, embedder.dim)
        generation.add_file(source, documents, passages, matrix)
    return {**counts, "warnings": plan["warnings"]}
