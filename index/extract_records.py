"""Archive exports, one article per record: JSON Lines, a JSON array and CSV, with the usual field names mapped."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import index.config as settings
from index.compose import Extracted, line_spans, one_line, paragraphs
from index.dates import iso_date
from index.errors import InputError
from index.json_input import too_deep
from index.models import Meta
from index.record_lines import array_items, list_key, member_at, row_first_line, value_line

# The names exports use for each role, in order of preference; `--fields` puts the user's first.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "content", "full_text", "fulltext", "article", "story", "article_text",
             "description", "summary"),
    "published": ("published", "date", "published_at", "publishedat", "pubdate", "publication_date",
                  "datetime", "created_at", "timestamp", "time"),
    "url": ("url", "link", "href", "permalink", "canonical_url"),
    "outlet": ("outlet", "source", "publisher", "site", "site_name", "source_name", "publication"),
    "author": ("author", "authors", "byline", "creator", "writer"),
}
ROLE_ALIASES = {"date": "published", "link": "url", "source": "outlet", "body": "text", "content": "text"}

Fields = Mapping[str, str]  # role -> the export's field name


def parse_fields(spec: str | None) -> dict[str, str]:
    """`--fields text=story,date=pubDate` as {role: field}; an unknown role is refused with the known ones."""
    fields: dict[str, str] = {}
    for item in (spec or "").split(","):
        if not item.strip():
            continue
        role, _, name = item.partition("=")
        role = ROLE_ALIASES.get(role.strip().lower(), role.strip().lower())
        if role not in FIELD_NAMES or not name.strip():
            raise InputError(f"--fields: cannot use {item.strip()!r}",
                             fix=f"write ROLE=FIELD, ROLE one of {', '.join(FIELD_NAMES)}")
        fields[role] = name.strip()
    return fields


def _value(record: Mapping[str, object], role: str, fields: Fields) -> object:
    """The record's value for a role: the `--fields` name if given, else the first usual name it has."""
    lowered = {str(key).lower(): value for key, value in record.items()}
    names = (fields[role],) if role in fields else FIELD_NAMES[role]
    for name in names:
        value = record.get(name, lowered.get(name.lower()))
        if isinstance(value, Mapping):  # NewsAPI-style {"source": {"id": …, "name": "Reuters"}}
            value = value.get("name") or value.get("title")
        if isinstance(value, list):
            value = ", ".join(str(v.get("name", v) if isinstance(v, Mapping) else v) for v in value)
        if value not in (None, ""):
            return value
    return None


def record_article(record: Mapping[str, object], fields: Fields, line: int | None = None,
                   raw: str = "") -> Extracted | None:
    """One record as an article, cited at its `line` in the file (its title and text at their own lines in
    its JSON `raw`, where it spans lines); None when it has no text."""
    text = _value(record, "text", fields)
    if not isinstance(text, str) or not text.strip():
        return None
    meta = Meta(iso_date(_value(record, "published", fields)), one_line(_value(record, "outlet", fields)),
                one_line(_value(record, "author", fields)), one_line(_value(record, "url", fields)))
    title = _value(record, "title", fields)
    if line is None:
        return Extracted(one_line(title), paragraphs(text), meta)
    return Extracted(one_line(title), paragraphs(text), meta, value_line(raw, line, title),
                     ((0, value_line(raw, line, text)),))


@dataclass
class _Unread:
    """What a JSON file held that was not read: lines that are not JSON, JSON nested too deep."""

    bad: int = 0
    deep: int = 0


def _json_records(text: str, unread: _Unread) -> Iterator[tuple[object, int, int]]:
    """Records of a JSON document (an array, or an object holding one) or of JSON Lines, one at a time, each
    with its (start, end) in the text."""
    limit = settings.INDEX.json_depth
    whole = None
    if not too_deep(text, limit):
        try:
            whole = json.loads(text)
        except ValueError:
            pass
    first = len(text) - len(text.lstrip(" \t\n\r"))
    if isinstance(whole, list):
        yield from array_items(text, first)  # read again value by value: where each record lies
        return
    if isinstance(whole, dict):
        lists = [value for value in whole.values() if isinstance(value, list) and value
                 and all(isinstance(item, dict) for item in value)]
        at = member_at(text, first, list_key(whole, max(lists, key=len)) or "") if lists else None
        if at is None:
            yield whole, first, len(text)
        else:
            yield from array_items(text, at)
        return
    for start, end in line_spans(text):
        line = text[start:end]
        if not line.strip():
            continue
        if too_deep(line, limit):
            unread.deep += 1
            continue
        try:
            yield json.loads(line), start, end
        except ValueError:
            unread.bad += 1


def _json_located(text: str, unread: _Unread) -> Iterator[tuple[object, int, str]]:
    """Each JSON record with the file's line it starts on and its own JSON text."""
    line, at = 1, 0
    for record, start, end in _json_records(text, unread):
        line += text.count("\n", at, start)
        at = start
        yield record, line, text[start:end] if isinstance(record, Mapping) else ""


def _csv_records(text: str) -> csv.DictReader[str]:
    """The rows of a CSV export as they are read."""
    csv.field_size_limit(2**24)  # article bodies are far longer than the 128 KB default
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)


def _csv_located(text: str) -> Iterator[tuple[dict[str, str], int, str]]:
    """Each CSV row with the file's line it starts on."""
    rows = _csv_records(text)
    for row in rows:
        yield row, row_first_line(rows.line_num, row), ""


def extract_records(text: str, name: str, csv_file: bool, fields: Fields) -> tuple[list[Extracted], str | None]:
    """Every record with text as an article; one warning saying what was left out and why.

    Records are read one at a time and only those with text are kept: a file of millions of tiny
    records costs no more than its bytes.
    """
    unread = _Unread()
    kept: list[Extracted] = []
    missing = over = 0
    most = settings.INDEX.max_records
    try:
        records: Iterable[tuple[object, int, str]] = (_csv_located(text) if csv_file
                                                      else _json_located(text, unread))
        for record, line, raw in records:
            item = record_article(record, fields, line, raw) if isinstance(record, Mapping) else None
            if item is None:
                missing += 1
            elif len(kept) < most:
                kept.append(item)
            else:
                over += 1
    except csv.Error as error:
        return [], f"skipped unreadable CSV file: {name} ({error})"
    limit = settings.INDEX.json_depth
    if not kept and unread.deep and not missing and not unread.bad:
        return [], f"skipped JSON nested more than {limit} levels deep: {name}"
    if not kept:
        wanted = fields.get("text") or "/".join(FIELD_NAMES["text"][:3])
        return [], f"skipped export with no article text (no {wanted} field): {name}; map one with --fields text=NAME"
    notes = ([f"{unread.bad} unreadable line{'s' if unread.bad > 1 else ''}"] if unread.bad else []) + (
        [f"{unread.deep} line{'s' if unread.deep > 1 else ''} nested more than {limit} levels deep"]
        if unread.deep else []) + ([f"{missing} record{'s' if missing > 1 else ''} without text"] if missing else []) + (
        [f"{over} record{'s' if over > 1 else ''} past the first {most:,}"] if over else [])
    return kept, (f"skipped {' and '.join(notes)} in {name}" if notes else None)
