"""`qa serve`: a real uvicorn server on a free loopback port, called with httpx; bounds, tokens, timeouts."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.qa.test_cli import BIN, assert_one_line_error, run

TOKEN = "s3cret-token-for-the-tests-0123"
ENDPOINTS = ["/ask?question=how+many+workers%3F", "/search?question=workers", "/documents", "/status",
             "/show?citation=x:1-2", "/documents/0000000000000000-0"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(index: Path, home: Path, *args: str) -> Iterator[str]:
    """`qa serve` in its own process until the test is done; yields its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "QA_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.pop("QA_TOKEN", None)
    log = open(home / f"serve-{port}.log", "w+", encoding="utf-8")
    process = subprocess.Popen([str(BIN / "qa"), "serve", "--index", str(index), "--port", str(port), *args],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, Path(log.name).read_text(encoding="utf-8")
            try:
                httpx.get(url + "/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "qa serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def server(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(real_index, tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def guarded(real_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Every address of the machine, which needs the token; the test reaches it on loopback.
    yield from start(real_index, tmp_path_factory.mktemp("guarded"), "--host", "0.0.0.0", "--token", TOKEN)


@pytest.mark.model
def test_ask_gives_the_ask_json_object_with_4000_and_its_sources(server: str, real_index: Path, tmp_path: Path) -> None:
    response = httpx.get(server + "/ask", params={"question": "how many workers?"}, timeout=60)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    top = data["answers"][0]
    assert top["text"] == "4,000" and {Path(s["doc"]).name[:3] for s in top["sources"]} == {"000", "001", "003"}
    cli = run("ask", "how many workers?", "--json", "--index", str(real_index), home=tmp_path)
    assert cli.returncode == 0, cli.stderr
    assert response.text == cli.stdout.strip()  # byte for byte the line `ask --json` prints


@pytest.mark.model
def test_every_endpoint_answers_in_the_clis_shapes(server: str, real_index: Path) -> None:
    found = httpx.get(server + "/search", params={"question": "how many workers?", "k": 3}, timeout=60).json()
    assert len(found["passages"]) == 3 and all(p["answer"] is None for p in found["passages"])
    source = httpx.get(server + "/ask", params={"question": "how many workers?"}, timeout=60).json()["answers"][0]["sources"][0]
    shown = httpx.get(server + "/show", params={"citation": f"{source['doc']}:{source['start']}-{source['end']}"},
                      timeout=60).json()
    assert shown["text"] == "4,000" and shown["doc"] == source["doc"] and "4,000" in shown["context"]["text"]
    listed = httpx.get(server + "/documents", params={"limit": 3}, timeout=60).json()
    assert listed["total"] == 7 and len(listed["documents"]) == 3
    one = httpx.get(server + f"/documents/{listed['documents'][0]['id']}", timeout=60).json()
    assert one["doc"] == listed["documents"][0]["doc"] and one["text"]
    status = httpx.get(server + "/status", timeout=60).json()
    assert status["index"] == str(real_index) and status["documents"] == 7 and status["version"] == "0.1.0"
    paths = httpx.get(server + "/openapi.json", timeout=60).json()["paths"]
    assert {"/ask", "/search", "/show", "/documents", "/status"} <= set(paths)
    assert httpx.get(server + "/docs", timeout=60).status_code == 200


@pytest.mark.model
@pytest.mark.parametrize(("path", "params", "status", "fragment"), [
    ("/ask", {"question": "how many?", "k": 0}, 400, "from 1 to 50"),
    ("/ask", {"question": "how many?", "k": 51}, 400, "from 1 to 50"),
    ("/ask", {"question": "how many?", "k": "many"}, 400, "k: "),
    ("/ask", {}, 400, "question: "),
    ("/ask", {"question": "   "}, 400, "empty"),
    ("/ask", {"question": "q" * 1001}, 400, "over the 1,000"),
    ("/ask", {"question": "how many?", "since": "yesterday"}, 400, "not a date"),
    ("/search", {"question": "how many?", "outlet": "Nowhere Gazette"}, 400, "outlets here"),
    ("/show", {"citation": "nowhere.txt:1-5"}, 400, "not in the index"),
    ("/documents", {"limit": 501}, 400, "limit"),
    ("/documents/0000000000000000-0", {}, 404, "no document"),
])
def test_bad_requests_get_one_error_line(server: str, path: str, params: dict, status: int, fragment: str) -> None:
    response = httpx.get(server + path, params=params, timeout=60)
    assert response.status_code == status and fragment in response.json()["error"], response.text
    assert list(response.json()) == ["error"]


@pytest.mark.model
async def test_concurrent_requests_all_get_the_same_answer(server: str) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=120) as client:
        responses = await asyncio.gather(*(client.get("/ask", params={"question": "how many workers?"})
                                           for _ in range(20)), client.get("/status"))
    assert all(r.status_code == 200 for r in responses)
    assert {r.json()["answers"][0]["text"] for r in responses[:-1]} == {"4,000"}


@pytest.mark.model
def test_a_token_is_checked_on_every_endpoint(guarded: str) -> None:
    for path in ENDPOINTS:
        for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}):
            response = httpx.get(guarded + path, headers=headers, timeout=60)
            assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer", (path, headers)
    ok = httpx.get(guarded + "/ask", params={"question": "how many workers?"},
                   headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert ok.status_code == 200 and ok.json()["answers"][0]["text"] == "4,000"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_a_host_beyond_loopback_needs_a_token(tmp_path: Path, host: str) -> None:
    began = time.monotonic()
    proc = run("qa", "serve", "--host", host, "--index", str(tmp_path / "none"), home=tmp_path)
    assert_one_line_error(proc, "--token")
    assert time.monotonic() - began < 20  # refused before any model or index is loaded


def test_a_short_token_and_a_busy_port_are_refused(tmp_path: Path) -> None:
    assert_one_line_error(run("qa", "serve", "--token", "short", home=tmp_path), "under 16")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        proc = run("qa", "serve", "--port", str(sock.getsockname()[1]), "--index", str(tmp_path), home=tmp_path)
    assert_one_line_error(proc, "cannot listen")


async def test_a_request_past_the_timeout_gets_504(fake_index: Path, fake_embedder) -> None:
    from qa.http_api import create_app
    from qa.pipeline import Pipeline
    from qa.service import Service

    service = Service(Pipeline(fake_index, lambda reader: fake_embedder))
    ask = service.pipeline.ask_many

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)  # a reader slower than the server's patience
        return ask(*args, **kwargs)  # type: ignore[arg-type]

    service.pipeline.ask_many = slow  # type: ignore[method-assign, assignment]
    app = create_app(service, timeout_s=0.3)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        late = await client.get("/ask", params={"question": "how many workers?"})
        assert late.status_code == 504 and "over 0.3 s" in late.json()["error"]
        await asyncio.sleep(1.0)  # the reader finishes the abandoned call; the next one is on time
        assert (await client.get("/status")).status_code == 200
    assert service.status()["documents"] == 7
