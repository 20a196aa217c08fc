"""Splitting cleaned stories into sentence-aware passages located in the original file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.clean import Paragraph, Story, clean
from index.models import Document, Passage

MAX_WORDS = 120
MIN_WORDS = 40

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
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or len(token) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Start/end offsets of the sentences in one paragraph of text."""
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


def sentences(paragraph: Paragraph) -> list[Sentence]:
    """The paragraph's sentences, each mapped back to original offsets."""
    if paragraph.heading:
        spans = [(0, len(paragraph.text))]
    else:
        spans = sentence_spans(paragraph.text)
    return [
        Sentence(paragraph.to_original(s), paragraph.to_original(e), paragraph.text[s:e], paragraph.heading)
        for s, e in spans
    ]


def _balanced(units: list[Sentence]) -> list[list[Sentence]]:
    """Cut a run of sentences into the fewest passages of at most MAX_WORDS, of even size."""
    total = sum(unit.words for unit in units)
    count = max(1, -(-total // MAX_WORDS))
    target = total / count
    groups: list[list[Sentence]] = [[]]
    for unit in units:
        size = sum(u.words for u in groups[-1])
        # Close the group when this sentence would take it further past the target than short of it.
        if groups[-1] and len(groups) < count and size + unit.words - target > target - size:
            groups.append([])
        groups[-1].append(unit)
    return groups


def _pack(units: list[Sentence]) -> list[list[Sentence]]:
    """Group sentences into passages: a heading opens a new one, long runs are cut evenly."""
    sections: list[list[Sentence]] = []
    for unit in units:
        if not sections or (unit.heading and not sections[-1][-1].heading):
            sections.append([])
        sections[-1].append(unit)
    groups = [group for section in sections for group in _balanced(section)]
    # A heading alone is no passage: there is nothing under it to cite.
    return [group for group in groups if not all(unit.heading for unit in group)]


def line_number(text: str, offset: int) -> int:
    """1-based line number of `offset` in `text`."""
    return text.count("\n", 0, offset) + 1


def story_passages(path: str, text: str, story: Story) -> Iterator[Passage]:
    """Passages of one story; none spans two blocks, so none spans dropped text."""
    for block in story.blocks:
        units = [sentence for paragraph in block.paragraphs for sentence in sentences(paragraph)]
        for group in _pack(units):
            start, end = group[0].start, group[-1].end
            yield Passage(
                path=path,
                part=story.part,
                title=story.title,
                start=start,
                end=end,
                line=line_number(text, start),
                text=" ".join(unit.text for unit in group),
            )


def split_file(path: str, text: str) -> tuple[list[Document], list[Passage]]:
    """Clean a file's text and split it into its documents and their passages."""
    documents: list[Document] = []
    passages: list[Passage] = []
    for story in clean(text):
        story_list = list(story_passages(path, text, story))
        if story_list:
            documents.append(Document(path, story.part, story.title, story.outlet))
            passages.extend(story_list)
    return documents, passages
