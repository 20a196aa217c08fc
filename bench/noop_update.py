"""Wall clock of a `qa index` with nothing to do, over many small files (issue 12, item 2).

Writes `--files` tiny generated articles, builds their index through the library with the hashing
stand-in model under the real model's name and dimension (embedding 10,000 passages for real would
take minutes and is not what is measured), then runs the real `qa index` command as a subprocess:
once to export the query model (this loads the real model), then `--runs` times with nothing changed.
Prints one JSON line; the no-op figure is the median.
Run: `.venv/bin/python -m bench.noop_update` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, HashEmbedder
from index.embed import MODEL_NAME
from index.update import update_index

WORDS = ("council harbour workers minister election budget court police storm market river school "
         "hospital farmers strike museum bridge railway festival village energy prices talks border "
         "company report survey officials residents summit treaty rainfall drought vaccine airport").split()


def article(number: int, rng: random.Random) -> str:
    """A distinct ~70-word article: a title line, then four sentences (one passage)."""
    sentences = [" ".join(rng.choice(WORDS) for _ in range(16)).capitalize() + f" number {number}-{i}."
                 for i in range(4)]
    return f"Report {number} on the {rng.choice(WORDS)}\n\n" + " ".join(sentences) + "\n"


def write_articles(folder: Path, count: int) -> None:
    rng = random.Random(12)
    for number in range(count):
        sub = folder / f"d{number // 1000:02d}"  # 1,000 a folder, as a dated archive would be
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"a{number:05d}.txt").write_text(article(number, rng), encoding="utf-8")


def qa_command() -> list[str]:
    script = Path(sys.executable).parent / "qa"
    return [str(script)] if script.exists() else [sys.executable, "-c", "import sys; from qa.cli import qa_main; "
                                                  "sys.exit(qa_main())"]


def run_cli(docs: Path, index: Path) -> tuple[float, dict[str, object]]:
    """Wall clock of one `qa index --json` and its summary."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's code, whatever the venv has installed
    began = time.perf_counter()
    done = subprocess.run(qa_command() + ["index", str(docs), "--index", str(index), "--json"],
                          capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - began, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="noop-"))
    docs, index = work / "docs", work / "index"
    try:
        if not index.exists():
            write_articles(docs, args.files)
            began = time.perf_counter()
            built = update_index(index, [docs], HashEmbedder(name=MODEL_NAME))
            build_seconds: float | None = round(time.perf_counter() - began, 2)
            passages = built.passages
        else:
            build_seconds, passages = None, None
        first, _ = run_cli(docs, index)  # exports the query model, records file stats
        walls, reported = [], []
        for _ in range(args.runs):
            wall, summary = run_cli(docs, index)
            assert summary["added"] == summary["changed"] == summary["removed"] == 0, summary
            walls.append(round(wall, 3))
            reported.append(summary["seconds"])
        print(json.dumps({
            "files": args.files, "passages": passages, "cpus": os.cpu_count(),
            "build_seconds_library": build_seconds, "first_cli_seconds": round(first, 2),
            "noop_seconds": round(statistics.median(walls), 3), "noop_runs": walls, "reported_seconds": reported,
        }))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
