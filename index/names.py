"""File names as the index stores and shows them: bytes that are not UTF-8 written as `\\xNN`.

A name read from disk is a `str` with such bytes as lone surrogates (`os.fsdecode`), which opens the
file but which SQLite cannot store and no terminal can print. The index keys a file by its stored
name: the name itself when it is UTF-8 (every name indexed before), else with each such byte as the
four characters `\\xNN` and each backslash doubled, which round-trips to the bytes (`disk_name`) and
reads as ripgrep and ls -b show such names. `index.load.walk` skips a file whose stored name is also
the name of another file, so no two files share a key.
"""

from __future__ import annotations

import os
import re

_ESCAPED = re.compile(r"\\x([89a-f][0-9a-f])|\\\\")


def stored_name(path: str | os.PathLike[str]) -> str:
    """`path` as text that SQLite, JSON and a terminal all take: itself when UTF-8, else escaped."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text.replace("\\", "\\\\"):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append("\ufffd" if 0xD800 <= code <= 0xDFFF else char)
    return "".join(out)


def is_escaped(name: str) -> bool:
    """Whether a stored name stands for a name that is not UTF-8 (it holds a `\\xNN` escape of a byte)."""
    return any(match.group(1) for match in _ESCAPED.finditer(name))


def disk_name(name: str) -> str:
    """The name on disk a stored name stands for: itself, unless it is escaped and no file bears it as written."""
    if not is_escaped(name) or os.path.lexists(name):
        return name
    return _ESCAPED.sub(lambda m: chr(0xDC00 + int(m.group(1), 16)) if m.group(1) else "\\", name)
