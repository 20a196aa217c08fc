"""Reading source files: walking folders, detecting encodings, skipping what is not text."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import InputError
from index.models import SourceFile

TEXT_SUFFIXES = frozenset({".txt", ".md"})


@dataclass(frozen=True)
class LoadResult:
    """The readable files found under the given paths, and one warning per file skipped."""

    files: tuple[SourceFile, ...]
    warnings: tuple[str, ...] = field(default=())


def find_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and folders (recursively) into the sorted `.txt`/`.md` files they name."""
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"no such file or folder: {raw}")
        if path.is_dir():
            for child in path.rglob("*"):
                if child.suffix.lower() in TEXT_SUFFIXES and child.is_file() and not _hidden(child, path):
                    found.add(child.resolve())
        elif path.suffix.lower() in TEXT_SUFFIXES:
            found.add(path.resolve())
        else:
            raise InputError(f"not a .txt or .md file: {raw}")
    return sorted(found)


def _hidden(child: Path, root: Path) -> bool:
    """Whether any part of `child` below `root` is a dot-file or dot-folder."""
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def decode(data: bytes, name: str) -> tuple[str | None, str | None]:
    """Decode file bytes to text; return (text, warning), text None when the file is skipped."""
    if not data.strip():
        return None, f"skipped empty file: {name}"
    if b"\x00" in data:
        return None, f"skipped binary file: {name}"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only paid for the rare non-UTF-8 file

    best = from_bytes(data).best()
    if best is None:
        return None, f"skipped file with unknown encoding: {name}"
    text, encoding = str(best), best.encoding
    if encoding != "cp1252" and encoding.startswith(("cp125", "iso8859", "latin", "mac_")):
        # Single-byte code pages are hard to tell apart; Western news is overwhelmingly cp1252.
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return text, f"decoded {name} as {encoding} (not UTF-8)"


def read_source(path: Path) -> tuple[SourceFile | None, str | None]:
    """Read and decode one file; return (file, warning)."""
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError as error:
        return None, f"skipped unreadable file: {path} ({error.strerror})"
    text, warning = decode(data, str(path))
    if text is None:
        return None, warning
    digest = hashlib.sha256(data).hexdigest()
    return SourceFile(str(path), text, digest, stat.st_size, stat.st_mtime), warning


def load_sources(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    """Read every text file under `paths`, skipping bad ones with a warning each."""
    files: list[SourceFile] = []
    warnings: list[str] = []
    for path in find_files(paths):
        source, warning = read_source(path)
        if warning:
            warnings.append(warning)
        if source is not None:
            files.append(source)
    return LoadResult(tuple(files), tuple(warnings))
