"""Pilot tests of the keys people expect: search in the source view, a stable footer, j/k, messages."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from textual.widgets import Input

from bench.common import HashEmbedder
from index.update import update_index
from tests.tui.conftest import ask, settle
from tui.app import QAApp
from tui.screens.help import KEYS, NOTE
from tui.screens.main import MainScreen
from tui.screens.source import SourceScreen
from tui.widgets.detail import DetailPane
from tui.widgets.document import NUMBER_WIDTH, _lines
from tui.widgets.passages import PassagesTable

QUESTION = "how many workers?"


def notes(app: QAApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def footer(app: QAApp) -> list[str]:
    """The actions the footer lists now, in its order."""
    return [b.binding.action for b in app.screen.active_bindings.values() if b.binding.show]


async def _open_source(pilot) -> SourceScreen:
    await ask(pilot, QUESTION)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SourceScreen) and screen.text
    return screen


def _in_view(screen: SourceScreen, at: int) -> bool:
    body = screen.query_one("#source-body")
    row = screen.query_one("#document").virtual_region.y + screen.query_one("#document").row_of(at)
    return body.scroll_y <= row < body.scroll_y + body.scrollable_content_region.height


async def test_slash_searches_the_source_and_n_moves_between_lit_matches(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_source(pilot)
        assert "next_match(1)" not in footer(app)  # nothing to move between yet
        await pilot.press("slash")
        assert screen.query_one("#source-search", Input).has_focus
        await pilot.press(*"korea", "enter")
        await settle(pilot)
        text = screen.text.lower()
        assert len(screen.matches) == text.count("korea") > 2
        assert all(text[a:b] == "korea" for a, b in screen.matches)
        # The first match shown is the first at or after the cited place, and it is on screen.
        first = screen.current
        assert screen.matches[first][0] >= screen.place.citation.start
        assert _in_view(screen, screen.matches[first][0])
        assert str(screen.query_one("#source-count").render()) == f"{first + 1} of {len(screen.matches)}"
        assert footer(app)[:4] == ["back", "search", "next_match(1)", "next_match(-1)"]
        await pilot.press("n", "n")
        await pilot.pause()
        assert screen.current == (first + 2) % len(screen.matches)
        await pilot.press("N")
        await pilot.pause()
        assert screen.current == (first + 1) % len(screen.matches)
        # The matches are lit on screen, the current one in its own colour.
        picture = app.export_screenshot()
        assert "#56d6c2" in picture and "#7f9fbf" in picture
        await pilot.press("escape")  # clears the search first
        assert isinstance(app.screen, SourceScreen) and screen.matches == []
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_n_scrolls_a_match_below_the_fold_into_view(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_source(pilot)
        # The word of the document's last line that first appears latest: far below the cited place.
        lower = screen.text.lower()
        last = [line for line in screen.text.splitlines() if line.strip()][-1]
        word = max((w for w in last.split() if w.isalpha()), key=lambda w: lower.find(w.lower()))
        assert lower.find(word.lower()) > screen.place.citation.end + 1000
        body = screen.query_one("#source-body")
        # Where `g` puts the cited place: the view opens up to 2 rows above it when the text above the place
        # wraps again as the scrollbar appears (a tui/screens/source.py quirk, reported apart).
        await pilot.press("g")
        await pilot.pause()
        before = body.scroll_y
        await pilot.press("slash", *word, "enter")
        await settle(pilot)
        await pilot.pause()
        assert screen.matches and screen.current is not None
        assert body.scroll_y > before + 5 and _in_view(screen, screen.matches[screen.current][0])
        await pilot.press("g")  # back to the cited place
        await pilot.pause()
        assert body.scroll_y < before + 1


async def test_a_search_with_no_match_says_so(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_source(pilot)
        await pilot.press("slash", *"zzqx", "enter")
        await settle(pilot)
        assert screen.matches == [] and any("No match for zzqx" in n for n in notes(app))
        assert "next_match(1)" not in footer(app)


def test_row_of_counts_rows_as_the_grid_wraps_them():
    """Rows before each line, computed as row_of does, agree with rich's own rendering of the grid."""
    text = (Path(__file__).resolve().parents[2] / "seeds" / "000_5c5076675e67b1e5.txt").read_text(encoding="utf-8")
    from rich.text import Text

    width = 71
    console = Console(width=width, color_system=None)
    rows = ["".join(s.text for s in line) for line in console.render_lines(_lines(text, 1, 0, len(text), []))]
    row = 0
    for number, line in enumerate(text.split("\n"), 1):
        assert rows[row][:NUMBER_WIDTH].strip() == str(number)
        row += max(len(Text(line).wrap(console, width - NUMBER_WIDTH - 1, overflow="fold")), 1)
    assert row == len(rows)


