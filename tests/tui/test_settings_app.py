"""Settings that stay in the app: the theme, Ctrl+R over the history, a palette and footer that say true things."""

from __future__ import annotations

from textual.widgets import Footer, Input, OptionList

from index.filters import Filters
from qa.settings import load_settings, save_setting
from tests.tui.conftest import settle
from tests.tui.running import asked
from tui.screens.error import ErrorScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen, search
from tui.widgets.question import QuestionInput

QUESTION = "how many workers?"


async def test_the_theme_chosen_is_there_after_a_restart(fake_index, make_app, own_settings):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        app.theme = "nord"  # as Ctrl+P, Theme does
        await pilot.pause()
    assert load_settings().theme == "nord" and own_settings.exists()
    again = make_app(fake_index)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_a_broken_settings_file_is_said_and_the_app_still_opens(fake_index, make_app, own_settings):
    own_settings.write_text("k = 'many'\n", encoding="utf-8")
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        assert app.screen.result is not None
        assert any("k must be a whole number" in n.message for n in app._notifications)


async def test_broken_settings_and_no_index_given_is_the_error_screen_not_a_crash(make_app, own_settings,
                                                                                 monkeypatch):
    monkeypatch.delenv("QA_INDEX", raising=False)
    own_settings.write_text("index = 3\n", encoding="utf-8")
    app = make_app(None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen) and "index must be a non-empty string" in app.screen.error


async def test_an_unknown_theme_in_the_settings_is_said(fake_index, make_app, own_settings):
    save_setting("theme", "no-such-theme")
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark" and any("no-such-theme" in n.message for n in app._notifications)


def test_history_search_matches_every_word_fuzzily_newest_first():
    history = ["how many workers?", "who is Wi Sung Lac?", "how many troops?", "how many workers?"]
    assert [q for q, _ in search(history, "")] == ["how many workers?", "how many troops?", "who is Wi Sung Lac?"]
    assert [q for q, _ in search(history, "trp")] == ["how many troops?"]
    assert [q for q, _ in search(history, "many wrk")] == ["how many workers?"]
    assert search(history, "zzz") == []
    question, offsets = search(history, "lac")[0]
    assert question == "who is Wi Sung Lac?" and [question[i] for i in offsets] == ["L", "a", "c"]


async def test_ctrl_r_finds_an_earlier_question_and_puts_it_in_the_box(fake_index, make_app):
    async with asked(make_app, fake_index, "who is Wi Sung Lac?", QUESTION) as (app, pilot):
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one(OptionList).option_count == 2
        await pilot.press(*"sung", "enter")
        await pilot.pause()
        question = app.screen.query_one(QuestionInput)
        assert question.value == "who is Wi Sung Lac?" and question.has_focus
        await pilot.press("ctrl+r", "escape")  # cancelled: the box keeps what it had
        await pilot.pause()
        assert question.value == "who is Wi Sung Lac?"


async def test_the_palette_offers_help_not_keys_and_clear_only_when_filtered(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Help" in titles and "Keys" not in titles and "Theme" in titles
        assert "Clear the filter" not in titles and "Filter by date or outlet" in titles
        app.screen.filters = Filters(since="2025-01-01")
        assert "Clear the filter" in [command.title for command in app.get_system_commands(app.screen)]


async def test_the_help_overlay_shows_its_own_keys_not_the_panes(fake_index, make_app):
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = [key.description for key in app.screen.query_one(Footer).query("FooterKey")]
        assert shown == ["Close"]
        assert app.screen.query_one(Footer).region.bottom == 30  # drawn over the main screen's footer
        assert not app.screen.query(Input)
