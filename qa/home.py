"""Where the default index of the bundled seed articles lives, and building it on first use."""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path


def data_home() -> Path:
    """The user's data folder for newsqa; the QA_HOME environment variable overrides it."""
    override = os.environ.get("QA_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsqa"))


def seeds_folder() -> Path:
    """The folder of seed articles shipped with the package."""
    return Path(str(files("seeds")))


def _format(folder: Path) -> int | None:
    """The format version of an index's live generation, None when it cannot be read (its error comes later)."""
    import json

    try:
        name = (folder / "CURRENT").read_text(encoding="utf-8").strip()
        return int(json.loads((folder / name / "manifest.json").read_text(encoding="utf-8"))["format_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def default_index() -> Path:
    """The index of the bundled seeds, built on first use."""
    folder = data_home() / "seeds-index"
    if not (folder / "CURRENT").exists():
        from index.embed import SentenceTransformerEmbedder
        from index.update import update_index

        print(f"building the index of the bundled seed articles in {folder} (first use)…", file=sys.stderr)
        summary = update_index(folder, [seeds_folder()], SentenceTransformerEmbedder())
        print(f"indexed {summary.documents} documents, {summary.passages} passages "
              f"in {summary.seconds:.1f} s", file=sys.stderr)
        return folder
    from index.onnx_embed import has_query_model
    from index.store import FORMAT_VERSION

    if _format(folder) not in (None, FORMAT_VERSION):
        # The bundled seeds are ours to rebuild: an older format needs no command from the user.
        from index.embed import SentenceTransformerEmbedder
        from index.update import update_index

        print("rebuilding the index of the bundled seed articles (new index format)…", file=sys.stderr)
        update_index(folder, [seeds_folder()], SentenceTransformerEmbedder(), rebuild=True)
    elif not has_query_model(folder):
        # A seed index from before the fast query path: export it once rather than load torch each time.
        from index.embed import SentenceTransformerEmbedder
        from index.update import update_index

        print("preparing the fast query model of the seed index (once)…", file=sys.stderr)
        update_index(folder, [seeds_folder()], SentenceTransformerEmbedder())
    return folder
