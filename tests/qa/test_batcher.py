"""Cross-request batching for `qa serve`: concurrent asks read in one reader run, each answered as if alone."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from index.errors import InputError
from index.safe_text import safe_json
from qa.batcher import AskBatcher, BatchLimits
from qa.config import DEFAULT
from qa.http_api import create_app
from qa.pipeline import Pipeline
from qa.render import result_dict
from qa.service import Service, check_query

QUESTIONS = ["how many workers?", "how many troops did North Korea send to Russia?", "who is Wi Sung Lac?",
             "how much are the North Korean workers paid?", "when were the North Korean troops withdrawn?",
             "which UN resolution bans work permits?", "how many drones did Russia fire at Ukraine?",
             "who said the troops were back on the frontline?"]


@pytest.fixture
def pipeline(fake_index: Path, fake_embedder) -> Pipeline:
    return Pipeline(fake_index, lambda reader: fake_embedder)


def batch_sizes(service: Service) -> list[int]:
    """Watch a service's batched asks: the questions each reader run is given, in order."""
    sizes: list[int] = []
    ask_many = service.ask_many

    def watched(queries):  # type: ignore[no-untyped-def]
        sizes.append(len(queries))
        return ask_many(queries)

    service.ask_many = watched  # type: ignore[method-assign]
    return sizes


async def test_concurrent_asks_are_read_in_one_batch_and_answer_as_sequential_asks(pipeline: Pipeline) -> None:
    expected = [result_dict(pipeline.ask(q, k)) for q, k in zip(QUESTIONS, [5, 3, 1, 8, 5, 2, 5, 6])]
    service = Service(pipeline)
    sizes = batch_sizes(service)
    with ThreadPoolExecutor(max_workers=1) as executor:
        batcher = AskBatcher(service, executor, BatchLimits(window_s=0.05, max_batch=64, max_queued=64))
        queries = [check_query(service.config, q, k) for q, k in zip(QUESTIONS, [5, 3, 1, 8, 5, 2, 5, 6])]
        found = await asyncio.gather(*(batcher.ask(query) for query in queries))
        await batcher.close()
    assert sizes == [len(QUESTIONS)]  # all in one reader run
    assert [safe_json(f) for f in found] == [safe_json(e) for e in expected]  # byte for byte


async def test_the_reader_reads_every_window_of_a_batch_in_one_call(pipeline: Pipeline) -> None:
    calls: list[int] = []
    many = pipeline.span_model.read_many  # type: ignore[attr-defined]

    def counted(asks):  # type: ignore[no-untyped-def]
        calls.append(len(asks))
        return many(asks)

    pipeline.span_model.read_many = counted  # type: ignore[attr-defined]
    results = pipeline.ask_many([(q, 5, check_query(DEFAULT.service, q).filters) for q in QUESTIONS[:4]])
    assert calls == [4]
    assert [result_dict(r) for r in results] == [result_dict(pipeline.ask(q)) for q in QUESTIONS[:4]]  # type: ignore


async def test_one_bad_question_in_a_batch_fails_alone(pipeline: Pipeline) -> None:
    service = Service(pipeline)
    sizes = batch_sizes(service)
    with ThreadPoolExecutor(max_workers=1) as executor:
        batcher = AskBatcher(service, executor, BatchLimits(window_s=0.05, max_batch=64, max_queued=64))
        good = check_query(service.config, "how many workers?")
        bad = check_query(service.config, "how many workers?", outlet=["Nowhere Gazette"])
        found = await asyncio.gather(batcher.ask(good), batcher.ask(bad), batcher.ask(good), return_exceptions=True)
        await batcher.close()
    assert sizes == [3]
    assert isinstance(found[1], InputError) and "outlet" in str(found[1])
    assert found[0] == found[2] == result_dict(pipeline.ask("how many workers?"))


async def test_over_http_concurrent_asks_are_byte_identical_to_asks_alone(pipeline: Pipeline) -> None:
    expected = [safe_json(result_dict(pipeline.ask(q))) for q in QUESTIONS]
    service = Service(pipeline)
    service.config = replace(service.config, batch_window_s=0.05)
    app = create_app(service)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        responses = await asyncio.gather(*(client.get("/ask", params={"question": q}) for q in QUESTIONS * 3))
    assert [r.status_code for r in responses] == [200] * len(responses)
    assert [r.text for r in responses] == expected * 3


