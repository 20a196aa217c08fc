"""A small Chrome DevTools Protocol client: headless Chromium, one page, keys in, screen text and PNG out."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

# textual-serve keeps its xterm.js terminal in a closure and draws it on a canvas (no DOM text to read):
# catch the object that owns it as it is built. It sets `this.terminal` just before `this.fitAddon`.
HOOK = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal && this.terminal.buffer) window.__terminal = this.terminal;
  },
});
"""

# The terminal's screen as text, one line per row, from xterm's buffer (or the DOM renderer's rows).
SCREEN = """
(() => {
  const term = window.__terminal;
  if (!term) { const rows = document.querySelector(".xterm-rows"); return rows ? rows.innerText : ""; }
  const buffer = term.buffer.active, lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
})()
"""


def chromium_binary() -> str | None:
    """Debian's chromium (or another Chromium-based browser on PATH), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


class Page:
    """One browser tab, driven by DevTools commands."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket, self.last = socket, 0

    async def send(self, method: str, **params: object) -> dict:
        """Run one command and return its result (events arriving meanwhile are dropped)."""
        self.last += 1
        await self.socket.send_json({"id": self.last, "method": method, "params": params})
        while True:
            message = await self.socket.receive_json(timeout=60)
            if message.get("id") == self.last:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str) -> object:
        """A JavaScript expression's value in the page."""
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def screen(self) -> str:
        """What the terminal in the page shows now."""
        return str(await self.evaluate(SCREEN) or "")

    async def wait_for(self, text: str, timeout: float) -> str:
        """The screen once it shows `text`; an AssertionError with the last screen if it never does."""
        deadline, screen = time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            screen = await self.screen()
            if text in screen:
                return screen
            await asyncio.sleep(0.5)
        raise AssertionError(f"{text!r} not on the page after {timeout:.0f} s; the screen:\n{screen}")

    async def settled(self, quiet: float = 1.0, timeout: float = 30) -> str:
        """The screen once it stopped changing for `quiet` seconds (the app has drawn what it has)."""
        deadline, screen = time.monotonic() + timeout, await self.screen()
        while time.monotonic() < deadline:
            await asyncio.sleep(quiet)
            now = await self.screen()
            if now == screen:
                return now
            screen = now
        return screen

    async def type(self, text: str) -> None:
        """Keys as a user types them: one key event per character (xterm reads keydown/keypress)."""
        for character in text:
            await self.send("Input.dispatchKeyEvent", type="keyDown", text=character, key=character,
                            unmodifiedText=character)
            await self.send("Input.dispatchKeyEvent", type="keyUp", key=character)

    async def enter(self) -> None:
        """The Enter key, down and up."""
        await self.send("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                        windowsVirtualKeyCode=13, nativeVirtualKeyCode=13, text="\r")
        await self.send("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter",
                        windowsVirtualKeyCode=13, nativeVirtualKeyCode=13)

    async def screenshot(self, path: Path) -> bytes:
        """The page as a PNG, saved at `path` and returned."""
        data = base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data


@contextlib.asynccontextmanager
async def browser(binary: str, profile: Path, width: int, height: int) -> AsyncIterator[Page]:
    """Headless Chromium with one blank page; closed on the way out."""
    process = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio", f"--user-data-dir={profile}",
         "--remote-debugging-port=0", f"--window-size={width},{height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        active = profile / "DevToolsActivePort"  # Chromium writes its port here once it listens
        deadline = time.monotonic() + 60
        while not (active.exists() and active.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start (exit code {process.poll()})")
            await asyncio.sleep(0.2)
        port = active.read_text().split()[0]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            url = next(target["webSocketDebuggerUrl"] for target in targets if target["type"] == "page")
            async with session.ws_connect(url, max_msg_size=0) as socket:
                yield Page(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
