"""`qa check`: verify a whole index in full — every byte hashed, SQLite's pages, the vectors, the query model."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import vectors as vector_index
from index.postings import Postings
from index.errors import REBUILD, IndexDamagedError, IndexMissingError
from index.index_path import check_folder
from index.segment_reader import read_lengths
from index.segments import DB_NAME, VECTORS_NAME, SegmentInfo
from index.checksums import FULL_HASH_LIMIT, full_sha256
from index.store import current_generation, read_manifest, segment_folder

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


def _hash_files(files: list[tuple[Path, dict[str, object]]], progress: Progress | None) -> int:
    """Hash every file the manifest lists, whole, against the whole-file hash it recorded."""
    sizes = {path: path.stat().st_size if path.exists() else -1 for path, _ in files}
    total, done = sum(max(size, 0) for size in sizes.values()), 0
    for path, expected in files:
        if sizes[path] != expected.get("size"):
            raise _damaged(f"index file {path} is missing or has the wrong size")
        digest = full_sha256(path, lambda read: progress("verifying", done + read, total) if progress else None)
        done += sizes[path]
        # Small files record their whole hash as `sha256`; large ones (since whole hashes) as `full_sha256`.
        wanted = expected.get("full_sha256") or (expected.get("sha256") if sizes[path] <= FULL_HASH_LIMIT else None)
        if wanted is not None and digest != wanted:
            raise _damaged(f"index file {path} is damaged (its checksum does not match)")
    if progress:
        progress("verifying", total, total)
    return total


def _check_database(path: Path, dead: list[str]) -> tuple[int, int, set[int], set[int], int]:
    """SQLite's own full page check, then the counts and passage ids it holds."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise _damaged(f"index database {path} is malformed ({problems[0]})")
        documents = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        ids = {row[0] for row in db.execute("SELECT id FROM passages")}
        marks = ",".join("?" * len(dead))
        gone = {row[0] for row in db.execute(f"SELECT id FROM passages WHERE path IN ({marks})", dead)}
        dead_documents = db.execute(f"SELECT COUNT(*) FROM documents WHERE path IN ({marks})", dead).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise _damaged(f"index database {path} is malformed ({error})") from error
    finally:
        db.close()
    return documents, len(ids), ids, gone, dead_documents


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


def _check_segment(folder: Path, info: SegmentInfo, dim: int, dead: list[str]) -> tuple[int, int]:
    """One segment in full: its database, its vectors and lengths against its rows; its live documents and passages."""
    documents, passages, ids, gone, dead_documents = _check_database(folder / DB_NAME, dead)
    if (documents, passages) != (info.documents, info.passages):
        raise _damaged(f"index segment {folder} holds {documents} documents and {passages} passages, "
                       f"its manifest says {info.documents} and {info.passages}")
    try:
        vectors = vector_index.read(folder / VECTORS_NAME, mapped=False)
        lengths = read_lengths(folder, passages, mapped=False)
        Postings(folder, passages).verify()
    except (RuntimeError, OSError, ValueError) as error:
        raise _damaged(f"index segment {folder} is unreadable") from error
    if vectors.ntotal != passages or vectors.d != dim:
        raise _damaged(f"index segment {folder} has {vectors.ntotal} vectors for {passages} passages")
    stored: list[np.ndarray] = []
    for held, matrix in vector_index.chunks(vectors):  # a list at a time: a large segment never sits in memory
        stored.append(held)
        if not np.isfinite(matrix).all():
            raise _damaged(f"index file {folder / VECTORS_NAME} holds vectors that are not numbers")
    if set(np.concatenate(stored).tolist() if stored else []) != ids or set(lengths[0].tolist()) != ids:
        raise _damaged(f"index segment {folder} has passages without vectors, or vectors without passages")
    if vector_index.quantised(vectors):
        raw = folder / vector_index.RAW_NAME
        try:
            copies = np.load(raw, mmap_mode="r")
        except (OSError, ValueError) as error:
            raise _damaged(f"index file {raw} is unreadable") from error
        if copies.shape != (passages, dim) or not all(np.isfinite(chunk).all() for _, chunk in _rows(copies)):
            raise _damaged(f"index file {raw} does not match its segment's vectors")
    return documents - dead_documents, passages - len(gone)


def _rows(matrix: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    for start in range(0, len(matrix), vector_index.ADD_CHUNK):
        yield start, np.asarray(matrix[start : start + vector_index.ADD_CHUNK])


def check_index(index_dir: str | os.PathLike[str], progress: Progress | None = None) -> CheckReport:
    """Verify everything an index holds, in full; raise a one-line `IndexDamagedError` at the first fault."""
    folder = check_folder(Path(index_dir))
    generation = current_generation(folder)
    if generation is None:
        raise IndexMissingError(f"no index at {folder}", fix=f"build one with: qa index PATH --index {folder}")
    manifest = read_manifest(generation)
    infos = manifest.infos()
    hashed = _hash_files([(segment_folder(folder, info.name) / name, expected)
                          for info in infos for name, expected in info.checksums.items()], progress)
    documents = passages = 0
    for info in infos:
        found = _check_segment(segment_folder(folder, info.name), info, manifest.dim,
                               manifest.deleted.get(info.name, []))
        documents, passages = documents + found[0], passages + found[1]
    if (documents, passages) != (manifest.documents, manifest.passages):
        raise _damaged(f"index in {folder} holds {documents} documents and {passages} passages, "
                       f"its manifest says {manifest.documents} and {manifest.passages}")
    return CheckReport(generation.name, documents, passages, hashed, _check_query_model(folder))
