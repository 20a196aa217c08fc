"""The app's filter: date and outlet columns, a filter box that asks the question again, in its own words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from bench.common import HashEmbedder
from index.filters import Filters
from index.update import update_index
from tests.tui.conftest import ask, settle
from tests.tui.running import asked
from tui.screens.filter import FilterScreen
from tui.widgets.passages import PassagesTable
from tui.widgets.status import StatusBar

QUESTION = "how many workers were sent to Russia?"


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    """Twelve dated stories from two outlets, January to March 2025, each in words of its own."""
    news = tmp_path / "news"
    news.mkdir()
    words = "harbour factory winter ministry border railway contract salary dormitory quarry timber canal".split()
    for number in range(12):
        extra = " ".join(words[(number * 5 + i * i) % len(words)] for i in range(20))
        outlet = ("Yonhap", "NK News")[number % 2]
        (news / f"s{number:02d}.txt").write_text(
            f"Date: 2025-0{1 + number % 3}-1{number % 9}\nSource: {outlet}\n\nStory {number}\n\n"
            f"Pyongyang sent {1000 + number:,} workers to Russia. {extra.capitalize()}.\n", encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    return tmp_path / "index"


async def open_filter_box(pilot: Pilot) -> None:
    """Ctrl+F from the passages, as a reader of them would press it, and wait for the box."""
    pilot.app.screen.query_one(PassagesTable).focus()
    await pilot.press("ctrl+f")
    await pilot.pause()


def _column(table: PassagesTable, key: str) -> list[str]:
    return [str(cell) for cell in table.get_column(key)]


async def test_passages_show_date_and_outlet_columns(dated, make_app):
    async with asked(make_app, dated, QUESTION, size=(200, 40)) as (app, pilot):
        table = app.screen.query_one(PassagesTable)
        dates, outlets = _column(table, "date"), _column(table, "outlet")
        assert dates and all(d.startswith("2025-0") for d in dates)
        assert set(outlets) <= {"Yonhap", "NK News"} and len(set(dates)) > 1


async def test_applying_a_filter_asks_the_question_again(dated, make_app):
    async with asked(make_app, dated, QUESTION, size=(200, 40)) as (app, pilot):
        before = _column(app.screen.query_one(PassagesTable), "date")
        assert any(not d.startswith("2025-03") for d in before)
        await open_filter_box(pilot)
        assert isinstance(app.screen, FilterScreen)
        await pilot.press(*"soon", "enter")  # a bad value is said in the box, in its own words, and it stays open
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
        said = str(app.screen.query_one("#filter-error", Static).render())
        assert said.startswith("Since: 'soon' is not a date") and "--since" not in said
        app.screen.query_one("#filter-since", Input).value = "2025-03"
        app.screen.query_one("#filter-outlet", Input).value = "yonhap"
        await pilot.press("enter")
        await settle(pilot)
        main = app.screen
        assert not isinstance(main, FilterScreen)
        assert "since 2025-03-01" in str(main.query_one(StatusBar).query_one("#activity", Static).render())
        table = main.query_one(PassagesTable)  # asked again at once, with the filter
        assert table.row_count >= 1 and main.result.question == QUESTION
        assert all(d.startswith("2025-03") for d in _column(table, "date"))
        assert set(_column(table, "outlet")) == {"Yonhap"}
        assert main.focused is table  # back where the user was


@pytest.mark.parametrize("since, until, outlet, said", [
    ("2025-03", "2025-01", "", "Since: 2025-03-01 is after Until: 2025-01-31"),
    ("", "tribune", "", "Until: 'tribune' is not a date"),
    ("", "", "Reuters", "Outlet: no document is from 'Reuters'; outlets here: NK News, Yonhap"),
])
async def test_the_box_speaks_in_its_own_terms(dated, make_app, since, until, outlet, said):
    app = make_app(dated)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_filter_box(pilot)
        for key, value in (("since", since), ("until", until), ("outlet", outlet)):
            app.screen.query_one(f"#filter-{key}", Input).value = value
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#filter-error", Static).render())
        assert text.startswith(said) and "--" not in text


async def test_the_outlet_field_completes_from_the_index(dated, make_app):
    app = make_app(dated)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_filter_box(pilot)
        field = app.screen.query_one("#filter-outlet", Input)
        field.focus()
        await pilot.press(*"nk")
        await pilot.pause(0.2)
        await pilot.press("right")  # takes the suggestion, in the index's own spelling
        assert field.value == "NK News"
        await pilot.press(*", yo")
        await pilot.pause(0.2)
        await pilot.press("right")
        assert field.value == "NK News, Yonhap"


async def test_a_filter_that_leaves_nothing_says_why(dated, make_app):
    async with asked(make_app, dated, QUESTION) as (app, pilot):
        app.screen.set_filters(Filters(since="2026-09-06"))
        await settle(pilot)
        verdict = str(app.screen.query_one("#verdict", Static).render())
        assert "0 of 12 documents are dated on or after 2026-09-06; the newest is from 2025-03-18" in verdict
        assert "closest passages" not in verdict and app.screen.query_one(PassagesTable).row_count == 0


async def test_filter_commands_are_in_the_palette(dated, make_app):
    app = make_app(dated)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Filter by date or outlet" in titles and "Clear the filter" not in titles  # none is set


def test_snapshot_dated_passages(snap_compare, make_app, dated, monkeypatch):
    monkeypatch.chdir(dated.parent)

    async def run_before(pilot) -> None:
        pilot.app.screen_stack[0].query_one(Input).cursor_blink = False  # a blinking cursor differs between runs
        await ask(pilot, QUESTION)

    assert snap_compare(make_app(Path("index")), terminal_size=(100, 30), run_before=run_before)


def test_snapshot_filter_box_with_a_bad_value(snap_compare, make_app, dated, monkeypatch):
    monkeypatch.chdir(dated.parent)

    async def run_before(pilot) -> None:
        pilot.app.screen_stack[0].query_one(Input).cursor_blink = False
        await settle(pilot)
        pilot.app.screen.query_one(PassagesTable).focus()
        await pilot.press("f", *"2025-02", "tab", *"soon", "tab", *"Yonhap", "enter")
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False

    assert snap_compare(make_app(Path("index")), terminal_size=(80, 24), run_before=run_before)
