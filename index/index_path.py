"""Whether an index folder's path can be taken by every library an index goes through, checked before any is used.

FAISS takes a path as UTF-8 text (a name that is not UTF-8 is a `TypeError` from `write_index`), SQLite's
unix VFS refuses a path longer than its MAX_PATHNAME of 512 bytes (its journal's name included), and the
OS refuses a path part longer than NAME_MAX. A folder none of them could use is one `InputError`, raised
before anything is created, read or locked.
"""

from __future__ import annotations

import os
from pathlib import Path

from index.errors import InputError

SQLITE_PATH_MAX = 512  # SQLite's MAX_PATHNAME (os_unix.c), in bytes; measured: a 513-byte journal path fails
NAME_MAX = 255  # the longest name of one path part, in bytes, on Linux's and macOS's file systems
# The longest path an index writes below its folder (a seventh digit allowed for segment numbers).
LONGEST_INSIDE = len(os.sep + os.path.join("segments", "seg-0000000", "index.sqlite-journal"))
SHOWN_CHARS = 120  # a path longer than this is shown by its ends in a message


def shown(path: str | os.PathLike[str]) -> str:
    """A path for a one-line message: bytes that are not UTF-8 as \\xNN, a long one by its two ends."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[: SHOWN_CHARS // 2]}…{text[-SHOWN_CHARS // 2 :]}"


def _absolute(folder: Path) -> str:
    """The folder's absolute path, as SQLite makes it; the path as given when the working folder is gone."""
    try:
        return os.path.abspath(folder)
    except OSError:
        return str(folder)


def check_folder(folder: Path, what: str = "index folder", variable: str | None = None,
                 inside: int = LONGEST_INSIDE) -> Path:
    """`folder`, if FAISS, SQLite and the OS can all take it and the `inside` bytes an index adds; else an
    InputError whose fix names the environment `variable` the folder came from, if one did."""
    change = f"set {variable} to" if variable else "give"
    absolute = _absolute(folder)
    for text in (str(folder), absolute):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{what} {shown(folder)} has a name that is not UTF-8, which FAISS cannot open",
                             fix=f"{change} a folder whose path is UTF-8 text") from None
    longest = max((len(part) for part in os.fsencode(absolute).split(os.fsencode(os.sep))), default=0)
    if longest > NAME_MAX:
        raise InputError(f"{what} {shown(folder)} has a path part of {longest} bytes, over the {NAME_MAX} "
                         "a file system allows", fix=f"{change} a shorter path")
    size = len(os.fsencode(absolute))
    if size + inside > SQLITE_PATH_MAX:
        raise InputError(f"{what} {shown(folder)} has a path of {size} bytes; SQLite takes at most "
                         f"{SQLITE_PATH_MAX - inside} for an index folder", fix=f"{change} a shorter path")
    return folder
