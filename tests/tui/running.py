"""The start most app tests share: the app under the pilot, its questions already asked and answered."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import ask
from tui.app import QAApp


@asynccontextmanager
async def asked(make_app: Callable[..., QAApp], index: Path, *questions: str, size: tuple[int, int] = (100, 30),
                **options: Any) -> AsyncIterator[tuple[QAApp, Pilot]]:
    """`make_app(index, **options)` running at `size`, each question asked in turn and its answer waited for."""
    app = make_app(index, **options)
    async with app.run_test(size=size) as pilot:
        for question in questions:
            await ask(pilot, question)
        yield app, pilot
