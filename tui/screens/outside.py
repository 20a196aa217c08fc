"""Leaving the app for a cited place: Ctrl+O (`o` in the source view) opens it in the editor, Ctrl+B its URL."""

from __future__ import annotations

from textual.app import App

from index.citation import Citation
from tui.editor import editor_command, open_url, place_argv, run_in_terminal, web_url

NO_EDITOR = "Set $EDITOR (or $VISUAL) to the editor to open files in, e.g. export EDITOR=vim"


def edit_place(app: App[object], place: Citation | None) -> None:
    """The cited file in the user's editor at the cited line; the app comes back when the editor exits."""
    if place is None:
        app.notify("Nothing selected to open yet.", severity="warning")
        return
    command = editor_command()
    if command is None:
        app.notify(NO_EDITOR, title="No editor set", severity="warning", timeout=6)
        return
    try:
        argv = place_argv(command, place)
    except ValueError as error:  # $EDITOR with an unclosed quote
        app.notify(f"$EDITOR cannot be read: {error}", title="No editor set", severity="warning")
        return
    error = run_in_terminal(app, argv)
    if error:
        app.notify(error, title="Could not open the editor", severity="error", timeout=8)


def browse_place(app: App[object], place: Citation | None) -> None:
    """The article's web address in the default browser, opened off the UI thread (a browser may take seconds)."""
    url = web_url(place) if place is not None else None
    if url is None:
        app.notify("This article has no web address (url) in its metadata.", severity="warning", timeout=4)
        return

    def browse() -> None:
        if not open_url(url):
            app.call_from_thread(app.notify, url, title="No browser found to open", severity="warning")

    app.notify(url, title="Opening in the browser", timeout=3)
    app.run_worker(browse, thread=True, group="browser")
