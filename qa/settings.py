"""The user's settings that stay between runs: one TOML file in the platform's config folder."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from index.errors import InputError
from index.safe_text import safe
from qa.config import DEFAULT
from qa.present import DEFAULT_K

READERS = ("fast", "accurate")
MAX_SETTINGS_BYTES = 64 * 2**10  # a settings file is a few lines
# What each setting is for, as `qa config` prints it next to the value.
ABOUT = {
    "theme": "the app's colours (Ctrl+P, Theme); the app saves the one you pick",
    "k": "passages shown by ask and the app",
    "index": "the index ask and the app open (after $QA_INDEX; unset: the last one qa index built, else the seeds)",
    "export_folder": "where the app proposes to save exports",
    "reader": "fast (MiniLM-L6) or accurate (MPNet-base, when installed)",
}


@dataclass(frozen=True)
class Settings:
    """Defaults the user chose; None where the tool's own default holds."""

    theme: str | None = None
    k: int = DEFAULT_K
    index: str | None = None
    export_folder: str | None = None
    reader: str = "fast"


def config_path() -> Path:
    """The settings file: $QA_CONFIG, else config.toml in the platform's config folder for newsqa."""
    override = os.environ.get("QA_CONFIG", "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("newsqa")) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """The file's settings (defaults where it says nothing, or there is no file); a bad file is an InputError."""
    path = path or config_path()
    fix = "correct the file or delete it: every setting then has its default"
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block every command, /dev/zero fill memory
            raise InputError(f"the settings in {path} are not a regular file", fix=fix)
        with path.open("rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
        if len(raw) > MAX_SETTINGS_BYTES:
            raise InputError(f"the settings in {path} are over {MAX_SETTINGS_BYTES // 2**10} KB", fix=fix)
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
        why = "it nests too deep" if isinstance(error, RecursionError) else error
        raise InputError(f"cannot read the settings in {path}: {why}", fix=fix) from None
    return _checked(data, path)


def _checked(data: dict[str, object], path: Path) -> Settings:
    """Settings from the parsed file, each value checked: a typo must not be silently ignored."""
    known = [f.name for f in fields(Settings)]
    fix = f"settings: {', '.join(known)} (qa config shows them)"
    for key, value in data.items():
        if key not in known:
            raise InputError(f"{path}: unknown setting {key!r}", fix=fix)
        if key == "k":
            most = DEFAULT.service.max_k  # as many as any reader of the index takes
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
                raise InputError(f"{path}: k must be a whole number from 1 to {most}, not {value!r}", fix=fix)
        elif not isinstance(value, str) or not value.strip():
            raise InputError(f"{path}: {key} must be a non-empty string in quotes, not {value!r}", fix=fix)
    if "reader" in data and data["reader"] not in READERS:
        raise InputError(f"{path}: reader must be {' or '.join(READERS)}, not {data['reader']!r}", fix=fix)
    return replace(Settings(), **data)  # type: ignore[arg-type]


_ESCAPED = re.compile("[\\x00-\\x1f\\x7f-\\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _toml(value: str | int) -> str:
    """A value as TOML: an integer as is, a string in double quotes with its escapes."""
    if isinstance(value, int):
        return str(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    # Controls, C1 and bidi characters as \u escapes: the file and `qa config` show them, a terminal acts on none.
    return '"' + _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def save_setting(key: str, value: str | int, path: Path | None = None) -> Path:
    """Set one setting in the file, keeping its other lines and comments; returns the file's path."""
    # Written whole or not at all (a temporary file renamed over it); an OSError is the caller's to report.
    if key not in {f.name for f in fields(Settings)}:
        raise ValueError(key)
    path = path or config_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = ["# newsqa settings; `qa config` shows every setting and what it does"]
    line = f"{key} = {_toml(value)}"
    pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
    tables = [n for n, text in enumerate(lines) if text.lstrip().startswith("[")]
    top = tables[0] if tables else len(lines)  # a key after a [table] header would belong to that table
    found = next((n for n in range(top) if pattern.match(lines[n])), None)
    if found is None:
        lines.insert(top, line)
    else:
        lines[found] = line
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def describe(settings: Settings, path: Path) -> str:
    """`qa config`: where the file is, then every setting as TOML, each with what it does (unset ones commented)."""
    state = "" if path.exists() else " (no file yet: every setting has its default)"
    lines = [f"# {path}{state}"]
    defaults = Settings()
    shown = {"theme": settings.theme, "k": settings.k, "index": settings.index,
             "export_folder": settings.export_folder, "reader": settings.reader}
    fallback = {"theme": "textual-dark", "export_folder": _default_exports()}
    for key, value in shown.items():
        if value is None:
            text = f"# {key} = {_toml(fallback[key])}" if key in fallback else f"# {key} = \"…\""
        else:
            text = f"{key} = {_toml(value)}"
        default = " (default)" if value is not None and value == getattr(defaults, key) else ""
        lines.append(f"{text.ljust(32)} # {ABOUT[key]}{default}")
    return "\n".join(lines) + "\n"


def _default_exports() -> str:
    from qa.home import data_home

    return str(data_home() / "exports")


def export_folder(settings: Settings) -> Path:
    """Where exports go: the setting, else the data folder's exports."""
    return Path(settings.export_folder).expanduser() if settings.export_folder else Path(_default_exports())


def run_config() -> int:
    """`qa config`: print the settings file's path and every setting."""
    path = config_path()
    print(safe(describe(load_settings(path), path)), end="")  # the path may hold anything
    return 0
