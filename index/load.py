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
MAX_FILE_BYTES = 16 * 2**20  # news articles are kilobytes; a larger .txt is a dump or a log


@dataclass(frozen=True)
class LoadResult:
    """The readable files found under the given paths, and one warning per file skipped."""

    files: tuple[SourceFile, ...]
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Found:
    """The text files under the given paths, each under the path it was found at, and why some were not."""

    files: tuple[Path, ...]
    warnings: tuple[str, ...] = field(default=())


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _given(raw: str | os.PathLike[str]) -> tuple[Path, bool]:
    """A path from the command line made absolute (links kept), and whether it is a folder."""
    path = Path(os.path.abspath(Path(raw).expanduser()))
    try:
        if not path.exists():
            raise InputError(f"no such file or folder: {shown(raw)}")
        return path, path.is_dir()
    except OSError as error:  # e.g. a name longer than the system allows
        raise InputError(f"cannot use {shown(raw)[:200]}: {error.strerror or error}") from None


def walk(paths: Iterable[str | os.PathLike[str]], follow_links: bool = False) -> Found:
    """Expand files and folders (recursively) into the `.txt`/`.md` files they hold, sorted.

    Files are recorded under the path they were found at, not where a link leads, so removing
    a link removes its passages. A link (to a file or folder) that leads outside every given
    folder is skipped unless `follow_links`: `ln -s /etc/passwd news/p.txt` must not make the
    password file citable. A name that is not UTF-8 cannot be stored, so it is skipped too.
    """
    given = [_given(raw) for raw in paths]
    for path, is_dir in given:
        if not is_dir and path.suffix.lower() not in TEXT_SUFFIXES:
            raise InputError(f"not a .txt or .md file: {shown(path)}")
        if not is_dir and not path.is_file():  # a FIFO would block the reader for good
            raise InputError(f"not a regular file: {shown(path)}")
    roots = [os.path.realpath(path) for path, is_dir in given if is_dir]
    found: set[Path] = set()
    warnings: list[str] = []
    outside: list[str] = []

    def keep(path: str, link: bool) -> bool:
        if link and not follow_links and not _under(os.path.realpath(path), roots):
            outside.append(path)
            return False
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            warnings.append(f"skipped file or folder whose name is not UTF-8: {shown(path)}")
            return False
        return True

    for path, is_dir in given:
        if not is_dir:
            if keep(str(path), False):  # a file named on the command line is followed wherever it leads
                found.add(path)
            continue
        seen = {os.path.realpath(path)}
        for folder, dirs, names in os.walk(path, followlinks=True, onerror=lambda e: warnings.append(
                f"skipped unreadable folder: {shown(e.filename or path)} ({e.strerror})")):
            kept = []
            for name in sorted(dirs):
                child = os.path.join(folder, name)
                real = os.path.realpath(child)
                # Hidden folders are skipped; a folder reached twice (a link loop) is walked once.
                if not name.startswith(".") and real not in seen and keep(child, os.path.islink(child)):
                    seen.add(real)
                    kept.append(name)
            dirs[:] = kept
            for name in names:
                child = os.path.join(folder, name)
                if name.startswith(".") or os.path.splitext(name)[1].lower() not in TEXT_SUFFIXES:
                    continue
                if not os.path.isfile(child):  # a FIFO would block the reader; a broken link has nothing
                    continue
                if keep(child, os.path.islink(child)):
                    found.add(Path(child))
    if outside:
        warnings.append(f"skipped {len(outside)} link{'s' if len(outside) > 1 else ''} leading outside the "
                        f"given folders ({shown(outside[0])} → {shown(os.path.realpath(outside[0]))}"
                        f"{', …' if len(outside) > 1 else ''}); pass --follow-links to index them")
    return Found(tuple(sorted(found)), tuple(warnings))


def find_files(paths: Iterable[str | os.PathLike[str]], follow_links: bool = False) -> list[Path]:
    """The sorted `.txt`/`.md` files under `paths` (see `walk`, which also says what it skipped)."""
    return list(walk(paths, follow_links).files)


def decode(data: bytes, name: str) -> tuple[str | None, str | None]:
    """Decode file bytes to text; return (text, warning), text None when the file is skipped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 (Windows "Unicode" text) says so with its BOM; its NULs are no sign of binary.
        try:
            return data.decode("utf-16"), f"decoded {name} as UTF-16 (not UTF-8)"
        except UnicodeDecodeError:
            return None, f"skipped file with a UTF-16 mark but invalid UTF-16: {name}"
    if not data.strip():
        return None, f"skipped empty file: {name}"
    nuls = data.count(b"\x00")
    if nuls * 100 > len(data):
        return None, f"skipped binary file: {name}"
    if nuls:
        # A stray NUL or two (a bad copy, a CMS glitch) should not cost the whole article.
        data = data.replace(b"\x00", b"")
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


def read_source(path: Path, max_bytes: int | None = None) -> tuple[SourceFile | None, str | None]:
    """Read and decode one file, refusing one over `max_bytes`; return (file, warning)."""
    try:
        stat = path.stat()
        if max_bytes is not None and stat.st_size > max_bytes:
            return None, (f"skipped file of {stat.st_size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit: "
                          f"{path} (pass --max-file-mb to raise it)")
        with path.open("rb") as handle:
            # Read at most one byte past the limit: the file may have grown since stat.
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as error:
        return None, f"skipped unreadable file: {path} ({error.strerror})"
    if max_bytes is not None and len(data) > max_bytes:
        return None, f"skipped file over the {max_bytes / 2**20:g} MB limit: {path} (pass --max-file-mb to raise it)"
    text, warning = decode(data, str(path))
    if text is None:
        return None, warning
    digest = hashlib.sha256(data).hexdigest()
    return SourceFile(str(path), text, digest, stat.st_size, stat.st_mtime), warning


def load_sources(paths: Iterable[str | os.PathLike[str]], follow_links: bool = False,
                 max_bytes: int | None = MAX_FILE_BYTES) -> LoadResult:
    """Read every text file under `paths`, skipping bad ones with a warning each."""
    files: list[SourceFile] = []
    found = walk(paths, follow_links)
    warnings: list[str] = list(found.warnings)
    for path in found.files:
        source, warning = read_source(path, max_bytes)
        if warning:
            warnings.append(warning)
        if source is not None:
            files.append(source)
    return LoadResult(tuple(files), tuple(warnings))
