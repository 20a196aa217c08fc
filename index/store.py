"""The index folder: generations of SQLite (files, documents, passages, FTS5) plus FAISS vectors.

An index folder holds `CURRENT`, naming the live generation folder. Writers build a complete new
generation and switch `CURRENT` atomically, so readers always see one whole generation.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import vectors as vector_index
from index.errors import REBUILD, IndexDamagedError, IndexMismatchError, IndexMissingError
from index.models import Meta, Passage
from index.scope import Scope, resolve
from qa.filters import Filters
from qa.config import DEFAULT, RetrievalConfig
from qa.text import QUERY_STOPWORDS, tokens

FORMAT_VERSION = 2  # 2: document metadata, passages' exact slices and pages, files' texts
DB_NAME = "index.sqlite"
VECTORS_NAME = "vectors.faiss"
MANIFEST_NAME = "manifest.json"
POINTER_NAME = "CURRENT"
FULL_HASH_LIMIT = 64 * 2**20  # above this, check size and sampled hash so opening stays fast
SAMPLE_BYTES = 2**22  # hashed at each end of a file above FULL_HASH_LIMIT

SCHEMA = """
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, mtime_ns INTEGER);
CREATE TABLE IF NOT EXISTS documents(
    path TEXT NOT NULL, part INTEGER NOT NULL, title TEXT, outlet TEXT,
    published TEXT, author TEXT, url TEXT, PRIMARY KEY(path, part));
CREATE TABLE IF NOT EXISTS passages(
    id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, part INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, line INTEGER NOT NULL,
    text TEXT NOT NULL, text_hash TEXT NOT NULL, raw TEXT, page INTEGER);
CREATE TABLE IF NOT EXISTS texts(path TEXT PRIMARY KEY, kind TEXT NOT NULL, text BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS passages_path ON passages(path);
CREATE INDEX IF NOT EXISTS passages_hash ON passages(text_hash);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, tokenize='porter unicode61');
"""


@dataclass(frozen=True)
class Manifest:
    """What a generation holds and how to check it: format, model, counts and file checksums."""

    format_version: int
    model: str
    dim: int
    documents: int
    passages: int
    updated: float
    checksums: dict[str, dict[str, object]]

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True)


def text_hash(text: str) -> str:
    """Content hash of a passage text, ignoring whitespace differences."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def file_checksum(path: Path) -> dict[str, object]:
    """Size and sha256 of a file (sampled at both ends when large)."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        if size <= FULL_HASH_LIMIT:
            for chunk in iter(lambda: handle.read(2**20), b""):
                digest.update(chunk)
        else:
            digest.update(handle.read(SAMPLE_BYTES))
            handle.seek(size - SAMPLE_BYTES)
            digest.update(handle.read(SAMPLE_BYTES))
    return {"size": size, "sha256": digest.hexdigest()}


def full_sha256(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """The sha256 of a whole file, whatever its size; `progress` gets the bytes read so far."""
    digest, done = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(2**22), b""):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done)
    return digest.hexdigest()


def generation_checksum(path: Path) -> dict[str, object]:
    """What a manifest records of one file: `file_checksum`, plus the whole file's hash when sampled.

    `ask` checks the sampled form (fast); updates and `qa check` check the whole file, so damage in
    the middle of a large file is never copied into a new generation.
    """
    checksum = file_checksum(path)
    if int(checksum["size"]) > FULL_HASH_LIMIT:  # type: ignore[call-overload]
        checksum["full_sha256"] = full_sha256(path)
    return checksum


def query_words(question: str) -> list[str]:
    """The question's content words, once each (all its words if it has no content words)."""
    words = tokens(question)
    return list(dict.fromkeys([w for w in words if w not in QUERY_STOPWORDS] or words))


