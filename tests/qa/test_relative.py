"""Relative dates read against each article's date; disagreeing figures shown in time order; 'latest' favours the newest."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.models import Meta
from index.store import IndexReader
from index.update import update_index
from qa.markdown import to_markdown
from qa.models import Answer, DateSpan, Result, Source
from qa.question import wants_latest
from qa.config import DEFAULT
from qa.relative import pin_dates, resolve
from qa.render import to_json, to_text
from qa.retrieve import Retriever, recency


@pytest.mark.parametrize("text, published, iso, label", [
    ("Sunday", "2025-02-10", "2025-02-09", "9 Feb 2025"),
    ("on Sunday", "2025-02-09", "2025-02-09", "9 Feb 2025"),  # the article's own day
    ("last Sunday", "2025-02-09", "2025-02-02", "2 Feb 2025"),
    ("next Friday", "2025-02-09", "2025-02-14", "14 Feb 2025"),
    ("yesterday", "2025-03-01", "2025-02-28", "28 Feb 2025"),
    ("last week", "2025-02-12", "2025-02-03/2025-02-09", "3–9 Feb 2025"),
    ("mid-January", "2025-02-10", "2025-01-11/2025-01-20", "11–20 Jan 2025"),
    ("in December", "2025-02-10", "2024-12-01/2024-12-31", "Dec 2024"),
    ("February 9", "2025-02-12", "2025-02-09", "9 Feb 2025"),
    ("three days ago", "2025-02-12", "2025-02-09", "9 Feb 2025"),
    ("last year", "2025-02-09", "2024-01-01/2024-12-31", "2024"),
    ("late January", "2025-02-03", "2025-01-21/2025-01-31", "21–31 Jan 2025"),
])
def test_relative_dates_are_read_against_the_article(text, published, iso, label):
    found = resolve(text, Meta(published).day)
    assert found is not None and (found.iso, found.label) == (iso, label)


@pytest.mark.parametrize("text, published", [
    ("4,000", "2025-02-09"),  # no date at all
    ("9 February 2025", "2025-02-12"),  # already a calendar date
    ("Sunday", None),  # no article date to read it against
    ("they may go", "2025-02-12"),  # 'may' the verb
])
def test_no_reading_without_a_relative_date_and_an_article_date(text, published):
    assert resolve(text, Meta(published).day) is None


def _source(path: str, published: str | None, outlet: str | None, start: int = 0) -> Source:
    return Source(path, start, start + 6, 1, f"Story {path}", meta=Meta(published, outlet))


def test_the_answer_shows_the_day_it_means_in_text_and_json():
    answer = Answer("Sunday", 0.9, "The NIS said on Sunday.", (_source("/a.txt", "2025-02-10", "Yonhap"),))
    result = pin_dates(Result("when did the NIS say it?", (), (answer,)))
    assert result.answers[0].resolved == DateSpan("Sunday", date(2025, 2, 9), date(2025, 2, 9))
    assert "Sunday (9 Feb 2025)" in to_text(result)
    assert "Sunday (9 Feb 2025)" in to_markdown(result)
    data = json.loads(to_json(result))
    assert data["answers"][0]["resolved"] == "2025-02-09"
    assert data["answers"][0]["sources"][0]["resolved"] == "2025-02-09"
    assert data["answers"][0]["text"] == "Sunday"  # the span itself is untouched


def test_sources_that_date_a_weekday_differently_each_say_so():
    answer = Answer("Sunday", 0.9, "said on Sunday", (_source("/a.txt", "2025-02-10", "Yonhap"),
                                                      _source("/b.txt", "2025-02-18", "NK News")))
    text = to_text(pin_dates(Result("when?", (), (answer,))), width=200)
    assert "Sunday = 9 Feb 2025" in text and "Sunday = 16 Feb 2025" in text
    assert "Sunday (" not in text  # no one day for the answer as a whole


def test_disagreeing_figures_show_date_and_outlet_in_time_order():
    newer = Answer("13,221", 0.6, "13,221 arrived", (_source("/n.txt", "2025-02-20", "NK News"),))
    older = Answer("4,000", 0.3, "4,000 workers", (_source("/y.txt", "2025-02-09", "Yonhap"),
                                                   _source("/h.txt", None, None)))
    result = Result("how many workers?", (), (newer, older), disagree=True)  # an undated source: could be any day
    text = to_text(result, width=200)
    assert text.index("4,000") < text.index("13,221")
    assert "Yonhap, 2025-02-09" in text.splitlines()[1] and "NK News, 2025-02-20" in text
    data = json.loads(to_json(result))
    assert [a["text"] for a in data["answers"]] == ["13,221", "4,000"]  # the contract's order: best first


def test_latest_words_are_recognised_from_the_config():
    words = DEFAULT.retrieval.recency_words
    assert wants_latest("What is the latest count?", words)
    assert wants_latest("how many workers are in Russia now?", words)
    assert wants_latest("Which figure is most recent?", words)
    assert wants_latest("How many people are still missing?", words)
    assert not wants_latest("How many were still displaced in mid-August?", words)
    assert not wants_latest("how many workers were known in 2024?", words)
    assert not wants_latest("who knows the nowcast?", words)


def test_recency_scales_dates_over_the_candidates():
    day = date.fromisoformat
    assert recency({1: day("2025-01-01"), 2: day("2025-01-11"), 3: None, 4: day("2025-01-06")}) == {1: 0.0, 2: 1.0, 3: 0.0, 4: 0.5}
    assert recency({1: day("2025-01-01"), 2: day("2025-01-01")}) == {1: 0.0, 2: 0.0}


def test_latest_in_a_question_favours_the_newest_source(tmp_path: Path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "old.txt").write_text("Date: 2025-01-05\nSource: Yonhap\n\nSpy agency count\n\nThe spy agency counted "
                                  "4,000 North Korean workers on Russian building sites, officials said.\n")
    (news / "new.txt").write_text("Date: 2025-03-05\nSource: NK News\n\nRussian records\n\nRecords list 13,000 "
                                  "North Korean workers on Russian sites this winter.\n")
    for number, topic in enumerate(["a drone attack on Kyiv", "rice harvests in Jeolla", "a film festival in Busan"]):
        (news / f"other{number}.txt").write_text(f"Date: 2025-02-0{number + 1}\n\nReporters wrote about {topic}.\n")
    update_index(tmp_path / "index", [news], HashEmbedder())
    retriever = Retriever(IndexReader.open(tmp_path / "index"), HashEmbedder())
    plain = retriever.search("how many North Korean workers are on Russian building sites?", k=2)
    latest = retriever.search("how many North Korean workers are on Russian building sites now?", k=2)
    assert plain[0].passage.path.endswith("old.txt")
    assert latest[0].passage.path.endswith("new.txt")
