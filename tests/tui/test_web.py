"""`qa web` in a real browser: headless Chromium loads the page, types a question, reads the answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tui.cdp import HOOK, browser, chromium_binary

pytest.importorskip("textual_serve", reason="needs the web extra: pip install -e '.[web]'")
pytest.importorskip("aiohttp")

BIN = Path(sys.executable).parent
CHROMIUM = chromium_binary()
# Set to a path (docs/web.png) to keep the screenshot for the README; each run writes one in tmp_path.
SCREENSHOT = os.environ.get("NEWSQA_WEB_SCREENSHOT")

pytestmark = [pytest.mark.model,
              pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium)")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"qa web exited with {server.returncode}:\n{log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"qa web did not listen on {port}:\n{log.read_text()}")


async def test_a_question_typed_in_the_browser_is_answered(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "qa-web.log"
    env = {**os.environ, "QA_HOME": str(tmp_path / "home")}
    env.pop("QA_INDEX", None)  # the bundled seeds' index, built by the app on first use
    with log.open("w") as output:
        # Run from tmp_path: the app names its index relative to here ("home/seeds-index"), as in the picture.
        server = subprocess.Popen([str(BIN / "qa"), "web", "--port", str(port)], env=env, stdout=output,
                                  stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        wait_for_port(port, server, log)
        assert f"http://127.0.0.1:{port}" in log.read_text()  # bound to loopback by default, and said so
        async with browser(CHROMIUM, tmp_path / "profile", 1120, 640) as page:
            await page.send("Page.enable")
            await page.send("Network.enable")
            await page.send("Network.setBlockedURLs", urls=["*fonts.googleapis.com*"])  # offline: fail at once
            await page.send("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
            await page.send("Page.navigate", url=f"http://127.0.0.1:{port}/?fontsize=14")
            await page.wait_for("Ask a question", timeout=120)  # the app's question box, drawn by xterm.js
            await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await page.type("how many workers?")
            await page.enter()
            await page.wait_for("4,000", timeout=240)
            screen = await page.settled()  # the sources and passages too, before the picture is taken
            assert "how many workers?" in screen and "4,000" in screen and "Passages" in screen
            shot = await page.screenshot(tmp_path / "web.png")
            assert shot.startswith(b"\x89PNG\r\n\x1a\n") and len(shot) > 10_000
            if SCREENSHOT:
                Path(SCREENSHOT).write_bytes(shot)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
