"""A citation: one stretch of a document's file text, and what the document says of itself."""

from __future__ import annotations

from dataclasses import dataclass

from index.models import NO_META, Meta


@dataclass(frozen=True)
class Citation:
    """Where a stretch of text stands: its file, its character offsets in the file's indexed text, its document.

    `line` is 1-based, `page` the PDF page it starts on.
    """

    path: str
    start: int
    end: int
    line: int
    title: str | None = None
    page: int | None = None
    meta: Meta = NO_META

    def to_json(self) -> dict[str, object]:
        """The keys `ask --json` and `show --json` give every place: where it is, then its document's metadata."""
        meta = self.meta
        return {"doc": self.path, "start": self.start, "end": self.end, "line": self.line,
                **({"page": self.page} if self.page is not None else {}),
                "title": self.title, "published": meta.published, "date_assumed": meta.date_assumed,
                "outlet": meta.outlet, "author": meta.author, "url": meta.url}