def fts_query(words: Sequence[str]) -> str:
    """An FTS5 OR-query of words, each quoted so no syntax leaks in."""
    return " OR ".join(f'"{word}"' for word in words)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder named by CURRENT, or None if the index was never built."""
    pointer = index_dir / POINTER_NAME
    if not pointer.exists():
        return None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""  # unreadable or binary garbage: damaged like any other bad pointer
    if not re.fullmatch(r"gen-\d+", name):
        raise IndexDamagedError(f"index pointer {pointer} is damaged", fix=REBUILD)
    return index_dir / name


def read_manifest(generation: Path) -> Manifest:
    """Read a generation's manifest, refusing unknown formats."""
    try:
        data = json.loads((generation / MANIFEST_NAME).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as error:
        raise IndexDamagedError(
            f"index manifest in {generation} is unreadable", fix=REBUILD
        ) from error
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index format {manifest.format_version} is not the supported {FORMAT_VERSION}", fix=REBUILD
        )
    return manifest


def verify(generation: Path, manifest: Manifest, full: bool = False) -> None:
    """Check every file of a generation against its manifest: sampled when large, or `full`y."""
    for name, expected in manifest.checksums.items():
        path = generation / name
        if not path.exists() or not _matches(path, expected, full):
            raise IndexDamagedError(
                f"index file {path} is damaged or truncated", fix=REBUILD
            )


def _matches(path: Path, expected: dict[str, object], full: bool) -> bool:
    actual = file_checksum(path)
    if (actual["size"], actual["sha256"]) != (expected.get("size"), expected.get("sha256")):
        return False
    if not full or "full_sha256" not in expected:
        # A large file of an index written before whole-file hashes: SQLite checks its own pages.
        return not full or path.name != DB_NAME or _sqlite_intact(path)
    return full_sha256(path) == expected["full_sha256"]


