"""A new generation being written: the live one's segments by reference, one new segment, more tombstones."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

import index.config as settings
from index.changes import Stat
from index.models import Document, Passage, SourceFile
from index.owned import is_generation
from index.words import TOKENIZER
from index.segment_reader import SegmentReader
from index.segments import FILES as SEGMENT_FILES
from index.segments import SEGMENTS_DIR, SegmentInfo, SegmentWriter, check_texts, segment_number
from index.checksums import generation_checksum
from index.store import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    POINTER_NAME,
    Manifest,
    read_manifest,
    segment_folder,
)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def generation_number(path: Path) -> int:
    return int(path.name.split("-")[1])


def generations(index_dir: Path) -> list[Path]:
    # Only folders this tool wrote: pruning deletes them, and a user's `gen-2024` is not ours.
    return sorted((p for p in index_dir.glob("gen-*") if is_generation(p)), key=generation_number)


class Generation:
    """A new generation being written: the live one's segments by reference, one new segment, more tombstones."""

    def __init__(self, index_dir: Path, old: Path | None, model: str, dim: int,
                 manifest: Manifest | None = None) -> None:
        self.index_dir = index_dir
        numbers = [generation_number(p) for p in generations(index_dir)]
        self.folder = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
        self.folder.mkdir()
        self.model, self.dim = model, dim
        base = (manifest or read_manifest(old)) if old is not None else None  # the caller's copy when it has one
        self.manifest: Manifest | None = None  # the one it publishes
        self.infos = base.infos() if base else []
        self.deleted = {name: set(paths) for name, paths in base.deleted.items()} if base else {}
        self.readers: dict[str, SegmentReader] = {}
        self.moving: dict[str, dict[str, Stat]] = {}  # segment name: its files' new stats, to move at publish
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
                    found[digest] = reader.stored(np.array([passage_id], dtype=np.int64))[0]
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
        if self.segment.holds(path):
            self.segment.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
                                    (stat.size, stat.mtime_ns, path))
            return
        name = self._holder(path)
        if name is not None:
            # Segments never change: the file's rows (and vectors, not embedded again) are copied and the old
            # ones tombstoned, all of a segment's files in one copy (one by one, 10,000 touched files took 225 s).
            self.moving.setdefault(name, {})[path] = stat

    def _move(self) -> None:
        """Copy the files waiting to move into the new segment, one copy per segment they leave."""
        assert self.segment is not None
        for name, stats in self.moving.items():
            reader = self.readers[name]
            self.segment.copy_from(reader.folder, reader, self.deleted.get(name, ()), only=list(stats), renumber=True)
            self.deleted.setdefault(name, set()).update(stats)
            self.segment.db.executemany("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
                                        [(stat.size, stat.mtime_ns, path) for path, stat in stats.items()])
        self.moving.clear()

    def merge(self, names: Sequence[str]) -> None:
        """Copy the live rows of these segments into the new one, keeping their ids; they leave the list."""
        assert self.segment is not None
        for name in names:
            reader = self.readers[name]
            self.segment.copy_from(reader.folder, reader, self.deleted.pop(name, ()))
        self.infos = [info for info in self.infos if info.name not in set(names)]

    def _dead_counts(self) -> tuple[int, dict[str, int]]:
        """Documents, and passages by segment, that the listed segments hold for tombstoned files."""
        documents, passages = 0, {}
        for name, paths in self.deleted.items():
            listed = sorted(paths)
            passages[name] = 0
            for i in range(0, len(listed), 500):
                chunk, marks = listed[i : i + 500], ",".join("?" * len(listed[i : i + 500]))
                db = self.readers[name].db
                documents += db.execute(f"SELECT COUNT(*) FROM main.documents WHERE path IN ({marks})", chunk).fetchone()[0]
                passages[name] += db.execute(f"SELECT COUNT(*) FROM main.passages WHERE path IN ({marks})", chunk).fetchone()[0]
        return documents, passages

    def check_texts(self, names: Iterable[str]) -> None:
        """Refuse (IndexDamagedError) a live passage of these listed segments that no longer matches its text
        hash, or a file text that no longer inflates."""
        for name in sorted(names):
            check_texts(self.readers[name].db, "passages p", "texts t", self.readers[name].folder)

    def publish(self, check: Callable[[Manifest], None] | None = None) -> tuple[int, int]:
        """Seal the new segment, write the manifest listing every segment, then switch CURRENT in one rename;
        `check` sees the manifest first and may refuse it, while nothing is committed."""
        assert self.segment is not None
        self._move()
        sealed = self.segment.finish()  # None when the update only deleted: no empty segment is listed
        infos = list(self.infos)
        if sealed is not None:
            folder = segment_folder(self.index_dir, self.name)
            infos.append(SegmentInfo(self.name, *sealed, {n: generation_checksum(folder / n) for n in SEGMENT_FILES
                                                       if (folder / n).exists()}))
            fsync_dir(folder)
            fsync_dir(folder.parent)
        listed = {info.name for info in infos}
        self.deleted = {name: paths for name, paths in self.deleted.items() if paths and name in listed}
        dead_documents, dead_passages = self._dead_counts()
        documents = sum(info.documents for info in infos) - dead_documents
        passages = sum(info.passages for info in infos) - sum(dead_passages.values())
        manifest = Manifest(
            FORMAT_VERSION, self.model, self.dim, documents, passages, time.time(),
            [asdict(info) for info in infos], {name: sorted(paths) for name, paths in sorted(self.deleted.items())},
            self.segment.next_id, dict(sorted(dead_passages.items())), settings.INDEX.to_dict(), TOKENIZER.to_dict(),
        )
        if check is not None:
            check(manifest)
        self.manifest = manifest
        self._close_readers()
        write_durably(self.folder / MANIFEST_NAME, manifest.to_json())
        fsync_dir(self.folder)
        write_durably(self.index_dir / (POINTER_NAME + ".tmp"), self.folder.name + "\n")
        os.replace(self.index_dir / (POINTER_NAME + ".tmp"), self.index_dir / POINTER_NAME)
        fsync_dir(self.index_dir)
        return documents, passages

    def published(self) -> Manifest:
        """The manifest `publish` wrote."""
        assert self.manifest is not None
        return self.manifest

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


def write_durably(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
