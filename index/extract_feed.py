"""RSS and Atom feeds, by feedparser: each entry an article, with its full content where the feed has it."""

from __future__ import annotations

import re

import index.config as settings
from index.compose import Extracted, one_line, paragraphs
from index.dates import iso_date
from index.disk_lines import decode, markup, paragraph_lines, title_line
from index.models import Meta


def _html_text(html: str) -> str:
    """Entry content (HTML) as paragraphs of text; lxml (trafilatura's parser) reads the markup."""
    if "<" not in html:
        return paragraphs(html)
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # an empty or unparseable fragment: nothing to keep
        return ""
    for element in root.iter("script", "style"):
        element.drop_tree()
    # Block elements end paragraphs; their text would otherwise run together.
    for element in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"):
        element.tail = "\n" + (element.tail or "")
    return paragraphs(root.text_content())


def _content(entry: object) -> str:
    """The entry's fullest text: its content, else its summary."""
    contents = getattr(entry, "content", None) or []
    best = max((item.get("value", "") for item in contents), key=len, default="")
    summary = getattr(entry, "summary", "") or ""
    return _html_text(best if len(best) >= len(summary) else summary)


def extract_feed(data: bytes, name: str) -> tuple[list[Extracted], str | None]:
    """Every entry of an RSS/Atom feed with its date, link, author and the feed's title as outlet."""
    import feedparser  # only `qa index` pays for it

    most = settings.INDEX.max_records
    entries = data.count(b"<item") + data.count(b"<entry")  # an upper bound, before feedparser holds them all
    if entries > most:
        return [], f"skipped feed of about {entries:,} entries, over the {most:,} an index reads from one file: {name}"
    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo") and parsed.get("bozo_exception") is not None:
            return [], f"skipped file that is not a readable RSS/Atom feed: {name} ({parsed.bozo_exception})"
        return [], f"skipped feed with no entries: {name}"
    outlet = one_line(parsed.feed.get("title"))
    raw = decode(data)
    page, starts = markup(raw), _item_starts(raw)
    if len(starts) != len(parsed.entries):  # items not told apart in the markup: cite each by its text alone
        starts = []
    bounds = [page.position(offset) for offset, _ in starts] + [len(page.text)]
    items = []
    for number, entry in enumerate(parsed.entries):
        date = entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("published")
        meta = Meta(iso_date(date), outlet, one_line(entry.get("author")), one_line(entry.get("link")))
        title, body = one_line(entry.get("title")), _content(entry)
        low, high = (bounds[number], bounds[number + 1]) if starts else (0, len(page.text))
        lines, first = paragraph_lines(page, body, low, high)
        # The head is cited at the item's <title>, else at the item's own line.
        line = title_line(page, title, low, first if first is not None else high)
        items.append(Extracted(title, body, meta, line or (starts[number][1] if starts else None), lines))
    return items, None


# An item's or entry's start tag; CDATA and comments are matched only to be passed over.
_ITEM = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<((?:[\w-]+:)?(?:item|entry))[\s>/]", re.S)


def _item_starts(raw: str) -> list[tuple[int, int]]:
    """(offset, line) of each item's or entry's start tag in the feed's markup, in order."""
    found: list[tuple[int, int]] = []
    at, line = 0, 1
    for match in _ITEM.finditer(raw):
        if match.group(1):
            line += raw.count("\n", at, match.start())
            at = match.start()
            found.append((at, line))
    return found
