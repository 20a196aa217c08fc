"""Serving: `qa serve` under concurrent HTTP clients on loopback, and a warm MCP `ask` against `Pipeline.ask`.

Prints one JSON line:
- http: a fresh server process over the index (`qa serve`'s own service and app); first one client alone
  asking questions the server has not answered (`single_p50_ms`: a new question read alone), then
  `--clients` clients at once sending `--requests` GET /ask in all, over `--distinct` other questions in
  rotation (0: every request a new question, so none is answered from the server's answer cache):
  p50/p95/p99 per request, errors (non-200 or no answer), requests per second, the server's
  RSS once warm, after the run and its peak (VmHWM), against the peak of one `ask --json` process (the
  CLI) on the same index, and of one `ask --batch` of every distinct question the clients ask (the same
  index pages touched: `server_peak_over_cli_batch`);
- http_uncached (`--baseline-requests` > 0): the same in the same run with the answer cache off (every
  request read, as `qa serve` was before qa/answer_cache.py), so before and after meet the same machine load;
- mcp: `Pipeline.ask` p50 in this process, and `ask` through a fresh `qa mcp` under the SDK's client, both
  warm, the same questions (real model only).
Run: `.venv/bin/python -m bench.serve [--index DIR | --passages N] [--clients 50] [--requests 2000]` from the
repository root; without either the bundled seeds are indexed once under bench/out/serve/ with the real model.
`--passages N` builds (once) an N-passage index of SQuAD dev windows (bench/windows.py) with the stand-in model
(`HashEmbedder`), for machines without the embedding model: the server, the CLI figure and the questions (SQuAD
dev's) then use the stand-in for question vectors; the reader and everything after retrieval are the real ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.common import DATA, OUT, module_command, percentile_ms, readable

BIN = Path(sys.executable).parent
WORK = OUT / "serve"
QUESTIONS = ("how many workers?", "how many troops did North Korea send to Russia?", "who is Wi Sung Lac?",
             "how much are the North Korean workers paid?", "when were the North Korean troops withdrawn?",
             "which UN resolution bans work permits?", "how many drones did Russia fire at Ukraine?",
             "who said the troops were back on the frontline?")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1", "QA_HOME": str(WORK / "home")}


def seeds_index() -> Path:
    """The bundled seeds indexed with the real model (once)."""
    folder = WORK / "seeds-index"
    if not readable(folder):
        from index.embed import SentenceTransformerEmbedder
        from index.update import update_index
        from qa.home import seeds_folder

        update_index(folder, [seeds_folder()], SentenceTransformerEmbedder(), rebuild=True)
    return folder


def stand_in_index(passages: int) -> Path:
    """`passages` SQuAD dev windows indexed with the stand-in model (once): the real model may not be here."""
    from bench import windows
    from bench.common import HashEmbedder

    folder = WORK / f"index-hash-{passages}"
    if not readable(folder):
        found = windows.articles(DATA, WORK / "articles")
        # Vectors under the stand-in's own name, so the cache never hands them out as the real model's.
        vectors = windows.sentence_vectors(found, HashEmbedder())
        windows.build(folder, found, windows.windows(found, passages), vectors)
    return folder


def squad_questions(count: int = 64) -> tuple[str, ...]:
    """SQuAD dev questions (a fixed sample): what a SQuAD window index is asked."""
    from bench.common import load

    return tuple(q for _, q, _ in random.Random(7).sample(load(DATA)[1], count))


@dataclass(frozen=True)
class Asked:
    """The questions of one server's run: to warm it, for the client alone, and for the clients at once."""

    warm: tuple[str, ...]
    alone: tuple[str, ...]
    loaded: tuple[str, ...]


def asked_questions(squad: bool, single: int, distinct: int, requests: int) -> Asked:
    """SQuAD's questions, none asked in two parts (the client alone asks new ones); the seeds' eight for all."""
    if not squad:  # eight questions: the client alone asks each once, the clients take them in turns
        return Asked((), QUESTIONS, QUESTIONS)
    pool = squad_questions(8 + single + (distinct or requests))
    return Asked(pool[:8], pool[8: 8 + single], pool[8 + single:])


