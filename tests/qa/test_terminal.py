"""Escape injection: article text and file names never reach a terminal as control sequences."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.update import update_index
from qa.pipeline import Pipeline
from qa.render import to_text
from qa.terminal import has_control, safe, safe_line

# OSC 52 (clipboard), OSC 0 (window title), CSI 2J (clear screen), a C1 CSI and a bare CR.
HOSTILE = (
    "Zebrafinch workers strike \x1b]0;pwned title\x07 in Lisbon\n\n"
    "LISBON - About 4,000 zebrafinch workers went on strike on Tuesday \x1b]52;c;cm0gLXJmIH4K\x07 at the "
    "harbour, officials said. \x1b[2J The zebrafinch workers want higher pay \x9b31m and shorter hours, "
    "the union said.\r Harbour officials said talks with the zebrafinch workers would go on next week, "
    "and that the port would stay open while the strike lasts, with ships served by other crews.\n"
)
QUESTION = "how many zebrafinch workers went on strike?"


@pytest.fixture
def hostile_index(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "strike\x1b[2J.txt").write_text(HOSTILE, encoding="utf-8")
    update_index(tmp_path / "index", [folder], HashEmbedder())
    return tmp_path / "index"


def test_safe_makes_every_control_character_visible_but_newline_and_tab():
    text = "".join(chr(code) for code in range(0x00, 0xA0)) + "é€"
    shown = safe(text)
    assert len(shown) == len(text)  # offsets into the text still hold
    assert not has_control(shown)
    assert "\n" in shown and "\t" in shown
    assert safe("a\x1b[2Jb") == "a␛[2Jb"
    assert "\n" not in safe_line("a\nb") and not has_control(safe_line("a\x9bb"))
    assert safe("plain text, «quoted» — fine") == "plain text, «quoted» — fine"


def test_ask_text_output_carries_no_escape_sequence(hostile_index):
    pipeline = Pipeline(hostile_index, embedder_factory=lambda reader: HashEmbedder())
    try:
        result = pipeline.ask(QUESTION)
    finally:
        pipeline.close()
    assert result.hits and "\x1b" in result.hits[0].passage.text  # the article reached the result
    for color in (False, True):
        out = to_text(result, color=color)
        # With colour on, the only escapes are the renderer's own SGR codes.
        stripped = out
        for code in ("\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m"):
            stripped = stripped.replace(code, "")
        assert not has_control(stripped), repr(out)
        assert "␛]52;c;" in out and "␛[2J" in out


async def test_tui_shows_no_escape_sequence(hostile_index):
    from textual.widget import Widget

    from tests.tui.conftest import ask, fake_pipeline, settle
    from tui.app import create_app
    from tui.widgets.passages import PassagesTable

    app = create_app(hostile_index, pipeline_factory=fake_pipeline, k=8)

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
        main = shown()
        assert "␛" in main and not has_control(main.replace("\n", "")), repr(main)
        app.screen.query_one(PassagesTable).focus()
        await pilot.press("enter")  # the source view: the whole document
        await settle(pilot)
        source = shown()
        assert "␛]52" in source and not has_control(source.replace("\n", "")), repr(source)
