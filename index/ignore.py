"""Which files under a folder are read: `--glob`/`--exclude` patterns and the folder's `.newsqaignore` file.

Patterns are gitignore's (matched by `pathspec`, which implements git's rules: `!` negation, a trailing
`/` for folders only, a leading `/` anchoring to the folder, `**` across folders), relative to each folder
given to `qa index` or `qa watch`. A folder left out is not walked, so a file under it cannot be taken
back in (as in git). Files named on the command line are always read.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pathspec import GitIgnoreSpec

import index.config as settings
from index.errors import InputError

IGNORE_FILE = ".newsqaignore"


@dataclass(frozen=True)
class Selection:
    """The command line's patterns: files to keep (none: every file) and files to leave out."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, globs: Sequence[str] = (), excludes: Sequence[str] = ()) -> Selection:
        """From `--glob` (a leading `!` excludes, as in rg) and `--exclude` values."""
        for pattern in (*globs, *excludes):
            if not pattern.strip("!").strip():
                raise InputError(f"empty pattern {pattern!r}", fix="give a glob such as '*.md' or 'drafts/'")
        include = tuple(g for g in globs if not g.startswith("!"))
        exclude = tuple(g[1:] for g in globs if g.startswith("!")) + tuple(excludes)
        return cls(include, exclude)


EVERYTHING = Selection()


def _spec(lines: Sequence[str], where: str) -> GitIgnoreSpec | None:
    """Compiled patterns, None when there are none; a pattern pathspec refuses is one clear error."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
        return None
    limit = settings.INDEX.ignore_patterns
    if len(lines) > limit:  # every file walked is matched against every pattern
        raise InputError(f"{where} has {len(lines):,} patterns, over the {limit:,} allowed",
                         fix="fold them into fewer globs (drafts/, *.tmp)")
    try:
        with warnings.catch_warnings():  # re's FutureWarning on '[[' would be an unlabelled stderr line
            warnings.simplefilter("ignore")
            return GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error) as error:  # pathspec's GitWildMatchPatternError; a range such as [z-a]
        raise InputError(f"invalid pattern in {where}: {error}", fix="patterns follow .gitignore's syntax") from None


@dataclass(frozen=True)
class Rules:
    """The patterns that hold under one folder: its ignore file and the command line's."""

    ignored: GitIgnoreSpec | None
    included: GitIgnoreSpec | None

    def skips_folder(self, relative: str) -> bool:
        """Whether a folder (`a/b`, relative to the root, `/`-separated) is left out, and with it all it holds."""
        return self.ignored is not None and self.ignored.match_file(relative + "/")

    def skips_file(self, relative: str) -> bool:
        """Whether a file (relative to the root, `/`-separated) is left out."""
        if self.ignored is not None and self.ignored.match_file(relative):
            return True
        return self.included is not None and not self.included.match_file(relative)

    def skips(self, relative: str, is_folder: bool) -> bool:
        """`skips_folder` or `skips_file`; a file under a left-out folder is left out too."""
        parts = relative.split("/")
        if any(self.skips_folder("/".join(parts[:end])) for end in range(1, len(parts) + (1 if is_folder else 0))):
            return True
        return not is_folder and self.skips_file(relative)


NO_RULES = Rules(None, None)


def _ignore_lines(root: str) -> tuple[tuple[str, ...], tuple[int, int] | None]:
    """The lines of the folder's ignore file and its (size, mtime) stamp; none when it has none."""
    path = os.path.join(root, IGNORE_FILE)
    limit = settings.INDEX.ignore_bytes
    try:
        stamp = os.stat(path)
        if not stat.S_ISREG(stamp.st_mode):  # a FIFO would block the walk, /dev/zero fill memory
            raise InputError(f"{path} is not a regular file", fix=f"make {IGNORE_FILE} a text file of patterns")
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        return (), None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > limit:
        raise InputError(f"{path} is over {limit // 2**10:,} KB", fix="an ignore file holds a few patterns")
    return tuple(data.decode("utf-8", "replace").splitlines()), (stamp.st_size, stamp.st_mtime_ns)


@lru_cache(maxsize=64)
def _compiled(root: str, selection: Selection, stamp: tuple[int, int] | None) -> Rules:
    """Rules for one folder, compiled once per version of its ignore file (a watch asks on every event)."""
    lines, _ = _ignore_lines(root)
    ignored = _spec([*lines, *selection.exclude], f"{os.path.join(root, IGNORE_FILE)} or --exclude")
    included = _spec(list(selection.include), "--glob")
    return Rules(ignored, included)


def rules_for(root: str | os.PathLike[str], selection: Selection = EVERYTHING) -> Rules:
    """The rules under folder `root` for `selection` (every file by default) and its `.newsqaignore`."""
    folder = os.fspath(root)
    chosen = selection
    try:
        stamp = os.stat(os.path.join(folder, IGNORE_FILE))
        key: tuple[int, int] | None = (stamp.st_size, stamp.st_mtime_ns)
    except OSError:
        key = None
    if key is None and chosen == EVERYTHING:
        return NO_RULES
    return _compiled(folder, chosen, key)


def relative(path: str, root: str) -> str:
    """`path` under `root` as a `/`-separated relative path, as patterns are matched."""
    prefix = root.rstrip(os.sep) + os.sep
    # A walk's paths all start with its root: slicing costs nothing, relpath ~5 µs a file.
    inner = path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, root)
    return inner if os.sep == "/" else inner.replace(os.sep, "/")
