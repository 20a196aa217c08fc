"""How results read to people, shared by `ask`, the terminal app and the exports: titles, paths, citations, counts."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from index.inventory import counted
from index.citation import Citation
from index.models import Meta
from qa.config import DEFAULT
from qa.marks import Range, marks
from qa.models import Answer, Hit, Result, Source, Step

DEFAULT_K = 5  # passages shown by `ask` and the app alike; `-k` and the app's +/- change it
SCORE_NOTE = "similarity = cosine to the question, 0–1, comparable across questions"


plural = counted  # `1 passage`, `2 passages`: one wording for the storage layer's lines and these


def display_path(path: str, base: str | os.PathLike[str] | None = None) -> str:
    """A path as short as it reads unambiguously: relative to `base` (else here), or from ~."""
    absolute = Path(path)
    for root, prefix in ((Path(base) if base else Path.cwd(), ""), (Path.home(), "~" + os.sep)):
        if root == Path(root.anchor):
            continue  # relative to / says nothing shorter
        try:
            return prefix + str(absolute.relative_to(root))
        except ValueError:
            continue
    return path


def capped(value: str | None) -> str | None:
    """A title, outlet or author as shown: at most `DisplayConfig.max_field` characters, an ellipsis marking the cut."""
    most = DEFAULT.display.max_field
    if value is None or len(value) <= most:
        return value
    cut = value[:most - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > most // 2 else cut).rstrip() + "…"  # at a word's end where there is one


def display_title(place: Citation) -> str:
    """The document's title, or its file name when it has none."""
    return capped(place.title) or os.path.basename(place.path)


def where(place: Citation, base: str | None = None) -> str:
    """`path:line`, the path as short as it reads."""
    return f"{display_path(place.path, base)}:{place.line}"


def shown_date(meta: Meta) -> str | None:
    """`2025-02-09`, or `2025-02-09 (year assumed)` when the document stated the day without its year."""
    if not meta.published:
        return None
    return f"{meta.published} (year assumed)" if meta.date_assumed else meta.published


def byline(place: Citation) -> str:
    """`outlet, 2025-02-09, page 2`: what the document says of itself, empty when it says nothing."""
    meta = place.meta
    page = f"page {place.page}" if place.page is not None else None
    return ", ".join(v for v in (capped(meta.outlet), shown_date(meta), page) if v)


def citation(place: Citation, base: str | None = None) -> str:
    """`title — path:line`; an untitled file is cited by its path alone (its name is no title)."""
    return f"{capped(place.title)} — {where(place, base)}" if place.title else where(place, base)


def full_citation(place: Citation) -> str:
    """`title — /absolute/path:line`: what is copied to the clipboard, checkable from any folder."""
    cited = f"{place.path}:{place.line}"
    return f"{capped(place.title)} — {cited}" if place.title else cited


def sentence_around(exact: str, start: int, span: Range) -> str | None:
    """The whole sentence of a file's slice (`exact`, from offset `start`, whitespace flattened) holding `span`
    (file offsets), the span marked «»; None if the span is not in the slice."""
    from index.split import sentence_spans  # the indexer's sentence rules, so quotes end where sentences do

    flat, ranges = marks(exact, start, [span])
    if not ranges:
        return None
    (low, high), = ranges
    for first, last in sentence_spans(flat):
        if first <= low < last:
            last = max(last, high)  # a span that runs past a sentence end is quoted whole
            return (flat[first:low] + "«" + flat[low:high] + "»" + flat[high:last]).strip()
    return "«" + flat[low:high] + "»"


def corpus_base(result: Result) -> str | None:
    """The folder a result's paths are shown relative to: here if all lie under it, else their common folder."""
    paths = [p.path for hit in result.hits for p in (hit.passage, *hit.duplicates)]
    paths += [source.path for answer in result.answers for source in answer.sources]
    if not paths:
        return None
    here = str(Path.cwd())
    if all(os.path.commonpath([here, path]) == here for path in paths if os.path.isabs(path)):
        return None
    try:
        common = os.path.commonpath([os.path.dirname(path) for path in paths])
    except ValueError:  # relative and absolute mixed
        return None
    return common if common not in ("", os.sep, str(Path.home())) else None


def support(answer: Answer, short: bool = False) -> str:
    """How many articles state an answer, and how many of them are independent stories."""
    articles = len({source.path for source in answer.sources})
    text = plural(articles, "source")
    if answer.independent >= articles:
        return text
    return f"{text}, {answer.independent} indep." if short else f"{text}, {answer.independent} independent"


def similarity(hit: Hit) -> str:
    """The passage's cosine to the question: unlike the fused rank score it means the same for every question."""
    return f"{hit.dense:.2f}"


def sentence_parts(answer: Answer) -> tuple[str, str, str]:
    """The whole sentence the answer stands in (whitespace flattened), split around the answer's words there."""
    words = " ".join(answer.text.split())
    if not answer.context.strip():
        return "", words, ""
    flat, ranges = marks(answer.context, 0, [answer.in_context] if answer.in_context else [])
    if not ranges:  # worded differently in its sentence: the words follow it
        return flat + " (", words, ")"
    (low, high), = ranges
    return flat[:low], flat[low:high], flat[high:]


