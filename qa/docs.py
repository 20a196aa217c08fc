"""`qa docs`: the indexed documents with their date, outlet, format and passages, newest first."""

from __future__ import annotations

import hashlib
from pathlib import Path

from index.filters import NO_FILTERS, Filters
from index.models import Listed, Meta
from index.safe_text import safe_json, safe_line
from index.scope import matching_outlets
from index.store import IndexReader
from qa.present import capped, display_path, plural, shown_date

KINDS = {"text": "text", "html": "web page", "feed": "feed", "pdf": "PDF", "records": "export"}


def line(document: Listed, base: str | None = None) -> str:
    """`2025-03-04  Valley Courier  text  3 passages  Title — path`; 'undated' where no date was read, and
    `2025-03-04 (year assumed)` where the document stated the day without its year."""
    title = f"{capped(document.title)} — " if document.title else ""
    dated = shown_date(Meta(document.published, date_assumed=document.date_assumed)) or "undated"
    return (f"{dated:<10}  {capped(document.outlet) or '—'}  "
            f"{KINDS.get(document.kind, document.kind)}  "
            f"{plural(document.passages, 'passage')}  {title}{display_path(document.path, base)}")


def doc_id(path: str, part: int) -> str:
    """A document's short, URL-safe name (`newsqa://doc/{id}`): its path's hash and its part in the file."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{digest}-{part}"


def listed_dict(document: Listed) -> dict[str, object]:
    """`qa docs --json`: one document's object."""
    return {"doc": document.path, "part": document.part, "id": doc_id(document.path, document.part),
            "title": document.title, "published": document.published, "date_assumed": document.date_assumed,
            "outlet": document.outlet,
            "format": KINDS.get(document.kind, document.kind), "passages": document.passages}


def select(listed: list[Listed], filters: Filters = NO_FILTERS, undated: bool = False) -> list[Listed]:
    """The documents `filters` leave (as a question's filters do: a date bound leaves undated ones out); with
    `undated`, only those with no date or with the year assumed."""
    return [d for d in listed if _kept(d, filters, undated)]


def _kept(d: Listed, filters: Filters, undated: bool) -> bool:
    """Whether one document passes the filters (and is undated or its year assumed, when only those are wanted)."""
    if undated and d.published and not d.date_assumed:
        return False
    if filters.since and not (d.published and d.published >= filters.since):
        return False
    if filters.until and not (d.published and d.published <= filters.until):
        return False
    return not filters.outlets or bool(d.outlet and matching_outlets([d.outlet], filters.outlets))


def run_docs(folder: Path, undated: bool, as_json: bool) -> int:
    """List the index's documents (only the undated ones with `undated`), one line or JSON object each."""
    reader = IndexReader.open(folder)
    try:
        listed = reader.listing()
    finally:
        reader.close()
    shown = select(listed, undated=undated)
    for document in shown:
        if as_json:
            print(safe_json(listed_dict(document)))
        else:
            print(safe_line(line(document)))
    if not as_json:
        dated = sum(1 for d in listed if d.published)
        assumed = sum(1 for d in listed if d.published and d.date_assumed)
        print(f"{plural(len(shown), 'document')} shown; {dated} of {len(listed)} dated"
              + (f", {assumed} with the year assumed" if assumed else ""))
    return 0
