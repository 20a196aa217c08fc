"""`qa docs`: the indexed documents with their date, outlet, format and passages, newest first."""

from __future__ import annotations

import json
from pathlib import Path

from index.models import Listed
from index.store import IndexReader
from qa.present import display_path, plural
from qa.terminal import safe_line

KINDS = {"text": "text", "html": "web page", "feed": "feed", "pdf": "PDF", "records": "export"}


def line(document: Listed, base: str | None = None) -> str:
    """`2025-03-04  Valley Courier  text  3 passages  Title — path`; 'undated' where no date was read."""
    title = f"{document.title} — " if document.title else ""
    return (f"{document.published or 'undated':<10}  {document.outlet or '—'}  {KINDS.get(document.kind, document.kind)}  "
            f"{plural(document.passages, 'passage')}  {title}{display_path(document.path, base)}")


def run_docs(folder: Path, undated: bool, as_json: bool) -> int:
    """List the index's documents (only the undated ones with `undated`), one line or JSON object each."""
    reader = IndexReader.open(folder)
    try:
        listed = reader.listing()
    finally:
        reader.close()
    shown = [d for d in listed if not d.published] if undated else listed
    for document in shown:
        if as_json:
            print(json.dumps({"doc": document.path, "part": document.part, "title": document.title,
                              "published": document.published, "outlet": document.outlet,
                              "format": KINDS.get(document.kind, document.kind), "passages": document.passages},
                             ensure_ascii=False))
        else:
            print(safe_line(line(document)))
    if not as_json:
        dated = sum(1 for d in listed if d.published)
        print(f"{plural(len(shown), 'document')} shown; {dated} of {len(listed)} dated")
    return 0
