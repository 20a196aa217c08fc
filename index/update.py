"""Incremental, atomic index updates: hash compare, add/change/remove, one writer at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import index.config as settings
from index.ignore import EVERYTHING, Selection
from index.changes import Progress, apply, live_files, plan
from index.embed import Embedder
from index.engine import Engine
from index.errors import REBUILD, IndexBusyError, IndexDamagedError, IndexMismatchError, IndexMissingError, QAError
from index.export import ensure_query_model
from index.generation import Generation, generation_number, generations
from index.load import MAX_FILE_BYTES, walk
from index.owned import check_target, claim, is_segment, owns, writing
from index.segments import SEGMENTS_DIR, segment_number
from index.store import Manifest, current_generation, read_manifest, verify

# IndexConfig.max_segments: a search visits every segment (one FAISS search and one postings query per
# word each), so the count is kept small; merging only the smallest keeps an update's merge cost near the
# size of recent updates. IndexConfig.dead_share: dead rows cost disk and every postings scan.


@dataclass(frozen=True)
class UpdateSummary:
    """What one `qa index` run did; `embedded` counts passages actually sent to the model."""

    documents: int
    added: int
    changed: int
    removed: int
    unchanged: int
    passages: int
    embedded: int
    seconds: float
    warnings: tuple[str, ...] = field(default=())


@contextmanager
def write_lock(index_dir: Path, wait: bool = True, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's writer lock; a second writer waits (saying so) or refuses."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise IndexBusyError(f"another update of {index_dir} is running") from None
            if notify:
                notify(f"waiting for another update of {index_dir} to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sweep(index_dir: Path, keep: set[str], known: Mapping[str, Manifest] | None = None) -> None:
    """Delete generations not in `keep`, then segments none of the kept generations lists; only what is ours.

    `known`: manifests of kept generations the caller holds already (read once, passed down)."""
    if not owns(index_dir):
        return  # only a folder marked as an index is ever cleaned
    for generation in generations(index_dir):
        if generation.name not in keep:
            shutil.rmtree(generation, ignore_errors=True)
    used: set[str] = set()
    for name in keep:
        try:
            manifest = (known or {}).get(name) or read_manifest(index_dir / name)
            used |= {info.name for info in manifest.infos()}
        except QAError:
            continue  # a damaged or older-format previous generation lists no segment worth keeping
    for segment in (index_dir / SEGMENTS_DIR).glob("seg-*"):
        if segment.name not in used and is_segment(segment):
            shutil.rmtree(segment, ignore_errors=True)


def _prune(index_dir: Path, live: Path, manifest: Manifest) -> None:
    """Drop generations older than the previous one, any left by an interrupted update, and unlisted segments."""
    keep = {live.name}
    older = [g for g in generations(index_dir) if generation_number(g) < generation_number(live)]
    if older:
        keep.add(older[-1].name)
    _sweep(index_dir, keep, {live.name: manifest})


def _drop_unpublished(index_dir: Path, known: Mapping[str, Manifest] | None = None) -> None:
    """Remove generations newer than the live one and segments nothing lists: leftovers of an interrupted update."""
    try:
        pointed = current_generation(index_dir)
    except IndexDamagedError:
        pointed = None
    keep = {g.name for g in generations(index_dir)
            if pointed is not None and generation_number(g) <= generation_number(pointed)}
    _sweep(index_dir, keep, known)


def _live_generation(index_dir: Path, embedder: Embedder, rebuild: bool) -> tuple[Path, Manifest] | None:
    """The generation to start from, verified, with its manifest (read once, passed down); none to build afresh."""
    if rebuild:
        return None
    try:
        live = current_generation(index_dir)
        if live is None:
            return None
        manifest = read_manifest(live)
        # Sampled as `ask` checks (whole below 64 MB): an update copies no segment, so damage stays under its
        # original checksum, where `ask` and `qa check` find it; a merge, which copies, hashes its inputs whole.
        verify(live, manifest)
    except (IndexDamagedError, IndexMismatchError) as error:
        if error.fix:
            raise
        raise type(error)(str(error), fix="pass --rebuild") from error
    if (manifest.model, manifest.dim) != (embedder.name, embedder.dim):
        raise IndexMismatchError(
            f"index at {index_dir} was built with {manifest.model}", fix=REBUILD
        )
    return live, manifest


def update_index(
    index_dir: str | os.PathLike[str],
    paths: Sequence[str | os.PathLike[str]],
    embedder: Embedder,
    rebuild: bool = False,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
    follow_links: bool = False,
    max_file_bytes: int | None = MAX_FILE_BYTES,
    checksum: bool = False,
    fields: Mapping[str, str] | None = None,
    engine: Engine | None = None,
    select: Selection = EVERYTHING,
) -> UpdateSummary:
    """Bring the index in line with the files under `paths`, embedding only new text.

    A file whose size and mtime are unchanged is not read unless `checksum` (see `index.changes`). `engine`
    reads and embeds elsewhere (a Ray cluster: `index.ray_engine`); `embedder` still names the model.
    """
    began = time.perf_counter()
    folder = Path(index_dir)
    walked = walk(paths, follow_links, select)  # raises InputError before anything is touched
    found = walked.files
    # Absolute but not resolved, like the recorded paths: a file is removed where it was found.
    # Resolved too: indexes written before recorded resolved paths, which must not linger as copies.
    given = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
    roots = given + [Path(os.path.realpath(p)) for p in given]
    with writing(folder):
        claim(folder)  # refused if not ours; marked as ours before the lock file or anything else is written
    with writing(folder), write_lock(folder, notify=notify):
        start = _live_generation(folder, embedder, rebuild)
        live, manifest = start if start is not None else (None, None)
        _drop_unpublished(folder, {live.name: manifest} if start is not None else None)
        changes = plan(live_files(live, manifest), found, roots, max_file_bytes, checksum, fields, progress, engine)
        if live is not None and manifest is not None and changes.idle:
            # Nothing changed: keep the live generation rather than copying it for nothing.
            warnings = walked.warnings + changes.warnings + _query_model(folder, embedder, rebuild)
            return UpdateSummary(
                manifest.documents, 0, 0, 0, changes.unchanged, manifest.passages, 0,
                round(time.perf_counter() - began, 3), warnings,
            )
        generation = Generation(folder, live, embedder.name, embedder.dim, manifest)
        try:
            applied = apply(generation, changes, embedder, progress, engine)
            # The merges that follow are checked before the switch: once it is made, nothing fails the update.
            documents, passages = generation.publish(
                check=lambda manifest: _check_merge_inputs(generation, manifest))
        except BaseException:
            generation.abandon()
            raise
        published = generation.published()
        _prune(folder, generation.folder, published)
        warnings = (walked.warnings + changes.warnings + _merge_after(folder, generation.folder, published)
                    + _query_model(folder, embedder, rebuild))
    return UpdateSummary(
        documents, changes.added, changes.changed, changes.removed, changes.unchanged,
        passages, applied.embedded, round(time.perf_counter() - began, 3), warnings,
    )


@dataclass(frozen=True)
class OptimizeSummary:
    """What `qa index --optimize` did: segments before and after, passages kept, seconds."""

    before: int
    after: int
    passages: int
    seconds: float


def _merge(folder: Path, live: Path, manifest: Manifest, names: Sequence[str],
           checked: bool = False) -> tuple[Path, Manifest]:
    """Publish a generation whose segments `names` are merged into one (their tombstones applied); `checked`
    when the update that published `live` has hashed them whole already. Returns it with its manifest."""
    if not checked:
        verify(live, manifest, full=True, only=set(names))  # a merge copies: damage must never be rewritten as whole
    generation = Generation(folder, live, manifest.model, manifest.dim, manifest)
    try:
        generation.merge(names)
        generation.publish()
    except BaseException:
        generation.abandon()
        raise
    published = generation.published()
    _prune(folder, generation.folder, published)
    return generation.folder, published


def merge_plan(manifest: Manifest) -> tuple[list[str], list[str]]:
    """The merges after an update: past `max_segments` the smallest segments, so about half as many remain;
    then, of the others, those more than `dead_share` tombstones (a merged segment holds none)."""
    max_segments, dead_share = settings.INDEX.max_segments, settings.INDEX.dead_share
    infos = manifest.infos()
    smallest: list[str] = []
    if len(infos) > max_segments:
        ordered = sorted(infos, key=lambda info: (info.passages, segment_number(info.name)))
        smallest = [info.name for info in ordered[: len(infos) - max_segments // 2 + 1]]
    mostly_dead = [info.name for info in infos if info.name not in smallest
                   and manifest.dead_passages.get(info.name, 0) > dead_share * info.passages]
    return smallest, mostly_dead


def _check_merge_inputs(generation: Generation, manifest: Manifest) -> None:
    """Before the switch: the earlier segments the following merges will copy, hashed whole and their texts
    checked, so damage fails the update with nothing committed rather than the merge after it."""
    names = {name for names in merge_plan(manifest) for name in names} - {generation.name}
    if names:
        verify(generation.folder, manifest, full=True, only=names)
        generation.check_texts(names)


def _merge_small(folder: Path, live: Path, manifest: Manifest) -> None:
    """Run the merges `merge_plan` names for the live generation, whose inputs its update has checked."""
    smallest, mostly_dead = merge_plan(manifest)
    if smallest:
        live, manifest = _merge(folder, live, manifest, smallest, checked=True)
    if mostly_dead:
        _merge(folder, live, manifest, mostly_dead, checked=True)


def _merge_after(folder: Path, live: Path, manifest: Manifest) -> tuple[str, ...]:
    """Merge after a published update; a failure now is a warning, since the update itself is committed."""
    try:
        _merge_small(folder, live, manifest)
    except OSError as error:
        return (f"merging segments failed ({error.strerror or error}); the update itself is saved and the "
                "merge is tried again by the next update",)
    except (QAError, sqlite3.Error) as error:
        return (f"merging segments failed ({error}); the update itself is saved; run: qa check",)
    return ()


def optimize_index(index_dir: str | os.PathLike[str], notify: Callable[[str], None] | None = None) -> OptimizeSummary:
    """Merge every segment into one, dropping the rows of deleted files (`qa index --optimize`)."""
    began = time.perf_counter()
    folder = Path(index_dir)
    check_target(folder)
    missing = IndexMissingError(f"no index at {folder}", fix=f"build one with: qa index PATH --index {folder}")
    if current_generation(folder) is None:
        raise missing  # before the lock, which would create the folder
    with writing(folder):
        claim(folder)  # an index an earlier version built is marked as ours here
    with writing(folder), write_lock(folder, notify=notify):
        live = current_generation(folder)
        if live is None:
            raise missing
        manifest = read_manifest(live)
        _drop_unpublished(folder)
        before = len(manifest.segments)
        after = manifest
        if before > 1 or manifest.deleted:
            live, after = _merge(folder, live, manifest, [info.name for info in manifest.infos()])
    return OptimizeSummary(before, len(after.segments), after.passages, round(time.perf_counter() - began, 3))


def _query_model(folder: Path, embedder: Embedder, rebuild: bool) -> tuple[str, ...]:
    """Export the fast query model if the index lacks an intact one; a failure only slows queries."""
    try:
        ensure_query_model(folder, embedder, force=rebuild)
    except Exception as error:  # the exporter's failures are untyped; the index itself is fine
        return (f"could not export the fast query model ({error}); `ask` will load the full model",)
    return ()
