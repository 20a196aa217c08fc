"""Incremental, atomic index updates: hash compare, add/change/remove, one writer at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from index import vectors as vector_index
from index.changes import Progress, Stat, apply, live_files, plan
from index.embed import Embedder
from index.errors import REBUILD, IndexBusyError, IndexDamagedError, IndexMismatchError
from index.export import ensure_query_model
from index.load import MAX_FILE_BYTES, walk
from index.owned import check_target, is_generation, writing
from index.models import Document, Passage, SourceFile
from index.store import (
    DB_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    POINTER_NAME,
    SCHEMA,
    VECTORS_NAME,
    Manifest,
    current_generation,
    generation_checksum,
    read_manifest,
    verify,
)


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
    # Only folders this tool wrote: pruning deletes them, and a user's `gen-2024` is not ours.
    return sorted((p for p in index_dir.glob("gen-*") if is_generation(p)), key=_generation_number)


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
            self.vectors = vector_index.read(old / VECTORS_NAME, mapped=False)
            if "mtime_ns" not in {row[1] for row in self.db.execute("PRAGMA table_info(files)")}:
                self.db.execute("ALTER TABLE files ADD COLUMN mtime_ns INTEGER")  # written before stats were
        else:
            self.db.executescript(SCHEMA)
            self.vectors = vector_index.empty(dim)

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
        self.db.execute("DELETE FROM texts WHERE path = ?", (path,))
        self.db.execute("DELETE FROM files WHERE path = ?", (path,))

    def add_file(self, source: SourceFile, documents: Sequence[Document], passages: Sequence[Passage],
                 vectors: np.ndarray, hashes: Sequence[str]) -> None:
        self.db.execute(
            "INSERT INTO files(path, sha256, size, mtime) VALUES (?, ?, ?, ?)",
            (source.path, source.sha256, source.size, source.mtime),
        )
        self.db.executemany(
            "INSERT INTO documents(path, part, title, outlet, published, author, url) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(d.path, d.part, d.title, d.outlet, d.published, d.author, d.url) for d in documents],
        )
        # The text as indexed, so citations are shown from it (an extracted page cannot be re-read as text).
        self.db.execute("INSERT INTO texts(path, kind, text) VALUES (?, ?, ?)",
                        (source.path, source.kind, zlib.compress(source.text.encode("utf-8", "surrogatepass"), 6)))
        ids = []
        for passage, digest in zip(passages, hashes):
            cursor = self.db.execute(
                "INSERT INTO passages(path, part, start, end, line, text, text_hash, raw, page) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (passage.path, passage.part, passage.start, passage.end, passage.line, passage.text, digest,
                 passage.raw, passage.page),
            )
            ids.append(cursor.lastrowid)
            self.db.execute("INSERT INTO passages_fts(rowid, text) VALUES (?, ?)", (cursor.lastrowid, passage.text))
        if ids:
            self.vectors.add_with_ids(vectors, np.array(ids, dtype=np.int64))

    def record_stat(self, path: str, stat: Stat) -> None:
        """Record the size and mtime a file had when read, so the next update need not read it."""
        self.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (stat.size, stat.mtime_ns, path))

    def publish(self) -> tuple[int, int]:
        """Write everything durably, then switch CURRENT to this generation in one rename."""
        documents = self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        passages = self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        self.db.commit()
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.close()
        self.vectors = vector_index.fit(self.vectors)  # exact or IVF, whichever suits the new size
        faiss.write_index(self.vectors, str(self.folder / VECTORS_NAME))
        for name in (DB_NAME, VECTORS_NAME):
            with open(self.folder / name, "rb+") as handle:
                os.fsync(handle.fileno())
        manifest = Manifest(
            FORMAT_VERSION, self.model, self.dim, documents, passages, time.time(),
            {name: generation_checksum(self.folder / name) for name in (DB_NAME, VECTORS_NAME)},
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
        verify(live, manifest, full=True)  # what the new generation copies must be whole
    except (IndexDamagedError, IndexMismatchError) as error:
        if error.fix:
            raise
        raise type(error)(str(error), fix="pass --rebuild") from error
    if (manifest.model, manifest.dim) != (embedder.name, embedder.dim):
        raise IndexMismatchError(
            f"index at {index_dir} was built with {manifest.model}", fix=REBUILD
        )
    return live


def update_index(
    index_dir: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    rebuild: bool = False,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
    follow_links: bool = False,
    max_file_bytes: int | None = MAX_FILE_BYTES,
    checksum: bool = False,
    fields: Mapping[str, str] | None = None,
) -> UpdateSummary:
    """Bring the index in line with the files under `paths`, embedding only new text.

    A file whose size and mtime are unchanged is not read unless `checksum` (see `index.changes`).
    """
    began = time.perf_counter()
    folder = Path(index_dir)
    walked = walk(paths, follow_links)  # raises InputError before anything is touched
    found = walked.files
    # Absolute but not resolved, like the recorded paths: a file is removed where it was found.
    # Resolved too: indexes written before recorded resolved paths, which must not linger as copies.
    given = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
    roots = given + [Path(os.path.realpath(p)) for p in given]
    check_target(folder)
    with writing(folder), write_lock(folder, notify=notify):
        live = _live_generation(folder, embedder, rebuild)
        _drop_unpublished(folder)
        changes = plan(live_files(live), found, roots, max_file_bytes, checksum, fields, progress)
        if live is not None and changes.idle:
            # Nothing changed: keep the live generation rather than copying it for nothing.
            manifest = read_manifest(live)
            warnings = walked.warnings + changes.warnings + _query_model(folder, embedder, rebuild)
            return UpdateSummary(
                manifest.documents, 0, 0, 0, changes.unchanged, manifest.passages, 0,
                round(time.perf_counter() - began, 3), warnings,
            )
        generation = _Generation(folder, live, embedder.name, embedder.dim)
        try:
            applied = apply(generation, changes, embedder, progress)
            documents, passages = generation.publish()
        except BaseException:
            generation.abandon()
            raise
        _prune(folder, generation.folder)
        warnings = walked.warnings + changes.warnings + _query_model(folder, embedder, rebuild)
    return UpdateSummary(
        documents, changes.added, changes.changed, changes.removed, changes.unchanged,
        passages, applied.embedded, round(time.perf_counter() - began, 3), warnings,
    )


def _query_model(folder: Path, embedder: Embedder, rebuild: bool) -> tuple[str, ...]:
    """Export the fast query model if the index lacks an intact one; a failure only slows queries."""
    try:
        ensure_query_model(folder, embedder, force=rebuild)
    except Exception as error:  # the exporter's failures are untyped; the index itself is fine
        return (f"could not export the fast query model ({error}); `ask` will load the full model",)
    return ()
