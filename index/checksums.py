"""Checksums of index files: size and sha256 (sampled at both ends when large), whole-file hashes, and
the content hash each passage's text is stored with."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

FULL_HASH_LIMIT = 64 * 2**20  # above this, check size and sampled hash so opening stays fast
SAMPLE_BYTES = 2**22  # hashed at each end of a file above FULL_HASH_LIMIT


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


def matches(path: Path, expected: dict[str, object], full: bool) -> bool:
    """Whether a file still has the checksum a manifest recorded (its whole hash too, when `full`)."""
    actual = file_checksum(path)
    if (actual["size"], actual["sha256"]) != (expected.get("size"), expected.get("sha256")):
        return False
    if not full or "full_sha256" not in expected:
        # A large file of an index written before whole-file hashes: SQLite checks its own pages.
        return not full or path.suffix != ".sqlite" or sqlite_intact(path)
    return full_sha256(path) == expected["full_sha256"]


def sqlite_intact(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()
