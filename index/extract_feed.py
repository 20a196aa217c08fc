"""RSS and Atom feeds, by feedparser: each entry an article, with its full content where the feed has it."""

from __future__ import annotations

from index.compose import Extracted, one_line, paragraphs
from index.dates import iso_date
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

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo") and parsed.get("bozo_exception") is not None:
            return [], f"skipped file that is not a readable RSS/Atom feed: {name} ({parsed.bozo_exception})"
        return [], f"skipped feed with no entries: {name}"
    outlet = one_line(parsed.feed.get("title"))
    items = []
    for entry in parsed.entries:
        date = entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("published")
        meta = Meta(iso_date(date), outlet, one_line(entry.get("author")), one_line(entry.get("link")))
        items.append(Extracted(one_line(entry.get("title")), _content(entry), meta))
    return items, None
