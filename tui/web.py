"""`qa web`: the terminal app in a browser page through textual-serve, one app process per page."""

from __future__ import annotations

import argparse
import shlex
import socket
import sys
from pathlib import Path

from index.errors import ExtraMissingError, InputError
from qa.present import DEFAULT_K

PORT = 8000  # textual-serve's own default; `qa serve` has another, so both can run at once
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
INDEX_HELP = "index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)"


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `web` subcommand of `qa`."""
    web = commands.add_parser("web", help="open the terminal app in a browser page (the web extra)")
    web.add_argument("--index", help=INDEX_HELP)
    web.add_argument("-k", type=int, default=DEFAULT_K,
                     help=f"passages to show (default {DEFAULT_K}; + and - change it)")
    web.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: only this machine can open the page)")
    web.add_argument("--port", type=int, default=PORT, help=f"port to listen on (default {PORT})")


def app_command(index_dir: Path | None, k: int) -> str:
    """The shell command textual-serve runs for each page: this Python, the same app, the same index."""
    argv = [sys.executable, "-m", "tui.web", "-k", str(k)]
    if index_dir is not None:
        argv += ["--index", str(index_dir.expanduser().resolve())]
    return shlex.join(argv)


def _free(host: str, port: int) -> None:
    """Fail before serving (and before saying where) when the address is taken or not this machine's."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                                flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds: a closing one is free
            probe.bind(address)
    except OSError as error:
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}",
                         fix="choose another --port (or --host)") from None


def serve(index_dir: Path | None, k: int, host: str, port: int) -> int:
    """Serve the app at http://HOST:PORT until Ctrl+C; the exit code for the CLI."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ExtraMissingError("qa web needs textual-serve, which is not installed",
                                fix="pip install -e '.[web]'") from None
    if k < 1:
        raise InputError("-k must be at least 1")
    if not 0 < port < 65536:
        raise InputError(f"--port {port} is not a port", fix="give 1 to 65535")
    if index_dir is not None:  # a wrong --index fails here, once, not in every page that opens
        from index.store import IndexReader

        IndexReader.open(index_dir, check=False).close()
    _free(host, port)
    # The page's websocket goes back to this address: a wildcard one is no address a browser can reach.
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
    if host not in LOOPBACK:
        print(f"warning: qa web on {host} has no password: anyone who can reach {url} can ask the index",
              file=sys.stderr)

    class _Server(Server):
        async def on_startup(self, app: object) -> None:
            """One line instead of textual-serve's banner."""
            print(f"newsqa in a browser: {url}  (one app per page; Ctrl+C stops)", file=sys.stderr, flush=True)

    server = _Server(app_command(index_dir, k), host=host, port=port, title="newsqa", public_url=url)
    try:
        server.serve()
    except OSError as error:  # taken between the check and the bind
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}",
                         fix="choose another --port") from None
    return 0


def main(argv: list[str] | None = None) -> int:
    """One page's app, started by textual-serve with Textual's web driver named in its environment."""
    parser = argparse.ArgumentParser(prog="python -m tui.web")
    parser.add_argument("--index")
    parser.add_argument("-k", type=int, default=DEFAULT_K)
    args = parser.parse_args(argv)
    from tui.app import run

    return run(Path(args.index) if args.index else None, args.k)


if __name__ == "__main__":
    sys.exit(main())