def _pipeline(index: Path, stand_in: bool, cache: bool = True,  # type: ignore[no-untyped-def]
              window_ms: float | None = None):
    """A pipeline as `qa serve` loads it: the stand-in model for questions if asked; the answer cache on or off."""
    from qa.config import DEFAULT
    from qa.pipeline import Pipeline, default_embedder

    service = DEFAULT.service if window_ms is None else replace(DEFAULT.service, batch_window_s=window_ms / 1000)
    config = replace(DEFAULT, service=service if cache else replace(service, answer_cache_chars=0))
    if not stand_in:
        return Pipeline(index, default_embedder, config)
    from bench.common import HashEmbedder
    from index.embed import MODEL_NAME

    return Pipeline(index, lambda reader: HashEmbedder(name=MODEL_NAME), config)


def serve_child(index: Path, port: int, stand_in: bool, cache: bool, window_ms: float | None) -> None:
    """`qa serve --index INDEX --port PORT`'s service and app, in this process (with the stand-in if asked)."""
    from qa.http_api import listen, serve_http
    from qa.service import Service

    sock = listen("127.0.0.1", port)
    serve_http(Service(_pipeline(index, stand_in, cache, window_ms)), sock, "127.0.0.1", None)


def ask_child(index: Path, questions: list[str]) -> None:
    """`ask QUESTION --json` (or `ask --batch` of several) with the stand-in model: the CLI's work and imports;
    its own memory on stderr."""
    from qa.render import result_dict
    from index.safe_text import safe_json

    pipeline = _pipeline(index, True)
    for question in questions:
        print(safe_json(result_dict(pipeline.ask(question))))
    # This process's own peak: VmHWM is its address space's since exec, while the rusage a parent reads
    # also holds the parent's peak (see cli_memory).
    figures = {field: _vm(os.getpid(), field) for field in ("VmHWM", "RssAnon", "RssFile")}
    print(json.dumps(figures), file=sys.stderr)


def _vm(pid: int, field: str) -> float:
    """One memory figure of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cli_memory(index: Path, questions: tuple[str, ...], stand_in: bool) -> dict[str, float]:
    """Peak resident memory of one `ask --json` on the index; with the stand-in, its anon and file RSS at exit.

    A child started by vfork and exec has its parent's peak as its rusage's ru_maxrss: the run that built
    the index first reported the CLI at 261.6 MB (10k passages) against 165.5-172.4 MB in the runs after.
    With the stand-in the child's own VmHWM is taken instead.
    """
    batch = WORK / "questions.txt"
    if not stand_in and len(questions) > 1:
        batch.parent.mkdir(parents=True, exist_ok=True)
        batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    asked = ["--batch", str(batch)] if len(questions) > 1 else [questions[0]]
    command = (module_command("bench.serve", "--ask-child", str(index), *questions) if stand_in
               else [str(BIN / "ask"), *asked, "--json", "--index", str(index)])
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, text=True)
    assert process.stderr is not None
    said = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "ask --json failed on the index"
    if not stand_in:
        return {"cli_peak_mb": round(usage.ru_maxrss / 1024, 1)}
    own = json.loads(said.strip().splitlines()[-1])
    return {"cli_peak_mb": own["VmHWM"], "cli_rss_anon_mb": own["RssAnon"], "cli_rss_file_mb": own["RssFile"]}


async def _load(url: str, clients: int, requests: int, questions: tuple[str, ...]) -> tuple[list[float], int, float]:
    """`requests` GET /ask from `clients` concurrent clients: each request's seconds, the errors, the wall time."""
    import httpx

    latencies: list[float] = []
    errors = 0
    issued = iter(range(requests))

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            for number in issued:  # one shared iterator: the clients take turns until all are sent
                began = time.perf_counter()
                try:
                    response = await http.get("/ask", params={"question": questions[number % len(questions)]})
                    ok = response.status_code == 200 and "answers" in response.json()
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += not ok

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - began


