"""One question's answers and passages as Markdown, with citations: `ask --format markdown` and the app's export."""

from __future__ import annotations

from index.citation import Citation
from index.models import Passage
from index.safe_text import safe_line
from qa.marks import marks, pieces
from qa.models import Result, Span
from qa.present import (SCORE_NOTE, answer_marks, answers_by_support, byline, changed_over_time, citation, corpus_base,
                        dated_by, display_path, display_title, sentence_parts, plural, similarity, sources_by_time,
                        support, timeline_text, verdict, where)
from qa.relative import dated_answer, source_reading

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """Article text as literal Markdown: its control characters visible, its markup characters escaped."""
    return safe_line(text).translate(_SPECIAL)


def _quote(passage: Passage, span: Span | None) -> str:
    """A passage as a block quote, whitespace flattened, the answer span in bold where the reader found it."""
    flat, ranges = marks(passage.exact, passage.start, [(span.start, span.end)] if span else [])
    # Escaped piece by piece: escaping changes lengths, so it comes after the ranges are cut.
    return "> " + "".join(f"**{_md(piece)}**" if bold else _md(piece) for piece, bold in pieces(flat, ranges))


def _cite(place: Citation, base: str | None) -> str:
    """`title — path:line`, the path as code (no escaping to read through; a backtick in it is dropped)."""
    path = "`" + safe_line(where(place, base)).replace("`", "") + "`"
    return f"{_md(display_title(place))} — {path}" if place.title else path


def to_markdown(result: Result) -> str:
    """The answers (each with its sentence, the answer in bold, and its sources) then the ranked passages."""
    base = corpus_base(result)
    lines = [f"## {_md(result.question)}", ""]
    if result.low_confidence or not result.answers:
        lines += [f"*{verdict(result)}*", ""]
    else:
        lines += [f"**{verdict(result)}**", ""]
        answers = answers_by_support(result)  # disagreeing figures the best-backed first, as in the app
        for answer, marks in zip(answers, answer_marks(answers, result.timeline)):
            before, words, after = sentence_parts(answer)
            when = f" · {_md(dated_by(answer))}" if len(result.answers) > 1 and dated_by(answer) else ""
            marked = "".join(f" · *{mark}*" for mark in marks)
            lines.append(f"- **{_md(dated_answer(answer))}** ({support(answer)}){marked}{when}")
            lines.append(f"  > {_md(before)}**{_md(words)}**{_md(after)}")
            for source in sources_by_time(answer):
                about = ", ".join(v for v in (byline(source), source_reading(answer, source)) if v)
                lines.append(f"  - {_cite(source, base)}" + (f" ({_md(about)})" if about else ""))
        # How the figure changed, where it did over time (as `ask`'s text says it, unasked).
        if changed_over_time(result) and (steps := timeline_text(result)):
            lines += ["", f"*Over time:* {_md(steps)}"]
        lines.append("")
    lines += [f"### Passages ({plural(len(result.hits), 'passage')}; {SCORE_NOTE})", ""]
    for hit in result.hits:
        passage = hit.passage
        lines.append(f"{hit.rank}. {_cite(passage.citation, base)} · similarity {similarity(hit)}")
        body = _quote(passage, None if result.low_confidence else hit.answer)
        lines += ["", "   " + body, ""]
        lines += [f"   Also in: {_cite(copy.citation, base)}" for copy in hit.duplicates]
        if hit.duplicates:
            lines.append("")
    if base:
        lines.append(f"Paths are relative to {_md(display_path(base))}.")
    return "\n".join(lines).rstrip() + "\n"


def citations(result: Result) -> str:
    """Every citation of a result, one a line: answers' sources first, then the passages, each once."""
    places: list[Citation] = [source for answer in result.answers for source in answer.sources]
    places += [p.citation for hit in result.hits for p in (hit.passage, *hit.duplicates)]
    seen: dict[str, None] = {}
    for place in places:
        seen.setdefault(safe_line(citation(place)), None)
    return "\n".join(seen) + "\n"
