"""`qa check`: verify a whole index in full — every byte hashed, SQLite's pages, the vectors, the query model."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import vectors as vector_index
from index.errors import REBUILD, IndexDamagedError, IndexMissingError
from index.store import DB_NAME, FULL_HASH_LIMIT, VECTORS_NAME, current_generation, full_sha256, read_manifest

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CheckReport:
    """What `qa check` verified in an intact index."""

    generation: str
    documents: int
    passages: int
    bytes_hashed: int
    query_model: bool


def _damaged(what: str) -> IndexDamagedError:
    return IndexDamagedError(what, fix=REBUILD)


def _hash_files(generation: Path, checksums: dict[str, dict[str, object]], progress: Progress | None) -> int:
    """Hash every file the manifest lists, whole, against the whole-file hash it recorded."""
    sizes = {name: (generation / name).stat().st_size if (generation / name).exists() else -1 for name in checksums}
    total, done = sum(max(size, 0) for size in sizes.values()), 0
    for name, expected in checksums.items():
        path = generation / name
        if sizes[name] != expected.get("size"):
            raise _damaged(f"index file {path} is missing or has the wrong size")
        digest = full_sha256(path, lambda read: progress("verifying", done + read, total) if progress else None)
        done += sizes[name]
        # Small files record their whole hash as `sha256`; large ones (since whole hashes) as `full_sha256`.
        wanted = expected.get("full_sha256") or (expected.get("sha256") if sizes[name] <= FULL_HASH_LIMIT else None)
        if wanted is not None and digest != wanted:
            raise _damaged(f"index file {path} is damaged (its checksum does not match)")
    if progress:
        progress("verifying", total, total)
    return total


def _check_database(path: Path) -> tuple[int, int, set[int]]:
    """SQLite's own full page check, then the counts and passage ids it holds."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise _damaged(f"index database {path} is malformed ({problems[0]})")
        documents = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        ids = {row[0] for row in db.execute("SELECT id FROM passages")}
        indexed = db.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise _damaged(f"index database {path} is malformed ({error})") from error
    finally:
        db.close()
    if indexed != len(ids):
        raise _damaged(f"index database {path} has {indexed} searchable passages for {len(ids)} stored")
    return documents, len(ids), ids


def _check_query_model(index_dir: Path) -> bool:
    """The exported query model's files against their stamp; False when the index has none."""
    from index.onnx_embed import query_dir, read_stamp, sha256_file

    folder = query_dir(index_dir)
    stamp = read_stamp(folder)
    if stamp is None:
        return False
    for name, expected in stamp.digests().items():
        if not (folder / name).exists() or sha256_file(folder / name) != expected:
            raise _damaged(f"query model file {folder / name} is damaged")
    return True


def check_index(index_dir: str | os.PathLike[str], progress: Progress | None = None) -> CheckReport:
    """Verify everything an index holds, in full; raise a one-line `IndexDamagedError` at the first fault."""
    folder = Path(index_dir)
    generation = current_generation(folder)
    if generation is None:
        raise IndexMissingError(f"no index at {folder}", fix=f"build one with: qa index PATH --index {folder}")
    manifest = read_manifest(generation)
    hashed = _hash_files(generation, manifest.checksums, progress)
    documents, passages, ids = _check_database(generation / DB_NAME)
    if (documents, passages) != (manifest.documents, manifest.passages):
        raise _damaged(f"index in {folder} holds {documents} documents and {passages} passages, "
                       f"its manifest says {manifest.documents} and {manifest.passages}")
    try:
        vectors = vector_index.read(generation / VECTORS_NAME, mapped=False)
    except RuntimeError as error:
        raise _damaged(f"index file {generation / VECTORS_NAME} is unreadable") from error
    if vectors.ntotal != passages or vectors.d != manifest.dim:
        raise _damaged(f"index in {folder} has {vectors.ntotal} vectors for {passages} passages")
    stored, matrix = vector_index.contents(vectors)
    if set(stored.tolist()) != ids:
        raise _damaged(f"index in {folder} has passages without vectors, or vectors without passages")
    if not np.isfinite(matrix).all():
        raise _damaged(f"index file {generation / VECTORS_NAME} holds vectors that are not numbers")
    return CheckReport(generation.name, documents, passages, hashed, _check_query_model(folder))