def _sqlite_intact(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()


class IndexReader:
    """Read-only view of one generation: passage lookup, dense and lexical search."""

    def __init__(self, index_dir: Path, generation: Path, manifest: Manifest) -> None:
        self.index_dir = index_dir
        self.generation = generation
        self.manifest = manifest
        self._frequencies: dict[str, int] = {}
        self._scopes: dict[Filters, Scope] = {}  # a generation never changes: a batch's one filter is resolved once
        self.db = sqlite3.connect(f"file:{generation / DB_NAME}?mode=ro", uri=True, check_same_thread=False)
        try:
            self.vectors = vector_index.read(generation / VECTORS_NAME)
        except RuntimeError as error:  # FAISS reports unreadable files as RuntimeError
            self.db.close()
            raise IndexDamagedError(
                f"index file {generation / VECTORS_NAME} is unreadable", fix=REBUILD
            ) from error
        if self.vectors.ntotal != manifest.passages or self.vectors.d != manifest.dim:
            raise IndexDamagedError(f"index in {index_dir} is inconsistent", fix=REBUILD)

    @classmethod
    def open(cls, index_dir: str | os.PathLike[str], check: bool = True) -> IndexReader:
        """Open the live generation of an index folder, verifying it first."""
        folder = Path(index_dir)
        for attempt in range(3):
            generation = current_generation(folder)
            if generation is None:
                raise IndexMissingError(f"no index at {folder}; build one with: qa index PATH --index {folder}")
            try:
                manifest = read_manifest(generation)
                if check:
                    verify(generation, manifest)
                return cls(folder, generation, manifest)
            except IndexDamagedError:
                # A writer may have switched generations between reading CURRENT and the files.
                if attempt == 2 or current_generation(folder) == generation:
                    raise
        raise AssertionError("unreachable")

    def check_model(self, name: str, dim: int) -> None:
        """Refuse to query an index whose vectors come from another model."""
        if (self.manifest.model, self.manifest.dim) != (name, dim):
            raise IndexMismatchError(
                f"index was built with {self.manifest.model} ({self.manifest.dim}d), not {name} "
                f"({dim}d)", fix=REBUILD
            )

    def is_current(self) -> bool:
        """Whether this reader still shows the live generation."""
        try:
            return current_generation(self.index_dir) == self.generation
        except Exception:
            return True

    def scope(self, filters: Filters) -> Scope:
        """The passages `filters` leave in this generation (resolved once per filter)."""
        if filters not in self._scopes:
            if len(self._scopes) >= 8:  # a long session of changing filters: keep the temp tables few
                self._scopes.clear()
            table = f"scope_{len(self._scopes)}"
            self._scopes[filters] = resolve(self.db, filters, self.manifest.passages, table)
        return self._scopes[filters]

    def dense_search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Passage ids and cosine scores of the k nearest passages (of those in `scope`, when given)."""
        total = self.vectors.ntotal if scope is None else len(scope.ids)
        if total == 0:
            return []
        allowed = None if scope is None else scope.ids
        scores, ids = vector_index.search(self.vectors, vector, min(k, total), allowed, scope.share if scope else 1.0)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def lexical_search(
        self, question: str, k: int, config: RetrievalConfig = DEFAULT.retrieval, scope: Scope | None = None
    ) -> list[tuple[int, float]]:
        """Passage ids and BM25 scores (higher is better) of the k best lexical matches (common words
        left out on large indexes, as `config` says), among the passages in `scope` when given."""
        words = query_words(question)
        if self.manifest.passages >= config.common_words_above:
            # Ranking every passage that has a word found in one passage of ten costs most of a
            # large index's search time and moves its top ten little (0.94 overlap at 100k).
            counts = self.document_frequencies(words)
            rare = [w for w in words if counts[w] <= config.common_share * self.manifest.passages]
            words = rare or sorted(words, key=counts.__getitem__)[:1]
        query = fts_query(words)
        if not query:
            return []
        within = "" if scope is None else f"AND {scope.condition()} "
        rows = self.db.execute(
            f"SELECT rowid, -bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ? {within}"
            "ORDER BY bm25(passages_fts) LIMIT ?",
            (query, k),
        ).fetchall()
        return [(int(rowid), float(score)) for rowid, score in rows]

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages contain each term, stemmed as the lexical index stems (cached)."""
        counts = {}
        for term in terms:
            if term not in self._frequencies:
                try:
                    row = self.db.execute(
                        "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?",
                        ('"' + term.replace('"', '""') + '"',),
                    ).fetchone()
                except sqlite3.OperationalError:  # a term FTS5 cannot parse matches nothing
                    row = (0,)
                self._frequencies[term] = int(row[0])
            counts[term] = self._frequencies[term]
        return counts

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Fetch passages (with their documents' titles and metadata) by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT p.id, p.path, p.part, d.title, p.start, p.end, p.line, p.text, p.raw, p.page, "
            f"d.published, d.outlet, d.author, d.url FROM passages p "
            f"LEFT JOIN documents d ON d.path = p.path AND d.part = p.part WHERE p.id IN ({marks})",
            list(ids),
        ).fetchall()
        return {row[0]: Passage(*row[1:8], row[0], row[8], row[9], Meta(*row[10:14])) for row in rows}

    def passages_at(self, path: str, start: int, end: int) -> list[Passage]:
        """The passages of a file that overlap text[start:end], in order."""
        ids = [row[0] for row in self.db.execute(
            "SELECT id FROM passages WHERE path = ? AND start < ? AND end > ? ORDER BY start",
            (path, max(end, start + 1), start))]
        found = self.passages(ids)
        return [found[i] for i in ids if i in found]

    def file_text(self, path: str) -> tuple[str, str] | None:
        """A file's text as indexed (decoded, or extracted from a page, feed, PDF or export) and its kind."""
        row = self.db.execute("SELECT kind, text FROM texts WHERE path = ?", (path,)).fetchone()
        return (zlib.decompress(row[1]).decode("utf-8", "surrogatepass"), row[0]) if row else None

    def vectors_of(self, ids: Sequence[int]) -> np.ndarray:
        """Stored vectors of the given passage ids, in order."""
        return vector_index.reconstruct(self.vectors, ids)

    def documents(self) -> list[tuple[str, int, str | None, str | None]]:
        """All documents as (path, part, title, outlet)."""
        return self.db.execute("SELECT path, part, title, outlet FROM documents ORDER BY path, part").fetchall()

    def close(self) -> None:
        self.db.close()
