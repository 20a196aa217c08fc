"""News answers: the multi-outlet benchmark in bench/news (129 articles, 8 stories, 170 labelled questions).

    python -m bench.news_answers                     # the fast reader
    python -m bench.news_answers --reader accurate   # MPNet-base, when its weights are installed

Prints one JSON line: top answer right (overall and per kind), "Sources disagree" precision and recall,
newest figure first on "latest" questions, metadata lines inside passages, datelines read, answers cut
inside a word, and the seconds per question. The set was written for this bench and never tuned on.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import replace
from pathlib import Path

from bench.answers import with_settings
from bench.common import OUT, ROOT, readable
from index.embed import SentenceTransformerEmbedder
from index.store import IndexReader
from index.update import update_index
from qa.config import DEFAULT
from qa.pipeline import Pipeline
from qa.present import timeline_steps, verdict

NEWS = ROOT / "bench" / "news"
ARTICLES = NEWS / "articles"
_WORDS = re.compile(r"[\w.%$£€]+")


_NUMBERS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


def normal(text: str) -> list[str]:
    """Lowercased word tokens, thousands separators and trailing stops dropped ('4,200.' -> '4200'), number
    words as digits ('Eleven' -> '11': news style spells out small numbers at a sentence's start)."""
    words = [w.replace(",", "").rstrip(".") for w in _WORDS.findall(text.lower().replace(",", ""))]
    return [_NUMBERS.get(w, w) for w in words]


def holds(text: str, golds: list[str], besides: int | None = None) -> bool:
    """The text states a gold answer word for word (as `normal` reads them), with at most `besides` other
    words when given."""
    said = normal(text)
    for wanted in map(normal, golds):
        if wanted and (besides is None or len(said) - len(wanted) <= besides) and \
                any(said[at : at + len(wanted)] == wanted for at in range(len(said) - len(wanted) + 1)):
            return True
    return False


def right(answer: str, golds: list[str]) -> bool:
    """The answer states a gold answer: it holds the gold's words, with at most 3 words besides."""
    return holds(answer, golds, besides=3)


def answer_passage(result) -> str:
    """The text of the passage the top answer was read from ('' without an answer)."""
    if not result.answers or result.low_confidence:
        return ""
    return next((hit.passage.text for hit in result.hits if hit.answer is not None
                 and hit.answer.text == result.answers[0].text), "")


def build(index_dir: Path, embedder: SentenceTransformerEmbedder) -> None:
    """Index the articles (incrementally; an index this code cannot read is rebuilt)."""
    update_index(index_dir, [ARTICLES], embedder, rebuild=not readable(index_dir))


def furniture_in_passages(index_dir: Path, manifest: list[dict]) -> tuple[int, int]:
    """Passages holding a header line, a byline, a stamp or a dateline of their article; all passages."""
    reader = IndexReader.open(index_dir)
    try:
        rows = reader.db.execute("SELECT path, text FROM passages").fetchall()
    finally:
        reader.close()
    by_file = {entry["file"]: entry for entry in manifest}
    header = re.compile(r"\b(?:Source|Date|Author):\s")
    bad = 0
    for path, text in rows:
        entry = by_file.get(Path(path).name, {})
        marks = [m for m in (entry.get("dateline"), f"By {entry['author']}" if entry.get("author") else None) if m]
        if header.search(text) or re.search(r"\bUpdated\s+\w+\.? \d", text) or any(m in text for m in marks):
            bad += 1
    return bad, len(rows)


def datelines_read(index_dir: Path, manifest: list[dict]) -> tuple[int, int]:
    """Wire stories (.txt) dated as their dateline or file name says, with the outlet their dateline names in
    brackets (a bare `CITY —` names none); all wire stories."""
    reader = IndexReader.open(index_dir)
    try:
        rows = {Path(path).name: (published, outlet) for path, published, outlet in
                reader.db.execute("SELECT path, published, outlet FROM documents WHERE part = 0")}
    finally:
        reader.close()
    wires = [entry for entry in manifest if entry.get("dateline") and entry["file"].endswith(".txt")]
    read = 0
    for entry in wires:
        published, outlet = rows.get(entry["file"], (None, None))
        names_outlet = "(" in entry["dateline"]
        read += published == entry["date"] and (outlet == entry["outlet"] if names_outlet else True)
    return read, len(wires)


def cut_inside_a_word(result, texts: dict[str, str]) -> int:
    """Answer sources whose span starts or ends inside a word or a number."""
    cut = 0
    for answer in result.answers:
        for source in answer.sources:
            text = texts.get(source.path)
            if text is None:
                continue
            before = text[source.start - 1] if source.start > 0 else " "
            after = text[source.end] if source.end < len(text) else " "
            first, last = text[source.start], text[source.end - 1]
            if (before.isalnum() and first.isalnum()) or (after.isalnum() and last.isalnum()) or \
                    (before in ".," and first.isdigit() and source.start > 1 and text[source.start - 2].isdigit()):
                cut += 1
    return cut


def timeline_right(result, gold: list[dict]) -> tuple[int, int, bool]:
    """(steps naming a figure the story reported, steps shown, whether the timeline shows at least two steps,
    each a reported figure, in the order the story reported them) for a question's gold timeline."""
    order = [step["value"] for step in gold]
    shown = timeline_steps(result, most=len(result.timeline) or 1)
    places = [next((n for n, value in enumerate(order) if right(step.text, [value])), None) for step in shown]
    known = [p for p in places if p is not None]
    clean = len(shown) > 1 and len(known) == len(shown) and known == sorted(known)
    return len(known), len(shown), clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=("fast", "accurate"), default="fast")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                        help="override a tuned constant, e.g. retrieval.story_weight=0.1")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    index_dir = OUT / "news-index"
    build(index_dir, embedder)
    manifest = [json.loads(line) for line in (NEWS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [json.loads(line) for line in (NEWS / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    config = with_settings(replace(DEFAULT, reader=DEFAULT.reader.using(args.reader)), args.set)
    pipeline = Pipeline(index_dir, lambda reader: embedder, config=config)
    texts: dict[str, str] = {}
    rows = []
    began = time.perf_counter()
    for question in questions:
        result = pipeline.ask(question["question"], args.k)
        for path in {s.path for a in result.answers for s in a.sources} - texts.keys():
            found = pipeline.reader.file_text(path)
            texts[path] = found[0] if found else ""
        top = result.answers[0].text if result.answers and not result.low_confidence else ""
        shown = [a.text for a in result.answers] if not result.low_confidence else []
        rows.append({
            "kind": question["kind"],
            "right": right(top, question["answers"]),
            "said_disagree": verdict(result) == "Sources disagree",
            "disagree": bool(question["disagree"]),
            "newest_first": bool(shown) and right(shown[0], [question.get("newest", question["answers"][0])]),
            "cut": cut_inside_a_word(result, texts),
            "timeline": timeline_right(result, question["timeline"]) if question.get("timeline") else None,
            "answer_passage": holds(answer_passage(result), question["answers"]),
            "first_passage": bool(result.hits) and holds(result.hits[0].passage.text, question["answers"]),
        })
    seconds = (time.perf_counter() - began) / len(questions)
    said = [r for r in rows if r["said_disagree"]]
    truly = [r for r in rows if r["disagree"]]
    latest = [r for r in rows if r["kind"] == "latest"]
    timelines = [r["timeline"] for r in rows if r["timeline"] is not None]
    bad, passages = furniture_in_passages(index_dir, manifest)
    read, wires = datelines_read(index_dir, manifest)
    kinds = sorted({r["kind"] for r in rows})
    print(json.dumps({
        "bench": "news", "reader": args.reader, "settings": args.set, "questions": len(rows), "articles": len(manifest),
        "top_right": round(sum(r["right"] for r in rows) / len(rows), 3),
        "top_right_by_kind": {k: round(sum(r["right"] for r in rows if r["kind"] == k)
                                       / sum(r["kind"] == k for r in rows), 3) for k in kinds},
        "disagree_precision": round(sum(r["disagree"] for r in said) / len(said), 3) if said else None,
        "disagree_recall": round(sum(r["said_disagree"] for r in truly) / len(truly), 3) if truly else None,
        "latest_newest_first": round(sum(r["newest_first"] for r in latest) / len(latest), 3) if latest else None,
        # Over the 'latest' questions' timelines: shown steps that are figures the story reported, and timelines
        # of two or more steps, each a reported figure, in the order reported.
        "timeline_steps_right": round(sum(t[0] for t in timelines) / max(1, sum(t[1] for t in timelines)), 3),
        "timelines_in_order": f"{sum(t[2] for t in timelines)} of {len(timelines)}",
        # Whether the reader picks the passage too: the top answer's passage states a gold answer, against
        # retrieval's first passage doing so.
        "answer_passage_holds_gold": round(sum(r["answer_passage"] for r in rows) / len(rows), 3),
        "retrieval_recall_at_1": round(sum(r["first_passage"] for r in rows) / len(rows), 3),
        "metadata_in_passages": bad, "passages": passages,
        "datelines_read": read, "datelines": wires,
        "answers_cut_inside_a_word": sum(r["cut"] for r in rows),
        "seconds_per_question": round(seconds, 3),
    }))


if __name__ == "__main__":
    main()
