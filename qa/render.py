"""Turning results into what the CLI prints: JSON following the contract, or text for people."""

from __future__ import annotations

import os
import shutil
import textwrap
from dataclasses import asdict

from index.models import Passage
from index.safe_text import safe, safe_json, safe_line
from qa.marks import marked, marks
from qa.models import Answer, Hit, Result, Span
from qa.present import (SCORE_NOTE, answer_marks, answers_by_support, byline, changed_over_time, citation, corpus_base,
                        dated_by, display_path, display_title, plural, similarity, sources_by_time, support,
                        timeline_text, verdict, where)
from qa.relative import dated_answer, source_reading

__all__ = ["citation", "display_title", "support", "result_dict", "to_json", "to_text"]  # citation etc. re-exported

BOLD, DIM, YELLOW, RESET = "\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m"


def result_dict(result: Result) -> dict[str, object]:
    """The `ask --json` object for one question."""
    return {
        "question": result.question,
        "low_confidence": result.low_confidence,
        "disagree": result.disagree,
        "confidence": result.confidence,
        "answers": [answer_dict(answer) for answer in result.answers],
        "passages": [hit_dict(hit) for hit in result.hits],
        # How the first answer's figure changed, oldest first (qa.rivals.timeline). `as_of` is the day the
        # figure was so: `published`, or an earlier day the report names.
        "timeline": [{"text": step.text, "as_of": step.day, "published": step.source.meta.published,
                      "date_assumed": step.source.meta.date_assumed, "outlet": step.source.meta.outlet,
                      "doc": step.source.path, "start": step.source.start, "end": step.source.end}
                     for step in result.timeline],
    }


def answer_dict(answer: Answer) -> dict[str, object]:
    return {
        "text": answer.text,
        "score": answer.score,
        "context": answer.context,
        # A relative date in the answer ('Sunday') as the ISO day (or `first/last` interval) it means.
        "resolved": answer.resolved.iso if answer.resolved else None,
        "sources": [{**source.to_json(), "resolved": source.resolved.iso if source.resolved else None}
                    for source in answer.sources],
    }


def hit_dict(hit: Hit) -> dict[str, object]:
    place = hit.passage.citation.to_json()
    # The contract's order for a passage: which document and line first, then the offsets and metadata.
    head = {key: place.pop(key) for key in ("doc", "title", "line", "start", "end")}
    return {
        "rank": hit.rank,
        "score": hit.score,
        **head,
        **place,
        "text": hit.passage.text,
        "answer": asdict(hit.answer) if hit.answer else None,
        "duplicates": [copy.citation.to_json() for copy in hit.duplicates],
    }


def to_json(result: Result) -> str:
    """The `ask --json` line: the true text, with every character a terminal could act on as a `\\u` escape."""
    return safe_json(result_dict(result))