async def test_a_full_queue_gets_503_at_once_not_a_hang(pipeline: Pipeline) -> None:
    service = Service(pipeline)
    service.config = replace(service.config, batch_window_s=0.0, max_batch=1, max_queued=2)
    release = threading.Event()
    ask_many = service.ask_many

    def stuck(queries):  # type: ignore[no-untyped-def]
        release.wait(10)  # the reader busy with the first batch while more arrive
        return ask_many(queries)

    service.ask_many = stuck  # type: ignore[method-assign]
    app = create_app(service, timeout_s=20)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        first = asyncio.ensure_future(client.get("/ask", params={"question": "how many workers?"}))
        await asyncio.sleep(0.2)  # the first is being read; the queue is empty again
        began = time.monotonic()
        rest = [asyncio.ensure_future(client.get("/ask", params={"question": "how many workers?"})) for _ in range(5)]
        done, _ = await asyncio.wait(rest, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        refused = [task.result() for task in done]
        assert time.monotonic() - began < 5 and refused
        release.set()
        answered = await asyncio.gather(first, *rest)
    statuses = sorted(r.status_code for r in answered)
    assert statuses == [200, 200, 200, 503, 503, 503]  # the one read, two queued, three refused
    busy = next(r for r in answered if r.status_code == 503)
    assert list(busy.json()) == ["error"] and "busy" in busy.json()["error"]


def test_a_window_two_questions_share_is_run_once(pipeline: Pipeline) -> None:
    reader = pipeline.span_model
    runs: list[object] = []
    logits = reader.logits  # type: ignore[attr-defined]

    def counted(window):  # type: ignore[no-untyped-def]
        runs.append(window)
        return logits(window)

    reader.logits = counted  # type: ignore[attr-defined]
    texts = [hit.passage.text for hit in pipeline.search("how many workers?", 5)]
    alone = reader.read("how many workers?", texts)
    once = len(runs)
    twice = reader.read_many([("how many workers?", texts), ("how many workers?", texts)])  # type: ignore[attr-defined]
    assert once >= 5 and len(runs) == 2 * once  # the pair cost what one question costs
    assert twice == [alone, alone]


def test_a_question_asked_twice_in_a_batch_is_answered_once(pipeline: Pipeline) -> None:
    searched: list[str] = []
    hits = pipeline._hits

    def counted(question, k, filters):  # type: ignore[no-untyped-def]
        searched.append(question)
        return hits(question, k, filters)

    pipeline._hits = counted  # type: ignore[method-assign]
    filters = check_query(DEFAULT.service, "x").filters
    asks = [("how many workers?", 5, filters), ("who is Wi Sung Lac?", 5, filters), ("how many workers?", 5, filters),
            ("how many workers?", 2, filters)]
    results = pipeline.ask_many(asks)
    assert searched == ["how many workers?", "who is Wi Sung Lac?", "how many workers?"]  # k=2 is its own ask
    assert [result_dict(r) for r in results] == [result_dict(pipeline.ask(q, k)) for q, k, _ in asks]  # type: ignore


async def test_the_after_batch_hook_runs_on_the_executor_after_each_batch_even_one_that_fails(pipeline: Pipeline) -> None:
    service = Service(pipeline)
    threads: list[str] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-test") as executor:
        batcher = AskBatcher(service, executor, BatchLimits(window_s=0.05, max_batch=64, max_queued=64),
                             lambda: threads.append(threading.current_thread().name))
        queries = [check_query(service.config, q) for q in QUESTIONS[:3]]
        await asyncio.gather(*(batcher.ask(query) for query in queries))
        service.ask_many = lambda queries: 1 / 0  # type: ignore[method-assign,assignment,misc]
        with pytest.raises(ZeroDivisionError):  # a new question: one already answered is kept, not read
            await batcher.ask(check_query(service.config, QUESTIONS[3]))
        await batcher.close()
    assert len(threads) == 2 and all(name.startswith("reader-test") for name in threads)


def test_memory_hooks_run_here_without_error() -> None:
    from qa.http_api import limit_arenas, trim_memory

    limit_arenas(DEFAULT.service.malloc_arenas)  # glibc: mallopt; elsewhere nothing
    trim_memory()


async def test_a_question_answered_before_skips_the_line_while_the_reader_is_busy(pipeline: Pipeline) -> None:
    service = Service(pipeline)
    app = create_app(service, timeout_s=20)
    release = threading.Event()
    ask_many = service.ask_many

    def stuck(queries):  # type: ignore[no-untyped-def]
        release.wait(10)
        return ask_many(queries)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        first = await client.get("/ask", params={"question": "how many workers?"})
        service.ask_many = stuck  # type: ignore[method-assign]
        new = asyncio.ensure_future(client.get("/ask", params={"question": "who is Wi Sung Lac?"}))
        await asyncio.sleep(0.2)  # the new question holds the reader
        again = await asyncio.wait_for(client.get("/ask", params={"question": "how many workers?"}), 5)
        assert not new.done()
        release.set()
        assert (await new).status_code == 200
    assert again.status_code == 200 and again.text == first.text
    assert again.headers["content-type"] == first.headers["content-type"] == "application/json"


async def test_an_ask_whose_question_was_read_while_it_waited_is_answered_without_the_next_batch(
        pipeline: Pipeline) -> None:
    service = Service(pipeline)
    gates = [threading.Event(), threading.Event()]
    read: list[list[str]] = []
    ask_many = service.ask_many

    def held(queries):  # type: ignore[no-untyped-def]
        read.append([q.question for q in queries])
        gates[len(read) - 1].wait(10)
        return ask_many(queries)

    service.ask_many = held  # type: ignore[method-assign]
    workers, troops = (check_query(service.config, q) for q in QUESTIONS[:2])
    with ThreadPoolExecutor(max_workers=1) as executor:
        batcher = AskBatcher(service, executor, BatchLimits(window_s=0.0, max_batch=64, max_queued=64))
        first = asyncio.ensure_future(batcher.ask(workers))
        await asyncio.sleep(0.2)  # the first batch holds the reader
        again, other = asyncio.ensure_future(batcher.ask(workers)), asyncio.ensure_future(batcher.ask(troops))
        await asyncio.sleep(0.1)
        gates[0].set()
        answer = await asyncio.wait_for(again, 5)  # while the second batch is still held
        assert answer == await first and not other.done()
        gates[1].set()
        await other
        await batcher.close()
    assert read == [[QUESTIONS[0]], [QUESTIONS[1]]]  # the repeat joined no batch
