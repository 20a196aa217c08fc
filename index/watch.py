"""Watch mode: keep an index in step with folders of articles as files come, change and go."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from watchfiles import Change, watch

import index.config as settings
from index.embed import Embedder
from index.errors import QAError
from index.ignore import EVERYTHING, IGNORE_FILE, Selection, relative, rules_for
from index.inventory import Inventory, FileChange, changes, counted, inventory, with_passages
from index.load import ARTICLE_SUFFIXES, MAX_FILE_BYTES, shown, walk
from index.safe_text import say
from index.update import UpdateSummary, update_index

Log = Callable[[str], None]
DEBOUNCE_MS = 500
WAKE_MS = 300
MAX_NAMED = 10  # changed files named one a line per update; a whole folder copied in is counted


def describe(found: Sequence[FileChange], summary: UpdateSummary) -> str:
    """One log line for one update: files added, changed and removed (those newsqa reads), passages embedded."""
    verbs = [change.verb for change in found]
    return (f"{counted(verbs.count('added'), 'file')} added, {verbs.count('changed')} changed, "
            f"{verbs.count('removed')} removed; {counted(summary.embedded, 'passage')} embedded "
            f"({summary.seconds:.1f} s)")


class _Relevant:
    """Which file-system events concern the watched articles (and not the index itself)."""

    def __init__(self, roots: Sequence[Path], index_dir: Path, select: Selection = EVERYTHING) -> None:
        self.roots = list(roots)
        self.index_dir = index_dir
        self.select = select

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
        if path.parent == root and path.name == IGNORE_FILE:
            return True  # new patterns: the next update takes files in or out
        if path != root and any(p.startswith(".") for p in path.relative_to(root).parts):
            return False  # hidden files are never indexed
        if path != root and root.is_dir():
            try:
                if rules_for(root, self.select).skips(relative(str(path), str(root)), path.is_dir()):
                    return False  # left out by .newsqaignore or --glob/--exclude
            except QAError:
                return True  # a broken ignore file: the update says what is wrong with it
        if path.suffix.lower() in ARTICLE_SUFFIXES:
            return True
        # A folder moved or deleted as a whole reports only the folder itself.
        return path.is_dir() or (change == Change.deleted and not path.suffix)


def changed_files(found: Sequence[FileChange], limit: int = MAX_NAMED) -> list[str]:
    """One log line per file an update changed (`added news/a.txt (3 passages)`), the first `limit`, then how many more."""
    here = Path.cwd()
    lines = []
    for change in found[:limit]:
        path = Path(change.path)
        short = path.relative_to(here) if here in path.parents else path  # short where the user is
        done = "" if change.verb == "removed" else f" ({counted(change.passages, 'passage')})"
        lines.append(f"{change.verb} {shown(short)}{done}")
    if len(found) > limit:
        lines.append(f"… and {counted(len(found) - limit, 'more file')}")
    return lines


def _watch_targets(roots: Iterable[Path]) -> list[Path]:
    """Folders to watch: single files are watched through their folder, as editors replace them."""
    return sorted({root if root.is_dir() else root.parent for root in roots})


def _sync(index_dir: Path, paths: Sequence[str], embedder: Embedder, log: Log, follow_links: bool = False,
          max_file_bytes: int | None = MAX_FILE_BYTES, warned: set[str] | None = None,
          fields: Mapping[str, str] | None = None, select: Selection = EVERYTHING) -> UpdateSummary | None:
    """Run one update, logging its warnings; a failure is logged as one line and reported as None."""
    try:
        summary = update_index(index_dir, paths, embedder, notify=log, follow_links=follow_links,
                               max_file_bytes=max_file_bytes, fields=fields, select=select)
    except QAError as error:
        log(f"error: {error}")
        return None
    except Exception as error:  # whatever else fails an update (each file's reading cannot) must not end the watch
        log(f"error: the update failed ({' '.join(f'{type(error).__name__}: {error}'.split())[:200]})")
        return None
    for warning in summary.warnings:
        if warned is None or warning not in warned:  # each skipped file said once, not every sync
            log(f"warning: {warning}")
    if warned is not None:
        warned.update(summary.warnings)
    return summary


def _report(index_dir: Path, before: Inventory, summary: UpdateSummary, log: Log, quiet: bool) -> Inventory:
    """Log what the update did to the files newsqa reads, then what the index holds; returns that."""
    after = inventory(index_dir)
    found = changes(before, after)
    if quiet and not found:
        return after  # an event that changed nothing newsqa reads (an editor's temporary file, a touch)
    for line in changed_files(with_passages(index_dir, found[:MAX_NAMED]) + found[MAX_NAMED:]):
        log(line)
    log(describe(found, summary))
    log(after.summary())
    return after


def watch_paths(
    index_dir: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    log: Log = say,
    stop_event: threading.Event | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    follow_links: bool = False,
    max_file_bytes: int | None = MAX_FILE_BYTES,
    fields: Mapping[str, str] | None = None,
    select: Selection = EVERYTHING,
) -> int:
    """Sync once, then apply every batch of article file changes under `paths` until stopped; exit code.

    Each update logs the files it added, changed or removed among those newsqa reads (`select` and each
    folder's `.newsqaignore` leave some out), then what the index holds per format."""
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
        relevant = _Relevant(roots, folder, select)
        held = inventory(folder)
        for batch in _batches(roots, relevant, names, follow_links, stop_event, debounce_ms, log, select):
            if synced and batch is not None and not batch:
                continue
            # The initial sync runs once the watch is live, so no file written meanwhile is missed.
            summary = _sync(folder, names, embedder, log, follow_links=follow_links,
                            max_file_bytes=max_file_bytes, warned=warned, fields=fields, select=select)
            if summary is not None:
                held = _report(folder, held, summary, log, quiet=synced)
            if not synced:
                if summary is None:
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


def _batches(roots: Sequence[Path], relevant: _Relevant, names: Sequence[str], follow_links: bool,
             stop_event: threading.Event | None, debounce_ms: int, log: Log,
             select: Selection = EVERYTHING) -> Iterator[set[tuple[Change, str]] | None]:
    """Batches of changes from the OS watcher; None for "look at everything" (changes may have been missed).

    watchfiles cannot follow a name that is not UTF-8 ("Unable to decode path", at start-up when such a
    folder exists, or when one appears); the folders are then compared every IndexConfig.watch_poll_seconds.
    """
    started = False
    try:
        for changes in watch(*_watch_targets(roots), watch_filter=relevant, debounce=debounce_ms, step=50,
                             stop_event=stop_event, rust_timeout=WAKE_MS,
                             yield_on_timeout=True,  # the first (empty) yield means the OS watch is in place
                             raise_interrupt=True):
            started = True
            yield changes
        return
    except RuntimeError as error:  # watchfiles' WatchfilesRustInternalError
        if "decode" not in str(error):
            raise
        why = " ".join(str(error).split())[:160]
    poll = settings.INDEX.watch_poll_seconds
    log(f"warning: the file watcher cannot follow a name that is not UTF-8 ({why}); "
        f"comparing the folders every {poll:g} s instead")
    yield from _polled(names, follow_links, relevant, stop_event, poll, first=None if started else set(),
                       select=select)


Snapshot = dict[str, tuple[int, int]]


def _snapshot(names: Sequence[str], follow_links: bool, relevant: _Relevant,
              select: Selection = EVERYTHING) -> Snapshot:
    """Every article file under the watched paths with its size and mtime (nothing when they cannot be walked)."""
    try:
        found = walk(names, follow_links, select).files
    except QAError:
        return {}  # a watched path is gone: the sync says so
    out: Snapshot = {}
    for path in found:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if relevant(Change.modified, str(path)):
            out[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return out


def _polled(names: Sequence[str], follow_links: bool, relevant: _Relevant, stop_event: threading.Event | None,
            poll: float, first: set[tuple[Change, str]] | None,
            select: Selection = EVERYTHING) -> Iterator[set[tuple[Change, str]] | None]:
    """Changes found by comparing the folders every `poll` seconds, after `first`; until stopped."""
    before = _snapshot(names, follow_links, relevant, select)
    yield first
    while not (stop_event.wait(poll) if stop_event is not None else time.sleep(poll)):
        after = _snapshot(names, follow_links, relevant, select)
        changes = {(Change.added, p) for p in after.keys() - before.keys()}
        changes |= {(Change.deleted, p) for p in before.keys() - after.keys()}
        changes |= {(Change.modified, p) for p in after.keys() & before.keys() if after[p] != before[p]}
        before = after
        if changes:
            yield changes


def _stop_on_sigterm() -> Callable[..., object] | int | None:
    """Make `kill` stop watching as cleanly as Ctrl+C does; returns the handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None  # signal handlers can only be set from the main thread

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)
