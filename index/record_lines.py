"""Where each record of an export lies in the file: JSON read value by value at its offsets, a CSV row's first line.

An export's passages are cited at the file's own line (the record's, or its field's where the record spans
lines), not at a line of the extracted text, which only the index holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_BREAK = re.compile(r"\r\n|\r|\n")
PREFIX = 24  # characters of a field's value looked for in its record's JSON: enough to tell title from text


def array_items(text: str, at: int) -> Iterator[tuple[object, int, int]]:
    """(item, start, end) of each item of the valid JSON array whose `[` is at `at`."""
    at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]  # always matches
    if text.startswith("]", at):
        return
    while True:
        item, end = _DECODER.raw_decode(text, at)
        yield item, at, end
        at = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if not text.startswith(",", at):
            return
        at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]


def member_at(text: str, at: int, key: str) -> int | None:
    """Where the value of `key` begins in the valid JSON object whose `{` is at `at`."""
    at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    while text.startswith('"', at):
        name, at = _DECODER.raw_decode(text, at)
        at = _SPACE.match(text, _SPACE.match(text, at).end() + 1).end()  # type: ignore[union-attr]  # past ':'
        if name == key:
            return at
        _, at = _DECODER.raw_decode(text, at)
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        if not text.startswith(",", at):
            return None
        at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    return None


def list_key(whole: Mapping[str, object], chosen: object) -> str | None:
    """The key under which an object holds the list `chosen`."""
    return next((key for key, value in whole.items() if value is chosen), None)


def value_line(raw: str, line: int, value: object) -> int:
    """The line a field's value starts on, in a record's JSON `raw` that starts on `line`; else `line`."""
    if not isinstance(value, str) or not raw:
        return line
    head = value.lstrip()[:PREFIX]
    for ascii_only in (False, True):  # as written, or with every non-ASCII character escaped
        at = raw.find(json.dumps(head, ensure_ascii=ascii_only)[1:-1])
        if at >= 0:
            return line + raw.count("\n", 0, at)
    return line


def row_first_line(last_line: int, row: Mapping[object, object]) -> int:
    """A CSV row's first line, from the reader's line count after it and the line breaks inside its fields."""
    breaks = 0
    for value in row.values():
        for field in (value if isinstance(value, list) else [value]):
            if isinstance(field, str):
                breaks += len(_BREAK.findall(field))
    return last_line - breaks
