"""Fixtures for the terminal app: the app on a fake-embedder index, and helpers to drive it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from qa.pipeline import Pipeline
from tests.conftest import FakeEmbedder
from tui.app import QAApp, create_app
from tui.session import Engine


def fake_pipeline(index_dir: Path) -> Engine:
    """The real pipeline, with the deterministic fake embedder instead of the model."""
    return Pipeline(index_dir, embedder_factory=lambda reader: FakeEmbedder())


@pytest.fixture
def make_app() -> Callable[..., QAApp]:
    def make(index_dir: Path, factory: Callable[[Path], Engine] = fake_pipeline, k: int = 8) -> QAApp:
        return create_app(index_dir, pipeline_factory=factory, k=k)

    return make


async def settle(pilot: Pilot) -> None:
    """Wait until every worker finished and the messages they posted were handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def ask(pilot: Pilot, question: str) -> None:
    """Type a question in the input, press Enter and wait for the answer."""
    field = pilot.app.screen.query_one("#question", Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*question, "enter")
    await settle(pilot)