async def test_footer_keeps_one_order_and_help_and_quit_last(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        seen = []
        for _ in range(4):  # passages, passage, question, answers
            seen.append(footer(app))
            await pilot.press("tab")
            await pilot.pause()
        for actions in seen:
            assert actions[-2:] == ["help", "quit"], actions
        passages, detail = seen[0], seen[1]
        common = [a for a in passages if a in detail]
        assert common == [a for a in detail if a in passages] and "edit" in common and "copy" in common
        assert passages.index("select_cursor") < passages.index("toggle") < passages.index("edit") \
            < passages.index("copy")


async def test_arrows_move_in_the_passages_and_the_detail_and_j_k_in_the_source(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, QUESTION)
        table = app.screen.query_one(PassagesTable)
        await pilot.press("down", "down", "up")  # j and k there are letters of the next question
        assert table.cursor_row == 1
        detail = app.screen.query_one(DetailPane)
        detail.focus()
        await pilot.pause()
        if detail.max_scroll_y:
            await pilot.press("down")
            await pilot.pause()
            assert detail.scroll_y == 1
        table.focus()
        await pilot.press("enter")  # Enter in the passages opens the source
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SourceScreen)
        body = screen.query_one("#source-body")
        at = body.scroll_y
        await pilot.press("j")
        await pilot.pause()
        assert body.scroll_y == at + 1


async def test_space_without_copies_says_so(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        table = app.screen.query_one(PassagesTable)
        alone = next(row for row, hit in enumerate(table.result.hits) if not hit.duplicates)
        table.move_cursor(row=alone)
        await pilot.press("space")
        await pilot.pause()
        assert any("no copies" in n for n in notes(app))


async def test_one_document_is_one_document(tmp_path, make_app):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Seoul says 4,000 workers went to Russia.\n", encoding="utf-8")
    update_index(tmp_path / "index", [tmp_path / "news"], HashEmbedder())
    app = make_app(tmp_path / "index")
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        status = str(app.screen.query_one("#index-info").render())
        assert "1 document ·" in status and "1 passage ·" in status
        assert "1 passage" in str(app.screen.query_one("#activity").render())


def test_help_and_commands_have_no_literal_backticks(make_app, fake_index):
    assert "`" not in NOTE and all("`" not in key + does for _, keys in KEYS for key, does in keys)
    app = make_app(fake_index)
    main = MainScreen(fake_index, app.factory, 5)
    app.main = main
    for command in app.get_system_commands(main):
        assert "`" not in command.title + command.help, command


async def test_first_use_seed_build_shows_its_progress(make_app, monkeypatch):
    """With no index yet, the status bar follows the seeds' build as `qa index` would: stage and count."""
    import index.embed

    monkeypatch.delenv("QA_INDEX", raising=False)
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    said: list[str] = []
    original = MainScreen.on_build_progress

    def spy(self, message) -> None:
        original(self, message)
        said.append(str(self.query_one("#activity").render()))

    monkeypatch.setattr(MainScreen, "on_build_progress", spy)
    app = make_app(None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("loading the model" in line for line in said)
        assert any(re.search(r"reading files 5/5", line) for line in said), said
        assert any(re.search(r"embedding passages 0/\d+", line) for line in said), said
        assert "ready" in str(app.screen.query_one("#activity").render())
