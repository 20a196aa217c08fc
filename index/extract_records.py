"""Archive exports, one article per record: JSON Lines, a JSON array and CSV, with the usual field names mapped."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping

from index.compose import Extracted, one_line, paragraphs
from index.dates import iso_date
from index.errors import InputError
from index.models import Meta

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


def record_article(record: Mapping[str, object], fields: Fields) -> Extracted | None:
    """One record as an article; None when it has no text."""
    text = _value(record, "text", fields)
    if not isinstance(text, str) or not text.strip():
        return None
    meta = Meta(iso_date(_value(record, "published", fields)), one_line(_value(record, "outlet", fields)),
                one_line(_value(record, "author", fields)), one_line(_value(record, "url", fields)))
    return Extracted(one_line(_value(record, "title", fields)), paragraphs(text), meta)


def _json_records(text: str) -> tuple[list[object], int]:
    """Records of a JSON document (an array, or an object holding one) or of JSON Lines; and lines unreadable."""
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, list):
        return whole, 0
    if isinstance(whole, dict):
        lists = [value for value in whole.values() if isinstance(value, list) and value
                 and all(isinstance(item, dict) for item in value)]
        return (max(lists, key=len) if lists else [whole]), 0
    records, bad = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            bad += 1
    return records, bad


def _csv_records(text: str) -> list[dict[str, str]]:
    csv.field_size_limit(2**24)  # article bodies are far longer than the 128 KB default
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))


def extract_records(text: str, name: str, csv_file: bool, fields: Fields) -> tuple[list[Extracted], str | None]:
    """Every record with text as an article; one warning saying what was left out and why."""
    try:
        records: Iterable[object]
        records, bad = (_csv_records(text), 0) if csv_file else _json_records(text)
    except csv.Error as error:
        return [], f"skipped unreadable CSV file: {name} ({error})"
    items = [record_article(r, fields) if isinstance(r, Mapping) else None for r in records]
    kept = [item for item in items if item is not None]
    missing = len(items) - len(kept)
    if not kept:
        wanted = fields.get("text") or "/".join(FIELD_NAMES["text"][:3])
        return [], f"skipped export with no article text (no {wanted} field): {name}; map one with --fields text=NAME"
    notes = ([f"{bad} unreadable line{'s' if bad > 1 else ''}"] if bad else []) + (
        [f"{missing} record{'s' if missing > 1 else ''} without text"] if missing else [])
    return kept, (f"skipped {' and '.join(notes)} in {name}" if notes else None)
