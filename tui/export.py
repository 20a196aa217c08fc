"""Saving one question's answers and passages from the app: Markdown or JSON, with how they were found."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from index.filters import Filters
from index.safe_text import safe_json, safe_line
from qa.models import Result


@dataclass(frozen=True)
class Record:
    """What an export says about its answers besides them: the index asked, the filter and when."""

    index: str
    filters: Filters
    asked: float  # seconds since the epoch, when the answer came


def form_of(path: Path) -> str:
    """'json' for a .json file, else 'markdown'."""
    return "json" if path.suffix.lower() == ".json" else "markdown"


def proposed_path(question: str, form: str, folder: Path) -> Path:
    """A new file in `folder` named after the time and the question, not yet taken."""
    slug = re.sub(r"[^a-z0-9]+", "-", question.lower()).strip("-")[:48] or "question"
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}"
    path = folder / f"{stem}.{'json' if form == 'json' else 'md'}"
    for number in range(2, 100):  # two exports in one second do not overwrite each other
        if not path.exists():
            break
        path = path.with_stem(f"{stem}-{number}")
    return path


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(stamp))


def render(result: Result, form: str, record: Record) -> str:
    """`ask --json`'s object with `asked`, `index` and `filters` added, or Markdown saying them under the question."""
    if form == "json":
        from qa.render import result_dict

        filters = record.filters
        about = {"asked": _when(record.asked), "index": record.index,
                 "filters": {"since": filters.since, "until": filters.until, "outlets": list(filters.outlets)}}
        return safe_json({**result_dict(result), **about}) + "\n"
    from qa.markdown import to_markdown

    head, _, rest = to_markdown(result).partition("\n")
    scope = record.filters.describe() or "none"
    index = "`" + safe_line(record.index).replace("`", "") + "`"
    return f"{head}\n\n*Asked {_when(record.asked)} of the index {index}; filter: {safe_line(scope)}.*\n{rest}"


def save(result: Result, path: Path, record: Record) -> Path:
    """Write the export to `path` (its folder made if missing; .json: JSON, else Markdown); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result, form_of(path), record), encoding="utf-8")
    return path
