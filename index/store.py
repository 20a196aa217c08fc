"""The index folder: generations, each a list of immutable segments plus the files it has deleted.

An index folder holds `CURRENT`, naming the live generation folder (`gen-N/manifest.json`), and
`segments/` (see `index.segments`). Writers add a segment and write a new manifest, then switch
`CURRENT` atomically, so readers always see one whole generation.
"""

from __future__ import annotations

import os
import re
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from index import checksums, lexical
from index.checksums import text_hash  # noqa: F401 (the passage hash, imported from here by the engine and tests)
from index.errors import REBUILD, IndexDamagedError, IndexMismatchError, IndexMissingError, InputError
from index.index_path import check_folder
from index.manifest import FORMAT_VERSION, MANIFEST_NAME, Manifest, read_manifest  # noqa: F401 (imported from here too)
from index.models import Listed, Meta, Passage
from index.scope import Scope, resolve
from index.segment_reader import SegmentReader, Union
from index.segments import DB_NAME, SCHEMA, SEGMENTS_DIR, VECTORS_NAME, SegmentInfo  # noqa: F401 (names other modules import from here)
from index.filters import Filters

POINTER_NAME = "CURRENT"


def _meta(row: Sequence[object]) -> Meta:
    """A document's stored metadata: (published, outlet, author, url, date_assumed); NULLs where it has no row."""
    published, outlet, author, url, assumed = row
    return Meta(published, outlet, author, url, bool(assumed))  # type: ignore[arg-type]


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder named by CURRENT, or None if the index was never built."""
    pointer = index_dir / POINTER_NAME
    try:
        if not pointer.exists():
            return None
    except OSError as error:  # a folder that cannot be searched (permissions, a path the OS refuses)
        raise InputError(f"cannot use index folder {index_dir}: {error.strerror or error}") from None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""  # unreadable or binary garbage: damaged like any other bad pointer
    if not re.fullmatch(r"gen-\d+", name):
        raise IndexDamagedError(f"index pointer {pointer} is damaged", fix=REBUILD)
    return index_dir / name


def segment_folder(index_dir: Path, name: str) -> Path:
    return index_dir / SEGMENTS_DIR / name


def verify(generation: Path, manifest: Manifest, full: bool = False, only: set[str] | None = None) -> None:
    """Check every file of every segment a generation uses (or `only` those named): sampled when large, or `full`y."""
    for info in manifest.infos():
        if only is not None and info.name not in only:
            continue
        for name, expected in info.checksums.items():
            path = segment_folder(generation.parent, info.name) / name
            if not path.exists() or not checksums.matches(path, expected, full):
                raise IndexDamagedError(f"index file {path} is damaged or truncated", fix=REBUILD)


class IndexReader:
    """Read-only view of one generation: every live segment, searched as one index."""

    def __init__(self, index_dir: Path, generation: Path, manifest: Manifest) -> None:
        self.index_dir = index_dir
        self.generation = generation
        self.manifest = manifest
        self._frequencies: dict[str, int] = {}
        self._accepted: tuple[str, int] | None = None  # the model check_model last accepted
        self._scopes: dict[Filters, Scope] = {}  # a generation never changes: a batch's one filter is resolved once
        self.segments: list[SegmentReader] = []
        try:
            for info in manifest.infos():
                self.segments.append(SegmentReader(segment_folder(index_dir, info.name), info,
                                                   manifest.deleted.get(info.name, ())))
        except sqlite3.DatabaseError as error:
            self.close()
            raise IndexDamagedError(f"index in {index_dir} is damaged ({error})", fix=REBUILD) from error
        except BaseException:
            self.close()
            raise
        if self.vector_count != manifest.passages or any(s.vectors.d != manifest.dim for s in self.segments):
            self.close()
            raise IndexDamagedError(f"index in {index_dir} is inconsistent", fix=REBUILD)
        self.db = Union(self.segments)

    @classmethod
    def open(cls, index_dir: str | os.PathLike[str], check: bool = True) -> IndexReader:
        """Open the live generation of an index folder, verifying it first."""
        folder = check_folder(Path(index_dir))
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

    @property
    def vector_count(self) -> int:
        """Live vectors over all segments (one per live passage)."""
        return sum(s.vectors.ntotal - len(s.dead) for s in self.segments)

    def count(self, table: str) -> int:
        """Live rows of `files`, `documents`, `texts` or `passages` over all segments."""
        return sum(s.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for s in self.segments)

    def check_model(self, name: str, dim: int) -> None:
        """Refuse to query an index whose vectors come from another model (checked once per model and reader)."""
        if self._accepted == (name, dim):
            return
        if (self.manifest.model, self.manifest.dim) != (name, dim):
            raise IndexMismatchError(
                f"index was built with {self.manifest.model} ({self.manifest.dim}d), not {name} "
                f"({dim}d)", fix=REBUILD
            )
        self._accepted = (name, dim)

    def is_current(self) -> bool:
        """Whether this reader still shows the live generation."""
        try:
            return current_generation(self.index_dir) == self.generation
        except Exception:
            return True

    def scope(self, filters: Filters) -> Scope:
        """The passages `filters` leave in this generation (resolved once per filter)."""
        if filters not in self._scopes:
            if len(self._scopes) >= 8:  # a long session of changing filters: keep a few
                self._scopes.clear()
            self._scopes[filters] = resolve(self.segments, filters, self.manifest.passages)
        return self._scopes[filters]

    def dense_search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Passage ids and cosine scores of the k nearest passages (of those in `scope`, when given)."""
        found: list[tuple[int, float]] = []
        for number, segment in enumerate(self.segments):
            allowed = None if scope is None else scope.parts[number]
            share = 1.0 if allowed is None else len(allowed) / max(segment.live, 1)
            found += segment.dense(vector, k, allowed, share, self.manifest.config.rerank)
        # Ties as FAISS's heaps order them (the larger id first), so one segment ranks as FAISS alone did
        # and several segments keep the same k hits as one would.
        return sorted(found, key=lambda hit: (-hit[1], -hit[0]))[:k]

    def lexical_search(self, terms: Sequence[str], k: int, scope: Scope | None = None) -> list[tuple[int, float]]:
        """Passage ids and BM25 scores (higher is better) of the k best matches of `terms` (index tokens,
        each counted once per occurrence), among the passages in `scope` when given."""
        return lexical.search(self.segments, terms, k, None if scope is None else scope.ids, self.manifest.config)

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages contain each term, stemmed as the lexical index stems (cached)."""
        missing = [term for term in terms if term not in self._frequencies]
        self._frequencies.update(lexical.frequencies(self.segments, missing))
        return {term: self._frequencies[term] for term in terms}

    def held_by_documents(self, words: Sequence[str], ids: Sequence[int]) -> dict[int, frozenset[str]]:
        """For each passage id, which of `words` its whole document holds (in any of its passages)."""
        wanted = np.asarray(list(ids), dtype=np.int64)
        held: dict[int, frozenset[str]] = {}
        for segment in self.segments:
            mine = wanted[segment.holds(wanted)].tolist() if len(wanted) and words else []
            if not mine:
                continue
            # Each candidate's sibling passages (a document lives in one segment), then each word's postings among them.
            rows = segment.db.execute(
                f"SELECT p.id, q.id FROM passages p JOIN passages q ON q.path = p.path AND q.part = p.part "
                f"WHERE p.id IN ({','.join('?' * len(mine))})", mine).fetchall()
            siblings = np.asarray([sibling for _, sibling in rows], dtype=np.int64)
            owners = np.asarray([owner for owner, _ in rows], dtype=np.int64)
            found: dict[int, set[str]] = {pid: set() for pid in mine}
            for word in dict.fromkeys(words):
                posting_rows, _ = segment.postings(lexical.tokenizer.stem(word))
                inside = np.isin(siblings, np.asarray(segment.ids)[posting_rows])
                for owner in set(owners[inside].tolist()):
                    found[owner].add(word)
            held.update({pid: frozenset(words_held) for pid, words_held in found.items()})
        return held

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Fetch passages (with their documents' titles and metadata) by id."""
        wanted = np.asarray(list(ids), dtype=np.int64)
        found: dict[int, Passage] = {}
        for segment in self.segments:
            mine = wanted[segment.holds(wanted)].tolist() if len(wanted) else []
            if not mine:
                continue
            rows = segment.db.execute(
                f"SELECT p.id, p.path, p.part, d.title, p.start, p.end, p.line, p.text, p.raw, p.page, "
                f"d.published, d.outlet, d.author, d.url, d.date_assumed FROM passages p "
                f"LEFT JOIN documents d ON d.path = p.path AND d.part = p.part "
                f"WHERE p.id IN ({','.join('?' * len(mine))})", mine).fetchall()
            found.update({row[0]: Passage(*row[1:8], row[0], row[8], row[9], _meta(row[10:15])) for row in rows})
        return found

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
        wanted = np.asarray(list(ids), dtype=np.int64)
        out = np.zeros((len(wanted), self.manifest.dim), dtype=np.float32)
        for segment in self.segments:
            mask = segment.holds(wanted)
            if mask.any():
                out[mask] = segment.stored(wanted[mask])
        return out

    def listing(self) -> list[Listed]:
        """Every document with its date, outlet, file format and passage count, newest first (undated last)."""
        rows = self.db.execute(
            "SELECT d.path, d.part, d.title, d.published, d.outlet, COALESCE(t.kind, 'text'), "
            "(SELECT COUNT(*) FROM passages p WHERE p.path = d.path AND p.part = d.part), d.date_assumed "
            "FROM documents d LEFT JOIN texts t ON t.path = d.path").fetchall()
        listed = [Listed(*row[:7], bool(row[7])) for row in rows]
        dated = sorted((d for d in listed if d.published), key=lambda d: (d.published or "", d.path, d.part), reverse=True)
        return dated + sorted((d for d in listed if not d.published), key=lambda d: (d.path, d.part))

    def undated(self) -> int:
        """How many documents state no date that could be read."""
        # One count per segment (`Union`): summed, or a later update's documents would go uncounted.
        return sum(row[0] for row in self.db.execute("SELECT COUNT(*) FROM documents WHERE published IS NULL"))

    def assumed(self) -> int:
        """How many documents are dated with a year they did not state (index/year.py)."""
        return sum(row[0] for row in self.db.execute(
            "SELECT COUNT(*) FROM documents WHERE published IS NOT NULL AND date_assumed"))

    def documents(self) -> list[tuple[str, int, str | None, str | None]]:
        """All documents as (path, part, title, outlet)."""
        return sorted(self.db.execute("SELECT path, part, title, outlet FROM documents").fetchall())

    def close(self) -> None:
        for segment in self.segments:
            segment.close()
