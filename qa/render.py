"""Turning results into what the CLI prints: JSON following the contract, or text for people."""

from __future__ import annotations

import json
import os
import textwrap
from dataclasses import asdict

from index.models import Passage
from qa.models import Answer, Hit, Result, Source, Span
from qa.terminal import safe, safe_line

BOLD, DIM, YELLOW, RESET = "\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m"


def _place(passage: Passage | Source) -> dict[str, object]:
    return {"doc": passage.path, "start": passage.start, "end": passage.end, "line": passage.line}


def result_dict(result: Result) -> dict[str, object]:
    """The `ask --json` object for one question."""
    return {
        "question": result.question,
        "low_confidence": result.low_confidence,
        "confidence": result.confidence,
        "answers": [answer_dict(answer) for answer in result.answers],
        "passages": [hit_dict(hit) for hit in result.hits],
    }


def answer_dict(answer: Answer) -> dict[str, object]:
    return {
        "text": answer.text,
        "score": answer.score,
        "context": answer.context,
        "sources": [_place(source) for source in answer.sources],
    }


def hit_dict(hit: Hit) -> dict[str, object]:
    passage = hit.passage
    return {
        "rank": hit.rank,
        "score": hit.score,
        **{"doc": passage.path, "title": passage.title, "line": passage.line},
        "start": passage.start,
        "end": passage.end,
        "text": passage.text,
        "answer": asdict(hit.answer) if hit.answer else None,
        "duplicates": [_place(copy) for copy in hit.duplicates],
    }


def to_json(result: Result) -> str:
    return json.dumps(result_dict(result), ensure_ascii=False)


def display_title(passage: Passage | Source) -> str:
    """The document's title, or its file name when it has none."""
    return passage.title or os.path.basename(passage.path)


def citation(passage: Passage | Source) -> str:
    """`title — path:line`, the form a reader can check."""
    return f"{display_title(passage)} — {passage.path}:{passage.line}"


def support(answer: Answer) -> str:
    """How many articles state an answer, and how many of them are independent stories."""
    articles = len({source.path for source in answer.sources})
    text = f"{articles} source{'s' if articles != 1 else ''}"
    return text if answer.independent >= articles else f"{text}, {answer.independent} independent"


def _body(passage: Passage, span: Span | None, color: bool, width: int) -> str:
    """The passage text wrapped, with the answer span marked (bold on a terminal, «» when piped)."""
    # Made safe first: the \x02/\x03 marks below must be the only control characters left.
    flat = safe(" ".join(passage.text.split()))
    needle = safe(" ".join(span.text.split())) if span else ""
    at = flat.find(needle) if needle else -1
    if at >= 0:
        flat = flat[:at] + "\x02" + needle + "\x03" + flat[at + len(needle):]
    body = textwrap.fill(flat, width=width - 3, initial_indent="   ", subsequent_indent="   ")
    open_, close = (BOLD + YELLOW, RESET) if color else ("«", "»")
    return body.replace("\x02", open_).replace("\x03", close)


def to_text(result: Result, color: bool = False, width: int = 100) -> str:
    """Human output: answers first, then the ranked passages with their citations."""
    bold, dim, reset = (BOLD, DIM, RESET) if color else ("", "", "")
    lines: list[str] = []
    if result.low_confidence:
        lines.append("No passage clearly answers this question; the closest passages follow.")
    elif result.answers:
        lines.append(f"{bold}Answers{reset}")
        for answer in result.answers:
            # Article text and file names reach the terminal raw otherwise (escape injection).
            cited = "; ".join(safe_line(citation(source)) for source in answer.sources)
            lines.append(f"  {bold}{safe_line(answer.text)}{reset}  ({support(answer)})  {dim}{cited}{reset}")
    if not result.hits:
        lines.append("No passages found.")
    if lines:
        lines.append("")
    # A low-confidence answer is no answer: nothing in the passages is marked as one.
    for hit in result.hits:
        span = None if result.low_confidence else hit.answer
        passage = hit.passage
        lines.append(f"{bold}{hit.rank}. {safe_line(display_title(passage))}{reset}  {dim}score {hit.score:.3f}{reset}")
        lines.append(f"   {dim}{safe_line(passage.path)}:{passage.line}{reset}")
        lines.append(_body(passage, span, color, width))
        for copy in hit.duplicates:
            lines.append(f"   {dim}also in: {safe_line(citation(copy))}{reset}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