def marked_sentence(answer: Answer, open_: str = "«", close: str = "»") -> str:
    """The sentence with the answer's words marked: what a copied quote holds."""
    before, words, after = sentence_parts(answer)
    return before + open_ + words + close + after


def verdict(result: Result) -> str:
    """One line saying what kind of answer this is; with no passage at all, why there is none."""
    if not result.hits:
        return result.reason or "No passages found."
    if result.low_confidence:
        return "No passage clearly answers this question; the closest passages follow."
    if not result.answers:
        return "No answer span found in the passages; the closest passages follow."
    if len(result.answers) == 1:
        return "Answer"
    return "Sources disagree" if result.disagree else "The figure changed over time"


_UNDATED = "9999"  # sorts after every ISO date: undated sources come last, in their given order


def sources_by_time(answer: Answer) -> list[Source]:
    """An answer's sources, oldest article first (undated last)."""
    return sorted(answer.sources, key=lambda source: source.meta.published or _UNDATED)


def _backing(answer: Answer) -> tuple[int, int]:
    """How well sources back an answer: independent stories, then articles."""
    return answer.independent, len({source.path for source in answer.sources})


def answers_by_support(result: Result) -> list[Answer]:
    """Disagreeing answers the best-backed first (ties in the reader's order); a figure that changed over time
    as the reader ranked it (newest first for a 'latest' question); one answer as is."""
    if len(result.answers) < 2 or not result.disagree:
        return list(result.answers)
    return sorted(result.answers, key=lambda answer: tuple(-n for n in _backing(answer)))


def answer_marks(answers: Sequence[Answer], timeline: Sequence[Step] = ()) -> list[tuple[str, ...]]:
    """Per answer, what sets it apart from the others: "most sources", "newest"; nothing on a tie or alone."""
    marks: list[list[str]] = [[] for _ in answers]
    if len(answers) < 2:
        return [()] * len(answers)
    backing = [_backing(answer) for answer in answers]
    best = max(backing)
    if backing.count(best) == 1:
        marks[backing.index(best)].append("most sources")
    newest = _newest(answers, timeline)
    if newest is not None:
        marks[newest].append("newest")
    return [tuple(m) for m in marks]


def _newest(answers: Sequence[Answer], timeline: Sequence[Step]) -> int | None:
    """Which answer is the newest: a figure's timeline says so by the day each source states it as current (a
    report giving 'fell to 19, from 46' is no newer 46); without one, the answer published last."""
    if len(timeline) > 1:
        texts = {step.text for step in timeline if step.day == timeline[-1].day}
        found = [number for number, answer in enumerate(answers) if answer.text in texts]
        return found[0] if len(found) == 1 else None
    newest = [max((s.meta.published for s in answer.sources if s.meta.published), default="") for answer in answers]
    last = max(newest)
    return newest.index(last) if last and newest.count(last) == 1 else None


def dated_by(answer: Answer, most: int = 3) -> str:
    """`Yonhap, 2025-02-09; NK News, 2025-02-12`: who published an answer when, oldest first, each pair once."""
    pairs: dict[str, None] = {}
    for source in sources_by_time(answer):
        pair = ", ".join(v for v in (capped(source.meta.outlet), shown_date(source.meta)) if v)
        if pair:
            pairs.setdefault(pair, None)
    shown = list(pairs)[:most]
    return "; ".join(shown) + (f"; +{len(pairs) - most} more" if len(pairs) > most else "")


TIMELINE_STEPS = 8  # steps shown of a figure's timeline, the newest kept: `ask`, Markdown and the app alike


def changed_over_time(result: Result) -> bool:
    """Whether the figure changed over time: answers stated days apart, none in dispute (the timeline is shown)."""
    return not result.low_confidence and len(result.answers) > 1 and not result.disagree


def timeline_steps(result: Result, most: int = TIMELINE_STEPS) -> list[Step]:
    """The timeline as shown: a figure the next source repeats once, the newest `most`; [] with fewer than two."""
    steps: list[Step] = []
    for step in result.timeline:
        if not steps or steps[-1].text != step.text:
            steps.append(step)
    return steps[-most:] if len(steps) > 1 else []


def step_date(step: Step) -> str:
    """`2025-11-13`, the day the figure was so; `2025-11-13, reported 2025-11-18` when a later report gives it;
    `2025-08-19 (year assumed)`."""
    published = step.source.meta.published
    day = step.day if published in (None, step.day) else f"{step.day}, reported {published}"
    return f"{day} (year assumed)" if step.source.meta.date_assumed else day


def timeline_text(result: Result, most: int = TIMELINE_STEPS) -> str:
    """`1,200 (Coastline Wire, 2025-08-03) → 3,400 (Valley Courier, 2025-08-04)`: each figure once, oldest to
    newest; empty with fewer than two."""
    return " → ".join(f"{step.text} ({', '.join(v for v in (capped(step.source.meta.outlet), step_date(step)) if v)})"
                      for step in timeline_steps(result, most))
