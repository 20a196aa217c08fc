"""`qa show CITATION`: the cited place printed from the index's own copy of the file's text, in any format."""

from __future__ import annotations

import os
import re

from index.citation import Citation
from index.errors import InputError
from index.models import NO_META
from index.store import IndexReader

_OFFSETS = re.compile(r"(\d+)\s*[-–]\s*(\d+)")


def parse(citation: str) -> tuple[str, tuple[int, int] | None, int | None]:
    """`PATH:START-END` (offsets, as `ask --json` gives) or `PATH:LINE` as (path, offsets, line)."""
    path, _, where = citation.strip().rpartition(":")
    if path and (match := _OFFSETS.fullmatch(where.strip())):
        return path, (int(match[1]), int(match[2])), None
    if path and where.strip().isdigit():
        return path, None, int(where)
    raise InputError(f"cannot read the citation {citation!r}", fix="give PATH:START-END or PATH:LINE")


def _indexed_path(reader: IndexReader, path: str) -> str:
    """The indexed path a citation names: as given, made absolute, or the one indexed file it ends with."""
    for candidate in (path, os.path.abspath(os.path.expanduser(path))):
        if reader.file_text(candidate) is not None:
            return candidate
    tail = os.sep + path.lstrip(os.sep)
    matches = [row[0] for row in reader.db.execute("SELECT path FROM texts WHERE substr(path, -?) = ?",
                                                   (len(tail), tail))]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InputError(f"{path} names {len(matches)} indexed files", fix="give more of its path")
    raise InputError(f"{path} is not in the index", fix="cite a file the index holds (see ask --json's doc)")


def cite(reader: IndexReader, citation: str) -> tuple[Citation, str]:
    """Look a citation up in the index, with its exact text: from the index, never the file, which may have changed."""
    raw_path, offsets, line = parse(citation)
    path = _indexed_path(reader, raw_path)
    found = reader.file_text(path)
    assert found is not None
    text = found[0]
    if offsets is not None:
        start, end = offsets
        if not 0 <= start < end <= len(text):
            raise InputError(f"characters {start}-{end} are outside {path} ({len(text):,} characters indexed)")
    else:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        if not line or line > len(starts):
            raise InputError(f"{path} has no line {line} ({len(starts)} lines indexed)")
        start = starts[line - 1]
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
    passages = reader.passages_at(path, start, end)
    first = passages[0] if passages else None
    place = Citation(path, start, end, text.count("\n", 0, start) + 1, first.title if first else None,
                     first.page if first else None, first.meta if first else NO_META)
    return place, text[start:end]


def cited_dict(place: Citation, text: str) -> dict[str, object]:
    """`qa show --json`: the same keys `ask --json` gives a source, plus the text."""
    return {**place.to_json(), "text": text}


def cited_text(place: Citation, text: str) -> str:
    """Human output: who and when, where, then the cited text itself."""
    about = ", ".join(v for v in (place.meta.outlet, place.meta.published, place.meta.author) if v)
    page = f", page {place.page}" if place.page is not None else ""
    head = " — ".join(v for v in (place.title, about) if v)
    where = f"{place.path}:{place.line}{page} · characters {place.start}–{place.end}"
    return "\n".join(v for v in (head, where, "", text) if v is not None) + "\n"
