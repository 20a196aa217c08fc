"""A segment's lexical postings as plain arrays: for each stemmed term, the rows holding it and how often.

Built when the segment is sealed, from the passages' own text through index/words.py (`terms`), the same
function a question goes through, so index and query tokenise alike by construction (as bm25s does; until
format 5 FTS5 tokenised the passages and words.py copied its Porter stemmer byte for byte). One slice per
term: the rows (positions in the segment's sorted id list, so lengths and ids are plain indexing) and the
term count in each row. Files: `terms.json` (sorted terms), `term_offsets.npy` (int64, one more than terms),
`term_rows.npy` (uint32) and `term_counts.npy` (uint16, saturating: a passage holding a word 65,535 times
scores as if it held it that often).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from index import words
from index.errors import REBUILD, IndexDamagedError
from index.json_input import load_json

TERMS_NAME = "terms.json"
OFFSETS_NAME = "term_offsets.npy"
ROWS_NAME = "term_rows.npy"
COUNTS_NAME = "term_counts.npy"
FILES = (TERMS_NAME, OFFSETS_NAME, ROWS_NAME, COUNTS_NAME)
SCRATCH = {"terms": "term_ids.tmp", "rows": "term_rows.tmp", "counts": "term_counts.tmp"}  # while a segment is sealed
EMPTY_ROWS = np.zeros(0, dtype=np.uint32)
EMPTY_COUNTS = np.zeros(0, dtype=np.uint16)
CHUNK = 20_000  # passages tokenised per batch: their postings are sorted in memory, then spooled to disk
COPY = 2**22  # values copied at a time between scratch and final arrays


def _batches(texts: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def write(texts: Iterable[str], folder: Path) -> np.ndarray:
    """Tokenise the segment's passage texts (in id order) once, store their postings; returns each one's length.

    A batch's (row, term) pairs are counted with one sort, then spooled; at the end every posting is ordered by
    term with a stable sort, so rows stay ascending within a term. Memory is the batch, plus an order of the
    whole segment's postings (8 bytes each: ~0.5 GB at 1M passages).
    """
    by_token: dict[str, int] = {}  # token: term number (tokens are many more than terms; stemming each once)
    by_term: dict[str, int] = {}  # stemmed term: its number, in order of first sight
    lengths: list[int] = []
    row = 0
    with open(folder / SCRATCH["terms"], "wb") as spool_terms, open(folder / SCRATCH["rows"], "wb") as spool_rows, \
            open(folder / SCRATCH["counts"], "wb") as spool_counts:
        for batch in _batches(texts):
            split = [words.tokens(text) for text in batch]
            sizes = [len(found) for found in split]
            flat = [token for found in split for token in found]
            for token in set(flat).difference(by_token):
                by_token[token] = by_term.setdefault(words.stem(token), len(by_term))
            numbers = np.fromiter(map(by_token.__getitem__, flat), dtype=np.int64, count=len(flat))
            rows = np.repeat(np.arange(row, row + len(batch), dtype=np.int64), sizes)
            pairs, counts = np.unique(rows << 32 | numbers, return_counts=True)  # ordered by row, then term
            (pairs & 0xFFFFFFFF).astype(np.uint32).tofile(spool_terms)
            (pairs >> 32).astype(np.uint32).tofile(spool_rows)
            np.minimum(counts, 65535).astype(np.uint16).tofile(spool_counts)
            lengths += sizes
            row += len(batch)
    names = sorted(by_term)
    rank = np.zeros(len(by_term), dtype=np.uint32)
    rank[[by_term[name] for name in names]] = np.arange(len(names), dtype=np.uint32)
    spooled = np.fromfile(folder / SCRATCH["terms"], dtype=np.uint32)
    (folder / SCRATCH["terms"]).unlink()
    sorted_terms = rank[spooled]
    del spooled
    order = np.argsort(sorted_terms, kind="stable")
    offsets = np.zeros(len(names) + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_terms, minlength=len(names)), out=offsets[1:])
    del sorted_terms
    (folder / TERMS_NAME).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    np.save(folder / OFFSETS_NAME, offsets)
    for scratch, name, dtype in ((SCRATCH["rows"], ROWS_NAME, np.uint32), (SCRATCH["counts"], COUNTS_NAME, np.uint16)):
        _ordered(folder / scratch, folder / name, dtype, order)
    return np.array(lengths, dtype=np.int64)


def _ordered(scratch: Path, path: Path, dtype: type, order: np.ndarray) -> None:
    """A scratch file of raw values as an .npy file in `order`, a chunk at a time; the scratch file is removed."""
    values = np.memmap(scratch, dtype=dtype, mode="r") if scratch.stat().st_size else np.zeros(0, dtype=dtype)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(len(order),))
    for start in range(0, len(order), COPY):
        out[start : start + COPY] = values[order[start : start + COPY]]
    out.flush()
    del out, values
    scratch.unlink()


def _damaged(folder: Path, what: str) -> IndexDamagedError:
    return IndexDamagedError(f"postings in {folder} {what}", fix=REBUILD)


def _integers(array: np.ndarray, folder: Path, name: str) -> np.ndarray:
    """A stored array, refused unless it is one-dimensional integers (a crafted file may hold anything)."""
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise _damaged(folder, f"have a malformed {name}")
    return array


def read_terms(path: Path) -> list[str]:
    """The sorted term list: a flat JSON list of strings, its nesting bounded before it is parsed."""
    try:
        terms = load_json(path, deepest=1)
    except (OSError, ValueError) as error:
        raise _damaged(path.parent, "have an unreadable term list (or one that is not a flat list)") from error
    if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
        raise _damaged(path.parent, "have a term list that is not a list of words")
    return terms


class Postings:
    """A sealed segment's postings, memory-mapped; the term list is read on the first lookup.

    A crafted index must fail as damage, never as a traceback: the arrays' shapes and types are checked
    when opened (cheap, whatever the size), and each lookup's offsets and rows against their bounds.
    """

    def __init__(self, folder: Path, passages: int) -> None:
        self.folder, self.passages = folder, passages
        self.offsets = _integers(np.load(folder / OFFSETS_NAME, mmap_mode="r"), folder, OFFSETS_NAME)
        self.rows = _integers(np.load(folder / ROWS_NAME, mmap_mode="r"), folder, ROWS_NAME)
        self.counts = _integers(np.load(folder / COUNTS_NAME, mmap_mode="r"), folder, COUNTS_NAME)
        self._terms: dict[str, int] | None = None
        if len(self.offsets) < 1 or self.offsets[0] != 0 or self.offsets[-1] != len(self.rows) or (
                len(self.rows) != len(self.counts)):
            raise _damaged(folder, "are inconsistent")

    def _number(self, term: str) -> int | None:
        if self._terms is None:
            listed = read_terms(self.folder / TERMS_NAME)
            if len(listed) != len(self.offsets) - 1:
                raise _damaged(self.folder, "are inconsistent")
            self._terms = {word: number for number, word in enumerate(listed)}
        return self._terms.get(term)

    def verify(self) -> None:
        """Check every array in full (`qa check`): raise IndexDamagedError naming the first fault."""
        self._number("")  # reads and counts the term list
        if (np.diff(self.offsets) < 0).any():
            raise _damaged(self.folder, "have offsets out of order")
        if len(self.rows) and int(self.rows.max()) >= self.passages:
            raise _damaged(self.folder, f"point past the segment's {self.passages} passages")
        if len(self.counts) and int(self.counts.min()) < 1:
            raise _damaged(self.folder, "hold a zero count")

    def _span(self, number: int) -> tuple[int, int]:
        """The slice of a term's postings, refused unless it lies inside the arrays."""
        start, end = int(self.offsets[number]), int(self.offsets[number + 1])
        if not 0 <= start <= end <= len(self.rows):
            raise _damaged(self.folder, "have offsets out of range")
        return start, end

    def of(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding a stemmed term (dead ones included) and its count in each."""
        number = self._number(term)
        if number is None:
            return EMPTY_ROWS, EMPTY_COUNTS
        start, end = self._span(number)
        rows = self.rows[start:end]
        if end > start and int(rows.max()) >= self.passages:  # the slice is read by the caller anyway
            raise _damaged(self.folder, f"point past the segment's {self.passages} passages")
        return rows, self.counts[start:end]

    def frequency(self, term: str) -> int:
        """How many rows hold a stemmed term (dead ones included)."""
        number = self._number(term)
        if number is None:
            return 0
        start, end = self._span(number)
        return end - start
