"""`qa serve`: the service as an HTTP JSON API (FastAPI), the reader run off the event loop on one worker thread.

Concurrent `/ask` requests are read in batches (qa/batcher.py): one reader run over all their windows.
"""

from __future__ import annotations

import asyncio
import ctypes
import hmac
import ipaddress
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.errors import InputError, NotFoundError, QAError
from index.safe_text import safe_json
from qa.batcher import AskBatcher, BatchLimits, Busy
from qa.config import DEFAULT
from qa.present import DEFAULT_K
from qa.service import Service, check_query, package_version

Json = dict[str, object]
LIMITS = DEFAULT.service
ERRORS = {400: {"description": "a bad argument: `{\"error\": \"...\"}` says which and how to fix it"},
          401: {"description": "a token is required and this one is missing or wrong"},
          404: {"description": "no document has this id"},
          503: {"description": "the index cannot be read (damaged, missing), or too many questions are waiting "
                       "(try again shortly); the error says which"},
          504: {"description": "the request waited longer than the server's timeout"}}
DESCRIPTION = ("Cited, extractive answers from a local news index: the same JSON as `ask --json`, `qa show --json` "
               "and `qa docs --json`. Errors are `{\"error\": \"...\"}`.")

Question = Annotated[str, Query(description=f"the question (at most {LIMITS.max_question_chars:,} characters)")]
K = Annotated[int, Query(description=f"how many passages to return (1 to {LIMITS.max_k})")]
Since = Annotated[str | None, Query(description="on or after: 2025-02-09, 2025-02, 2025, 7d, 2w, 3m, 1y")]
Until = Annotated[str | None, Query(description="on or before (as since)")]
Limit = Annotated[int | None, Query(description=f"per page, 1 to {LIMITS.max_documents} "
                                                f"(default {LIMITS.documents_page})")]
Outlets = Annotated[list[str] | None, Query(description="only these outlets (repeat the parameter for several)")]


class SafeJSONResponse(JSONResponse):
    """JSON as `ask --json` writes it: the true text, characters a terminal could act on as `\\u` escapes."""

    def render(self, content: object) -> bytes:
        """The body: one line of JSON."""
        return safe_json(content).encode("utf-8")


class Unauthorized(Exception):
    """A request without the bearer token the server was started with."""


class RequestTimeout(Exception):
    """A request waited longer than the configured timeout (in line for the reader included)."""


def _status(error: QAError) -> int:
    """The HTTP status of a typed error: the caller's mistake, a missing document, or the server's trouble."""
    return 404 if isinstance(error, NotFoundError) else 400 if isinstance(error, InputError) else 503


def _bearer(token: str | None) -> Callable[..., Awaitable[None]]:
    """A dependency that accepts only `Authorization: Bearer TOKEN` (any request, when `token` is None)."""
    scheme = HTTPBearer(auto_error=False, description="the token given to qa serve --token")

    # A default, not an annotation: annotations are strings here, and FastAPI resolves them in module scope.
    # Async, though it never waits: FastAPI runs a plain `def` dependency on anyio's thread pool, and at 50
    # concurrent clients that pool grew to 24 threads (each its own stack and malloc arena) for a string compare.
    async def check(credentials: HTTPAuthorizationCredentials | None = Depends(scheme)) -> None:  # noqa: B008
        """Refuse a request without the right token."""
        if token is None:
            return
        given = credentials.credentials if credentials is not None else ""
        if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass")):
            raise Unauthorized

    return check


