"""Where extracted text stands in the file on disk: the line each paragraph of a web page or feed begins on.

Citations give `file:line` for a user to open (`vim +N`, `code -g file:N`), so the line must be the file's,
not the extracted text's. A paragraph is found by its first characters in the markup's text: tags,
comments, scripts and the page's <head> dropped, entities decoded, whitespace removed on both sides (an
extractor re-flows it), each paragraph searched for after the last one found, in one pass over the file.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

# Where text to skip whole may open (a comment, a script, style or head block, a tag; its newlines still
# counted), an entity, or a newline; text lies between them. Each skip's end is found with str.find, and an
# end found missing once is never looked for again: a page of 100,000 unclosed `<script>` or `<` costs one
# pass, where a regex would scan to the end of the file from each (quadratic).
_TOKENS = re.compile(r"<!--|<(script|style|head)\b|<|&#?\w{1,32};|\n", re.I)
_CLOSERS = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "head")}
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([\w-]+)""", re.I)
_MARKERS = re.compile(r"^(?:[-*•|#>]\s*)+")  # list, table, heading and quote marks an extractor puts before text
# Non-space characters looked for: enough to tell a paragraph from a menu entry, then fewer when the
# extractor changed the text further on (a table's cells joined with "|", a link's text dropped).
NEEDLES = (40, 12)


def decode(data: bytes) -> str:
    """The markup as text, in the charset it declares (UTF-8 by default); undecodable bytes replaced."""
    declared = _CHARSET.search(data[:4096])
    for encoding in ((declared[1].decode("ascii"),) if declared else ()) + ("utf-8",):
        try:
            return data.decode(encoding, errors="replace")
        except LookupError:  # a charset Python does not know
            continue
    return data.decode("utf-8", errors="replace")


def _bare(text: str) -> str:
    """Text as it is compared: NFC (as trafilatura normalizes), no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class Markup:
    """A markup file's visible text without whitespace, and where its lines break in that text."""

    text: str
    breaks: tuple[int, ...]  # for each newline of the file, the length of `text` before it
    offsets: tuple[int, ...]  # for each newline of the file, its offset in the file

    def line(self, at: int) -> int:
        """The file's 1-based line of the character at `at` in `text`."""
        return bisect_right(self.breaks, at) + 1

    def position(self, offset: int) -> int:
        """Where in `text` the file's offset `offset` falls (the start of its line: enough to search after)."""
        index = bisect_right(self.offsets, offset)
        return self.breaks[index - 1] if index else 0


def markup(raw: str) -> Markup:
    """The visible text of HTML or XML, tags and comments dropped, entities decoded, lines located."""
    pieces: list[str] = []
    breaks: list[int] = []
    offsets: list[int] = []
    size = at = search = 0
    unclosed: set[str] = set()  # what has no end after some point: "-->", ">", or a block's closing tag
    while (match := _TOKENS.search(raw, search)) is not None:
        token, end = match.group(), _skipped_end(raw, match, unclosed)
        if end is None and token.startswith("<"):
            search = match.start() + 1  # a `<` that opens nothing is text
            continue
        if match.start() > at:
            piece = _bare(raw[at:match.start()])
            pieces.append(piece)
            size += len(piece)
        if token == "\n":
            breaks.append(size)
            offsets.append(match.start())
        elif token.startswith("&"):
            piece = _bare(html.unescape(token))
            pieces.append(piece)
            size += len(piece)
        else:
            newline = match.start()
            while (newline := raw.find("\n", newline, end)) >= 0:
                breaks.append(size)
                offsets.append(newline)
                newline += 1
        at = search = end if end is not None else match.end()
    if at < len(raw):
        pieces.append(_bare(raw[at:]))
    return Markup("".join(pieces), tuple(breaks), tuple(offsets))


def _skipped_end(raw: str, match: re.Match[str], unclosed: set[str]) -> int | None:
    """Where the comment, block or tag a `<` token opens ends (None: it opens none); other tokens: None."""
    token, start = match.group(), match.start()
    if not token.startswith("<"):
        return None
    if token == "<!--" and "-->" not in unclosed:
        end = raw.find("-->", start + 4)
        if end >= 0:
            return end + 3
        unclosed.add("-->")
    name = (match.group(1) or "").lower()
    if name and name not in unclosed:
        closer = _CLOSERS[name].search(raw, match.end())
        if closer is not None:
            return closer.end()
        unclosed.add(name)
    if ">" in unclosed:
        return None
    end = raw.find(">", start + 1)
    if end < 0:
        unclosed.add(">")
        return None
    return end + 1


def find(page: Markup, paragraph: str, start: int = 0, end: int | None = None) -> int | None:
    """Where in `page.text[start:end]` the paragraph begins, by its first characters; None when it is not there."""
    bare = _bare(_MARKERS.sub("", paragraph.split(" | ")[0]))
    for size in NEEDLES:
        needle = bare[:size]
        if not needle:
            return None
        at = page.text.find(needle, start, len(page.text) if end is None else end)
        if at >= 0:
            return at
    return None


def paragraph_lines(page: Markup, body: str, start: int = 0,
                    end: int | None = None) -> tuple[tuple[tuple[int, int], ...], int | None]:
    """(offset in `body`, line on disk) for each paragraph of `body` (blank-line separated) found in the page,
    and where in `page.text` the first was found.

    Each is searched for after the last one found, so a paragraph's copy in a menu before it is passed by;
    one not found after it is looked for from `start` (an extractor may reorder), else left to the one before.
    """
    found: list[tuple[int, int]] = []
    first: int | None = None
    offset, after = 0, start
    for paragraph in body.split("\n\n"):
        at = find(page, paragraph, after, end)
        if at is None:
            at = find(page, paragraph, start, end)
        if at is not None:
            found.append((offset, page.line(at)))
            first = at if first is None else first
            after = at + 1
        offset += len(paragraph) + 2
    return tuple(found), first


def title_line(page: Markup, title: str | None, start: int = 0, before: int | None = None) -> int | None:
    """The line of the title's last copy in `page.text[start:before]` (the heading over the text), else its first."""
    needle = _bare(title or "")[:NEEDLES[0]]
    if not needle:
        return None
    limit = len(page.text) if before is None else min(len(page.text), before + len(needle))
    at = page.text.rfind(needle, start, limit)
    if at < 0:
        at = page.text.find(needle, start)
    return page.line(at) if at >= 0 else None


def line_at(anchors: Sequence[tuple[int, int]], offset: int) -> int:
    """The disk line of the text at `offset`: that of the last anchor (offset, line) at or before it, else the first."""
    index = bisect_right(anchors, (offset, float("inf")))
    return anchors[max(index - 1, 0)][1]
