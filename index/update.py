"""Incremental, atomic index updates: hash compare, add/change/remove, one writer at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from index.changes import Progress, Stat, apply, live_files, plan
from index.embed import Embedder
from index.errors import REBUILD, IndexBusyError, IndexDamagedError, IndexMismatchError, IndexMissingError, QAError
from index.export import ensure_query_model
from index.load import MAX_FILE_BYTES, walk
from index.models import Document, Passage, SourceFile
from index.owned import check_target, is_generation, is_segment, writing
from index.segment_reader import SegmentReader
from index.segments import FILES as SEGMENT_FILES
from index.segments import SEGMENTS_DIR, SegmentInfo, SegmentWriter, segment_number
from index.store import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    POINTER_NAME,
    Manifest,
    current_generation,
    generation_checksum,
    read_manifest,
    segment_folder,
    verify,
)

# More segments than this after an update: the smallest are merged into one, leaving about half as many.
# A search visits every segment (one FAISS search and one postings query per word each), so the count
# is kept small; merging only the smallest keeps an update's merge cost near the size of recent updates.
MAX_SEGMENTS = 8


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
    """A new generation being written: the live one's segments by reference, one new segment, more tombstones."""

    def __init__(self, index_dir: Path, old: Path | None, model: str, dim: int) -> None:
        self.index_dir = index_dir
        numbers = [_generation_number(p) for p in _generations(index_dir)]
        self.folder = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
        self.folder.mkdir()
        self.model, self.dim = model, dim
        base = read_manifest(old) if old is not None else None
        self.infos = base.infos() if base else []
        self.deleted = {name: set(paths) for name, paths in base.deleted.items()} if base else {}
        self.readers: dict[str, SegmentReader] = {}
        self.segment: SegmentWriter | None = None
        try:
            for info in self.infos:
                self.readers[info.name] = SegmentReader(segment_folder(index_dir, info.name), info,
                                                        self.deleted.get(info.name, ()))
            taken = [segment_number(p.name) for p in (index_dir / SEGMENTS_DIR).glob("seg-*")]
            taken += [segment_number(info.name) for info in self.infos]
            self.name = f"seg-{max(taken, default=0) + 1:06d}"
            self.segment = SegmentWriter(segment_folder(index_dir, self.name), dim, base.next_id if base else 1)
        except BaseException:
            self.abandon()
            raise

    def _holder(self, path: str) -> str | None:
        """The listed segment whose live rows hold `path`."""
        for name, reader in self.readers.items():
            if path not in self.deleted.get(name, ()) and reader.db.execute(
                    "SELECT 1 FROM main.files WHERE path = ?", (path,)).fetchone():
                return name
        return None

    def reusable_vectors(self, hashes: set[str]) -> dict[str, np.ndarray]:
        """Vectors already stored (in any listed segment) for passages with these text hashes."""
        found: dict[str, np.ndarray] = {}
        for reader in self.readers.values():
            wanted = [digest for digest in hashes if digest not in found]
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                rows = reader.db.execute(
                    f"SELECT text_hash, MIN(id) FROM main.passages WHERE text_hash IN ({','.join('?' * len(chunk))}) "
                    "GROUP BY text_hash", chunk).fetchall()
                for digest, passage_id in rows:
                    found[digest] = reader.vectors.reconstruct(int(passage_id))
        return found

    def remove_file(self, path: str) -> None:
        """Tombstone a file: its segment stays as it is, this generation no longer lists its rows."""
        name = self._holder(path)
        if name is not None:
            self.deleted.setdefault(name, set()).add(path)

    def add_file(self, source: SourceFile, documents: Sequence[Document], passages: Sequence[Passage],
                 vectors: np.ndarray, hashes: Sequence[str]) -> None:
        assert self.segment is not None
        self.segment.add_file(source, documents, passages, vectors, hashes)

    def record_stat(self, path: str, stat: Stat) -> None:
        """Record the size and mtime a file had when read; a file of an earlier segment moves into the new one."""
        assert self.segment is not None
        if not self.segment.holds(path):
            name = self._holder(path)
            if name is None:
                return
            reader = self.readers[name]
            # Segments never change: the file's rows (and vectors, not embedded again) are copied, the old ones tombstoned.
            self.segment.copy_from(reader.folder, reader.vectors, self.deleted.get(name, ()), only=[path],
                                   renumber=True)
            self.deleted.setdefault(name, set()).add(path)
        self.segment.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
                                (stat.size, stat.mtime_ns, path))

    def merge(self, names: Sequence[str]) -> None:
        """Copy the live rows of these segments into the new one, keeping their ids; they leave the list."""
        assert self.segment is not None
        for name in names:
            reader = self.readers[name]
            self.segment.copy_from(reader.folder, reader.vectors, self.deleted.pop(name, ()))
        self.infos = [info for info in self.infos if info.name not in set(names)]

    def _dead_counts(self) -> tuple[int, int]:
        """Documents and passages the listed segments hold for tombstoned files."""
        documents = passages = 0
        for name, paths in self.deleted.items():
            listed = sorted(paths)
            for i in range(0, len(listed), 500):
                chunk, marks = listed[i : i + 500], ",".join("?" * len(listed[i : i + 500]))
                db = self.readers[name].db
                documents += db.execute(f"SELECT COUNT(*) FROM main.documents WHERE path IN ({marks})", chunk).fetchone()[0]
                passages += db.execute(f"SELECT COUNT(*) FROM main.passages WHERE path IN ({marks})", chunk).fetchone()[0]
        return documents, passages

    def publish(self) -> tuple[int, int]:
        """Seal the new segment, write the manifest listing every segment, then switch CURRENT in one rename."""
        assert self.segment is not None
        sealed = self.segment.finish()  # None when the update only deleted: no empty segment is listed
        infos = list(self.infos)
        if sealed is not None:
            folder = segment_folder(self.index_dir, self.name)
            infos.append(SegmentInfo(self.name, *sealed, {n: generation_checksum(folder / n) for n in SEGMENT_FILES}))
            _fsync_dir(folder)
            _fsync_dir(folder.parent)
        listed = {info.name for info in infos}
        self.deleted = {name: paths for name, paths in self.deleted.items() if paths and name in listed}
        dead_documents, dead_passages = self._dead_counts()
        documents = sum(info.documents for info in infos) - dead_documents
        passages = sum(info.passages for info in infos) - dead_passages
        manifest = Manifest(
            FORMAT_VERSION, self.model, self.dim, documents, passages, time.time(),
            [asdict(info) for info in infos], {name: sorted(paths) for name, paths in sorted(self.deleted.items())},
            self.segment.next_id,
        )
        self._close_readers()
        _write_durably(self.folder / MANIFEST_NAME, manifest.to_json())
        _fsync_dir(self.folder)
        _write_durably(self.index_dir / (POINTER_NAME + ".tmp"), self.folder.name + "\n")
        os.replace(self.index_dir / (POINTER_NAME + ".tmp"), self.index_dir / POINTER_NAME)
        _fsync_dir(self.index_dir)
        return documents, passages

    def _close_readers(self) -> None:
        for reader in self.readers.values():
            reader.close()
        self.readers = {}

    def abandon(self) -> None:
        try:
            self._close_readers()
            if self.segment is not None:
                self.segment.abandon()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _sweep(index_dir: Path, keep: set[str]) -> None:
    """Delete generations not in `keep`, then segments none of the kept generations lists; only what is ours."""
    for generation in _generations(index_dir):
        if generation.name not in keep:
            shutil.rmtree(generation, ignore_errors=True)
    used: set[str] = set()
    for name in keep:
        try:
            used |= {info.name for info in read_manifest(index_dir / name).infos()}
        except QAError:
            continue  # a damaged or older-format previous generation lists no segment worth keeping
    for segment in (index_dir / SEGMENTS_DIR).glob("seg-*"):
        if segment.name not in used and is_segment(segment):
            shutil.rmtree(segment, ignore_errors=True)


