"""Panes sized to what they hold, columns by priority, maximise and resize (issue 22, item 1)."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from tests.tui.conftest import PinnedAnswers, ask
from tui import layout
from tui.widgets.answers import AnswersPanel
from tui.widgets.columns import METADATA_FROM, MIN_TITLE, PAD, Facts, cut, cut_middle, plan
from tui.widgets.passages import PassagesTable
from tui.widgets.phrases import phrase_lines
from textual.content import Content

FIRE = "how many acres has the fire burned?"
ACRES = ("17,300", "14,200", "1,200")
LONG = Facts(title=81, outlet=22, file=62, dated=True, copies=True)


@pytest.mark.parametrize("room", range(40, 251, 7))
@pytest.mark.parametrize("terminal", [60, 99, 100, 200])
def test_columns_fill_the_row_exactly_and_the_title_keeps_its_room(room, terminal):
    columns = plan(room, terminal, LONG)
    assert sum(column.width + PAD for column in columns) == room  # never wider: no sideways scroll
    keys = [column.key for column in columns]
    assert keys[:3] == ["rank", "score", "title"]
    title = columns[2].width
    assert title >= MIN_TITLE or keys == ["rank", "score", "title"]  # the others give way first
    if terminal < METADATA_FROM:
        assert "date" not in keys and "outlet" not in keys
    elif room >= 100:
        assert "date" in keys and "outlet" in keys
    if "file" in keys:
        assert "outlet" in keys or terminal < METADATA_FROM  # the file name is the first to go


def test_copies_have_a_column_only_when_a_row_has_copies():
    assert "copies" in [c.key for c in plan(100, 120, LONG)]
    plain = Facts(title=40, outlet=10, file=20, dated=True, copies=False)
    assert "copies" not in [c.key for c in plan(100, 120, plain)]
    outlet = next(c for c in plan(200, 250, LONG) if c.key == "outlet")
    assert outlet.width == 22  # a long outlet whole when there is room


def test_cuts_keep_words_and_the_line_number():
    assert cut("Evacuation orders lifted for Oak Knoll", 20) == "Evacuation orders…"
    assert cut("short", 20) == "short"
    assert cut_middle("2025-08-13-meridian-press-service-orders-lifted.txt:5", 20) == "2025-08-13…ted.txt:5"


def test_answers_whole_before_the_list_and_the_passage_pane_keeps_its_least():
    body = layout.body_rows(24)
    assert body == 21
    fits = layout.panes(body, wide=False, tiny=False, head=6, sources=3, rows=5)
    assert fits.sources == 3 and fits.passages == 8 - 1  # 21 - 9 answers - 5 passage = 7: one passage row less
    crowded = layout.panes(body, wide=False, tiny=False, head=6, sources=12, rows=5)
    assert crowded.sources == body - 6 - layout.DETAIL_MIN - (layout.FRAME + layout.LIST_MIN)
    assert layout.panes(40, wide=True, tiny=False, head=5, sources=20, rows=5) == layout.Panes(20, None)
    assert layout.panes(15, wide=False, tiny=True, head=6, sources=4, rows=5).sources == 3


def test_a_summary_wraps_between_phrases_never_inside_one():
    phrases = [Content("14,200"), Content("2 sources"), Content("most sources"), Content("newest")]
    lines = [str(line) for line in phrase_lines(phrases, 22)]
    assert lines == ["14,200 · 2 sources", "most sources · newest"]
    assert [str(line) for line in phrase_lines(phrases, 80)] == ["14,200 · 2 sources · most sources · newest"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_every_answer_source_shows_without_a_scrollbar(news_index, make_app, size):
    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, ACRES), k=5)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, FIRE)
        await pilot.pause()
        panel = app.screen.query_one(AnswersPanel)
        sources = panel.query_one("#answer-sources", OptionList)
        assert sources.option_count == len(panel.places) >= 4
        assert sources.region.height == sources.option_count and sources.max_scroll_y == 0
        table = app.screen.query_one(PassagesTable)
        assert table.region.height >= layout.FRAME + min(table.row_count, layout.LIST_MIN)
        if size[0] < layout.WIDE:  # stacked: the list as tall as its rows when they fit, the passage the rest
            assert app.screen.query_one("#detail").region.height >= layout.DETAIL_MIN


@pytest.mark.parametrize("width", [60, 80, 99, 100, 120, 250])
async def test_no_sideways_scroll_and_metadata_columns_from_100(news_index, make_app, width):
    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, ACRES), k=8)
    async with app.run_test(size=(width, 30)) as pilot:
        await ask(pilot, FIRE)
        await pilot.pause()
        table = app.screen.query_one(PassagesTable)
        keys = [str(column.key.value) for column in table.ordered_columns]
        assert table.virtual_size.width <= table.scrollable_content_region.width and table.max_scroll_x == 0
        assert ("date" in keys and "outlet" in keys) == (width >= METADATA_FROM)
        assert ("copies" in keys) == any(hit.duplicates for hit in table.result.hits)


async def test_z_maximises_the_pane_and_brackets_move_the_split(news_index, make_app):
    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, ACRES), k=5)
    async with app.run_test(size=(160, 40)) as pilot:
        await ask(pilot, FIRE)
        screen = app.screen
        table = screen.query_one(PassagesTable)
        assert screen.focused is table
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.maximized is table and table.region.height >= 40 - 2
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.maximized is None
        before = screen.query_one("#results").region.width
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.query_one("#results").region.width >= before + 10
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert before < screen.query_one("#results").region.width < before + 10
        screen.query_one("#answer-sources").focus()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.maximized is screen.query_one(AnswersPanel)  # the whole pane, not only its list
        await pilot.press("escape")
        await pilot.pause()
        assert screen.maximized is None
