"""Date and outlet filters: parsed from the user's words, applied inside both the dense and the lexical search."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from bench.common import HashEmbedder
from index import vectors as vector_index
from index.errors import InputError
from index.store import IndexReader
from index.update import update_index
from qa.config import Config, RetrievalConfig
from index.filters import Filters
from qa.filters import parse_filters
from qa.pipeline import Pipeline
from qa.retrieve import query_words
from tests.qa.test_cli import assert_one_line_error, run

TODAY = date(2025, 3, 15)
OUTLETS = ("Yonhap", "Korea Herald", "NK News")
WORDS = ("harbour", "factory", "winter", "ministry", "border", "railway", "contract", "salary", "dormitory",
         "inspection", "shipyard", "province", "embassy", "tractor", "quarry", "timber", "canal", "orchard",
         "bakery", "airport", "garrison", "textile", "pipeline", "reservoir", "tunnel", "cement", "festival")


@pytest.fixture
def dated_index(tmp_path: Path) -> Path:
    """36 dated articles about workers (January to March 2025, three outlets) and 4 undated ones."""
    news = tmp_path / "news"
    news.mkdir()
    for number in range(40):
        day = date(2025, 1 + number // 3 % 3, 1 + number % 28).isoformat()
        header = "" if number >= 36 else f"Date: {day}\nSource: {OUTLETS[number % 3]}\n\n"
        # Different words in every story, so that none is folded into another as a copy.
        extra = " ".join(WORDS[(number * 7 + i * i) % len(WORDS)] for i in range(30))
        (news / f"a{number:02d}.txt").write_text(
            f"{header}Story {number}\n\nPyongyang sent {1000 + number * 37:,} workers to Russia. "
            f"{extra.capitalize()}.\n", encoding="utf-8")
    folder = tmp_path / "index"
    update_index(folder, [news], HashEmbedder())
    return folder


def _pipeline(index: Path, candidates: int = 50) -> Pipeline:
    config = Config(retrieval=RetrievalConfig(candidates=candidates))
    return Pipeline(index, lambda reader: HashEmbedder(), config=config)


def test_dates_months_years_and_ages_are_parsed():
    assert parse_filters("2025-02-09", "2025-02", today=TODAY) == Filters("2025-02-09", "2025-02-28")
    assert parse_filters("2024", "2024", today=TODAY) == Filters("2024-01-01", "2024-12-31")
    assert parse_filters("7d", today=TODAY).since == "2025-03-08"
    assert parse_filters("2w", today=TODAY).since == "2025-03-01"
    assert parse_filters("1m", today=TODAY).since == "2025-02-15"
    assert parse_filters("1y", today=TODAY).since == "2024-03-15"
    assert parse_filters(outlets=["Yonhap", " Korea  Herald "]).outlets == ("Yonhap", "Korea Herald")
    assert not parse_filters().active


@pytest.mark.parametrize("since, until, fragment", [
    ("yesterday-ish", None, "--since 'yesterday-ish' is not a date"),
    ("2025-02-30", None, "not a date"),
    ("2025-13", None, "not a date"),
    (None, "  ", "empty"),
    ("2025-03", "2025-02", "is after --until"),
])
def test_bad_values_are_one_input_error(since, until, fragment):
    with pytest.raises(InputError, match=fragment) as caught:
        parse_filters(since, until, today=TODAY)
    assert caught.value.fix


def test_a_bad_filter_is_one_line_on_the_command_line(fake_index):
    assert_one_line_error(run("ask", "how many workers?", "--since", "last tuesday", "--index", str(fake_index)),
                          "is not a date")
    assert_one_line_error(run("ask", "how many workers?", "--outlet", "", "--index", str(fake_index)), "empty")


def test_since_filters_inside_the_search_so_k_results_come_back(dated_index):
    # Each search keeps only 5 candidates: filtering afterwards would leave about a third of them.
    pipeline = _pipeline(dated_index, candidates=5)
    filters = parse_filters("2025-03-01", today=TODAY)
    result = pipeline.ask("how many workers were sent to Russia?", k=5, filters=filters)
    assert len(result.hits) == 5
    assert all(hit.passage.meta.published >= "2025-03-01" for hit in result.hits)
    unfiltered = pipeline.ask("how many workers were sent to Russia?", k=5)
    assert any(not (hit.passage.meta.published or "").startswith("2025-03") for hit in unfiltered.hits)


def test_until_and_outlet_together(dated_index):
    pipeline = _pipeline(dated_index, candidates=5)
    result = pipeline.ask("workers on student visas", k=3, filters=parse_filters(None, "2025-01", ["herald"]))
    assert len(result.hits) == 3  # of the 4 Korea Herald stories of January
    for hit in result.hits:
        assert hit.passage.meta.outlet == "Korea Herald" and hit.passage.meta.published <= "2025-01-31"
    for answer in result.answers:
        assert all(source.meta.outlet == "Korea Herald" for source in answer.sources)


def test_a_range_with_no_documents_finds_nothing(dated_index):
    result = _pipeline(dated_index).ask("how many workers?", filters=parse_filters("2030-01-01"))
    assert result.hits == () and result.answers == ()


def test_an_unknown_outlet_names_the_known_ones(dated_index):
    with pytest.raises(InputError) as caught:
        _pipeline(dated_index).ask("how many workers?", filters=Filters(outlets=("Reuters",)))
    assert "Reuters" in caught.value.message and "Yonhap" in (caught.value.fix or "")
    # Whole words: "News" is in "NK News", "Korea Herald" has no word "her".
    reader = IndexReader.open(dated_index)
    assert len(reader.scope(Filters(outlets=("news",))).ids) == 12
    with pytest.raises(InputError):
        reader.scope(Filters(outlets=("her",)))


def test_both_searches_keep_to_the_scope(dated_index):
    reader = IndexReader.open(dated_index)
    scope = reader.scope(Filters(since="2025-02-01", until="2025-02-28"))
    allowed = set(scope.ids.tolist())
    assert 0 < len(allowed) < reader.manifest.passages and 0 < scope.share < 1
    vector = HashEmbedder().embed(["workers sent to Russia"])[0]
    dense = reader.dense_search(vector, 50, scope)
    lexical = reader.lexical_search(query_words("workers sent to Russia"), 50, scope=scope)
    assert {pid for pid, _ in dense} == allowed  # every allowed passage, none other
    assert {pid for pid, _ in lexical} == allowed
    assert reader.passages(list(allowed)) and all(
        p.meta.published.startswith("2025-02") for p in reader.passages(list(allowed)).values())


def test_an_approximate_index_searches_a_narrow_filter_fully():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(4000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = vector_index._ivf(np.arange(4000, dtype=np.int64), vectors)
    allowed = np.arange(0, 4000, 100, dtype=np.int64)  # 1 % of the vectors
    scores, ids = vector_index.search(index, vectors[7], 10, allowed, share=len(allowed) / 4000)
    assert set(ids[0].tolist()) <= set(allowed.tolist()) and (ids[0] >= 0).all()
    exact = np.argsort(-(vectors[allowed] @ vectors[7]))[:10]
    assert ids[0].tolist() == allowed[exact].tolist()


@pytest.mark.model
def test_filters_on_the_seeds_end_to_end(real_index):
    # An outlet no seed has is refused, naming those the seeds' appended stories have.
    assert_one_line_error(run("ask", "how many workers?", "--outlet", "Reuters", "--index", str(real_index)),
                          "outlets here: North Wales Chronicle, The Independent")
    proc = run("ask", "how many workers?", "--since", "2100", "--json", "--index", str(real_index))
    assert proc.returncode == 1, proc.stderr  # no answer, as rg finding nothing
    data = json.loads(proc.stdout)
    assert data["passages"] == [] and data["answers"] == [] and data["timeline"] == []
