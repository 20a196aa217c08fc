"""Snapshots of the main screens on three small fixed articles (paths shown relative, so stable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from bench.common import HashEmbedder
from index.filters import Filters
from index.update import update_index
from tests.tui.conftest import PinnedAnswers, ask, settle

ARTICLES = {
    "herald.txt": (
        "Seoul says North Korea sent 4,000 workers to Russia\n\n"
        "South Korea's spy agency said on Sunday that around 4,000 North Korean workers are now in Russia, "
        "most of them on construction sites, each paid about $800 a month.\n\n"
        "The agency said many of them entered the country on student visas, a way around the United Nations "
        "sanctions that ban North Korean labour abroad.\n"
    ),
    "wire.txt": (
        "North Korean workers in Russia\n\n"
        "South Korea's spy agency said on Sunday that around 4,000 North Korean workers are now in Russia, "
        "most of them on construction sites, each paid about $800 a month.\n"
    ),
    "monitor.txt": (
        "Student visas surge\n\n"
        "Russian records show 13,221 North Koreans arrived last year, 7,887 of them on student visas, "
        "a twelvefold rise on the year before.\n\n"
        "Analysts said most of them were workers sent to building sites rather than students.\n"
    ),
}
QUESTION = "how many workers?"


@pytest.fixture
def small_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake-embedder index of the fixed articles; the tests run from its folder, so paths read `news/…`."""
    monkeypatch.chdir(tmp_path)
    news = tmp_path / "news"
    news.mkdir()
    for name, text in ARTICLES.items():
        (news / name).write_text(text, encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    return Path("index")


def _app(make_app, index: Path):
    return make_app(index, factory=PinnedAnswers)


async def _steady(pilot) -> None:
    """A blinking cursor would make the pictures differ between runs."""
    pilot.app.screen_stack[0].query_one(Input).cursor_blink = False


def test_answers_and_passages_80x24(snap_compare, make_app, small_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, QUESTION)

    assert snap_compare(_app(make_app, small_index), terminal_size=(80, 24), run_before=run_before)


def test_wide_with_copies_expanded_140x36(snap_compare, make_app, small_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, QUESTION)
        await pilot.press("space", "down")
        await pilot.pause()

    assert snap_compare(_app(make_app, small_index), terminal_size=(140, 36), run_before=run_before)


def test_source_view_at_the_cited_place(snap_compare, make_app, small_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, QUESTION)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(make_app, small_index), terminal_size=(80, 24), run_before=run_before)


def test_missing_index_error_screen(snap_compare, make_app, small_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await settle(pilot)

    assert snap_compare(_app(make_app, Path("missing")), terminal_size=(80, 24), run_before=run_before)


def test_help_screen(snap_compare, make_app, small_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await settle(pilot)
        await pilot.press("f1")

    assert snap_compare(_app(make_app, small_index), terminal_size=(80, 30), run_before=run_before)


LONG = ("around 4,000 North Korean workers are now in Russia, most of them on construction sites", "13,221")


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (120, 40), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_size_shows_the_whole_answer(snap_compare, make_app, small_index, size):
    """Two answers, one long: at every size both are shown whole (wrapped, never cut) with their counts."""
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, QUESTION)

    app = make_app(small_index, factory=lambda folder: PinnedAnswers(folder, LONG))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


SEED_QUESTIONS = {
    "workers": ("how many workers?", ("4,000",)),
    "troops": ("how many troops did North Korea send to Russia?", ("11,000", "10,000 and 12,000 troops")),
}


@pytest.fixture
def seeds_index(tmp_path: Path, seed_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake-embedder index of the bundled seeds, paths shown as `articles/…` from the test's folder."""
    monkeypatch.chdir(tmp_path)
    update_index(tmp_path / "seeds-index", [seed_copy], HashEmbedder())
    return Path("seeds-index")


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (120, 40), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SEED_QUESTIONS))
def test_seed_questions_show_the_whole_answer(snap_compare, make_app, seeds_index, name, size):
    """The seeds' workers and troops questions: every answer whole at every size (the issue 11 figure)."""
    question, words = SEED_QUESTIONS[name]

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, question)

    app = make_app(seeds_index, factory=lambda folder: PinnedAnswers(folder, words))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


HOMES = ("how many homes were destroyed by the fire?", ("46 homes", "38 homes"))
SIZES = [(60, 18), (80, 24), (100, 30), (120, 40), (160, 45), (200, 50), (250, 70)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_news_disagreement_at_every_size(snap_compare, make_app, news_index, size):
    """The news corpus (long titles, long outlets, copies): every answer and source shown, the best-backed
    first and marked, the columns by priority and no sideways scroll, from 60x18 to 250x70."""
    question, words = HOMES

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, question)
        await pilot.pause()

    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, words), k=5)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_news_figure_over_time_marks_the_newest_120x40(snap_compare, make_app, news_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, "how many acres has the fire burned?")
        await pilot.pause()

    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, ("17,300", "14,200", "1,200")), k=5)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_news_filter_that_leaves_nothing_says_why(snap_compare, make_app, news_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, HOMES[0])
        pilot.app.screen.set_filters(Filters(since="2026-09-06", outlets=("Valley Courier",)))
        await settle(pilot)
        await pilot.pause()

    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, HOMES[1]), k=5)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_news_passages_maximised_80x24(snap_compare, make_app, news_index):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await ask(pilot, HOMES[0])
        await pilot.press("ctrl+z")
        await pilot.pause()

    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, HOMES[1]), k=5)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
