"""Segments: immutable pieces of an index (passage rows, lexical postings, vectors), shared by generations.

A segment folder (`segments/seg-N/`) holds `index.sqlite` (files, documents, texts, passages),
`vectors.faiss`, `lengths.npy` (its passage ids, sorted, and each passage's token count, which global BM25
needs without a query per passage) and its postings as arrays (index/postings.py), both made from the
passages' text by index/words.py when the segment is sealed. It is written once by one update or merge and
never changed: a generation's manifest lists the segments it uses and the files each has deleted
(tombstones), so an update writes only what changed and earlier segments are shared by reference.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from index import postings
from index import vectors as vector_index
from index.checksums import text_hash
from index.errors import CHECK_THEN_REBUILD, IndexDamagedError
from index.models import Document, Passage, SourceFile

SEGMENTS_DIR = "segments"
SEGMENT = re.compile(r"seg-\d+")
DB_NAME = "index.sqlite"
VECTORS_NAME = "vectors.faiss"
LENGTHS_NAME = "lengths.npy"
SPOOL_NAME = "vectors.spool"  # vectors as added, until the segment is sealed
FILES = (DB_NAME, VECTORS_NAME, LENGTHS_NAME, *postings.FILES, vector_index.RAW_NAME)  # the last only when quantised

SCHEMA = """
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, mtime_ns INTEGER);
CREATE TABLE IF NOT EXISTS documents(
    path TEXT NOT NULL, part INTEGER NOT NULL, title TEXT, outlet TEXT,
    published TEXT, author TEXT, url TEXT, date_assumed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(path, part));
CREATE TABLE IF NOT EXISTS passages(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, part INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, line INTEGER NOT NULL,
    text TEXT NOT NULL, text_hash TEXT NOT NULL, raw TEXT, page INTEGER);
