"""What an index folder owns: the only names an update may create, replace or delete there."""

from __future__ import annotations

import errno
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexWriteError, InputError

GENERATION = re.compile(r"gen-\d+")
# Names the index writes at its top level; a folder holding anything else is not (only) an index.
TOP_NAMES = frozenset({"CURRENT", "CURRENT.tmp", "lock", "query-model", "query-model.tmp", "segments"})
# Files inside a generation (format 3: the manifest alone; format 2 held the data too), SQLite's transient
# companions included.
GENERATION_FILES = frozenset({
    "index.sqlite", "vectors.faiss", "manifest.json",
    "index.sqlite-journal", "index.sqlite-wal", "index.sqlite-shm",
})
SEGMENT = re.compile(r"seg-\d+")
SEGMENT_FILES = frozenset({"index.sqlite", "vectors.faiss", "lengths.npy", "index.sqlite-journal",
                           "index.sqlite-wal", "index.sqlite-shm",
                           "terms.json", "term_offsets.npy", "term_rows.npy", "term_counts.npy", "vectors.spool", "term_rows.tmp", "term_counts.tmp",
                           "vectors.f16.npy"})


def _ours(path: Path, name: re.Pattern[str], files: frozenset[str]) -> bool:
    """Whether `path` is a real folder named like ours holding only files we write (a user's `gen-2024` is not)."""
    if not (name.fullmatch(path.name) and path.is_dir() and not path.is_symlink()):
        return False
    try:
        return all(child.name in files and child.is_file() for child in path.iterdir())
    except OSError:
        return False


def is_generation(path: Path) -> bool:
    """Whether `path` is a generation folder this tool wrote."""
    return _ours(path, GENERATION, GENERATION_FILES)


def is_segment(path: Path) -> bool:
    """Whether `path` is a segment folder this tool wrote (under the index's `segments/`)."""
    return _ours(path, SEGMENT, SEGMENT_FILES)


def check_target(folder: Path) -> None:
    """Refuse, before anything is written, a target that is a file, unwritable, or someone else's folder."""
    try:
        if not folder.exists():
            return  # created by the update
        if not folder.is_dir():
            raise InputError(f"index folder {folder} is a file", fix="give a folder for the index")
        entries = list(folder.iterdir())
    except OSError as error:
        raise InputError(f"cannot use index folder {folder}: {error.strerror or error}") from None
    foreign = [entry.name for entry in entries
               if entry.name not in TOP_NAMES and not is_generation(entry)]
    if foreign and not (folder / "CURRENT").is_file():
        # Writing here could prune the user's own `gen-…` folders; an index lives in a folder of its own.
        raise InputError(f"{folder} is not empty and not an index (it holds {foreign[0]!r})",
                         fix="give a new or empty folder for the index")


def os_error(error: OSError, folder: Path) -> IndexWriteError:
    """A failed write to the index folder as one line: why, and that the live index is intact."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exhausted",
              errno.EACCES: "permission denied", errno.EROFS: "the file system is read-only",
              errno.ENAMETOOLONG: "a path is too long"}.get(error.errno or 0, error.strerror or str(error))
    return IndexWriteError(f"cannot write the index in {folder}: {reason}; the previous index is unchanged")


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Failures to write the index folder as one line; the generation being built is already abandoned."""
    try:
        yield
    except OSError as error:
        raise os_error(error, folder) from error
    except sqlite3.OperationalError as error:
        if "full" not in str(error):
            raise
        raise IndexWriteError(f"cannot write the index in {folder}: the disk is full; "
                              "the previous index is unchanged") from error
