"""What an index holds, file by file and per format, and what changed between two of its generations.

`qa index` and `qa watch` report in these terms: the files newsqa read (those with something to cite),
never the file-system events or the files it skipped.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.errors import QAError
from index.store import IndexReader

# Formats in the order summaries list them, with their names (singular, plural).
FORMATS = (("text", "text", "text"), ("html", "web page", "web pages"), ("feed", "feed", "feeds"),
           ("pdf", "PDF", "PDFs"), ("records", "export", "exports"))
FORMAT_NAMES = {kind: singular for kind, singular, _ in FORMATS}


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`1 passage`, `2 passages`, `0 passages` (`plural` for irregular nouns)."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


@dataclass(frozen=True)
class Held:
    """One file the index holds: its name, content hash and format."""

    path: str
    sha256: str
    kind: str


@dataclass(frozen=True)
class Inventory:
    """An index's files (those with at least one document), its documents and its passages."""

    files: tuple[Held, ...] = ()
    documents: int = 0
    passages: int = 0

    def formats(self) -> tuple[tuple[str, int], ...]:
        """(format, files) for every format newsqa reads, in FORMATS order, zeros included."""
        kinds = [held.kind for held in self.files]
        return tuple((kind, kinds.count(kind)) for kind, _, _ in FORMATS)

    def summary(self) -> str:
        """`31 files: 25 text, 3 web pages, 1 feed, 1 PDF, 1 export → 41 documents, 43 passages`."""
        names = {kind: (singular, plural) for kind, singular, plural in FORMATS}
        parts = [counted(count, *names[kind]) for kind, count in self.formats() if count]
        held = f"{counted(len(self.files), 'file')}: {', '.join(parts)}" if parts else "0 files"
        return f"{held} → {counted(self.documents, 'document')}, {counted(self.passages, 'passage')}"


EMPTY = Inventory()


def inventory(index_dir: str | os.PathLike[str]) -> Inventory:
    """What the live generation holds; empty when there is no index (yet) to read."""
    try:
        reader = IndexReader.open(index_dir, check=False)
    except QAError:
        return EMPTY
    try:
        rows = reader.db.execute(
            "SELECT f.path, f.sha256, COALESCE(t.kind, 'text') FROM files f LEFT JOIN texts t ON t.path = f.path "
            "WHERE EXISTS (SELECT 1 FROM documents d WHERE d.path = f.path)").fetchall()
        files = tuple(sorted((Held(*row) for row in rows), key=lambda held: held.path))
        return Inventory(files, reader.count("documents"), reader.manifest.passages)
    except sqlite3.DatabaseError:
        return EMPTY  # damage an update did not touch is `qa check`'s to report; a summary is no place to fail
    finally:
        reader.close()


@dataclass(frozen=True)
class FileChange:
    """One file an update added, changed or removed, with the passages it now has (0 when removed)."""

    verb: str
    path: str
    passages: int = 0


def with_passages(index_dir: str | os.PathLike[str], found: Sequence[FileChange]) -> tuple[FileChange, ...]:
    """`found` with the passages the live generation now holds of each file added or changed."""
    if all(change.verb == "removed" for change in found):
        return tuple(found)
    reader = IndexReader.open(index_dir, check=False)
    try:
        return tuple(change if change.verb == "removed" else replace(change, passages=sum(
            row[0] for row in reader.db.execute("SELECT COUNT(*) FROM passages WHERE path = ?", (change.path,))))
            for change in found)
    finally:
        reader.close()


def changes(before: Inventory, after: Inventory) -> tuple[FileChange, ...]:
    """Files added, changed (other content) and removed from `before` to `after`, by path; passages not counted."""
    old = {held.path: held.sha256 for held in before.files}
    new = {held.path: held.sha256 for held in after.files}
    found = [FileChange("added", path) for path in new if path not in old]
    found += [FileChange("changed", path) for path in new if path in old and old[path] != new[path]]
    found += [FileChange("removed", path) for path in old if path not in new]
    return tuple(sorted(found, key=lambda change: change.path))