CREATE TABLE IF NOT EXISTS texts(path TEXT PRIMARY KEY, kind TEXT NOT NULL, text BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS passages_path ON passages(path);
CREATE INDEX IF NOT EXISTS passages_hash ON passages(text_hash);
"""
TABLES = ("files", "documents", "texts", "passages")  # rows keyed by path: what a tombstone hides


class VectorSource(Protocol):
    """Where a copy or merge reads stored vectors from (a `SegmentReader`)."""

    def stored(self, ids: np.ndarray) -> np.ndarray: ...

    def vector_chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...


@dataclass(frozen=True)
class SegmentInfo:
    """What a generation records of one segment: its rows, token total, id range and file checksums."""

    name: str
    passages: int
    documents: int
    tokens: int
    checksums: dict[str, dict[str, object]]

    @staticmethod
    def of(data: dict[str, object]) -> SegmentInfo:
        return SegmentInfo(**data)  # type: ignore[arg-type]


def segment_number(name: str) -> int:
    return int(name.split("-")[1])


def _stored_hash(text: object) -> str | None:
    """`text_hash` as SQL sees it: None for a value that is not text, which matches no stored hash."""
    return text_hash(text) if isinstance(text, str) else None


def _inflates(blob: object) -> bool:
    """Whether a stored file text is whole: zlib's own checksum (adler32) covers every byte."""
    try:
        zlib.decompress(blob)  # type: ignore[arg-type]
    except (zlib.error, TypeError):
        return False
    return True


def check_texts(db: sqlite3.Connection, passages: str, texts: str, folder: Path) -> None:
    """Refuse a passage of `passages` (SQL naming `p`) whose stored text no longer hashes to its `text_hash`,
    or a file text of `texts` (SQL naming `t`) that no longer inflates.

    Rows that move into a new segment get a fresh file checksum: a changed figure that a sampled checksum
    missed would be carried under it as if whole, so each text is checked against its own hash first.
    """
    db.create_function("text_hash", 1, _stored_hash, deterministic=True)
    db.create_function("inflates", 1, _inflates, deterministic=True)
    # A malformed page is SQLite's own DatabaseError, one line at the command's edge like any other.
    bad = db.execute(f"SELECT p.id, p.path FROM {passages} WHERE text_hash(p.text) IS NOT p.text_hash "
                     "LIMIT 1").fetchone()
    broken = db.execute(f"SELECT t.path FROM {texts} WHERE NOT inflates(t.text) LIMIT 1").fetchone()
    if bad is not None:
        raise IndexDamagedError(f"passage {bad[0]} of {bad[1]} in index segment {folder} does not match its "
                                "checksum (its stored text was changed)", fix=CHECK_THEN_REBUILD)
    if broken is not None:
        raise IndexDamagedError(f"the stored text of {broken[0]} in index segment {folder} is damaged",
                                fix=CHECK_THEN_REBUILD)


class SegmentWriter:
    """A new segment being written: rows, postings and vectors, then sealed with its checksums."""

    def __init__(self, folder: Path, dim: int, first_id: int) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.db = sqlite3.connect(folder / DB_NAME)
        self.db.executescript(SCHEMA)
        self.vectors = vector_index.Spool(folder / SPOOL_NAME, dim)
        self.next_id = first_id

    def holds(self, path: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE path = ?", (path,)).fetchone() is not None

    def add_file(self, source: SourceFile, documents: Sequence[Document], passages: Sequence[Passage],
                 vectors: np.ndarray, hashes: Sequence[str]) -> None:
        """Store one file's rows, postings and vectors under new passage ids."""
        self.db.execute("INSERT INTO files(path, sha256, size, mtime) VALUES (?, ?, ?, ?)",
                        (source.path, source.sha256, source.size, source.mtime))
        self.db.executemany(
            "INSERT INTO documents(path, part, title, outlet, published, author, url, date_assumed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(d.path, d.part, d.title, d.outlet, d.published, d.author, d.url, int(d.date_assumed)) for d in documents])
        # The text as indexed, so citations are shown from it (an extracted page cannot be re-read as text).
        self.db.execute("INSERT INTO texts(path, kind, text) VALUES (?, ?, ?)",
                        (source.path, source.kind, zlib.compress(source.text.encode("utf-8", "surrogatepass"), 6)))
        ids = list(range(self.next_id, self.next_id + len(passages)))
        self.next_id += len(passages)
        self.db.executemany(
            "INSERT INTO passages(id, path, part, start, end, line, text, text_hash, raw, page) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, p.path, p.part, p.start, p.end, p.line, p.text, digest, p.raw, p.page)
             for i, p, digest in zip(ids, passages, hashes)])
        if ids:
            self.vectors.add(vectors, np.array(ids, dtype=np.int64))

    def copy_from(self, source: Path, vectors: VectorSource, dead: Iterable[str], only: Iterable[str] | None = None,
                  renumber: bool = False) -> None:
        """Copy the live rows (of `only` these paths, when given) of another segment, with their vectors.

        A merge keeps passage ids (they stay unique: its inputs leave the list); a moved file gets new ones.
        """
        self.db.execute("ATTACH DATABASE ? AS src", (f"file:{source / DB_NAME}?mode=ro",))
        try:
            self.db.execute("CREATE TEMP TABLE dead(path TEXT PRIMARY KEY)")
            self.db.executemany("INSERT OR IGNORE INTO temp.dead VALUES (?)", ((p,) for p in dead))
            keep = "path NOT IN (SELECT path FROM temp.dead)"
            if only is not None:
                self.db.execute("CREATE TEMP TABLE only(path TEXT PRIMARY KEY)")
                self.db.executemany("INSERT OR IGNORE INTO temp.only VALUES (?)", ((p,) for p in only))
                keep += " AND path IN (SELECT path FROM temp.only)"
            old = np.array([row[0] for row in self.db.execute(
                f"SELECT id FROM src.passages WHERE {keep} ORDER BY id")], dtype=np.int64)
            new = np.arange(self.next_id, self.next_id + len(old), dtype=np.int64) if renumber else old
            self.next_id = max(self.next_id, int(new.max()) + 1) if len(new) else self.next_id
            self.db.execute("CREATE TEMP TABLE ids(old INTEGER PRIMARY KEY, new INTEGER)")
            self.db.executemany("INSERT INTO temp.ids VALUES (?, ?)", zip(old.tolist(), new.tolist()))
            check_texts(self.db, "src.passages p JOIN temp.ids i ON i.old = p.id",
                        f"(SELECT * FROM src.texts WHERE {keep}) t", source)
            for table in ("files", "documents", "texts"):
                self.db.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table} WHERE {keep}")
            self.db.execute(
                "INSERT INTO main.passages SELECT i.new, p.path, p.part, p.start, p.end, p.line, p.text, "
                "p.text_hash, p.raw, p.page FROM src.passages p JOIN temp.ids i ON i.old = p.id")
            if len(old) <= 1000:  # a lookup each is cheaper than reading every list
                self.vectors.add(vectors.stored(old), new)
            elif len(old):  # a merge: a chunk at a time, so a million vectors never sit in memory at once
                for stored, rows in vectors.vector_chunks():
                    at = np.minimum(np.searchsorted(old, stored), len(old) - 1)
                    kept = old[at] == stored
                    self.vectors.add(rows[kept], new[at[kept]])
        finally:
            self.db.commit()
            for table in ("dead", "only", "ids"):
                self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")
            self.db.execute("DETACH DATABASE src")

    def finish(self) -> tuple[int, int, int] | None:
        """Commit and write every file durably; (passages, documents, tokens), or None (and no folder) if empty."""
        passages = self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        documents = self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        files = self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        if not files:
            self.abandon()
            return None
        self.db.commit()
        ids = np.fromiter((row[0] for row in self.db.execute("SELECT id FROM passages ORDER BY id")), dtype=np.int64)
        texts = (row[0] for row in self.db.execute("SELECT text FROM passages ORDER BY id"))
        sizes = postings.write(texts, self.folder)
        lengths = np.vstack([ids, sizes]) if len(ids) else np.zeros((2, 0), dtype=np.int64)
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.close()
        np.save(self.folder / LENGTHS_NAME, np.ascontiguousarray(lengths))
        stored = self.vectors.seal()  # exact or IVF, whichever suits the segment's size
        faiss.write_index(stored, str(self.folder / VECTORS_NAME))
        for name in (name for name in FILES if (self.folder / name).exists()):
            with open(self.folder / name, "rb+") as handle:
                os.fsync(handle.fileno())
        return passages, documents, int(lengths[1].sum())

    def abandon(self) -> None:
        try:
            self.vectors.discard()
            self.db.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
