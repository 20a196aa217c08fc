"""Extraction speed and quality on the saved-page fixtures: one JSON line.

`kept`: the share of the article's sentences found in the extracted text; `chrome_dropped`: the share of
the inserted site chrome (menus, cookie banners, share bars, comments, related stories, footers) not found.
Speed: web pages extracted per second (each page extracted `--rounds` times), and PDF pages per second.
Run: `.venv/bin/python -m bench.ingest` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import re
import time

from bench.common import ROOT
from index.extract import extracted
from index.split import sentence_spans

FIXTURES = ROOT / "tests" / "fixtures" / "formats"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="extractions of each file timed")
    args = parser.parse_args()
    truth = json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8"))
    sentences = kept = chrome = dropped = 0
    meta_right = 0
    for name, expected in truth.items():
        data = (FIXTURES / name).read_bytes()
        source, _ = extracted(name, data, "", len(data), 0.0)
        text = norm(source.text) if source else ""
        lines = {norm(line) for line in source.text.splitlines()} if source else set()
        for paragraph in expected["paragraphs"]:
            for start, end in sentence_spans(paragraph):
                sentences += 1
                kept += norm(paragraph[start:end]) in text
        for line in expected["chrome"]:
            chrome += 1
            # A menu word ("Home") also stands inside sentences ("return home"): short chrome counts as kept
            # only as a line of its own, longer chrome anywhere.
            found = norm(line) in lines or (len(line.split()) >= 4 and norm(line) in text)
            dropped += not found
        meta = source.articles[0].meta if source else None
        meta_right += bool(meta and (meta.published, meta.outlet, meta.author) ==
                           (expected["published"], expected["outlet"], expected["author"]))
    pages = sorted(FIXTURES.glob("*.html"))
    began = time.perf_counter()
    for _ in range(args.rounds):
        for path in pages:
            extracted(path.name, path.read_bytes(), "", 0, 0.0)
    html_seconds = time.perf_counter() - began
    pdf = FIXTURES / "briefing.pdf"
    began = time.perf_counter()
    for _ in range(args.rounds):
        source, _ = extracted(pdf.name, pdf.read_bytes(), "", 0, 0.0)
    pdf_seconds = time.perf_counter() - began
    print(json.dumps({
        "html_pages": len(pages),
        "html_pages_per_s": round(len(pages) * args.rounds / html_seconds, 1),
        "pdf_pages_per_s": round(len(source.pages) * args.rounds / pdf_seconds, 1) if source else 0.0,
        "sentences": sentences, "kept": round(kept / sentences, 4),
        "chrome_lines": chrome, "chrome_dropped": round(dropped / chrome, 4),
        "metadata_right": f"{meta_right}/{len(truth)}",
    }))


if __name__ == "__main__":
    main()
