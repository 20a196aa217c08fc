"""Fixtures for the terminal app: the app on a fake-embedder index, and helpers to drive it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled
from textual.widgets import Input

from bench.common import HashEmbedder
from index.filters import NO_FILTERS, Filters
from index.load import read_source
from index.update import update_index
from qa.models import Answer, Result, Source, Span
from qa.measure import at_once
from qa.pipeline import Pipeline
from tui.app import QAApp, create_app
from tui.session import Answerer


def fake_pipeline(index_dir: Path) -> Answerer:
    """The real pipeline, with the deterministic fake embedder instead of the model."""
    return Pipeline(index_dir, embedder_factory=lambda reader: HashEmbedder())


@pytest.fixture(autouse=True)
def data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app keeps question history and exports in the data folder: a fresh one per test."""
    folder = tmp_path_factory.mktemp("qa-home")
    monkeypatch.setenv("QA_HOME", str(folder))
    return folder


NEWS = Path(__file__).resolve().parents[2] / "bench" / "news" / "articles"


@pytest.fixture
def news_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The news benchmark's 115 articles (long titles and outlets, wire copies, feeds, pages, exports), indexed
    with the fake embedder; the test runs from the index's folder, so it is shown as `news-index`."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(NEWS, tmp_path / "news")  # paths then read `news/…` wherever the checkout is
    update_index(tmp_path / "news-index", [tmp_path / "news"], HashEmbedder())
    return Path("news-index")


@pytest.fixture
def make_app() -> Callable[..., QAApp]:
    def make(index_dir: Path, factory: Callable[[Path], Answerer] = fake_pipeline, k: int = 8) -> QAApp:
        # Eight, not the default: the fake embedder ranks loosely and the pinned words lie up to row 8.
        return create_app(index_dir, pipeline_factory=factory, k=k)

    return make


async def settle(pilot: Pilot) -> None:
    """Wait until every worker finished and the messages they posted were handled."""
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # a stale question's worker, cancelled by the next question: what the app should do
        await pilot.pause()


async def ask(pilot: Pilot, question: str) -> None:
    """Type a question in the input, press Enter and wait for the answer."""
    field = pilot.app.screen.query_one("#question", Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*question, "enter")
    await settle(pilot)


class PinnedAnswers:
    """The fake pipeline's retrieval, with answers pinned to given words wherever the passages hold them.

    Screens then show the same answers whatever the answer reader (another module) decides.
    """

    def __init__(self, index_dir: Path, words: tuple[str, ...] = ("4,000", "13,221"), low: bool = False) -> None:
        self.pipeline = fake_pipeline(index_dir)
        self.index_dir, self.words, self.low = index_dir, words, low

    @property
    def reader(self):
        return self.pipeline.reader

    def reload_if_changed(self) -> bool:
        return self.pipeline.reload_if_changed()

    def close(self) -> None:
        self.pipeline.close()

    def ask(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> Result:
        result = self.pipeline.ask(question, k, filters)
        texts: dict[str, str] = {}
        answers, spans = [], [None] * len(result.hits)
        for number, word in enumerate(self.words):
            sources = []
            for row, hit in enumerate(result.hits):
                for passage in (hit.passage, *hit.duplicates):
                    text = texts.setdefault(passage.path, read_source(Path(passage.path))[0].text)
                    at = text.find(word, passage.start, passage.end)
                    if at < 0:
                        continue
                    sources.append(Source(passage.path, at, at + len(word), text.count("\n", 0, at) + 1, passage.title,
                                          meta=passage.meta))  # dated and placed as the reader's sources are
                    if passage is hit.passage and spans[row] is None:
                        spans[row] = Span(word, at, at + len(word))
            if sources:
                independent = len({source.path for source in sources})
                answers.append(Answer(word, 0.9 - number / 10, word, tuple(sources), independent,
                                      in_context=(0, len(word))))
        hits = tuple(replace(hit, answer=marked) for hit, marked in zip(result.hits, spans))
        pinned = tuple(answers)
        return replace(result, hits=hits, answers=pinned, low_confidence=self.low, disagree=at_once(pinned, 1))
