"""Live progress of `qa index` and `qa check` on stderr: stage, count, rate, elapsed time and ETA."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import (BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TaskID,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from index.safe_text import safe_line

SUB_BATCH = 64  # passages per model call inside one update chunk: progress moves every second or so


class RateColumn(ProgressColumn):
    """Items per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")


class CountColumn(ProgressColumn):
    """`done/total` for counted stages (`done` alone until the total is known); nothing for the others."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("counted"):
            return Text("")
        total = f"/{task.total:,.0f}" if task.total is not None else ""
        return Text(f"{task.completed:,.0f}{total}", style="progress.download")


class EtaColumn(TimeRemainingColumn):
    """Time left, for counted stages still running."""

    def render(self, task: Task) -> Text:
        return super().render(task) if task.fields.get("counted") and not task.finished else Text("")


class Stages:
    """One progress row per stage; refreshed four times a second, so elapsed time moves even when counts don't.

    Only on a terminal: piped, stderr keeps to warnings and errors (one `error:` line stays one line).
    """

    def __init__(self, live: bool | None = None, began: float | None = None) -> None:
        self.live = sys.stderr.isatty() if live is None else live
        self.began = time.perf_counter() if began is None else began  # the command's start, imports included
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                            CountColumn(), RateColumn(), TimeElapsedColumn(), EtaColumn(),
                            console=Console(file=sys.stderr), refresh_per_second=4, disable=not self.live)
        self.tasks: dict[str, TaskID] = {}
        self.expected: dict[str, int] = {}  # totals announced before their stage starts
        self.current: str | None = None

    def __enter__(self) -> Stages:
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.finish()
        self.bar.stop()

    def seconds(self) -> float:
        """Wall-clock time since the command began, model loading included."""
        return time.perf_counter() - self.began

    def stage(self, name: str, total: int | None = None, counted: bool = False) -> None:
        """Start a stage (finishing the one before); until it has a total its bar pulses."""
        if name in self.tasks:
            return
        self.finish()
        self.current = name
        total = self.expected.get(name) if total is None else total
        # Rich passes ESC through: a stage's name crosses the output boundary like any other line.
        self.tasks[name] = self.bar.add_task(safe_line(name), total=total, counted=counted)

    def finish(self) -> None:
        """Mark the current stage done (its total becomes what was done, if it had none)."""
        if self.current is None:
            return
        task = self.tasks[self.current]
        state = next(t for t in self.bar.tasks if t.id == task)
        end = state.total if state.total is not None else max(state.completed, 1)
        self.bar.update(task, total=end, completed=end)
        self.bar.stop_task(task)
        self.current = None

    def advance(self, name: str, count: int) -> None:
        self.stage(name, counted=True)
        self.bar.advance(self.tasks[name], count)

    def __call__(self, stage: str, done: int, total: int) -> None:
        """The `progress(stage, done, total)` callback of `update_index` and `check_index`."""
        name = {"embedding": EMBEDDING, "reading": READING}.get(stage, stage)
        if stage == "embedding":
            # The count moves per sub-batch (see LazyEmbedder), which also starts the stage once the
            # model is loaded: the total announced before that waits for it.
            self.expected[name] = total
            if name in self.tasks:
                self.bar.update(self.tasks[name], total=total)
            return
        self.stage(name, total, counted=True)
        self.bar.update(self.tasks[name], total=total, completed=done)


EMBEDDING = "embedding passages"
READING = "reading files"


class LazyEmbedder:
    """The indexing model, loaded only when there is text to embed or a query model to export.

    A re-index with nothing new then takes a second, not the ~15 s of loading torch, and each
    model call embeds one sub-batch so the progress count moves while a large chunk is embedded.
    """

    def __init__(self, stages: Stages, factory: Callable[[], Any] | None = None) -> None:
        from index import embed  # looked up now, so a test's stand-in model is the one used

        self.stages = stages
        self.factory = factory or embed.SentenceTransformerEmbedder
        self.name: str = self.factory.name  # class attributes: known without loading anything
        self.dim: int = self.factory.dim
        self._model: Any = None

    def _loaded(self) -> Any:
        if self._model is None:
            self.stages.stage("loading the model")
            self._model = self.factory()
            self.stages.finish()
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._loaded()
        self.stages.stage(EMBEDDING, counted=True)
        parts = []
        for at in range(0, len(texts), SUB_BATCH):
            parts.append(model.embed(texts[at:at + SUB_BATCH]))
            self.stages.advance(EMBEDDING, len(parts[-1]))
        return np.concatenate(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)

    def __getattr__(self, attr: str) -> Any:
        """The model's other methods (query-model export), present only where the model has them."""
        if attr.startswith("_") or not hasattr(self.factory, attr):
            raise AttributeError(attr)
        if attr == "source_fingerprint" and self.factory.__name__ == "SentenceTransformerEmbedder":
            return _fingerprint  # from the weights' files: no need to load the model to compare it
        def call(*args: Any, **kwargs: Any) -> Any:  # loads on the call: a hasattr() check must not
            if attr == "export_onnx":
                self._loaded()
                self.stages.stage("writing the fast query model")
            return getattr(self._loaded(), attr)(*args, **kwargs)

        return call


def _fingerprint() -> str:
    from index.embed import model_path
    from index.export import weights_fingerprint

    return weights_fingerprint(Path(model_path()))
