"""What the reader proposes, as text: each span trimmed to whole words and names, once, and overlapping spans as one statement."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qa.config import ReaderConfig
from qa.fit import completed, whole_name
from qa.models import Hit
from qa.question import AnswerType
from qa.reader import SpanScore

_EDGE = " \t\n,;:.!?\"'“”‘’()[]"  # a span never starts or ends on these (the model's word pieces may)


@dataclass(frozen=True)
class Mention:
    """One statement of a possible answer: a span of one hit's passage, with the reader's scores."""

    hit: int
    start: int  # offsets into the passage text
    end: int
    text: str
    rank: float  # comparable across passages: what answers are ordered by
    margin: float  # span score minus the 'no answer' score of its window
    rival_only: bool = False  # proposed only as a rival (SpanScore.rival_only)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop punctuation and spaces the model's word pieces left at the ends of a span."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if text[start:end].count("(") > text[start:end].count(")") and end < len(text) and text[end] == ")":
        end += 1  # "(UNSC" reads better whole
    return start, end


def _joined(text: str, at: int) -> bool:
    """Whether text[at - 1] and text[at] belong to one word or number ('4.5', '4,000', "don't")."""
    if at <= 0 or at >= len(text):
        return False
    left, right = text[at - 1], text[at]
    if left.isalnum() and right.isalnum():
        return True
    if left.isalnum() and right in ".,'’" and at + 1 < len(text):
        after = text[at + 1]
        return (left.isdigit() and after.isdigit() and right in ".,") or (right in "'’" and after.isalpha())
    if right.isalnum() and left in ".,'’" and at >= 2:
        before = text[at - 2]
        return (before.isdigit() and right.isdigit() and left in ".,") or (left in "'’" and before.isalpha())
    return False


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to whole words and numbers: '5 percent' in '4.5 percent' becomes '4.5 percent'."""
    while start > 0 and _joined(text, start):
        start -= 1
    while end < len(text) and _joined(text, end):
        end += 1
    return start, end


def _within_line(text: str, start: int, end: int) -> int:
    """A span's end cut back to the end of the line it starts on."""
    cut = text.find("\n", start, end)
    return end if cut < 0 else cut


# A number or code naming one of its kind right after the noun: 'Resolution 2375', 'Flight No. 17', 'Route 94'.
IDENTIFIER = re.compile(r"\s(?:No\.\s?|Number\s)?[A-Z]{0,3}-?\d[\w./-]*(?<![.,])")


def _identified(text: str, end: int, name: str | None) -> int:
    """The span's end moved past the identifier that follows it when the span ends with the asked noun:
    'what resolution …?' is answered 'Resolution 2375', never 'Resolution' with the number left beside it."""
    if name is None:
        return end
    last = text[:end].rsplit(None, 1)[-1].lower() if text[:end].strip() else ""
    if last.rstrip("s") != name.rstrip("s"):
        return end
    match = IDENTIFIER.match(text, end)
    return match.end() if match else end


def mentions(spans: Sequence[SpanScore], hits: Sequence[Hit], config: ReaderConfig,
             name: str | None = None, kind: AnswerType | None = None, question: str = "",
             latest: bool = False) -> list[Mention]:
    """Each proposed span once (overlapping windows propose some twice), best score kept; a span ending with
    the noun a 'what X' question asks (`name`) takes the number after it, a surname a 'who' question gets
    the name before it, and for a `latest` question a figure drops the older one it replaces (qa.fit.completed)."""
    best: dict[tuple[int, int, int], Mention] = {}
    for span in spans:
        text = hits[span.passage].passage.text
        start, end = _trim(text, *_whole_words(text, span.start, _identified(text, span.end, name)))
        # A span never runs on past its paragraph ('in total five' / 'About 67,000 …'): the reader chose its start.
        start, end = _trim(text, start, _within_line(text, start, end))
        if kind is AnswerType.PERSON:
            start = whole_name(text, start, end)
            end -= 2 if text[start:end].endswith(("'s", "’s")) else 0  # "Carl Whitfield's office": the name
        elif kind is not None:
            start, end = completed(question, text, start, end, kind, latest)
        if end <= start:
            continue
        margin = span.score - span.null
        rank = span.score - config.null_weight * span.null + config.retrieval_weight * hits[span.passage].score
        key = (span.passage, start, end)
        if key not in best or rank > best[key].rank:
            only = span.rival_only and (key not in best or best[key].rival_only)  # a rival only if only ever that
            best[key] = Mention(span.passage, start, end, text[start:end], rank, margin, only)
        elif best[key].rival_only and not span.rival_only:
            best[key] = replace(best[key], rival_only=False)
    return sorted(best.values(), key=lambda m: -m.rank)


def statements(found: list[Mention], config: ReaderConfig) -> list[tuple[Mention, float]]:
    """Overlapping spans of one passage are one statement ('10,000', '10,000 and 12,000', 'between 10,000 ...').

    Each statement's weight sums its spans' softmax weights (the reader's belief in that place, whatever the
    exact boundaries); it is worded by its longest span within `config.widen` logits of its best one.
    """
    if not found:
        return []
    top = found[0].rank
    clusters: list[list[Mention]] = []
    for mention in found:  # best first
        home = next((c for c in clusters if c[0].hit == mention.hit
                     and any(mention.start < m.end and m.start < mention.end for m in c)), None)
        if home is None:
            clusters.append([mention])
        else:
            home.append(mention)
    out = []
    for cluster in clusters:
        close = [m for m in cluster if m.rank >= cluster[0].rank - config.widen]
        wording = max(close, key=lambda m: (m.end - m.start, m.rank))
        out.append((replace(wording, rank=cluster[0].rank, margin=cluster[0].margin,
                            rival_only=all(m.rival_only for m in cluster)),
                    sum(math.exp(m.rank - top) for m in cluster)))
    return out
