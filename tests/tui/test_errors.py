"""Failure paths: missing or damaged index, failing questions, stale answers, index reloads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.errors import IndexDamagedError
from index.update import update_index
from tests.conftest import live_segment
from tests.tui.conftest import PinnedAnswers, ask, fake_pipeline, settle
from tui.screens import main as main_screen
from tui.screens.error import ErrorScreen
from tui.screens.main import MainScreen
from tui.widgets.answers import AnswersPanel
from tui.widgets.passages import PassagesTable
from tui.widgets.status import StatusBar

QUESTION = "how many workers?"


def notices(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_missing_index_shows_error_screen_then_retry_loads(tmp_path, seed_copy, make_app):
    folder = tmp_path / "not-yet"
    app = make_app(folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert f"no index at {folder}" in app.screen.error
        update_index(folder, [seed_copy], HashEmbedder())
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(StatusBar).info.documents > 0
        await ask(pilot, QUESTION)
        assert app.screen.query_one(PassagesTable).row_count > 0


async def test_damaged_index_shows_error_screen_and_q_exits_2(fake_index, make_app):
    (live_segment(fake_index) / "index.sqlite").write_bytes(b"garbage")
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "damaged" in app.screen.error and "rebuild" in app.screen.error
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 2


async def test_a_failing_question_is_a_notification_not_a_crash(fake_index, make_app):
    class Broken:
        def __init__(self, index_dir: Path) -> None:
            self.inner = fake_pipeline(index_dir)
            self.index_dir, self.reader = index_dir, self.inner.reader

        def ask(self, question: str, k: int = 5):
            raise IndexDamagedError("index file vectors.faiss is damaged; run: qa index --rebuild")

        def reload_if_changed(self) -> bool:
            return False

        def close(self) -> None:
            self.inner.close()

    app = make_app(fake_index, factory=Broken)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert any("Could not answer" in n and "vectors.faiss is damaged" in n for n in notices(app))
        assert not app.screen.query_one(PassagesTable).loading


async def test_a_new_question_drops_the_stale_answer(fake_index, make_app):
    gate = threading.Event()

    class Slow(PinnedAnswers):
        def ask(self, question: str, k: int = 5):
            if question.startswith("slow"):
                gate.wait(10)
            return super().ask(question, k)

    app = make_app(fake_index, factory=Slow)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"slow question about Kim", "enter")
        await pilot.pause()
        field = app.screen.query_one("#question")
        field.value = ""
        await pilot.press(*QUESTION, "enter")
        gate.set()
        await settle(pilot)
        panel = app.screen.query_one(AnswersPanel)
        assert [place.quote for place in panel.places][:1] == ["4,000"]
        assert app.screen.ticket == 2
        assert not app.screen.query_one(PassagesTable).loading


async def test_index_updated_elsewhere_is_reloaded_and_announced(fake_index, seed_copy, make_app, monkeypatch):
    monkeypatch.setattr(main_screen, "RELOAD_EVERY", 0.1)
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, QUESTION)
        before = app.screen.query_one(StatusBar).info
        (seed_copy / "new.txt").write_text("Fresh story\n\nA brand new article about 9,999 workers.\n")
        update_index(fake_index, [seed_copy], HashEmbedder())
        for _ in range(50):
            await pilot.pause(0.1)
            if app.screen.query_one(StatusBar).info != before:
                break
        after = app.screen.query_one(StatusBar).info
        assert after.documents == before.documents + 1
        assert any("reloaded" in n for n in notices(app))
        await ask(pilot, "brand new article 9,999")
        table = app.screen.query_one(PassagesTable)
        assert any("new.txt" in str(cell) for cell in table.get_column("file"))


async def test_damaged_new_generation_keeps_the_old_one_and_warns_once(fake_index, seed_copy, make_app, monkeypatch):
    monkeypatch.setattr(main_screen, "RELOAD_EVERY", 0.1)
    old = (fake_index / "CURRENT").read_text().strip()
    (seed_copy / "new.txt").write_text("Fresh story\n\nA brand new article about 9,999 workers.\n")
    update_index(fake_index, [seed_copy], HashEmbedder())
    new = (fake_index / "CURRENT").read_text().strip()
    (fake_index / "CURRENT").write_text(old)  # the app opens the old generation
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        (live_segment(fake_index, new, last=True) / "index.sqlite").write_bytes(b"garbage")
        (fake_index / "CURRENT").write_text(new)
        for _ in range(10):
            await pilot.pause(0.1)
        warnings = [n for n in notices(app) if "cannot be read" in n]
        assert len(warnings) == 1 and "damaged" in warnings[0]
        await ask(pilot, QUESTION)  # the reader opened before still answers
        assert app.screen.query_one(PassagesTable).row_count > 0


@pytest.mark.parametrize("low", [False, True])
async def test_answers_panel_disagreement_and_low_confidence(fake_index, make_app, low):
    app = make_app(fake_index, factory=lambda folder: PinnedAnswers(folder, ("4,000", "thousands"), low=low))
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, QUESTION)
        panel = app.screen.query_one(AnswersPanel)
        cards = [str(card.render()) for card in panel.query(".answer-card")]
        verdict = str(panel.query_one("#verdict").render())
        if low:  # a low-confidence answer is no answer, in the app as in `ask`: no cards, no sources
            assert cards == [] and not panel.places and not panel.has_class("-disagree")
        else:
            # The better-backed first (four sources say "thousands"), marked as such.
            assert len(cards) == 2 and cards[0].startswith("thousands · 4 sources · most sources")
            assert cards[1].startswith("4,000 · 3 sources")
            assert panel.has_class("-disagree")
        assert panel.has_class("-low-confidence") == low
        assert ("Low confidence" in verdict) == low and (("disagree" in verdict) != low)