def _prune(index_dir: Path, live: Path) -> None:
    """Drop generations older than the previous one, any left by an interrupted update, and unlisted segments."""
    keep = {live.name}
    older = [g for g in _generations(index_dir) if _generation_number(g) < _generation_number(live)]
    if older:
        keep.add(older[-1].name)
    _sweep(index_dir, keep)


def _drop_unpublished(index_dir: Path) -> None:
    """Remove generations newer than the live one and segments nothing lists: leftovers of an interrupted update."""
    try:
        pointed = current_generation(index_dir)
    except IndexDamagedError:
        pointed = None
    keep = {g.name for g in _generations(index_dir)
            if pointed is not None and _generation_number(g) <= _generation_number(pointed)}
    _sweep(index_dir, keep)


def _live_generation(index_dir: Path, embedder: Embedder, rebuild: bool) -> Path | None:
    """The generation to start from: the verified live one, or none for a fresh build."""
    if rebuild:
        return None
    try:
        live = current_generation(index_dir)
        if live is None:
            return None
        manifest = read_manifest(live)
        # Sampled as `ask` checks (whole below 64 MB): an update copies no segment, so damage stays under its
        # original checksum, where `ask` and `qa check` find it; a merge, which copies, hashes its inputs whole.
        verify(live, manifest)
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
        _merge_small(folder)
        warnings = walked.warnings + changes.warnings + _query_model(folder, embedder, rebuild)
    return UpdateSummary(
        documents, changes.added, changes.changed, changes.removed, changes.unchanged,
        passages, applied.embedded, round(time.perf_counter() - began, 3), warnings,
    )


