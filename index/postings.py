"""A segment's lexical postings as plain arrays: for each stemmed term, the rows holding it and how often.

FTS5 stays the tokenizer (porter unicode61) and the reference, but reading its postings at query time
(the `fts5vocab` instance table, one row per occurrence, through SQL) cost 51 ms a question at 1M
passages. The same postings, read once when the segment is sealed and stored as memory-mapped arrays,
are one slice per term: the rows (positions in the segment's sorted id list, so lengths and ids are
plain indexing) and the term count in each row. Files: `terms.json` (sorted terms), `term_offsets.npy`
(int64, one more than terms), `term_rows.npy` (uint32) and `term_counts.npy` (uint16, saturating: a
passage holding a word 65,535 times scores as if it held it that often).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np

TERMS_NAME = "terms.json"
OFFSETS_NAME = "term_offsets.npy"
ROWS_NAME = "term_rows.npy"
COUNTS_NAME = "term_counts.npy"
FILES = (TERMS_NAME, OFFSETS_NAME, ROWS_NAME, COUNTS_NAME)
ROWS_SCRATCH, COUNTS_SCRATCH = "term_rows.tmp", "term_counts.tmp"  # while a segment is sealed
EMPTY_ROWS = np.zeros(0, dtype=np.uint32)
EMPTY_COUNTS = np.zeros(0, dtype=np.uint16)


def write(db: sqlite3.Connection, ids: np.ndarray, folder: Path) -> None:
    """Read every term's postings out of the segment's FTS5 table once and store them as arrays."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.seal_instances USING fts5vocab(main, passages_fts, 'instance')")
    terms: list[str] = []
    offsets = [0]
    # Each term's arrays go straight to a scratch file: at 1M passages they are ~360 MB, never held at once.
    with open(folder / ROWS_SCRATCH, "wb") as rows, open(folder / COUNTS_SCRATCH, "wb") as counts:
        # fts5vocab yields instances ordered by term, then passage: GROUP BY streams without a sort (EXPLAIN: SCAN).
        for term, text in db.execute("SELECT term, group_concat(doc, ' ') FROM temp.seal_instances GROUP BY term"):
            occurrences = np.array(text.split(), dtype=np.int64)
            starts = np.flatnonzero(np.r_[True, occurrences[1:] != occurrences[:-1]])
            held = occurrences[starts]
            terms.append(term)
            np.searchsorted(ids, held).astype(np.uint32).tofile(rows)
            np.minimum(np.diff(np.r_[starts, len(occurrences)]), 65535).astype(np.uint16).tofile(counts)
            offsets.append(offsets[-1] + len(held))
    db.execute("DROP TABLE temp.seal_instances")
    (folder / TERMS_NAME).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    np.save(folder / OFFSETS_NAME, np.array(offsets, dtype=np.int64))
    for scratch, name, dtype in ((ROWS_SCRATCH, ROWS_NAME, np.uint32), (COUNTS_SCRATCH, COUNTS_NAME, np.uint16)):
        _npy_from(folder / scratch, folder / name, dtype)


def _npy_from(scratch: Path, path: Path, dtype: type) -> None:
    """A scratch file of raw values as an .npy file, copied a chunk at a time; the scratch file is removed."""
    count = scratch.stat().st_size // np.dtype(dtype).itemsize
    out = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(count,))
    with open(scratch, "rb") as handle:
        for start in range(0, count, 2**22):
            chunk = np.fromfile(handle, dtype=dtype, count=min(2**22, count - start))
            out[start : start + len(chunk)] = chunk
    out.flush()
    del out
    scratch.unlink()


class Postings:
    """A sealed segment's postings, memory-mapped; the term list is read on the first lookup."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.offsets = np.load(folder / OFFSETS_NAME, mmap_mode="r")
        self.rows = np.load(folder / ROWS_NAME, mmap_mode="r")
        self.counts = np.load(folder / COUNTS_NAME, mmap_mode="r")
        self._terms: dict[str, int] | None = None
        if len(self.offsets) < 1 or self.offsets[-1] != len(self.rows) or len(self.rows) != len(self.counts):
            raise ValueError(f"postings in {folder} are inconsistent")

    def _number(self, term: str) -> int | None:
        if self._terms is None:
            listed = json.loads((self.folder / TERMS_NAME).read_text(encoding="utf-8"))
            if len(listed) != len(self.offsets) - 1:
                raise ValueError(f"postings in {self.folder} are inconsistent")
            self._terms = {word: number for number, word in enumerate(listed)}
        return self._terms.get(term)

    def verify(self, passages: int) -> None:
        """Check every array in full (`qa check`): raise ValueError naming the first fault."""
        self._number("")  # reads and counts the term list
        if (np.diff(self.offsets) < 0).any() or self.offsets[0] != 0:
            raise ValueError(f"postings in {self.folder} have offsets out of order")
        if len(self.rows) and int(self.rows.max()) >= passages:
            raise ValueError(f"postings in {self.folder} point past the segment's {passages} passages")
        if len(self.counts) and int(self.counts.min()) < 1:
            raise ValueError(f"postings in {self.folder} hold a zero count")

    def of(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding a stemmed term (dead ones included) and its count in each."""
        number = self._number(term)
        if number is None:
            return EMPTY_ROWS, EMPTY_COUNTS
        start, end = int(self.offsets[number]), int(self.offsets[number + 1])
        return self.rows[start:end], self.counts[start:end]

    def frequency(self, term: str) -> int:
        """How many rows hold a stemmed term (dead ones included)."""
        number = self._number(term)
        return 0 if number is None else int(self.offsets[number + 1] - self.offsets[number])