def http(index: Path, clients: int, requests: int, asked: Asked, stand_in: bool, cache: bool = True,
         window_ms: float | None = None) -> dict[str, object]:
    """A fresh server: one client alone, then `clients` at once; latencies, errors and memory."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = module_command("bench.serve", "--serve-child", str(index), str(port),
                             *(["--stand-in"] if stand_in else []), *([] if cache else ["--uncached"]),
                             *([] if window_ms is None else ["--window-ms", str(window_ms)]))
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            assert server.poll() is None, "the server exited"
            try:
                httpx.get(url + "/status", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        for question in asked.warm:
            httpx.get(url + "/ask", params={"question": question}, timeout=120)
        warm_rss = _vm(server.pid, "VmRSS")
        alone, alone_errors, _ = asyncio.run(_load(url, 1, len(asked.alone), asked.alone))
        loaded, errors, wall = asyncio.run(_load(url, clients, requests, asked.loaded))
        rss, peak = _vm(server.pid, "VmRSS"), _vm(server.pid, "VmHWM")
        # Mapped index pages count in RSS: a server asked 2,000 questions has touched more of them than one ask.
        anon, mapped = _vm(server.pid, "RssAnon"), _vm(server.pid, "RssFile")
    finally:
        server.terminate()
        server.wait(timeout=30)
    single_p50 = percentile_ms(alone, 50)
    return {"answer_cache": cache, "window_ms": window_ms, "clients": clients, "requests": requests,
            "distinct_questions": len(set(asked.loaded[:requests])), "p50_ms": percentile_ms(loaded, 50),
            "p95_ms": percentile_ms(loaded, 95), "p99_ms": percentile_ms(loaded, 99), "errors": errors + alone_errors,
            "requests_per_s": round(requests / wall, 2), "single_requests": len(asked.alone), "single_p50_ms": single_p50,
            "single_requests_per_s": round(1000 / single_p50, 2),
            "p95_over_single_p50": round(percentile_ms(loaded, 95) / single_p50, 2),
            "server_rss_warm_mb": warm_rss, "server_rss_mb": rss, "server_peak_mb": peak,
            "server_rss_anon_mb": anon, "server_rss_file_mb": mapped}


async def _interleaved(index: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of each warm `Pipeline.ask` here and of each warm `ask` through `qa mcp`, taken in turns."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    from qa.pipeline import Pipeline

    pipeline = Pipeline(index)
    server = StdioServerParameters(command=str(BIN / "qa"), args=["mcp", "--index", str(index)], env=ENV)
    direct: list[float] = []
    over: list[float] = []
    with open(os.devnull, "w") as quiet:
        async with stdio_client(server, errlog=quiet) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for question in QUESTIONS:  # warm, both
                pipeline.ask(question, rounds + 1)
                await session.call_tool("ask", {"question": question, "k": rounds + 1})
            # In turns, question by question, so both see the same load on a shared machine. Each round asks
            # for another k: the server keeps the answers it gave, and a kept one would not be read again.
            for number in range(rounds * len(QUESTIONS)):
                question, k = QUESTIONS[number % len(QUESTIONS)], 1 + number // len(QUESTIONS)
                began = time.perf_counter()
                pipeline.ask(question, k)
                direct.append(time.perf_counter() - began)
                began = time.perf_counter()
                result = await session.call_tool("ask", {"question": question, "k": k})
                over.append(time.perf_counter() - began)
                assert not result.is_error, result.content
    pipeline.close()
    return direct, over


def mcp(index: Path, rounds: int) -> dict[str, object]:
    """Warm `Pipeline.ask` in this process against warm `ask` over MCP, the same questions in turns."""
    direct, over = asyncio.run(_interleaved(index, rounds))
    return {"asks": len(over), "pipeline_ask_p50_ms": percentile_ms(direct, 50), "mcp_ask_p50_ms": percentile_ms(over, 50),
            "overhead_p50_ms": round(percentile_ms(over, 50) - percentile_ms(direct, 50), 2),
            "overhead_median_of_pairs_ms": round(1000 * statistics.median(o - d for o, d in zip(over, direct)), 2),
            "pipeline_ask_p95_ms": percentile_ms(direct, 95), "mcp_ask_p95_ms": percentile_ms(over, 95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve-child", nargs=2, metavar=("INDEX", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--ask-child", nargs="+", metavar="INDEX QUESTION", help=argparse.SUPPRESS)
    parser.add_argument("--uncached", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help="index folder (default: the seeds, indexed once under bench/out/serve/)")
    parser.add_argument("--passages", type=int, help="instead: N SQuAD dev windows indexed with the stand-in model")
    parser.add_argument("--window-ms", type=float, help="the batch window (default: qa/config.py's)")
    parser.add_argument("--distinct", type=int, default=64,
                        help="with --passages: distinct SQuAD questions in rotation (0: each request a new one)")
    parser.add_argument("--stand-in", action="store_true", help="question vectors from the stand-in model")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--single", type=int, default=40, help="requests of the one client alone")
    parser.add_argument("--baseline-requests", type=int, default=500,
                        help="requests of the run without the answer cache at --clients (0: none)")
    parser.add_argument("--rounds", type=int, default=5, help="MCP and Pipeline asks: rounds of the questions")
    args = parser.parse_args()
    if args.serve_child:
        serve_child(Path(args.serve_child[0]), int(args.serve_child[1]), args.stand_in, not args.uncached, args.window_ms)
        return
    if args.ask_child:
        ask_child(Path(args.ask_child[0]), args.ask_child[1:])
        return
    stand_in = args.stand_in or args.passages is not None
    index = stand_in_index(args.passages) if args.passages else args.index or seeds_index()
    asked = asked_questions(args.passages is not None, args.single, args.distinct, args.requests)
    questions = tuple(dict.fromkeys(asked.loaded[: args.requests]))  # those the clients ask
    from index.store import current_generation, read_manifest

    manifest = read_manifest(current_generation(index))  # type: ignore[arg-type]
    report: dict[str, object] = {"index": str(index), "passages": manifest.passages, "questions": len(questions),
                                 "cpus": os.cpu_count(),
                                 "stand_in_model": stand_in, "load_before": round(os.getloadavg()[0], 2)}
    # First, while this process is small (the real `ask`'s figure is its rusage: see cli_memory).
    cli = cli_memory(index, questions[:1], stand_in)
    # The CLI answering every distinct question the clients ask, in one process (`ask --batch`): the index
    # pages the server's answers touch are touched here too, so the ratio prices the server alone.
    batch = cli_memory(index, questions, stand_in)
    if not stand_in:  # `qa mcp` loads the real model
        report["mcp"] = mcp(index, args.rounds)
    report["http"] = http(index, args.clients, args.requests, asked, stand_in, window_ms=args.window_ms)
    if args.baseline_requests:
        report["http_uncached"] = http(index, args.clients, args.baseline_requests, asked, stand_in, cache=False)
    report.update(cli)
    report["server_peak_over_cli"] = round(report["http"]["server_peak_mb"] / cli["cli_peak_mb"], 2)  # type: ignore[index]
    if "cli_rss_anon_mb" in cli:  # the private part alone: index pages that more questions touch left out
        report["server_anon_over_cli_anon"] = round(report["http"]["server_rss_anon_mb"]  # type: ignore[index]
                                                    / cli["cli_rss_anon_mb"], 2)
    report["cli_batch_peak_mb"] = batch["cli_peak_mb"]
    report["server_peak_over_cli_batch"] = round(report["http"]["server_peak_mb"] / batch["cli_peak_mb"], 2)  # type: ignore[index]
    report["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
