"""Incremental, atomic index updates: hash compare, add/change/remove, one writer at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import index.config as settings
from index.changes import Progress, apply, live_files, plan
from index.embed import Embedder
from index.engine import Engine
from index.errors import REBUILD, IndexBusyError, IndexDamagedError, IndexMismatchError, IndexMissingError, QAError
from index.export import ensure_query_model
from index.generation import Generation, generation_number, generations
from index.load import MAX_FILE_BYTES, walk
from index.owned import check_target, is_segment, writing
from index.segments import SEGMENTS_DIR, segment_number
from index.store import current_generation, read_manifest, verify

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


def _sweep(index_dir: Path, keep: set[str]) -> None:
    """Delete generations not in `keep`, then segments none of the kept generations lists; only what is ours."""
    for generation in generations(index_dir):
        if generation.name not in keep:
            shutil.rmtree(generation, ignore_errors=True)
    used: set[str] = set()
    for name in keep:
        try:
            used |= {info.name for info in read_manifest(index_dir / name).infos()}
        except QAError:
            continue  # a damaged or older-format previous generation lists no segment worth keeping
    for segment in (index_dir / SEGMENTS_DIR).glob("seg-*"):
        if segment.name not in used and is_segment(segment):
            shutil.rmtree(segment, ignore_errors=True)


def _prune(index_dir: Path, live: Path) -> None:
    """Drop generations older than the previous one, any left by an interrupted update, and unlisted segments."""
    keep = {live.name}
    older = [g for g in generations(index_dir) if generation_number(g) < generation_number(live)]
    if older:
        keep.add(older[-1].name)
    _sweep(index_dir, keep)


def _drop_unpublished(index_dir: Path) -> None:
    """Remove generations newer than the live one and segments nothing lists: leftovers of an interrupted update."""
    try:
        pointed = current_generation(index_dir)
    except IndexDamagedError:
        pointed = None
    keep = {g.name for g in generations(index_dir)
            if pointed is not None and generation_number(g) <= generation_number(pointed)}
    _sweep(index_dir, keep)


def _live_generation(index_dir: Path, embedder: Embedder, rebuild: bool) -> Path | None:
    """The generation to start from: the verified live one, or none for a fresh build."""
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
    return live


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
) -> UpdateSummary:
    """Bring the index in line with the files under `paths`, embedding only new text.

    A file whose size and mtime are unchanged is not read unless `checksum` (see `index.changes`). `engine`
    reads and embeds elsewhere (a Ray cluster: `index.ray_engine`); `embedder` still names the model.
    """
    began = time.perf_counter()
    folder = Path(index_dir)
    walked = walk(paths, follow_links)  # raises InputError before anything is touched
    found = walked.files
    # Absolute but not resolved, like the recorded paths: a file is removed where it was found.
    # Resolved too: indexes written before recorded resolved paths, which must not linger as copies.
    given = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
    roots = given + [Path(os.path.realpath(p)) for p in given]
    check_target(folder)
    with writing(folder), write_lock(folder, notify=notify):
        live = _live_generation(folder, embedder, rebuild)
        _drop_unpublished(folder)
        changes = plan(live_files(live), found, roots, max_file_bytes, checksum, fields, progress, engine)
        if live is not None and changes.idle:
            # Nothing changed: keep the live generation rather than copying it for nothing.
            manifest = read_manifest(live)
            warnings = walked.warnings + changes.warnings + _query_model(folder, embedder, rebuild)
            return UpdateSummary(
                manifest.documents, 0, 0, 0, changes.unchanged, manifest.passages, 0,
                round(time.perf_counter() - began, 3), warnings,
            )
        generation = Generation(folder, live, embedder.name, embedder.dim)
        try:
            applied = apply(generation, changes, embedder, progress, engine)
            documents, passages = generation.publish()
        except BaseException:
            generation.abandon()
            raise
        _prune(folder, generation.folder)
        _merge_small(folder)
        warnings = walked.warnings + changes.warnings + _query_model(folder, embedder, rebuild)
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


def _merge(folder: Path, live: Path, names: Sequence[str]) -> Path:
    """Publish a generation whose segments `names` are merged into one (their tombstones applied)."""
    manifest = read_manifest(live)
    verify(live, manifest, full=True, only=set(names))  # a merge copies: damage must never be rewritten as whole
    generation = Generation(folder, live, manifest.model, manifest.dim)
    try:
        generation.merge(names)
        generation.publish()
    except BaseException:
        generation.abandon()
        raise
    _prune(folder, generation.folder)
    return generation.folder


def _merge_small(folder: Path) -> None:
    """Past `max_segments`, merge the smallest segments into one, so about half as many remain; then rewrite
    any segment that is more than `dead_share` tombstones."""
    max_segments, dead_share = settings.INDEX.max_segments, settings.INDEX.dead_share
    live = current_generation(folder)
    if live is None:
        return
    infos = read_manifest(live).infos()
    if len(infos) > max_segments:
        smallest = sorted(infos, key=lambda info: (info.passages, segment_number(info.name)))
        live = _merge(folder, live, [info.name for info in smallest[: len(infos) - max_segments // 2 + 1]])
    manifest = read_manifest(live)
    mostly_dead = [info.name for info in manifest.infos()
                   if manifest.dead_passages.get(info.name, 0) > dead_share * info.passages]
    if mostly_dead:
        _merge(folder, live, mostly_dead)


def optimize_index(index_dir: str | os.PathLike[str], notify: Callable[[str], None] | None = None) -> OptimizeSummary:
    """Merge every segment into one, dropping the rows of deleted files (`qa index --optimize`)."""
    began = time.perf_counter()
    folder = Path(index_dir)
    check_target(folder)
    missing = IndexMissingError(f"no index at {folder}", fix=f"build one with: qa index PATH --index {folder}")
    if current_generation(folder) is None:
        raise missing  # before the lock, which would create the folder
    with writing(folder), write_lock(folder, notify=notify):
        live = current_generation(folder)
        if live is None:
            raise missing
        manifest = read_manifest(live)
        _drop_unpublished(folder)
        before = len(manifest.segments)
        if before > 1 or manifest.deleted:
            live = _merge(folder, live, [info.name for info in manifest.infos()])
        after = read_manifest(live)
    return OptimizeSummary(before, len(after.segments), after.passages, round(time.perf_counter() - began, 3))


def _query_model(folder: Path, embedder: Embedder, rebuild: bool) -> tuple[str, ...]:
    """Export the fast query model if the index lacks an intact one; a failure only slows queries."""
    try:
        ensure_query_model(folder, embedder, force=rebuild)
    except Exception as error:  # the exporter's failures are untyped; the index itself is fine
        return (f"could not export the fast query model ({error}); `ask` will load the full model",)
    return ()