def _glibc() -> ctypes.CDLL | None:
    """This process's C library where it is glibc (mallopt and malloc_trim are glibc's); None elsewhere."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "gnu_get_libc_version") and hasattr(libc, "malloc_trim") else None


_LIBC = _glibc()
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def limit_arenas(arenas: int) -> None:
    """At most `arenas` glibc malloc arenas from now on (0: glibc's default, 8 a core); a no-op off glibc."""
    if _LIBC is not None and arenas > 0:
        _LIBC.mallopt(M_ARENA_MAX, arenas)


def trim_memory() -> None:
    """Hand the free pages of every malloc arena back to the system (glibc's malloc_trim); a no-op elsewhere."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def create_app(service: Service, token: str | None = None, timeout_s: float | None = None) -> FastAPI:
    """The API over one loaded service; with `token`, every endpoint needs it as a bearer token."""
    timeout = service.config.timeout_s if timeout_s is None else timeout_s
    # One worker: the service takes calls one at a time anyway, and a single queue serves them in arrival order.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsqa-reader")
    limits = service.config
    # After each batch the free pages its windows and logits left in the arenas go back: glibc keeps them
    # resident otherwise (see ServiceConfig.trim_after_batch for the measurement).
    batcher = AskBatcher(service, executor, BatchLimits(limits.batch_window_s, limits.max_batch, limits.max_queued),
                         trim_memory if limits.trim_after_batch else None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await batcher.close()
        executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="newsqa", version=package_version(), description=DESCRIPTION, lifespan=lifespan,
                  dependencies=[Depends(_bearer(token))], responses=ERRORS)  # type: ignore[arg-type]

    async def run(call: Callable[[], Json]) -> JSONResponse:
        """The call on the reader's thread, given up (and, still queued, cancelled) after the timeout."""
        future = asyncio.get_running_loop().run_in_executor(executor, call)
        try:
            return SafeJSONResponse(await asyncio.wait_for(future, timeout))
        except TimeoutError:
            raise RequestTimeout from None

    async def batched(question: str, k: int, since: str | None, until: str | None,
                      outlet: list[str] | None) -> Response:
        """An ask read in a batch with those beside it; given up (and, not yet read, dropped) after the timeout."""
        query = check_query(service.config, question, k, since, until, outlet)
        found = service.cached(query)  # answered before on this generation: no turn in line for the reader
        if found is not None:
            return Response(found.encode("utf-8"), media_type="application/json")  # the line as kept
        try:
            return SafeJSONResponse(await asyncio.wait_for(batcher.ask(query), timeout))
        except TimeoutError:
            raise RequestTimeout from None

    @app.exception_handler(QAError)
    async def typed(_: Request, error: QAError) -> JSONResponse:
        return SafeJSONResponse({"error": str(error)}, status_code=_status(error))

    @app.exception_handler(RequestValidationError)
    async def malformed(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
        return SafeJSONResponse({"error": f"{where}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def routing(_: Request, error: StarletteHTTPException) -> JSONResponse:
        # No route (`/documents/..%2Fx` decodes to another path), a wrong method: the API's error shape too.
        return SafeJSONResponse({"error": str(error.detail)}, status_code=error.status_code,
                                headers=getattr(error, "headers", None))

    @app.exception_handler(Unauthorized)
    async def refused(_: Request, __: Unauthorized) -> JSONResponse:
        return SafeJSONResponse({"error": "a valid bearer token is required"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Busy)
    async def busy(_: Request, __: Busy) -> JSONResponse:
        return SafeJSONResponse({"error": f"the server is busy: {limits.max_queued} questions are waiting; "
                                          "try again shortly"}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(RequestTimeout)
    async def late(_: Request, __: RequestTimeout) -> JSONResponse:
        return SafeJSONResponse({"error": f"the request took over {timeout:g} s; the server is busy"}, status_code=504)

    @app.get("/ask", summary="Answers with their sources (ask --json)")
    async def ask(question: Question, k: K = DEFAULT_K, since: Since = None, until: Until = None,
                  outlet: Outlets = None) -> Response:
        """Answers, each with its sources (file, offsets, date, outlet), the ranked passages and the timeline."""
        return await batched(question, k, since, until, outlet)

    @app.get("/search", summary="Passages only")
    async def search(question: Question, k: K = DEFAULT_K, since: Since = None, until: Until = None,
                     outlet: Outlets = None) -> JSONResponse:
        """The passages most relevant to the question, no answers read (as ask's passages)."""
        return await run(lambda: service.search(question, k, since, until, outlet))

    @app.get("/show", summary="A cited place with its context (qa show --json)")
    async def show(citation: Annotated[str, Query(description="PATH:START-END or PATH:LINE")]) -> JSONResponse:
        """The cited text from the index's copy of the file, with the passages around it."""
        return await run(lambda: service.show(citation))

    @app.get("/documents", summary="The documents, newest first (qa docs --json)")
    async def documents(since: Since = None, until: Until = None, outlet: Outlets = None, undated: bool = False,
                        limit: Limit = None,
                        offset: int = 0) -> JSONResponse:
        """One page of documents with date, outlet and format; `total` counts all that match."""
        return await run(lambda: service.documents(since, until, outlet, undated, limit, offset))

    @app.get("/documents/{id}", summary="One document with its text")
    async def document(id: str) -> JSONResponse:  # noqa: A002 (the path's name)
        """A document by the id `/documents` gives: its metadata and its text as indexed."""
        return await run(lambda: service.document(id))

    @app.get("/status", summary="The index and the server")
    async def status() -> JSONResponse:
        """Index folder and generation, documents, passages, last update, models, version."""
        return await run(service.status)

    return app


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a name (or 0.0.0.0's kin) may be reachable from anywhere


def check_exposure(host: str, token: str | None, min_token_chars: int) -> None:
    """Refuse to listen beyond this machine without a token, or with a token too short to guess at."""
    if token is not None and len(token) < min_token_chars:
        raise InputError(f"the token is {len(token)} characters, under {min_token_chars}",
                         fix='make one with: python -c "import secrets; print(secrets.token_urlsafe())"')
    if token is None and not is_loopback(host):
        raise InputError(f"--host {host} is reachable from other machines, and anyone reaching it could read the index",
                         fix="give --token TOKEN (clients send Authorization: Bearer TOKEN), or keep --host 127.0.0.1")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0: any free one), so a port in use is one clear error, not uvicorn's exit."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        raise InputError(f"cannot listen on {host}:{port} ({error.strerror or error})",
                         fix="give another --port, or stop what holds it") from None
    return sock


def serve_http(service: Service, sock: socket.socket, host: str, token: str | None) -> int:
    """Serve the API on a bound socket until interrupted."""
    import uvicorn

    limit_arenas(service.config.malloc_arenas)  # before the reader's threads start on the first ask
    app = create_app(service, token)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"newsqa: serving {service.pipeline.index_dir} at http://{shown}:{bound} (OpenAPI at /docs)"
          + ("; bearer token required" if token else ""), file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5,
                            limit_concurrency=service.config.max_connections)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
