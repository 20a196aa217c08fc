"""Opening a cited place outside the app: the file in $VISUAL/$EDITOR at its line, the article's URL in a browser."""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser
from collections.abc import Callable, Mapping, Sequence

from textual.app import App, SuspendNotSupported

from index.citation import Citation

PLUS_LINE = {"vi", "vim", "nvim", "gvim", "mvim", "view", "nano", "pico", "emacs", "emacsclient", "mg", "joe",
             "jed", "ne", "kak", "micro", "ed"}  # `EDITOR +N file`
GOTO_FLAG = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}  # `EDITOR -g file:N`
COLON_LINE = {"hx", "helix", "subl", "sublime_text", "zed", "mate"}  # `EDITOR file:N`
WEB = ("http://", "https://")  # the only URLs handed to a browser: a file: or javascript: URL is the article's say


def editor_command(environ: Mapping[str, str] | None = None) -> str | None:
    """The user's editor, as the shell names it ($VISUAL before $EDITOR, as git does); None when neither is set."""
    environ = os.environ if environ is None else environ
    return next((environ[name].strip() for name in ("VISUAL", "EDITOR") if environ.get(name, "").strip()), None)


def editor_argv(command: str, path: str, line: int | None) -> list[str]:
    """The argv opening `path` at `line` (None: the file alone, as for a PDF) in the editor `command` names."""
    # The command may hold arguments ("code --wait"); the path is absolute, so no editor takes it for an option.
    words = shlex.split(command)
    target = os.path.abspath(path)
    name = os.path.basename(words[0]).lower().removesuffix(".exe") if words else ""
    if line is None or not name:
        return [*words, target]
    if name in PLUS_LINE:
        return [*words, f"+{line}", target]
    if name in GOTO_FLAG:
        return [*words, "-g", f"{target}:{line}"]
    if name in COLON_LINE:
        return [*words, f"{target}:{line}"]
    return [*words, target]  # an editor we don't know: the file, at its top


def place_argv(command: str, place: Citation) -> list[str]:
    """The argv for a cited place: its line on disk, or the file alone for a PDF (a page is no line)."""
    return editor_argv(command, place.path, None if place.page is not None else place.line)


def run_in_terminal(app: App[object], argv: Sequence[str],
                    run: Callable[[Sequence[str]], object] = lambda argv: subprocess.run(argv, check=False)) -> str:
    """Hand the terminal to `argv` (an argv list, never a shell) and take it back; an error to show, or ""."""
    try:
        with app.suspend():  # the app stops drawing and reading keys until the editor exits
            run(argv)
    except SuspendNotSupported:
        return "this terminal cannot be handed to an editor (as in a browser session)"
    except OSError as error:
        return f"{argv[0]}: {error.strerror or error}"
    return ""


def web_url(place: Citation) -> str | None:
    """The article's web address, when it has one a browser may open."""
    url = (place.meta.url or "").strip()
    return url if url.lower().startswith(WEB) and not any(c.isspace() or ord(c) < 32 for c in url) else None


def open_url(url: str) -> bool:
    """Open `url` in the default browser (blocking: call it off the UI thread); whether one took it."""
    return webbrowser.open(url, new=2)
