"""A generation's manifest: the segments it lists, their tombstones and checksums; checked before it is trusted.

A crafted manifest (a segment that is a number, a segment named `../../x`, a checksum of a file no segment
has, nesting 100,000 deep) is damage in one line, never a TypeError from deep inside the reader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.config import IndexConfig
from index.errors import REBUILD, IndexDamagedError, IndexMismatchError
from index.json_input import load_json
from index.segments import FILES, SegmentInfo
from index.words import TOKENIZER

# 2: document metadata, passages' exact slices and pages, files' texts; 3: segments; 4: postings arrays;
# 5: postings from index/words.py (Snowball stems, no FTS5), the tokenizer recorded.
FORMAT_VERSION = 5
MANIFEST_NAME = "manifest.json"
DEEPEST = 8  # a manifest nests 4 deep (segments, a segment, its checksums, one checksum); room for growth
SEGMENT_NAME = re.compile(r"seg-\d+")


@dataclass(frozen=True)
class Manifest:
    """What a generation holds and how to check it: format, model, counts and file checksums."""

    format_version: int
    model: str
    dim: int
    documents: int
    passages: int
    updated: float
    segments: list[dict[str, object]]  # SegmentInfo fields, oldest segment first
    deleted: dict[str, list[str]]  # segment name: paths of its files this generation no longer holds
    next_id: int  # the next passage id: ids are never reused, so a segment's rows never collide with another's
    dead_passages: dict[str, int]  # segment name: how many of its passages the tombstones hide
    index_config: dict[str, float | int] = field(default_factory=dict)  # the IndexConfig it was built with
    tokenizer: dict[str, str] = field(default_factory=dict)  # index/words.py's Tokenizer its postings were made with

    @property
    def config(self) -> IndexConfig:
        return IndexConfig.recorded(self.index_config)

    def infos(self) -> list[SegmentInfo]:
        return [SegmentInfo.of(entry) for entry in self.segments]

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _segment(entry: object) -> bool:
    """One listed segment as a writer records it: a `seg-N` name, counts, checksums of its own files."""
    return (isinstance(entry, dict) and set(entry) == {"name", "passages", "documents", "tokens", "checksums"}
            and isinstance(entry["name"], str) and SEGMENT_NAME.fullmatch(entry["name"]) is not None
            and all(_count(entry[key]) for key in ("passages", "documents", "tokens"))
            and isinstance(entry["checksums"], dict)
            and all(name in FILES and isinstance(value, dict) for name, value in entry["checksums"].items()))


def well_formed(manifest: Manifest) -> bool:
    """Whether every field has the type a writer gives it (checked once, when a generation is read)."""
    names = [entry["name"] for entry in manifest.segments if isinstance(entry, dict)] if isinstance(
        manifest.segments, list) else []
    return (isinstance(manifest.model, str) and _count(manifest.dim) and _count(manifest.documents)
            and _count(manifest.passages) and _count(manifest.next_id)
            and isinstance(manifest.updated, (int, float)) and isinstance(manifest.segments, list)
            and all(_segment(entry) for entry in manifest.segments) and len(set(names)) == len(names)
            and isinstance(manifest.deleted, dict) and isinstance(manifest.dead_passages, dict)
            and all(name in names and isinstance(paths, list) and all(isinstance(p, str) for p in paths)
                    for name, paths in manifest.deleted.items())
            and all(name in names and _count(count) for name, count in manifest.dead_passages.items())
            and isinstance(manifest.index_config, dict)
            and all(isinstance(value, (int, float)) and not isinstance(value, bool)
                    for value in manifest.index_config.values())
            and isinstance(manifest.tokenizer, dict)
            and all(isinstance(value, str) for value in manifest.tokenizer.values()))


def read_manifest(generation: Path) -> Manifest:
    """Read a generation's manifest, refusing unknown formats (an index before segments: rebuild it)."""
    unreadable = IndexDamagedError(f"index manifest in {generation} is unreadable", fix=REBUILD)
    try:
        data = load_json(generation / MANIFEST_NAME, DEEPEST)
        version = data["format_version"]  # type: ignore[index]
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise unreadable from error
    if not isinstance(version, int) or isinstance(version, bool):
        raise unreadable
    if version != FORMAT_VERSION:
        raise IndexMismatchError(f"index format {version} is not the supported {FORMAT_VERSION}", fix=REBUILD)
    try:
        manifest = Manifest(**data)  # type: ignore[arg-type]
    except TypeError as error:
        raise unreadable from error
    if not well_formed(manifest):
        raise unreadable
    if manifest.tokenizer != TOKENIZER.to_dict():  # query terms would silently miss the index's terms
        raise IndexMismatchError(f"index terms were made by tokenizer {manifest.tokenizer}, not the current "
                                 f"{TOKENIZER.to_dict()}", fix=REBUILD)
    return manifest
