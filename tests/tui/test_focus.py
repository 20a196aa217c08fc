"""Focus and typing as in fzf; nothing written without a say (issue 22, item 2) and exports that record how."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandPalette

from tests.tui.conftest import ask, settle
from tui.screens.export import ExportScreen
from tui.screens.main import MainScreen
from tui.widgets.passages import PassagesTable
from tui.widgets.question import QuestionInput

QUESTION = "how many workers?"


def exports(home: Path) -> list[Path]:
    return sorted((home / "exports").glob("*")) if (home / "exports").exists() else []


async def test_letters_typed_in_a_list_start_a_new_question(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        question = app.screen.query_one(QuestionInput)
        assert app.screen.focused is app.screen.query_one(PassagesTable)
        await pilot.press(*"who sent them", "enter")  # "o", "e" and "c" among them are commands of the list
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and question.value == "who sent them"
        assert app.screen.result.question == "who sent them"
        assert not app._notifications  # nothing copied, exported or opened on the way


@pytest.mark.parametrize("first", list("cCefoqjkzgnu0"))
async def test_a_question_starting_with_any_letter_is_typed_whole(fake_index, make_app, data_folder, first):
    """Every letter goes to the question, the first one too (as in fzf): letters that were commands of the list
    (c copied, e exported, f filtered, o opened, q quit, j k moved, z zoomed) type instead."""
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        table = app.screen.query_one(PassagesTable)
        assert app.screen.focused is table
        clipboard = app.clipboard
        await pilot.press(first, *"ow many")
        await pilot.pause()
        question = app.screen.query_one(QuestionInput)
        assert isinstance(app.screen, MainScreen) and question.has_focus and question.value == f"{first}ow many"
        assert app.return_code is None and app.screen.maximized is None and table.cursor_row == 0
        assert not app._notifications and app.clipboard == clipboard and exports(data_folder) == []


async def test_signs_and_ctrl_keys_still_act_in_a_list(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        await pilot.press("down")
        assert app.screen.query_one(PassagesTable).cursor_row == 1
        await pilot.press("ctrl+y")  # a copy always says so
        assert app.clipboard and [n.title for n in app._notifications] == ["Citation copied"]
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, MainScreen)  # the help


async def test_a_palette_action_leaves_the_user_where_they_were_typing(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        question = app.screen.query_one(QuestionInput)
        question.focus()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"more passages")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen) and len(main.result.hits) == 9  # asked again with one more
        assert main.focused is question  # not taken to the passages: the next letters are a question
        await pilot.press(*"ce")
        assert question.value.endswith("ce") and not app._notifications


async def test_ctrl_s_asks_where_and_writes_only_on_enter_with_the_record(fake_index, make_app, data_folder):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen) and exports(data_folder) == []
        await pilot.press("escape")
        await settle(pilot)
        assert exports(data_folder) == []  # cancelled: nothing written
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+t", "enter")  # as JSON this time
        await settle(pilot)
        saved = exports(data_folder)
        assert len(saved) == 1 and saved[0].suffix == ".json"
        data = json.loads(saved[0].read_text(encoding="utf-8"))
        assert data["question"] == QUESTION and data["index"] == str(fake_index.resolve())
        assert data["filters"] == {"since": None, "until": None, "outlets": []} and data["asked"][:2] == "20"
        assert [n.title for n in app._notifications] == ["Saved as JSON"]


async def test_an_export_takes_a_path_and_asks_before_replacing(fake_index, make_app, tmp_path):
    target = tmp_path / "out" / "answer.md"
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        for attempt in range(2):
            await pilot.press("ctrl+s")
            await pilot.pause()
            app.screen.query_one("#export-path").value = str(target)
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, ExportScreen)  # the second time the file exists: said, not replaced
        assert "exists" in str(app.screen.query_one("#export-error").render())
        await pilot.press("enter")  # Enter again replaces it
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        text = target.read_text(encoding="utf-8")
        assert text.startswith(f"## {QUESTION}\n\n*Asked ") and "filter: none" in text and "Markdown" in str(
            [n.title for n in app._notifications])
