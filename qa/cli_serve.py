"""`qa mcp` and `qa serve`: the index to other programs, over MCP (stdio) or HTTP, from one loaded pipeline."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import sys
from typing import TYPE_CHECKING

from index.errors import ExtraMissingError, InputError
from qa.config import DEFAULT

if TYPE_CHECKING:
    from qa.service import Service

INDEX_HELP = "index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)"


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `mcp` and `serve` subcommands of `qa`."""
    mcp = commands.add_parser("mcp", help="serve the index to AI assistants: a Model Context Protocol server on stdio")
    mcp.add_argument("--index", help=INDEX_HELP)
    serve = commands.add_parser("serve", help="serve the index as an HTTP JSON API (OpenAPI at /docs)")
    serve.add_argument("--index", help=INDEX_HELP)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; any other needs --token)")
    serve.add_argument("--port", type=int, default=DEFAULT.service.port,
                       help=f"port (default {DEFAULT.service.port}; 0: any free one)")
    serve.add_argument("--token", default=os.environ.get("QA_TOKEN") or None,
                       help="require Authorization: Bearer TOKEN on every request (default: $QA_TOKEN)")


def _needs(extra: str, *modules: str) -> None:
    """Refuse with the install command when an optional extra's packages are missing."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise ExtraMissingError(f"qa {extra} needs {' and '.join(missing)}, not installed here",
                                fix=f"pip install -e '.[{extra}]'")


def _service(index: str | None) -> Service:
    """The service over the chosen index, loaded now (stray prints of loading kept off stdout, MCP's wire)."""
    from qa.cli_ask import _index_dir
    from qa.pipeline import Pipeline
    from qa.service import Service

    with contextlib.redirect_stdout(sys.stderr):
        return Service(Pipeline(_index_dir(index)))


def run_serving(args: argparse.Namespace) -> int:
    """`qa mcp` or `qa serve`, as parsed."""
    if args.command == "mcp":
        _needs("mcp", "mcp")
        from qa.mcp_server import serve_stdio

        return serve_stdio(_service(args.index))
    _needs("serve", "fastapi", "uvicorn")
    from qa.http_api import check_exposure, listen, serve_http

    check_exposure(args.host, args.token, DEFAULT.service.min_token_chars)  # all before the model loads
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port} is not a port", fix="give 1 to 65535, or 0 for any free one")
    sock = listen(args.host, args.port)
    return serve_http(_service(args.index), sock, args.host, args.token)
