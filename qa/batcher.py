"""Concurrent `/ask` requests gathered into batches: retrieval one by one, the reader once over all their windows."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from index.errors import QAError
from qa.service import Query, Service

Json = dict[str, object]
Asked = tuple[Query, asyncio.Future[Json]]  # a checked query and where its answer goes


class Busy(Exception):
    """The batcher's queue is full: the request is refused at once rather than left to wait."""


@dataclass(frozen=True)
class BatchLimits:
    """How long a batch waits for company, how many questions it takes, and how many may wait in line."""

    window_s: float
    max_batch: int
    max_queued: int


class AskBatcher:
    """Gathers asks that arrive close together and runs each gathering as one `Service.ask_many` on `executor`.

    The loop only collects and hands out; the executor's one thread does every batch, so the reader never
    runs on the event loop, and the other endpoints' calls take their turns between batches.
    """

    def __init__(self, service: Service, executor: Executor, limits: BatchLimits,
                 after_batch: Callable[[], None] | None = None) -> None:
        self.service = service
        self.executor = executor
        self.limits = limits
        self.after_batch = after_batch  # run on the executor after each batch (qa serve: memory handed back)
        self._queue: asyncio.Queue[Asked] | None = None
        self._task: asyncio.Task[None] | None = None

    async def ask(self, query: Query) -> Json:
        """`Service.ask`'s object for a checked query, read in a batch with whatever arrived beside it."""
        if self._queue is None:  # made on the serving loop, not wherever the app was built
            self._queue = asyncio.Queue(self.limits.max_queued)
            self._task = asyncio.create_task(self._gather(self._queue))
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        try:
            self._queue.put_nowait((query, future))
        except asyncio.QueueFull:
            raise Busy from None
        return await future  # cancelled (a timeout, a client gone): the batch skips it if not yet begun

    async def _gather(self, queue: asyncio.Queue[Asked]) -> None:
        """Forever: wait for a first ask, give others `window_s` to join, read them all in one run."""
        loop = asyncio.get_running_loop()
        while True:
            batch = self._unread(await queue.get())
            if not batch:
                continue
            deadline = loop.time() + self.limits.window_s
            while len(batch) < self.limits.max_batch:
                if not queue.empty():  # those that queued while the last batch ran join without waiting
                    batch += self._unread(queue.get_nowait())
                    continue
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    batch += self._unread(await asyncio.wait_for(queue.get(), left))
                except TimeoutError:
                    break
            live = [(query, future) for query, future in batch if not future.done()]
            if live:
                await self._run(live)

    def _unread(self, asked: Asked) -> list[Asked]:
        """The ask as a batch's member, or none: given up already, or answered (by the batch before) while it waited."""
        query, future = asked
        if future.done():
            return []
        found = self.service.cached(query)
        if found is None:
            return [asked]
        future.set_result(json.loads(found))
        return []

    async def _run(self, live: list[Asked]) -> None:
        """One batch on the executor; each future gets its own object or its own typed error."""
        queries = [query for query, _ in live]
        try:
            results = await asyncio.get_running_loop().run_in_executor(self.executor, self._read, queries)
        except Exception as error:  # the index or the reader failed for the batch as a whole: each hears it
            results = [error] * len(live)
        for (_, future), result in zip(live, results):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    def _read(self, queries: Sequence[Query]) -> list[Json | QAError]:
        """One batch read, then the after-batch hook, both on the executor's thread."""
        try:
            return self.service.ask_many(queries)
        finally:
            if self.after_batch is not None:
                self.after_batch()

    async def close(self) -> None:
        """Stop gathering; asks still waiting are cancelled."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        while self._queue is not None and not self._queue.empty():
            self._queue.get_nowait()[1].cancel()
