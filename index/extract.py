"""Which extractor reads which file, and their results as one `SourceFile` with its articles and pages."""

from __future__ import annotations

import os

from index.compose import compose
from index.extract_records import Fields
from index.models import Article, SourceFile

KINDS = {
    ".txt": "text", ".md": "text",
    ".html": "html", ".htm": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".pdf": "pdf",
    ".jsonl": "records", ".ndjson": "records", ".json": "records", ".csv": "records",
}
SUFFIXES = frozenset(KINDS)


def kind_of(path: str) -> str | None:
    """The format a file name says it holds, or None for a file the tool does not read."""
    return KINDS.get(os.path.splitext(path)[1].lower())


# Formats whose passages are cited at the file's line of the element or record holding them: their
# extracted text's line breaks are not the file's, so a line inside a passage cannot be counted from it.
LINED_BY_PASSAGE = frozenset({"html", "feed", "records"})


def lined_by_passage(path: str) -> bool:
    """Whether a file's citations give its passages' lines on disk rather than lines counted in its text."""
    return kind_of(path) in LINED_BY_PASSAGE


def extracted(path: str, data: bytes, sha256: str, size: int, mtime: float,
              fields: Fields | None = None) -> tuple[SourceFile | None, str | None]:
    """A web page, feed, PDF or export as its extracted text and articles; (None, why) when it holds none."""
    kind = kind_of(path)
    pages: tuple[int, ...] = ()
    if kind == "pdf":
        from index.extract_pdf import extract_pdf

        text, pages, title, meta, warning = extract_pdf(data, path)
        if not text:
            return None, warning
        articles: tuple[Article, ...] = (Article(0, len(text), title, meta),)
        return SourceFile(path, text, sha256, size, mtime, kind, articles, pages), warning
    if kind == "html":
        from index.extract_html import extract_html

        items, warning = extract_html(data, path)
    elif kind == "feed":
        from index.extract_feed import extract_feed

        items, warning = extract_feed(data, path)
    else:
        from index.extract_records import extract_records
        from index.load import decode

        decoded, warning = decode(data, path)
        if decoded is None:
            return None, warning
        items, warning = extract_records(decoded, path, path.lower().endswith(".csv"), fields or {})
    text, articles = compose(items)
    if not articles:
        return None, warning or f"skipped file with no article text: {path}"
    return SourceFile(path, text, sha256, size, mtime, kind, articles, pages), warning
