"""What `qa index` says when it is done: the index per format, what this run did, the undated documents."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

from index.errors import QAError
from index.inventory import FORMAT_NAMES, Inventory, inventory
from index.safe_text import safe_json, say
from index.update import UpdateSummary
from qa.present import display_path, plural


def summary_lines(folder: Path, held: Inventory, summary: UpdateSummary, seconds: float, undated: int,
                  assumed: int = 0) -> list[str]:
    """`31 files: 25 text, 3 web pages, … → 41 documents, 43 passages in ~/idx`, then this run's counts, then
    the documents undated or with the year assumed (index/year.py)."""
    lines = [f"{held.summary()} in {display_path(str(folder))}",
             f"this run: {plural(summary.added, 'file')} added, {summary.changed:,} changed, {summary.removed:,} "
             f"removed, {summary.unchanged:,} unchanged; {plural(summary.embedded, 'passage')} embedded; "
             f"{seconds:.1f} s"]
    if undated:
        lines.append(f"{plural(undated, 'document')} {'states' if undated == 1 else 'state'} no date that could be "
                     "read: date filters leave them out and 'latest' cannot place them")
    if undated or assumed:
        lines.append(f"{undated:,} undated, {assumed:,} with the year assumed: qa docs --undated lists them")
    return lines


def summary_json(held: Inventory, summary: UpdateSummary, seconds: float, undated: int,
                 assumed: int = 0) -> dict[str, object]:
    """`qa index --json`: the run's counts, the index's files per format (README, "qa index --json")."""
    data: dict[str, object] = asdict(summary)
    data.pop("warnings")
    data["seconds"] = seconds
    data["undated"] = undated
    data["year_assumed"] = assumed
    data["files"] = len(held.files)
    data["formats"] = {FORMAT_NAMES[kind]: count for kind, count in held.formats()}
    return data


def report_index(folder: Path, summary: UpdateSummary, seconds: float, as_json: bool) -> None:
    """Print `qa index`'s summary on stdout, as text or as one JSON object."""
    held = inventory(folder) if summary.documents else Inventory()
    undated, assumed = _dating(folder) if summary.documents else (0, 0)
    if as_json:
        print(safe_json(summary_json(held, summary, seconds, undated, assumed)))
        return
    for line in summary_lines(folder, held, summary, seconds, undated, assumed):
        say(line, sys.stdout)  # the first names the index folder: made safe on the way out


def _dating(folder: Path) -> tuple[int, int]:
    """How many of the index's documents have no date, and how many a date whose year was assumed."""
    from index.store import IndexReader

    try:
        reader = IndexReader.open(folder, check=False)
    except QAError:
        return 0, 0  # nothing to count in: the update's own summary has said what happened
    try:
        return reader.undated(), reader.assumed()
    except sqlite3.DatabaseError:
        return 0, 0  # the update is committed: damage it did not copy is `qa check`'s to report, not a failed update
    finally:
        reader.close()
