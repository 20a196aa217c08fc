"""Splitting cleaned stories into sentence-aware passages located in the original file."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby

import index.config as settings
from index.clean import Paragraph, Story, stories
from index.disk_lines import line_at
from index.models import NO_META, Article, Document, Meta, Passage, SourceFile

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt gen col lt sgt capt gov sen rep rev no vs etc inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec fig approx est dept univ".split()
)
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a heading) located in the original text."""

    start: int
    end: int
    text: str
    heading: bool

    @property
    def words(self) -> int:
        return len(self.text.split())


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at `dot` ends an abbreviation or initial rather than a sentence."""
    # A short window, not text[:dot]: slicing and scanning the whole paragraph per period is quadratic.
    word = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 64):dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or len(token) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start/end offsets of the sentences in one paragraph of text; a line break (after a heading) ends one too."""
    if "\n" in text:
        spans, at = [], 0
        for line in text.split("\n"):
            spans.extend((at + s, at + e) for s, e in sentence_spans(line))
            at += len(line) + 1
        return spans
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.group().startswith(".") and len(match.group()) == 1 and _is_abbreviation(text, match.start()):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


_WORD = re.compile(r"\S+")


def _capped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """A sentence cut at spaces into pieces of at most max_words words and max_chars characters (IndexConfig)."""
    max_words, max_chars = settings.INDEX.max_words, settings.INDEX.max_chars
    while start < end:
        limit = min(end, start + max_chars)
        ends = [match.end() for match in _WORD.finditer(text, start, limit)]
        if limit < end and ends and ends[-1] == limit and not text[limit].isspace():
            ends.pop()  # that word runs on past the limit
        if limit == end and len(ends) <= max_words:
            yield start, end
            return
        cut = ends[min(len(ends), max_words) - 1] if ends else limit  # no space at all: cut in the word
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1


def sentences(paragraph: Paragraph) -> list[Sentence]:
    """The paragraph's sentences, each mapped back to original offsets (overlong ones cut)."""
    if paragraph.heading:
        spans = list(_capped(paragraph.text, 0, len(paragraph.text)))
    else:
        spans = [piece for s, e in sentence_spans(paragraph.text) for piece in _capped(paragraph.text, s, e)]
    starts = paragraph.starts()  # once: per sentence it made a long paragraph quadratic
    return [
        Sentence(paragraph.to_original(s, starts), paragraph.to_original(e, starts), paragraph.text[s:e],
                 paragraph.heading)
        for s, e in spans
    ]