@dataclass(frozen=True)
class OptimizeSummary:
    """What `qa index --optimize` did: segments before and after, passages kept, seconds."""

    before: int
    after: int
    passages: int
    seconds: float


def _merge(folder: Path, live: Path, names: Sequence[str]) -> Path:
    """Publish a generation whose segments `names` are merged into one (their tombstones applied)."""
    manifest = read_manifest(live)
    verify(live, manifest, full=True, only=set(names))  # a merge copies: damage must never be rewritten as whole
    generation = _Generation(folder, live, manifest.model, manifest.dim)
    try:
        generation.merge(names)
        generation.publish()
    except BaseException:
        generation.abandon()
        raise
    _prune(folder, generation.folder)
    return generation.folder


def _merge_small(folder: Path) -> None:
    """Past `MAX_SEGMENTS`, merge the smallest segments into one, so about half as many remain."""
    live = current_generation(folder)
    if live is None:
        return
    infos = read_manifest(live).infos()
    if len(infos) > MAX_SEGMENTS:
        smallest = sorted(infos, key=lambda info: (info.passages, segment_number(info.name)))
        _merge(folder, live, [info.name for info in smallest[: len(infos) - MAX_SEGMENTS // 2 + 1]])


def optimize_index(index_dir: str | os.PathLike[str], notify: Callable[[str], None] | None = None) -> OptimizeSummary:
    """Merge every segment into one, dropping the rows of deleted files (`qa index --optimize`)."""
    began = time.perf_counter()
    folder = Path(index_dir)
    check_target(folder)
    with writing(folder), write_lock(folder, notify=notify):
        live = current_generation(folder)
        if live is None:
            raise IndexMissingError(f"no index at {folder}", fix=f"build one with: qa index PATH --index {folder}")
        manifest = read_manifest(live)
        _drop_unpublished(folder)
        before = len(manifest.segments)
        if before > 1 or manifest.deleted:
            live = _merge(folder, live, [info.name for info in manifest.infos()])
        after = read_manifest(live)
    return OptimizeSummary(before, len(after.segments), after.passages, round(time.perf_counter() - began, 3))


def _query_model(folder: Path, embedder: Embedder, rebuild: bool) -> tuple[str, ...]:
    """Export the fast query model if the index lacks an intact one; a failure only slows queries."""
    try:
        ensure_query_model(folder, embedder, force=rebuild)
    except Exception as error:  # the exporter's failures are untyped; the index itself is fine
        return (f"could not export the fast query model ({error}); `ask` will load the full model",)
    return ()
