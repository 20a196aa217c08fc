"""Reading source files: walking folders, detecting encodings, handing other formats to their extractor."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.config import INDEX
from index.errors import InputError
from index.extract import SUFFIXES, kind_of
from index.ignore import EVERYTHING, Selection, relative, rules_for
from index.models import NO_META, Article, SourceFile
from index.names import stored_name

TEXT_SUFFIXES = frozenset({".txt", ".md"})
ARTICLE_SUFFIXES = SUFFIXES  # every format some extractor reads (index/extract.py)
MAX_FILE_BYTES = INDEX.max_file_bytes
UNKNOWN_NAMED = 5  # unknown files named one a line; more (a saved page's images, scripts) are counted


@dataclass(frozen=True)
class Found:
    """The article files under the given paths, each under the path it was found at, and why some were not."""

    files: tuple[Path, ...]
    warnings: tuple[str, ...] = field(default=())


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 as `\\xNN` (`index.names`)."""
    return stored_name(os.fsdecode(path))


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


def _regular(path: str) -> tuple[bool, bool]:
    """Whether `path` leads to a regular file, and whether it is a link: one `lstat` for a plain file."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            return stat.S_ISREG(os.stat(path).st_mode), True
    except OSError:
        return False, False  # gone, or a broken link: nothing to read
    return stat.S_ISREG(mode), False


def _path_order(path: str) -> list[str]:
    """Sort key giving `Path` order (component by component); sorting 10,000 `Path`s costs 40 ms, this 20."""
    return path.split(os.sep)


def walk(paths: Iterable[str | os.PathLike[str]], follow_links: bool = False,
         select: Selection = EVERYTHING) -> Found:
    """Expand files and folders (recursively) into the article files they hold (see ARTICLE_SUFFIXES), sorted.

    Files are recorded under the path they were found at, not where a link leads, so removing
    a link removes its passages. A link (to a file or folder) that leads outside every given
    folder is skipped unless `follow_links`: `ln -s /etc/passwd news/p.txt` must not make the
    password file citable. A name that is not UTF-8 is indexed under its escaped name (`index.names`),
    unless another file bears that name as written. Under each folder, `select` (every file by default) and the folder's `.newsqaignore` leave files and folders out.
    """
    given = [_given(raw) for raw in paths]
    for path, is_dir in given:
        if not is_dir and path.suffix.lower() not in ARTICLE_SUFFIXES:
            raise InputError(f"not a file type newsqa reads: {shown(path)}",
                             fix=f"give {', '.join(sorted(ARTICLE_SUFFIXES))} files or folders")
        if not is_dir and not path.is_file():  # a FIFO would block the reader for good
            raise InputError(f"not a regular file: {shown(path)}")
    roots = [os.path.realpath(path) for path, is_dir in given if is_dir]
    found: set[str] = set()
    warnings: list[str] = []
    outside: list[str] = []
    unknown: list[str] = []

    def keep(path: str, link: bool) -> bool:
        if link and not follow_links and not _under(os.path.realpath(path), roots):
            outside.append(path)
            return False
        name = stored_name(path)
        if name != path and os.path.lexists(name):  # two files would share one key in the index
            warnings.append(f"skipped {name}: its name is not UTF-8 and its escaped name is another file's")
            return False
        return True

    for path, is_dir in given:
        if not is_dir:
            if keep(str(path), False):  # a file named on the command line is followed wherever it leads
                found.add(str(path))
            continue
        seen = {os.path.realpath(path)}
        rules, top = rules_for(path, select), str(path)
        for folder, dirs, names in os.walk(path, followlinks=True, onerror=lambda e: warnings.append(
                f"skipped unreadable folder: {shown(e.filename or path)} ({e.strerror})")):
            kept = []
            for name in sorted(dirs):
                child = os.path.join(folder, name)
                real = os.path.realpath(child)
                # Hidden folders are skipped; a folder reached twice (a link loop) is walked once.
                if (not name.startswith(".") and real not in seen and not rules.skips_folder(relative(child, top))
                        and keep(child, os.path.islink(child))):
                    seen.add(real)
                    kept.append(name)
            dirs[:] = kept
            for name in names:
                child = os.path.join(folder, name)
                if name.startswith(".") or rules.skips_file(relative(child, top)):
                    continue  # hidden or ignored: not even counted among the unknown types
                regular, link = _regular(child)
                if not regular:  # a FIFO would block the reader; a broken link has nothing
                    continue
                if os.path.splitext(name)[1].lower() not in ARTICLE_SUFFIXES:
                    unknown.append(child)
                    continue
                if keep(child, link):
                    found.add(child)
    for path in sorted(unknown)[:UNKNOWN_NAMED]:
        warnings.append(f"skipped file of a type newsqa does not read: {shown(path)}")
    if len(unknown) > UNKNOWN_NAMED:
        warnings.append(f"skipped {len(unknown) - UNKNOWN_NAMED} more files of types newsqa does not read")
    if outside:
        warnings.append(f"skipped {len(outside)} link{'s' if len(outside) > 1 else ''} leading outside the "
                        f"given folders ({shown(outside[0])} → {shown(os.path.realpath(outside[0]))}"
                        f"{', …' if len(outside) > 1 else ''}); pass --follow-links to index them")
    return Found(tuple(Path(p) for p in sorted(found, key=_path_order)), tuple(warnings))


def find_files(paths: Iterable[str | os.PathLike[str]], follow_links: bool = False,
               select: Selection = EVERYTHING) -> list[Path]:
    """The sorted article files under `paths` (see `walk`, which also says what it skipped)."""
    return list(walk(paths, follow_links, select).files)


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


def _named(path: Path) -> str:
    """The part of a path whose dates describe the file: its name and its folder's ('2019/story.txt')."""
    return f"{path.parent.name}/{path.name}"


