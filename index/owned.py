"""What an index folder owns: the only names an update may create, replace or delete there."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexWriteError, InputError
from index.index_path import check_folder
from index.json_input import load_json
from index.manifest import DEEPEST, MANIFEST_NAME

GENERATION = re.compile(r"gen-\d+")
# Written first into every index folder this tool creates: only a folder holding it is ever written into
# or cleaned. Names alone prove nothing (a user's `gen-000001/manifest.json` looked like ours and was removed).
MARKER = "NEWSQA-INDEX"
MARKER_TEXT = "This folder is a newsqa index: `qa index` writes, replaces and deletes files in it.\n"
# Files inside a generation (format 3: the manifest alone; format 2 held the data too), SQLite's transient
# companions included.
GENERATION_FILES = frozenset({
    "index.sqlite", "vectors.faiss", "manifest.json",
    "index.sqlite-journal", "index.sqlite-wal", "index.sqlite-shm",
})
SEGMENT = re.compile(r"seg-\d+")
SEGMENT_FILES = frozenset({"index.sqlite", "vectors.faiss", "lengths.npy", "index.sqlite-journal",
                           "index.sqlite-wal", "index.sqlite-shm",
                           "terms.json", "term_offsets.npy", "term_rows.npy", "term_counts.npy", "vectors.spool", "term_ids.tmp", "term_rows.tmp", "term_counts.tmp",
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


def owns(folder: Path) -> bool:
    """Whether `folder` carries the marker of an index folder this tool created (or adopted)."""
    try:
        return (folder / MARKER).is_file()
    except OSError:
        return False


def _legacy_index(folder: Path) -> bool:
    """Whether an unmarked folder is an index an earlier newsqa built: a valid CURRENT naming a generation
    of ours whose manifest is newsqa's. Such a folder is adopted (marked) by the next update."""
    try:
        name = (folder / "CURRENT").read_text(encoding="utf-8").strip()
        if not GENERATION.fullmatch(name) or not is_generation(folder / name):
            return False
        manifest = load_json(folder / name / MANIFEST_NAME, DEEPEST)
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"format_version", "model", "dim"} <= manifest.keys()


def check_target(folder: Path) -> None:
    """Refuse, before anything is written, a target that is a file, unwritable, or someone else's folder."""
    check_folder(folder)
    try:
        if not folder.exists():
            return  # created (and marked) by the update
        if not folder.is_dir():
            raise InputError(f"index folder {folder} is a file", fix="give a folder for the index")
        if owns(folder) or _legacy_index(folder):
            return
        # An empty lock is all an earlier version left of a first update that stopped before writing.
        foreign = [entry.name for entry in folder.iterdir()
                   if not (entry.name == "lock" and entry.is_file() and not entry.stat().st_size)]
    except OSError as error:
        raise InputError(f"cannot use index folder {folder}: {error.strerror or error}") from None
    if foreign:
        # Writing here could prune the user's own files; an index lives in a folder of its own.
        raise InputError(f"{folder} is not empty and not an index (it holds {foreign[0]!r} and no {MARKER} file)",
                         fix="give a new or empty folder for the index")


def claim(folder: Path) -> None:
    """Create the index folder if needed and mark it as ours, after `check_target` has accepted it."""
    check_target(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if owns(folder):
        return
    try:
        with open(folder / MARKER, "x", encoding="utf-8") as handle:
            handle.write(MARKER_TEXT)
            handle.flush()
            os.fsync(handle.fileno())
    except FileExistsError:
        pass  # another writer marked it first


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