def _balanced(units: list[Sentence]) -> list[list[Sentence]]:
    """Cut a run of sentences into the fewest passages of at most max_words, of even size."""
    max_words, max_chars = settings.INDEX.max_words, settings.INDEX.max_chars
    total = sum(unit.words for unit in units)
    count = max(1, -(-total // max_words))
    target = total / count
    groups: list[list[Sentence]] = [[]]
    size = chars = 0
    for unit in units:
        # Close the group when this sentence would take it further past the target than short of it,
        # or past max_chars (long words: URLs, tables, text in scripts without spaces).
        if groups[-1] and ((len(groups) < count and size + unit.words - target > target - size)
                           or chars + 1 + len(unit.text) > max_chars):
            groups.append([])
            size = chars = 0
        groups[-1].append(unit)
        size, chars = size + unit.words, chars + 1 + len(unit.text)
    return groups


def _pack(paragraphs: Iterable[Paragraph]) -> Iterator[list[Sentence]]:
    """Group one block's sentences into passages: a heading opens a new one, long runs are cut evenly.

    A section is balanced in windows of IndexConfig.section_words words, so a file's worth of sentences
    with no heading is never held at once; and a section's opening headings become sentences only once
    text follows them (alone they make no passage), so a file of a million short lines is cheap.
    """
    limit = settings.INDEX.section_words
    headings: list[Paragraph] = []
    section: list[Sentence] = []
    words = 0
    for paragraph in paragraphs:
        if section and (paragraph.heading or words >= limit):
            yield from _cited(_balanced(section))
            section, words = [], 0
        if not section and words >= limit:
            headings, words = [], 0  # a window of headings alone: nothing to cite
        if paragraph.heading:
            headings.append(paragraph)
            words += len(paragraph.text.split())
            continue
        if headings:
            section = [unit for heading in headings for unit in sentences(heading)]
            headings = []
        units = sentences(paragraph)
        section.extend(units)
        words += sum(unit.words for unit in units)
    if section:
        yield from _cited(_balanced(section))


def _cited(groups: list[list[Sentence]]) -> list[list[Sentence]]:
    """The groups worth a passage: a heading alone is none, there is nothing under it to cite."""
    return [group for group in groups if not all(unit.heading for unit in group)]


class LineCounter:
    """Line numbers of offsets in one text, counted forward from the last one asked: no list of every line."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def line_at(self, offset: int) -> int:
        """1-based line number of `offset`; offsets asked in order cost one scan of the text in all."""
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def story_passages(path: str, text: str, story: Story, lines: LineCounter | None = None,
                   offset: int = 0) -> Iterator[Passage]:
    """Passages of one story; none spans two blocks, so none spans dropped text.

    `text` lies at `offset` in the text `lines` counts in (by default `text` itself).
    """
    lines = LineCounter(text) if lines is None else lines
    for _, block in groupby(story.paragraphs(), key=lambda made: made[0]):
        for group in _pack(paragraph for _, paragraph in block):
            start, end = group[0].start, group[-1].end
            yield Passage(
                path=path,
                part=story.part,
                title=story.title,
                start=start,
                end=end,
                line=lines.line_at(start + offset),
                text=joined(group),
            )


def joined(group: list[Sentence]) -> str:
    """A passage's sentences as one text: a heading ends its line, so its last word never runs into the text
    under it ('… lawsuits now total five' / 'About 67,000 owners …' read as one sentence gave 'five About')."""
    return "".join((("\n" if group[n - 1].heading else " ") if n else "") + unit.text for n, unit in enumerate(group))


def _segments(source: SourceFile, article: Article) -> list[tuple[int, int]]:
    """The article's stretches to clean one by one: its PDF pages (no passage spans a page break), else all of it."""
    if not source.pages:
        return [(article.start, article.end)]
    bounds = [*source.pages, len(source.text)]
    return [(max(a, article.start), min(b, article.end)) for a, b in zip(bounds, bounds[1:])
            if min(b, article.end) > max(a, article.start)]


def split_source(source: SourceFile) -> tuple[list[Document], list[Passage]]:
    """Clean each article of a read file and split it into documents and passages located in `source.text`.

    Each passage carries its document's metadata, its exact slice of the text (when that differs from its
    re-flowed text) and, in a PDF, the page it starts on.
    """
    text = source.text
    if not source.articles:
        return split_file(source.path, text)
    lines = LineCounter(text)
    documents: list[Document] = []
    passages: list[Passage] = []
    part = 0
    made: set[int] = set()  # parts with a document: a list's `any` was quadratic in appended stories
    for article in source.articles:
        main = part
        part += 1
        title = article.title
        for start, end in _segments(source, article):
            for story in stories(text[start:end]):
                if story.part == 0:  # the article itself (a PDF page's share of it)
                    number, meta, title = main, article.meta, title or story.title
                else:  # a story appended under 'Related Articles': its own document, its own outlet
                    number, meta, part = part, Meta(outlet=story.outlet), part + 1
                found = [_placed(p, text, start, source.pages, meta)
                         for p in story_passages(source.path, text[start:end], story, lines, start)]
                if article.lines:  # extracted from markup or an export: cited at the file's own line
                    found = [replace(p, line=line_at(article.lines, p.start)) for p in found]
                if not found:
                    continue
                passages.extend(replace(p, part=number, title=title if number == main else story.title) for p in found)
                if number not in made:
                    made.add(number)
                    documents.append(Document(source.path, number, title if number == main else story.title,
                                              meta.outlet, meta.published, meta.author, meta.url,
                                              meta.date_assumed))
    # The main document's title may only have been found on a later page; every passage shows the final one.
    titles = {d.part: d.title for d in documents}
    documents = [replace(d, title=titles[d.part]) for d in documents]
    return documents, [replace(p, title=titles[p.part]) for p in passages]


def _placed(passage: Passage, text: str, offset: int, pages: Sequence[int], meta: Meta) -> Passage:
    """A passage found in a slice of the text (its line already counted in the whole), moved to its place."""
    start, end = passage.start + offset, passage.end + offset
    exact = text[start:end]
    return replace(passage, start=start, end=end, raw=None if exact == passage.text else exact,
                   page=bisect_right(pages, start) if pages else None, meta=meta)


def split_file(path: str, text: str) -> tuple[list[Document], list[Passage]]:
    """Clean a file's text and split it into its documents and their passages."""
    documents: list[Document] = []
    passages: list[Passage] = []
    lines = LineCounter(text)
    for story in stories(text):
        story_list = list(story_passages(path, text, story, lines))
        if story_list:
            documents.append(Document(path, story.part, story.title, story.outlet))
            meta = Meta(outlet=story.outlet) if story.outlet else NO_META
            passages.extend(replace(p, raw=None if text[p.start:p.end] == p.text else text[p.start:p.end], meta=meta)
                            for p in story_list)
    return documents, passages
