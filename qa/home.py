"""Which index a command uses by default: QA_INDEX, else the last one built, else the bundled seeds."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from index.errors import InputError
from index.index_path import check_folder
from index.safe_text import say


Progress = Callable[[str, int, int], None]  # index.changes.Progress: (stage, done, total)


def _expanded(value: str, variable: str) -> Path:
    """A path from the environment with `~` expanded; a `~user` that names no user is an InputError."""
    try:
        return Path(value).expanduser()
    except RuntimeError:
        raise InputError(f"{variable} names a home folder that does not exist ({value.split(os.sep)[0]})",
                         fix=f"set {variable} to a folder that exists") from None


def data_home() -> Path:
    """The user's data folder for newsqa; the QA_HOME environment variable overrides it."""
    override = os.environ.get("QA_HOME")
    if override:
        return _expanded(override, "QA_HOME")
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsqa"))


def _in_home(name: str) -> Path:
    """An index folder in the data folder, refused in one line when its path is one no library can take."""
    return check_folder(data_home() / name, what="index folder in the data folder", variable="QA_HOME")


def seeds_index() -> Path:
    """The folder of the bundled seeds' index: a read-only demo, never given other files (checked when used,
    so `--index` elsewhere still works under a data folder that could not hold it)."""
    return data_home() / "seeds-index"


def own_index(paths: Sequence[str | os.PathLike[str]]) -> Path:
    """The default index of `qa index PATH...`: one per set of folders, in the data folder."""
    resolved = sorted({str(Path(p).expanduser().resolve()) for p in paths})
    digest = hashlib.sha256("\n".join(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    # The folder's name first, so `ls` of the data folder says which index is which.
    name = re.sub(r"[^\w.-]+", "-", Path(resolved[0]).name).strip("-.") if resolved else ""
    return _in_home(os.path.join("indexes", f"{name[:40] or 'index'}-{digest}"))


def _last_file() -> Path:
    return data_home() / "last-index"


def remember_last(folder: Path) -> None:
    """Record the index just built, for `ask` and `qa tui` to open by default; a read-only home only forgets."""
    try:
        path = _last_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"last-index.{os.getpid()}.tmp")
        temporary.write_text(str(folder.expanduser().resolve()) + "\n", encoding="utf-8")
        temporary.replace(path)  # whole or not at all, even with two builds finishing together
    except (OSError, InputError):  # an unusable data folder forgets too: the build itself is done
        pass


def last_index() -> Path | None:
    """The index `qa index` or `qa watch` last built, if it is still there."""
    try:
        text = _last_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    folder = Path(text) if text else None
    try:
        return folder if folder is not None and (folder / "CURRENT").exists() else None
    except OSError:  # a path the OS now refuses: as if none was recorded
        return None


def chosen_index() -> Path | None:
    """The index to open when none is given: QA_INDEX, else the settings' `index`, else the last one built;
    None means the seeds."""
    override = os.environ.get("QA_INDEX", "").strip()
    if override:
        return check_folder(_expanded(override, "QA_INDEX"), what="index folder", variable="QA_INDEX")
    from qa.settings import load_settings

    configured = load_settings().index
    if configured:
        return Path(configured).expanduser()
    return last_index()


def seeds_folder() -> Path:
    """The folder of seed articles shipped with the package."""
    return Path(str(files("seeds")))


def _format(folder: Path) -> int | None:
    """The format version of an index's live generation, None when it cannot be read (its error comes later)."""
    from index.json_input import load_json
    from index.manifest import DEEPEST, MANIFEST_NAME

    try:
        name = (folder / "CURRENT").read_text(encoding="utf-8").strip()
        return int(load_json(folder / name / MANIFEST_NAME, DEEPEST)["format_version"])  # type: ignore[index]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def default_index(progress: Progress | None = None) -> Path:
    """The index to open when none is given: QA_INDEX, the last one built, or the seeds' (built on first use)."""
    chosen = chosen_index()
    return chosen if chosen is not None else seeds_default(progress)


def seeds_default(progress: Progress | None = None) -> Path:
    """The index of the bundled seeds, built on first use; `progress(stage, done, total)` follows the build."""
    folder = _in_home("seeds-index")
    if not (folder / "CURRENT").exists():
        summary = _build_seeds(folder, f"building the index of the bundled seed articles in {folder} (first use)…",
                               progress)
        say(f"indexed {summary.documents} documents, {summary.passages} passages in {summary.seconds:.1f} s")
        return folder
    from index.onnx_embed import has_query_model
    from index.store import FORMAT_VERSION

    if _format(folder) not in (None, FORMAT_VERSION):
        # The bundled seeds are ours to rebuild: an older format needs no command from the user.
        _build_seeds(folder, "rebuilding the index of the bundled seed articles (new index format)…", progress,
                     rebuild=True)
    elif not has_query_model(folder):
        # A seed index from before the fast query path: export it once rather than load torch each time.
        _build_seeds(folder, "preparing the fast query model of the seed index (once)…", progress)
    return folder


def _build_seeds(folder: Path, note: str, progress: Progress | None, rebuild: bool = False) -> Any:
    """Build or update the seeds' index with the indexing model, saying so first."""
    from index.embed import SentenceTransformerEmbedder
    from index.update import update_index

    say(note)
    if progress:
        progress("loading", 0, 0)  # the model takes seconds to load before the first file is read
    return update_index(folder, [seeds_folder()], SentenceTransformerEmbedder(), rebuild=rebuild, progress=progress)
