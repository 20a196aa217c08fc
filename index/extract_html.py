"""Saved web pages: the article's main text and metadata, by trafilatura (boilerplate, menus and comments left out)."""

from __future__ import annotations

from index.compose import Extracted, one_line, paragraphs
from index.dates import iso_date
from index.disk_lines import decode, markup, paragraph_lines, title_line
from index.models import Meta


def extract_html(data: bytes, name: str) -> tuple[list[Extracted], str | None]:
    """The page's one article (title, main text, date, site, author, canonical URL); a warning when it has none."""
    import trafilatura  # only `qa index` pays for it, never `ask`

    try:
        found = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                            include_tables=True, include_images=False, deduplicate=False)
    except Exception as error:  # lxml and trafilatura raise many untyped errors on broken markup
        return [], f"skipped web page that could not be parsed: {name} ({error})"
    if found is None or not (found.text or "").strip():
        return [], f"skipped web page with no article text: {name}"
    meta = Meta(
        published=iso_date(found.date),
        outlet=one_line(found.sitename) or one_line(found.hostname),
        author=one_line(found.author),
        url=one_line(found.url),
    )
    title, body = one_line(found.title), paragraphs(found.text)
    page = markup(decode(data))
    lines, first = paragraph_lines(page, body)
    # The title is cited at its heading over the text (its last copy before the first paragraph).
    return [Extracted(title, body, meta, title_line(page, title, before=first), lines)], None