def _body(passage: Passage, span: Span | None, color: bool, width: int) -> str:
    """The passage text wrapped, with the answer span marked (bold on a terminal, «» when piped)."""
    flat, ranges = marks(passage.exact, passage.start, [(span.start, span.end)] if span else [])
    # Made safe (same length, so the ranges hold) before the \x02/\x03 marks: they must be the only controls left.
    body = _wrap(marked(safe(flat), ranges, "\x02", "\x03"), width, "   ")
    open_, close = (BOLD + YELLOW, RESET) if color else ("«", "»")
    return body.replace("\x02", open_).replace("\x03", close)


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> str:
    """`text` filled to `width` columns, never cut inside a word (a word too long gets its own line)."""
    return textwrap.fill(text, width=max(width, len(indent) + 20), initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


# Style marks in a line still to be wrapped (C0 codes `safe` leaves in no text), made colours after it: on a
# terminal each counts as a column, so a coloured line may wrap a little early, never past the width.
_STYLES = {"\x0e": BOLD, "\x0f": DIM, "\x10": YELLOW, "\x11": RESET}


def _styled(text: str, width: int, indent: str, first: str, color: bool) -> str:
    """`_wrap` for a line whose parts differ in style (marked with `_STYLES`), coloured only when `color`."""
    if not color:
        unmarked = {ord(mark): None for mark in _STYLES}
        return _wrap(text.translate(unmarked), width, indent, first.translate(unmarked))
    return _wrap(text, width, indent, first).translate({ord(mark): code for mark, code in _STYLES.items()})


def terminal_width() -> int:
    """Columns to wrap to: the terminal's (COLUMNS overrides), 80 when piped with no COLUMNS."""
    return shutil.get_terminal_size((80, 24)).columns


def wrap_line(text: str, indent: str = "") -> str:
    """One line of plain output wrapped to the terminal's width, its continuation lines indented."""
    return _wrap(text, terminal_width(), indent, "")


def to_text(result: Result, color: bool = False, width: int | None = None, show_timeline: bool = False) -> str:
    """Human output: answers first, then the ranked passages with their citations, wrapped to `width`."""
    width = width or terminal_width()
    base = corpus_base(result)  # paths read relative to here, or to the folder all the files share
    bold, dim, warn, reset = (BOLD, DIM, YELLOW, RESET) if color else ("", "", "", "")
    lines: list[str] = []
    # Article text and file names reach the terminal raw otherwise (escape injection): all made safe.
    if result.low_confidence or not result.answers:
        lines.append(f"{warn}{_wrap(verdict(result), width, '')}{reset}")
    else:
        lines.append(f"{bold}{_wrap(verdict(result), width, '')}{reset}")
        disagree = len(result.answers) > 1
        answers = answers_by_support(result)  # disagreeing figures the best-backed first, as in the app
        for answer, marks in zip(answers, answer_marks(answers, result.timeline)):
            words = safe_line(dated_answer(answer))  # 'Sunday (9 Feb 2025)'
            when = f" · {safe_line(dated_by(answer))}" if disagree and dated_by(answer) else ""
            marked = "".join(f" · {mark}" for mark in marks)
            head = f"\x0e\x10{words}\x11  \x0f({support(answer)}){marked}{when}\x11"
            lines.append(_styled(head, width, "    ", "  ", color))
            for source in sources_by_time(answer):
                about = ", ".join(v for v in (byline(source), source_reading(answer, source)) if v)
                cited = citation(source, base) + (f" ({about})" if about else "")
                lines.append(f"{dim}{_wrap(safe_line(cited), width, '      ', '    · ')}{reset}")
        # How a figure changed, oldest to newest: always when it did, on request when sources disagree.
        steps = timeline_text(result) if show_timeline or changed_over_time(result) else ""
        if steps:
            lines.append(_wrap(safe_line("Over time: " + steps), width, "    ", "  "))
    lines.append("")
    # A low-confidence answer is no answer: nothing in the passages is marked as one.
    for hit in result.hits:
        span = None if result.low_confidence else hit.answer
        passage, place = hit.passage, hit.passage.citation
        label = f"{hit.rank}. "
        if passage.title:  # the title once, then where it is; an untitled file is named by its path alone
            lines.append(f"{bold}{_wrap(safe_line(display_title(place)), width, ' ' * len(label), label)}{reset}")
            about = f" · {byline(place)}" if byline(place) else ""
            meta = f"{safe_line(where(place, base) + about)} · similarity {similarity(hit)}"
            lines.append(f"{dim}{_wrap(meta, width, '   ')}{reset}")
        else:
            about = f" · {byline(place)}" if byline(place) else ""
            line = f"\x0e{safe_line(where(place, base) + about)}\x11  \x0fsimilarity {similarity(hit)}\x11"
            lines.append(_styled(line, width, " " * len(label), f"\x0e{label}\x11", color))
        lines.append(_body(passage, span, color, width))
        for copy in hit.duplicates:
            cited = safe_line(citation(copy.citation, base))
            lines.append(f"{dim}{_wrap(cited, width, '     ', '   also in: ')}{reset}")
        lines.append("")
    if result.hits:
        folder = f" in {safe_line(display_path(base))}{os.sep}" if base else ""
        note = f"{plural(len(result.hits), 'passage')}{folder}; {SCORE_NOTE}"
        lines.append(f"{dim}{_wrap(note, width, '')}{reset}")
    return "\n".join(lines).rstrip() + "\n"
