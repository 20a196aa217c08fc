"""PDFs, by pypdf: the text of each page (citations give the page), title, author and date from the document info."""

from __future__ import annotations

import io

from index.compose import one_line
from index.dates import iso_date
from index.models import Meta

PAGE_BREAK = "\n\n"


def extract_pdf(data: bytes, name: str) -> tuple[str, tuple[int, ...], str | None, Meta, str | None]:
    """(text, page start offsets, title, metadata, warning); empty text when the PDF has none to read."""
    import pypdf  # only `qa index` pays for it
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return "", (), None, Meta(), f"skipped encrypted PDF: {name}"
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata or {}
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        return "", (), None, Meta(), f"skipped PDF that could not be read: {name} ({error})"
    starts, at = [], 0
    for text in pages:
        starts.append(at)
        at += len(text) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(pages)
    if not text.strip():
        return "", (), None, Meta(), f"skipped PDF with no text layer (scanned?): {name}"
    meta = Meta(iso_date(info.get("/CreationDate")), None, one_line(info.get("/Author")), None)
    return text, tuple(starts), one_line(info.get("/Title")), meta, None
