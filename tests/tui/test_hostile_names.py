"""The app at the output boundary: hostile titles and names shown made safe, copied as one clean line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widget import Widget

from bench.common import HashEmbedder
from index.update import update_index
from tests.qa.test_output_boundary import (ARTICLE, FORBIDDEN_ON_CLIPBOARD, OUTLET, QUESTION, TITLE, corpus,
                                           escapes)
from tests.tui.conftest import ask, fake_pipeline, settle
from tui.app import create_app
from tui.widgets.passages import PassagesTable


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """An index of the hostile corpus of tests/qa/test_output_boundary.py, built with the stand-in model."""
    update_index(tmp_path / "index", [corpus(tmp_path / "news")], HashEmbedder())
    return tmp_path / "index"


async def test_copy_puts_one_clean_line_on_the_clipboard(hostile, monkeypatch):
    """D1: the copy keys (c, C, and c in the source view) never put an escape, newline or bidi control on
    the clipboard: a title holding ESC[201~ must not end a bracketed paste and run what follows."""
    copied: list[str] = []
    real = App.copy_to_clipboard
    monkeypatch.setattr(App, "copy_to_clipboard", lambda self, text: (copied.append(text), real(self, text))[1])
    app = create_app(hostile, pipeline_factory=fake_pipeline, k=8)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, QUESTION)
        app.screen.query_one(PassagesTable).focus()
        await pilot.press("ctrl+y")  # the list's copy
        app.screen.action_copy_all()  # Ctrl+P, Copy all citations
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")  # the source view's copy
        await settle(pilot)
    assert len(copied) == 3, copied
    for text in copied:
        assert "touch /tmp/pwned" in text, text  # the title, cited
        assert FORBIDDEN_ON_CLIPBOARD.findall(text) == [], repr(text)


async def test_tui_shows_no_escape(hostile):
    """The app's main screen (passages, answers, detail, notifications) and the source view show the escapes."""
    app = create_app(hostile, pipeline_factory=fake_pipeline, k=8)

    def shown() -> str:
        texts = []
        for widget in app.screen.query(Widget):
            if widget.region.area:
                for strip in widget.render_lines(widget.region.reset_offset):
                    texts.extend(segment.text for segment in strip)
        return "".join(texts)

    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, QUESTION)
        assert app.screen.query_one(PassagesTable).row_count > 0
        await pilot.press("ctrl+y")  # a notification quoting the title
        await settle(pilot)
        main = shown()
        assert "␛" in main and escapes(main) == [], repr(main)
        app.screen.query_one(PassagesTable).focus()
        await pilot.press("enter")  # the source view: the whole document
        await settle(pilot)
        source = shown()
        assert "␛]52" in source and escapes(source) == [], repr(source)


async def test_tui_reads_no_markup_in_titles(tmp_path):
    """A title or outlet holding `[/x]` (a closing tag that opens nothing) is shown as it is, in the table too:
    read as markup it stopped the app."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(ARTICLE.replace(TITLE, "Strike [/x] [b]on[/b]").replace(OUTLET, "Wire [/y]"),
                                encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    app = create_app(tmp_path / "index", pipeline_factory=fake_pipeline, k=8)
    async with app.run_test(size=(140, 40)) as pilot:
        await ask(pilot, QUESTION)
        cells = [str(cell) for cell in app.screen.query_one(PassagesTable).get_row_at(0)]
        await pilot.press("ctrl+y")  # the notification quotes the title
        await pilot.pause()
    assert "Strike [/x] [b]on[/b]" in cells and any(cell.startswith("Wire [/y]") for cell in cells), cells
