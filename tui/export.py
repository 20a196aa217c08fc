"""Saving one question's answers and passages from the app: Markdown or JSON, in the data folder."""

from __future__ import annotations

import re
import time
from pathlib import Path

from qa.models import Result


def save(result: Result, form: str, folder: Path | None = None) -> Path:
    """Write `result` as `form` ('markdown' or 'json') to a new file; return its path."""
    from qa.home import data_home
    from qa.markdown import to_markdown
    from qa.render import to_json

    folder = folder or data_home() / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", result.question.lower()).strip("-")[:48] or "question"
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}"
    path = folder / f"{stem}.{'md' if form == 'markdown' else 'json'}"
    for number in range(2, 100):  # two exports in one second do not overwrite each other
        if not path.exists():
            break
        path = path.with_stem(f"{stem}-{number}")
    path.write_text(to_markdown(result) if form == "markdown" else to_json(result) + "\n", encoding="utf-8")
    return path
