"""Watch mode: keep an index in step with folders of articles as files come, change and go."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from watchfiles import Change, watch

from index.embed import Embedder
from index.errors import QAError
from index.load import ARTICLE_SUFFIXES, MAX_FILE_BYTES
from index.update import UpdateSummary, update_index

Log = Callable[[str], None]
DEBOUNCE_MS = 500
WAKE_MS = 300
MAX_NAMED = 10  # changed files named one a line per batch; a whole folder copied in is counted


def describe(summary: UpdateSummary) -> str:
    """One log line for one update."""
    return (
        f"+{summary.added} added, {summary.changed} changed, {summary.removed} removed; "
        f"{summary.embedded} passages embedded ({summary.seconds:.1f} s)"
    )


class _Relevant:
    """Which file-system events concern the watched articles (and not the index itself)."""

    def __init__(self, roots: Sequence[Path], index_dir: Path) -> None:
        self.roots = list(roots)
        self.index_dir = index_dir

    def _inside(self, path: Path) -> Path | None:
        for root in self.roots:
            if path == root or root in path.parents:
                return root
        return None

    def __call__(self, change: Change, raw: str) -> bool:
        path = Path(raw)
        if path == self.index_dir or self.index_dir in path.parents:
            return False  # our own generations and lock: reacting would loop forever
        root = self._inside(path)
        if root is None:
            return False  # a sibling of a watched single file
        if path != root and any(p.startswith(".") for p in path.relative_to(root).parts):
            return False  # hidden files are never indexed
        if path.suffix.lower() in ARTICLE_SUFFIXES:
            return True
        # A folder moved or deleted as a whole reports only the folder itself.
        return path.is_dir() or (change == Change.deleted and not path.suffix)


def changed_files(changes: Iterable[tuple[Change, str]], limit: int = MAX_NAMED) -> list[str]:
    """One log line per changed file (`added news/a.txt`), the first `limit` of them, then how many more."""
    verbs = {Change.added: "added", Change.modified: "changed", Change.deleted: "removed"}
    here = Path.cwd()
    lines = []
    for change, raw in sorted(changes, key=lambda item: item[1]):
        path = Path(raw)
        shown = path.relative_to(here) if here in path.parents else path  # short where the user is
        lines.append(f"{verbs.get(change, 'changed')} {shown}")
    if len(lines) > limit:
        lines[limit:] = [f"… and {len(lines) - limit} more files"]
    return lines


def _watch_targets(roots: Iterable[Path]) -> list[Path]:
    """Folders to watch: single files are watched through their folder, as editors replace them."""
    return sorted({root if root.is_dir() else root.parent for root in roots})


def _sync(index_dir: Path, paths: Sequence[str], embedder: Embedder, log: Log, quiet: bool,
          follow_links: bool = False, max_file_bytes: int | None = MAX_FILE_BYTES,
          warned: set[str] | None = None, fields: Mapping[str, str] | None = None) -> bool:
    """Run one update, logging its line; a failure is logged as one line and reported as False."""
    try:
        summary = update_index(index_dir, paths, embedder, notify=log, follow_links=follow_links,
                               max_file_bytes=max_file_bytes, fields=fields)
    except QAError as error:
        log(f"error: {error}")
        return False
    for warning in summary.warnings:
        if warned is None or warning not in warned:  # each skipped file said once, not every sync
            log(f"warning: {warning}")
    if warned is not None:
        warned.update(summary.warnings)
    if not quiet or summary.added or summary.changed or summary.removed:
        log(describe(summary))
    return True


def watch_paths(
    index_dir: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    log: Log = print,
    stop_event: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    follow_links: bool = False,
    max_file_bytes: int | None = MAX_FILE_BYTES,
    fields: Mapping[str, str] | None = None,
) -> int:
    """Sync once, then apply every batch of article file changes under `paths` until stopped; exit code."""
    folder = Path(index_dir).expanduser().resolve()
    names = [str(p) for p in paths]
    roots = [Path(p).expanduser().resolve() for p in paths]
    missing = [name for name, root in zip(names, roots) if not root.exists()]
    if missing:
        log(f"error: no such file or folder: {missing[0]}")
        return 2
    previous = _stop_on_sigterm()
    warned: set[str] = set()
    try:
        synced = False
        for changes in watch(
            *_watch_targets(roots),
            watch_filter=_Relevant(roots, folder),
            debounce=debounce_ms,
            step=50,
            stop_event=stop_event,
            rust_timeout=WAKE_MS,
            yield_on_timeout=True,  # the first (empty) yield means the OS watch is in place
            raise_interrupt=True,
        ):
            if synced and not changes:
                continue
            for line in changed_files(changes):
                log(line)
            # The initial sync runs once the watch is live, so no file written meanwhile is missed.
            ok = _sync(folder, names, embedder, log, quiet=synced, follow_links=follow_links,
                       max_file_bytes=max_file_bytes, warned=warned, fields=fields)
            if not synced:
                if not ok:
                    return 2  # e.g. a damaged index: the error line names the fix
                synced = True
                log(f"watching {', '.join(names)} (Ctrl+C to stop)")
    except KeyboardInterrupt:
        # update_index abandons its unpublished generation on the way out, so stopping is safe.
        log("stopped")
    finally:
        if previous is not None:  # restore whoever handled SIGTERM before
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_on_sigterm() -> Callable[..., object] | int | None:
    """Make `kill` stop watching as cleanly as Ctrl+C does; returns the handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None  # signal handlers can only be set from the main thread

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)
