"""The passages a question's filters leave in one index generation: ids for FAISS, SQL for FTS5."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

import numpy as np

from index.errors import InputError
from qa.filters import Filters

SHOWN_OUTLETS = 8  # outlets named in the error for an outlet that matches none


@dataclass(frozen=True, eq=False)
class Scope:
    """Filtered passages: their ids (sorted), the temporary table holding them for SQL, their share of the index."""

    ids: np.ndarray
    table: str
    share: float

    def condition(self) -> str:
        """The FTS5 `WHERE` term keeping a match to the scope.

        The unary `+` keeps SQLite from handing the rowid set to FTS5, which would look up each allowed
        passage and test it against the query (280 ms for 3,000 ids); this way FTS5 matches as always and
        each match is checked against the table's primary key (under 1 ms).
        """
        return f"+rowid IN (SELECT id FROM temp.{self.table})"


def matching_outlets(known: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The known outlets any wanted name matches as whole words, ignoring case ('herald' finds 'Korea Herald')."""
    patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in wanted]
    return [outlet for outlet in known if any(p.search(outlet) for p in patterns)]


def resolve(db: sqlite3.Connection, filters: Filters, total: int, table: str) -> Scope:
    """The scope of `filters` in one generation, its ids also written to temporary `table` (a read-only database
    still has a writable temp schema); an outlet no document has is an InputError naming those it has."""
    conditions: list[str] = []
    params: list[object] = []
    if filters.since:
        conditions.append("d.published >= ?")
        params.append(filters.since)
    if filters.until:
        conditions.append("d.published <= ?")
        params.append(filters.until)
    if filters.outlets:
        known = [row[0] for row in db.execute(
            "SELECT DISTINCT outlet FROM documents WHERE outlet IS NOT NULL ORDER BY outlet")]
        outlets = matching_outlets(known, filters.outlets)
        if not outlets:
            listed = ", ".join(known[:SHOWN_OUTLETS]) + (", …" if len(known) > SHOWN_OUTLETS else "")
            raise InputError(f"no document in the index is from {' or '.join(filters.outlets)}",
                             fix=f"outlets here: {listed}" if known else "no document here names its outlet")
        conditions.append(f"d.outlet IN ({','.join('?' * len(outlets))})")
        params += outlets
    where = " AND ".join(conditions) or "1"
    ids = np.fromiter((row[0] for row in db.execute(
        "SELECT p.id FROM passages p JOIN documents d ON d.path = p.path AND d.part = p.part "
        f"WHERE {where} ORDER BY p.id", params)), dtype=np.int64)
    db.execute(f"DROP TABLE IF EXISTS temp.{table}")
    db.execute(f"CREATE TEMP TABLE {table}(id INTEGER PRIMARY KEY)")
    db.executemany(f"INSERT INTO temp.{table}(id) VALUES (?)", ((int(i),) for i in ids))
    return Scope(ids, table, len(ids) / total if total else 0.0)
