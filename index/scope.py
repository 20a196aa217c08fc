"""The passages a question's filters leave in one index generation: ids for FAISS and BM25, per segment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.errors import InputError
from index.segment_reader import SegmentReader
from index.filters import Filters

SHOWN_OUTLETS = 8  # outlets named in the error for an outlet that matches none


@dataclass(frozen=True, eq=False)
class Scope:
    """Filtered passages: their ids (sorted), the same ids split by segment, their share of the index.

    BM25 over several segments is computed from postings
    (`index.lexical`), which are filtered by `ids` with one `np.isin`.
    """

    ids: np.ndarray
    parts: tuple[np.ndarray, ...]
    share: float


def matching_outlets(known: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The known outlets any wanted name matches as whole words, ignoring case ('herald' finds 'Korea Herald')."""
    patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in wanted]
    return [outlet for outlet in known if any(p.search(outlet) for p in patterns)]


def resolve(segments: Sequence[SegmentReader], filters: Filters, total: int) -> Scope:
    """The scope of `filters` in one generation's live segments; an outlet no document has is an InputError
    naming those it has."""
    conditions: list[str] = []
    params: list[object] = []
    if filters.since:
        conditions.append("d.published >= ?")
        params.append(filters.since)
    if filters.until:
        conditions.append("d.published <= ?")
        params.append(filters.until)
    if filters.outlets:
        known = sorted({row[0] for segment in segments for row in segment.db.execute(
            "SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL")})
        outlets = matching_outlets(known, filters.outlets)
        if not outlets:
            listed = ", ".join(known[:SHOWN_OUTLETS]) + (", …" if len(known) > SHOWN_OUTLETS else "")
            raise InputError(f"no document in the index is from {' or '.join(filters.outlets)}",
                             fix=f"outlets here: {listed}" if known else "no document here names its outlet")
        conditions.append(f"d.outlet IN ({','.join('?' * len(outlets))})")
        params += outlets
    where = " AND ".join(conditions) or "1"
    # Unqualified names: a segment with tombstones resolves them to views of its live rows.
    parts = tuple(np.fromiter((row[0] for row in segment.db.execute(
        "SELECT p.id FROM passages p JOIN documents d ON d.path = p.path AND d.part = p.part "
        f"WHERE {where} ORDER BY p.id", params)), dtype=np.int64) for segment in segments)
    ids = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    return Scope(ids, parts, len(ids) / total if total else 0.0)
