"""`qa show CITATION`: the cited place printed from the index's own copy of the file's text, in any format."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from index.citation import Citation
from index.errors import InputError
from index.extract import LINED_BY_PASSAGE
from index.models import NO_META
from index.names import stored_name
from index.safe_text import safe, safe_json, safe_line
from index.store import IndexReader
from qa.present import capped, shown_date

# ASCII digits only, and no more than an offset can be: '²' and 5,000 digits are no numbers int() takes.
_OFFSETS = re.compile(r"([0-9]{1,18})\s*[-–]\s*([0-9]{1,18})")
_LINE = re.compile(r"[0-9]{1,18}")


def parse(citation: str) -> tuple[str, tuple[int, int] | None, int | None]:
    """`PATH:START-END` (offsets, as `ask --json` gives), `PATH:LINE`, or a bare `PATH` (the whole document)
    as (path, offsets, line); neither offsets nor line means the whole document."""
    path, _, where = citation.strip().rpartition(":")
    if path and (match := _OFFSETS.fullmatch(where.strip())):
        return path, (int(match[1]), int(match[2])), None
    if path and _LINE.fullmatch(where.strip()):
        return path, None, int(where)
    if citation.strip():
        return citation.strip(), None, None
    raise InputError(f"cannot read the citation {citation!r}", fix="give PATH:START-END, PATH:LINE or PATH")


def _indexed_path(reader: IndexReader, path: str) -> str:
    """The indexed path a citation names: as given, made absolute, or the one indexed file it ends with."""
    path = stored_name(path)  # a name typed as its bytes (not UTF-8) is indexed under its escaped name
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


def cite(reader: IndexReader, citation: str) -> tuple[Citation, str, str]:
    """Look a citation up in the index: the place, its exact text and the file's whole indexed text, all from
    the index, never the file, which may have changed."""
    raw_path, offsets, line = parse(citation)
    path = _indexed_path(reader, raw_path)
    found = reader.file_text(path)
    assert found is not None
    text, kind = found
    lined = kind in LINED_BY_PASSAGE  # cited at its passages' lines on disk, not its text's lines
    if offsets is None and line is None:
        start, end = 0, len(text)
    elif offsets is not None:
        start, end = offsets
        if not 0 <= start < end <= len(text):
            raise InputError(f"characters {start}-{end} are outside {path} ({len(text):,} characters indexed)")
    elif lined:
        start, end = _passage_on_line(reader, path, line or 0)
    else:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        if not line or line > len(starts):
            raise InputError(f"{path} has no line {line} ({len(starts)} lines indexed)")
        start = starts[line - 1]
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
    passages = reader.passages_at(path, start, end)
    first = passages[0] if passages else None
    at = first.line if lined and first else text.count("\n", 0, start) + 1
    place = Citation(path, start, end, at, first.title if first else None,
                     first.page if first else None, first.meta if first else NO_META)
    return place, text[start:end], text


def _passage_on_line(reader: IndexReader, path: str, line: int) -> tuple[int, int]:
    """The text a web page's, feed's or export's `PATH:LINE` names: its passages cited at that line on disk,
    else at the nearest line before it (the line falls inside their element or record), first to last, so
    it holds whatever `ask` cited there."""
    rows = reader.db.execute("SELECT start, end, line FROM passages WHERE path = ?", (path,)).fetchall()
    before = [row for row in rows if row[2] <= line]
    if not before:
        first = min((row[2] for row in rows), default=None)
        raise InputError(f"{path} has no indexed text at or before line {line}",
                         fix=f"its first cited line is {first}" if first else "index it again")
    at = max(row[2] for row in before)
    return min(row[0] for row in before if row[2] == at), max(row[1] for row in before if row[2] == at)


def cited_dict(place: Citation, text: str) -> dict[str, object]:
    """`qa show --json`: the same keys `ask --json` gives a source, plus the text."""
    return {**place.to_json(), "text": text}


def around(whole: str, place: Citation, lines: int) -> tuple[int, int]:
    """The cited place widened to its whole lines plus `lines` lines before and after (as rg -C)."""
    starts = [0] + [match.end() for match in re.finditer("\n", whole)]
    first = whole.count("\n", 0, place.start)
    last = whole.count("\n", 0, max(place.end - 1, place.start))
    low = starts[max(first - lines, 0)]
    after = last + lines + 1
    high = starts[after] - 1 if after < len(starts) else len(whole)
    return low, max(high, place.end)


def cited_text(place: Citation, whole: str, lines: int | None = None, color: bool = False) -> str:
    """Human output, made safe for a terminal: who and when, where, then the cited text; with `lines`, the
    text around it too (that many lines before and after), the cited words stressed."""
    meta = place.meta
    about = ", ".join(v for v in (capped(meta.outlet), shown_date(meta), capped(meta.author)) if v)
    page = f", page {place.page}" if place.page is not None else ""
    head = safe_line(" — ".join(v for v in (capped(place.title), about) if v))
    where = safe_line(f"{place.path}:{place.line}{page} · characters {place.start}–{place.end}")
    if lines is None:
        body = safe(whole[place.start:place.end])
    else:
        start, end = around(whole, place, lines)
        open_, close = ("\x1b[1;33m", "\x1b[0m") if color else ("«", "»")
        # Made safe piece by piece (same length), so the stress marks are the only controls written.
        body = (safe(whole[start:place.start]) + open_ + safe(whole[place.start:place.end]) + close
                + safe(whole[place.end:end]))
    return "\n".join(v for v in (head, where, "", body) if v is not None) + "\n"


def context_dict(reader: IndexReader, place: Citation) -> dict[str, object]:
    """The passages around a cited place: their offsets in the file's indexed text and that text."""
    found = reader.file_text(place.path)
    text = found[0] if found else ""
    passages = reader.passages_at(place.path, place.start, place.end)
    start = min([place.start, *(p.start for p in passages)])
    end = max([place.end, *(p.end for p in passages)])
    return {"start": start, "end": end, "text": text[start:end]}


def run_show(citation: Sequence[str], folder: Path, as_json: bool, context: int | None = None) -> int:
    """`qa show`: the cited text, from the index's copy of the file (any format; the file may have changed)."""
    if len(citation) == 3 and _LINE.fullmatch(citation[1]) and _LINE.fullmatch(citation[2]):
        text = f"{citation[0]}:{citation[1]}-{citation[2]}"  # `ask --json`'s doc, start and end as they come
    elif len(citation) == 1:
        text = citation[0]
    else:
        raise InputError("give one citation", fix="PATH:START-END, PATH:LINE or PATH START END")
    if context is not None and context < 0:
        raise InputError("-C must be 0 or more")
    reader = IndexReader.open(folder)
    try:
        place, cited, whole = cite(reader, text)
    finally:
        reader.close()
    if as_json:
        shown = cited_dict(place, cited)
        if context is not None:
            low, high = around(whole, place, context)
            shown["context"] = {"start": low, "end": high, "text": whole[low:high]}
        print(safe_json(shown))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(cited_text(place, whole, context, color))
    return 0
