"""One segment opened for reading: its live rows (tombstones hidden), postings, lengths and vectors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import faiss
import numpy as np

from index import vectors as vector_index
from index.postings import Postings
from index.errors import REBUILD, IndexDamagedError
from index.segments import DB_NAME, LENGTHS_NAME, TABLES, VECTORS_NAME, SegmentInfo

EMPTY = np.zeros(0, dtype=np.int64)


def read_lengths(folder: Path, passages: int, mapped: bool = True) -> np.ndarray:
    """`lengths.npy`: a 2 × passages integer array (ids, token counts), refused as damage in any other shape."""
    lengths = np.load(folder / LENGTHS_NAME, mmap_mode="r" if mapped else None)
    if lengths.ndim != 2 or lengths.shape != (2, passages) or lengths.dtype.kind not in "iu":
        raise IndexDamagedError(f"index file {folder / LENGTHS_NAME} does not match its segment's "
                                f"{passages} passages", fix=REBUILD)
    return lengths


class SegmentReader:
    """Read-only view of one segment as one generation sees it: its tombstoned files left out."""

    def __init__(self, folder: Path, info: SegmentInfo, dead_paths: Iterable[str] = ()) -> None:
        self.folder, self.info = folder, info
        self.dead_paths = frozenset(dead_paths)
        self.db = sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True, check_same_thread=False)
        try:
            self.vectors = vector_index.read(folder / VECTORS_NAME)
            lengths = read_lengths(folder, info.passages)
            self.terms = Postings(folder, info.passages)
            # Product-quantised segments keep float16 vectors beside the codes: hits are re-scored from them.
            self.raw = (np.load(folder / vector_index.RAW_NAME, mmap_mode="r")
                        if vector_index.quantised(self.vectors) else None)
        except (RuntimeError, OSError, ValueError) as error:  # FAISS reports unreadable files as RuntimeError
            self.db.close()
            raise IndexDamagedError(f"index segment {folder} is unreadable", fix=REBUILD) from error
        except BaseException:
            self.db.close()
            raise
        self.ids, self.lengths = lengths[0], lengths[1]
        if not (self.vectors.ntotal == len(self.ids) == info.passages) or (self.raw is not None and (
                self.raw.shape != (info.passages, self.vectors.d) or self.raw.dtype.kind != "f")):
            self.db.close()
            raise IndexDamagedError(f"index segment {folder} is inconsistent", fix=REBUILD)
        self.dead = EMPTY
        self.alive: np.ndarray | None = None  # by row, only when some rows are dead
        if self.dead_paths:
            self._hide()
            if not self.holds(self.dead).all():  # the database's rows and the arrays' ids disagree
                self.db.close()
                raise IndexDamagedError(f"index segment {folder} is inconsistent", fix=REBUILD)
            if len(self.dead):
                self.alive = np.ones(len(self.ids), dtype=bool)
                self.alive[np.searchsorted(self.ids, self.dead)] = False
        self.live = info.passages - len(self.dead)
        self.live_tokens = info.tokens - int(self.lengths_of(self.dead).sum())

    def _hide(self) -> None:
        """Temporary views named like the tables, which SQLite resolves before `main`: rows of dead files vanish."""
        self.db.execute("CREATE TEMP TABLE dead(path TEXT PRIMARY KEY)")
        self.db.executemany("INSERT INTO temp.dead VALUES (?)", ((p,) for p in sorted(self.dead_paths)))
        for table in TABLES:
            self.db.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} "
                            "WHERE path NOT IN (SELECT path FROM temp.dead)")
        self.dead = np.fromiter((row[0] for row in self.db.execute(
            "SELECT id FROM main.passages WHERE path IN (SELECT path FROM temp.dead) ORDER BY id")), dtype=np.int64)

    def holds(self, ids: np.ndarray) -> np.ndarray:
        """Which of `ids` are passages of this segment (dead ones included)."""
        if not len(self.ids):
            return np.zeros(len(ids), dtype=bool)
        at = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        return np.asarray(self.ids)[at] == ids

    def lengths_of(self, ids: np.ndarray) -> np.ndarray:
        """Token counts (index/words.py `tokens`) of passages of this segment."""
        if not len(ids):
            return EMPTY
        return np.asarray(self.lengths)[np.searchsorted(self.ids, ids)]

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Live rows (positions in `ids`) holding a stemmed term, and how often each holds it."""
        rows, counts = self.terms.of(term)
        if self.alive is not None and len(rows):
            keep = self.alive[rows]
            return rows[keep], counts[keep]
        return rows, counts

    def frequency(self, term: str) -> int:
        """Passages holding a stemmed term (dead ones included: a merge drops them)."""
        return self.terms.frequency(term)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Rows of those of `ids` this segment holds."""
        return np.searchsorted(self.ids, ids[self.holds(ids)])

    def dense(self, vector: np.ndarray, k: int, allowed: np.ndarray | None, share: float,
              rerank: int) -> list[tuple[int, float]]:
        """The k nearest live passages (among `allowed`, when given); PQ codes shortlist rerank× k."""
        count = self.live if allowed is None else len(allowed)
        if count == 0:
            return []
        wanted = min(k * rerank if self.raw is not None else k, count)
        if allowed is not None:
            scores, ids = vector_index.search(self.vectors, vector, wanted, allowed, share)
        elif len(self.dead):
            scores, ids = vector_index.search_without(self.vectors, vector, wanted, self.dead)
        else:
            scores, ids = vector_index.search(self.vectors, vector, wanted)
        found, scores = ids[0][ids[0] >= 0], scores[0][ids[0] >= 0]
        if self.raw is not None and len(found):  # PQ scores only shortlist: the float16 vectors rank
            scores = self.stored(found) @ vector.astype(np.float32)
            best = np.lexsort((-found, -scores))[:k]
            found, scores = found[best], scores[best]
        return [(int(i), float(s)) for i, s in zip(found, scores)]

    def stored(self, ids: np.ndarray) -> np.ndarray:
        """The vectors of passages of this segment, in the order given."""
        if not self.holds(np.asarray(ids, dtype=np.int64)).all():  # ids FAISS or SQLite hold, but the arrays do not
            raise IndexDamagedError(f"index segment {self.folder} is inconsistent", fix=REBUILD)
        if self.raw is not None:
            return np.asarray(self.raw[np.searchsorted(self.ids, ids)], dtype=np.float32)
        return vector_index.reconstruct(self.vectors, [int(i) for i in ids])

    def vector_chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Every (ids, vectors) of this segment, dead ones included, a chunk at a time (for a merge)."""
        if self.raw is None:
            yield from vector_index.chunks(self.vectors)
            return
        for start in range(0, len(self.ids), vector_index.ADD_CHUNK):
            end = start + vector_index.ADD_CHUNK
            yield np.asarray(self.ids[start:end]), np.asarray(self.raw[start:end], dtype=np.float32)

    def kind(self) -> str:
        return vector_index.kind(self.vectors)

    def index(self) -> faiss.Index:
        return self.vectors

    def close(self) -> None:
        self.db.close()


class _Rows:
    """Rows gathered from every segment, read like a cursor."""

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows

    def fetchall(self) -> list[tuple]:
        return self.rows

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)


class Union:
    """`reader.db`: one statement run on each segment's live rows, the rows concatenated (aggregates stay per segment)."""

    def __init__(self, segments: Sequence[SegmentReader]) -> None:
        self.segments = segments

    def execute(self, sql: str, params: Sequence[object] = ()) -> _Rows:
        return _Rows([row for segment in self.segments for row in segment.db.execute(sql, params)])
