"""Reading a folder's files as `qa index` does, without indexing them: for tests of what the readers make."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.boundary import guarded, with_said
from index.load import MAX_FILE_BYTES, read_source, walk
from index.models import SourceFile
from index.names import stored_name


@dataclass(frozen=True)
class Loaded:
    """The readable files found under the given paths, and one warning per file skipped."""

    files: tuple[SourceFile, ...]
    warnings: tuple[str, ...] = field(default=())


def load_sources(paths: list[Path | str]) -> Loaded:
    """Every article file under `paths` read through the per-file boundary, skipped ones as warnings."""
    found = walk(paths)
    files, warnings = [], list(found.warnings)
    for path in found.files:
        read, heard, failure = guarded(stored_name(path), lambda path=path: read_source(path, MAX_FILE_BYTES))
        source, warning = read if read is not None else (None, failure)
        if source is None and warning:
            warning = with_said(warning, heard)
        if warning:
            warnings.append(warning)
        if source is not None:
            files.append(source)
    return Loaded(tuple(files), tuple(warnings))