def read_source(path: Path, max_bytes: int | None = None,
                fields: Mapping[str, str] | None = None) -> tuple[SourceFile | None, str | None]:
    """Read one file and decode or extract its text, refusing one over `max_bytes`; return (file, warning).

    The file is recorded under its stored name (`index.names`); `fields` maps roles to the field names of
    JSON/CSV exports (`--fields`).
    """
    name = stored_name(path)
    try:
        stat = path.stat()
        if max_bytes is not None and stat.st_size > max_bytes:
            return None, (f"skipped file of {stat.st_size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit: "
                          f"{name} (pass --max-file-mb to raise it)")
        with path.open("rb") as handle:
            # Read at most one byte past the limit: the file may have grown since stat.
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as error:
        return None, f"skipped unreadable file: {name} ({error.strerror})"
    if max_bytes is not None and len(data) > max_bytes:
        return None, f"skipped file over the {max_bytes / 2**20:g} MB limit: {name} (pass --max-file-mb to raise it)"
    digest = hashlib.sha256(data).hexdigest()
    if kind_of(name) not in (None, "text"):
        from index.extract import extracted  # the extractors' libraries load only for files that need them

        return extracted(name, data, digest, stat.st_size, stat.st_mtime, fields)
    text, warning = decode(data, name)
    if text is None:
        return None, warning
    from index.extract_text import indexed_text, named_date, text_meta
    from index.year import Clues

    text, title = indexed_text(name, text)  # Markdown's markup blanked, offsets kept
    # A year-less date's year: from the name, a URL, the folder's other files, the mtime (index/year.py).
    clues = Clues(_named(path), path=os.fspath(path), mtime=stat.st_mtime)
    meta = text_meta(text, stat.st_mtime, named_date(_named(path)), clues)
    articles = (Article(0, len(text), title, meta or NO_META),) if meta or title else ()
    return SourceFile(name, text, digest, stat.st_size, stat.st_mtime, "text", articles), warning
