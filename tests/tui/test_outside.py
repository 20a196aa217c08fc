"""Opening a cited place outside the app (Ctrl+O editor, Ctrl+B URL), the timeline and assumed years (issue 18)."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.citation import Citation
from index.models import Meta
from index.update import update_index
from tests.tui.conftest import PinnedAnswers, ask, settle
from tui.app import QAApp
from tui.editor import editor_argv, editor_command, place_argv, web_url
from tui.widgets.passages import PassagesTable
from tui.widgets.phrases import phrase_lines

QUESTION = "how many workers?"


@pytest.mark.parametrize(("editor", "expected"), [
    ("vim", ["vim", "+12", "/n/a.txt"]), ("/usr/bin/nvim", ["/usr/bin/nvim", "+12", "/n/a.txt"]),
    ("nano", ["nano", "+12", "/n/a.txt"]), ("emacs -nw", ["emacs", "-nw", "+12", "/n/a.txt"]),
    ("code --wait", ["code", "--wait", "-g", "/n/a.txt:12"]), ("hx", ["hx", "/n/a.txt:12"]),
    ("'my editor' --flag", ["my editor", "--flag", "/n/a.txt"]),  # unknown: the file, no line guessed
])
def test_the_argv_puts_each_editor_at_the_line(editor, expected):
    assert editor_argv(editor, "/n/a.txt", 12) == expected


def test_a_pdf_opens_without_a_line_and_paths_are_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert place_argv("vim", Citation("news/r.pdf", 0, 5, 40, page=3)) == ["vim", str(tmp_path / "news/r.pdf")]
    assert editor_argv("vim", "-rf.txt", 2) == ["vim", "+2", str(tmp_path / "-rf.txt")]  # never read as an option
    assert editor_command({"VISUAL": "code -w", "EDITOR": "vi"}) == "code -w"
    assert editor_command({"EDITOR": " "}) is None


def test_only_web_addresses_go_to_a_browser():
    def url(value: str) -> str | None:
        return web_url(Citation("a.txt", 0, 1, 1, meta=Meta(url=value)))

    assert url("https://example.org/a") == "https://example.org/a"
    assert url("file:///etc/passwd") is None and url("javascript:alert(1)") is None
    assert url("https://a.org/x\nrm -rf") is None


@pytest.fixture
def recording_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR set to a script that writes its argv as JSON; the headless app's suspend made a no-op."""
    record = tmp_path / "argv.json"
    script = tmp_path / "record-argv"
    body = f"import json, sys\njson.dump(sys.argv[1:], open({str(record)!r}, 'w'))\n"
    script.write_text("#!/usr/bin/env python3\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{script} +ignored-flag-free")
    monkeypatch.setattr(QAApp, "suspend", lambda self: contextlib.nullcontext())
    return record


async def test_ctrl_o_opens_the_selected_passage_in_the_editor_at_its_line(fake_index, make_app, recording_editor):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        await pilot.press("down", "ctrl+o")
        await settle(pilot)
        cited = app.screen.query_one(PassagesTable).current_place().citation
        # An unknown editor (the script's name) gets the file alone: no flag it might not take.
        assert json.loads(recording_editor.read_text()) == ["+ignored-flag-free", os.path.abspath(cited.path)]
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_ctrl_o_with_vim_gets_the_line_on_disk(fake_index, make_app, recording_editor, monkeypatch, tmp_path):
    vim = tmp_path / "vim"
    vim.symlink_to(tmp_path / "record-argv")  # named vim: `+N file`
    monkeypatch.setenv("EDITOR", str(vim))
    app = make_app(fake_index, factory=PinnedAnswers)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        await pilot.press("ctrl+o")
        await settle(pilot)
        cited = app.screen.query_one(PassagesTable).current_place().citation
        line, path = json.loads(recording_editor.read_text())
        assert line == f"+{cited.line}" and path == os.path.abspath(cited.path)
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        assert " ".join(lines[cited.line - 1].split())[:20] in " ".join(app.screen.query_one(
            PassagesTable).current_place().exact.split())  # the line on disk is where the passage starts


async def test_no_editor_set_says_how_to_set_one(fake_index, make_app, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert any("$EDITOR" in n.message for n in app._notifications)


ARTICLE = ("Title: Workers sent abroad\nSource: Harbor Times\nURL: https://example.org/workers\n\n"
           "SEOUL, Aug 19 (Harbor Times) - Around 4,000 North Korean workers are now in Russia, officials said.\n")


@pytest.fixture
def url_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One article with a web address and a dateline without its year (its year assumed from the folder)."""
    monkeypatch.chdir(tmp_path)
    news = tmp_path / "news"
    news.mkdir()
    (news / "workers.txt").write_text(ARTICLE, encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    return Path("index")


async def test_ctrl_b_opens_the_url_off_the_ui_thread_and_an_assumed_year_is_marked(url_index, make_app,
                                                                                    monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("tui.editor.webbrowser.open", lambda url, new=0: opened.append(url) or True)
    app = make_app(url_index, factory=PinnedAnswers)
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(pilot, QUESTION)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert opened == ["https://example.org/workers"]
        place = app.screen.query_one(PassagesTable).current_place().citation
        if place.meta.date_assumed:  # the year came from elsewhere: the list and the pane say so
            table = app.screen.query_one(PassagesTable)
            assert str(table.get_row_at(0)[table.get_column_index("date")]) == f"{place.meta.published}?"
            assert "(year assumed)" in str(app.screen.query_one("#detail-facts").render())


async def test_a_figure_that_changed_shows_its_timeline_oldest_first_within_60_columns(news_index, make_app):
    app = make_app(news_index, factory=lambda folder: PinnedAnswers(folder, ("17,300", "14,200", "1,200")), k=5)
    async with app.run_test(size=(60, 40)) as pilot:
        await ask(pilot, "how many acres has the fire burned?")
        await pilot.pause()
        timeline = app.screen.query_one("#timeline")
        result = app.screen.result
        if not (len(result.answers) > 1 and not result.disagree):
            pytest.skip("the pinned figures were read as a dispute here, not a change over time")
        assert timeline.display
        text = "\n".join(str(line) for line in phrase_lines(timeline.phrases, timeline.size.width, timeline.separator))
        dates = [d for d in text.replace("\n", " ").split(" ") if d[:2] == "20" and len(d) >= 10]
        assert dates == sorted(dates) and len(dates) >= 2  # oldest to newest
        assert max(len(line) for line in text.splitlines()) <= timeline.size.width <= 60
