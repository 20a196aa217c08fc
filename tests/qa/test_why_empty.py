"""A filter that leaves nothing says why, in the CLI and everywhere a verdict is shown, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.filters import Filters
from index.models import Listed
from index.update import update_index
from qa.filters import parse_filters, why_empty
from qa.markdown import to_markdown
from qa.pipeline import Pipeline
from qa.present import verdict
from qa.render import to_text

DAYS = ("2025-01-10", "2025-03-02", "2025-09-15")


@pytest.fixture
def small_dated(tmp_path: Path) -> Path:
    """Three dated stories from two outlets and one undated."""
    news = tmp_path / "news"
    news.mkdir()
    for number, day in enumerate(DAYS):
        (news / f"d{number}.txt").write_text(
            f"Date: {day}\nSource: {('Yonhap', 'NK News')[number % 2]}\n\nStory {number}\n\n"
            f"Pyongyang sent {1000 + number} workers to Russia.\n", encoding="utf-8")
    (news / "u.txt").write_text("Undated\n\nSome workers went to Russia.\n", encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    return tmp_path / "index"


def _doc(published: str | None, outlet: str | None = None) -> Listed:
    return Listed("/n.txt", 0, "t", published, outlet, "text", 1)


def test_the_reason_names_the_count_the_bound_and_the_nearest_date():
    docs = [_doc("2025-09-15"), _doc("2025-01-02"), _doc(None)] + [_doc("2024-05-05")] * 38
    assert why_empty(docs, Filters(since="2026-09-06")) == (
        "0 of 41 documents are dated on or after 2026-09-06; the newest is from 2025-09-15 "
        "(1 undated, which a date filter leaves out).")
    assert why_empty(docs, Filters(until="2020-01-31")).endswith(
        "on or before 2020-01-31; the oldest is from 2024-05-05 (1 undated, which a date filter leaves out).")
    assert "between 2025-02-01 and 2025-02-28; the nearest are from 2025-01-02 and 2025-09-15" in why_empty(
        docs, Filters("2025-02-01", "2025-02-28"))
    outlets = [_doc("2025-03-01", "Yonhap"), _doc("2025-09-01", "NK News")]
    assert why_empty(outlets, Filters(since="2025-06-01", outlets=("yonhap",))) == (
        "0 of 1 document from yonhap is dated on or after 2025-06-01; the newest is from 2025-03-01.")
    assert why_empty([_doc(None)], Filters(since="2025-01-01")).endswith("none of them states a date.")
    assert why_empty([], Filters(since="2025-01-01")).startswith("The index holds no documents")


def test_the_pipeline_says_why_and_the_cli_prints_only_that(small_dated):
    pipeline = Pipeline(small_dated, lambda reader: HashEmbedder())
    try:
        result = pipeline.ask("how many workers?", 5, parse_filters("2026-09-06"))
        found = pipeline.ask("how many workers?", 5, parse_filters("2025-03"))
    finally:
        pipeline.close()
    reason = ("0 of 4 documents are dated on or after 2026-09-06; the newest is from 2025-09-15 "
              "(1 undated, which a date filter leaves out).")
    assert result.hits == () and result.reason == reason and verdict(result) == reason
    assert to_text(result, width=200) == reason + "\n"  # not "the closest passages follow", nor "No passages found"
    assert reason in to_markdown(result) and "closest passages" not in to_markdown(result)
    assert found.hits and found.reason == ""
