"""Values carried end to end while building an index: source files, documents and passages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.citation import Citation


@dataclass(frozen=True)
class Meta:
    """What a document says about itself; `published` is an ISO date (YYYY-MM-DD) when known, its year
    `date_assumed` when the document stated the day without one (index/year.py)."""

    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    date_assumed: bool = False

    @property
    def day(self) -> date | None:
        """The publication day as a date; None when undated or not an ISO date."""
        try:
            return date.fromisoformat((self.published or "")[:10])
        except ValueError:
            return None


NO_META = Meta()


@dataclass(frozen=True)
class Article:
    """One article of a file's text (a feed entry, a record, a web page): where it lies, what it says of itself.

    `lines` holds (offset in the text, line in the file on disk) where its paragraphs begin, in order, when
    the text was extracted from markup or an export: its passages are cited at those lines.
    """

    start: int
    end: int
    title: str | None = None
    meta: Meta = NO_META
    lines: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SourceFile:
    """A read source file: its path, its text (decoded, or extracted from HTML/feed/PDF/records), its bytes' hash.

    `articles` empty means the whole text is cleaned as one plain-text file; `pages` holds the offset in
    `text` at which each PDF page begins.
    """

    path: str
    text: str
    sha256: str
    size: int
    mtime: float
    kind: str = "text"
    articles: tuple[Article, ...] = ()
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Document:
    """One story inside a file; a file may hold several (appended 'Related Articles')."""

    path: str
    part: int
    title: str | None
    outlet: str | None
    published: str | None = None
    author: str | None = None
    url: str | None = None
    date_assumed: bool = False

    @property
    def meta(self) -> Meta:
        return Meta(self.published, self.outlet, self.author, self.url, self.date_assumed)


@dataclass(frozen=True)
class Listed:
    """One indexed document as `qa docs` lists it: where, when, from whom, in what format, how many passages."""

    path: str
    part: int
    title: str | None
    published: str | None
    outlet: str | None
    kind: str
    passages: int
    date_assumed: bool = False


@dataclass(frozen=True)
class Passage:
    """A few sentences of one document, located in its file's text (decoded, or extracted).

    `raw` is that text's exact slice `[start:end]` (None when it equals `text`); it equals `text` up to
    whitespace, so answer offsets map into the file's text without reading the file. `line` is the 1-based
    line of the file on disk (for a web page, feed or export, that of the element or record holding its
    start), `page` the PDF page the passage starts on.
    """

    path: str
    part: int
    title: str | None
    start: int
    end: int
    line: int
    text: str
    id: int = -1
    raw: str | None = None
    page: int | None = None
    meta: Meta = NO_META

    @property
    def exact(self) -> str:
        """The file text's exact slice this passage covers."""
        return self.text if self.raw is None else self.raw

    @property
    def citation(self) -> Citation:
        """Where this passage stands, as every output cites a place."""
        from index.citation import Citation  # built on Meta, defined here

        return Citation(self.path, self.start, self.end, self.line, self.title, self.page, self.meta)
