"""The help screen: every key, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Question", (
        ("Enter", "ask (a new question cancels one still running)"),
        ("↑ ↓", "earlier and later questions"),
        ("Ctrl+R", "search the earlier questions by a few letters"),
    )),
    ("Everywhere", (
        ("Tab  Shift+Tab", "next and previous pane"),
        ("Ctrl+P", "commands: passages, export, filter, theme"),
        ("/  Esc", "back to the question"),
        ("? F1", "this help"),
        ("Ctrl+C  Ctrl+Q", "quit (q closes the source view and this help)"),
    )),
    ("Answers and passages", (
        ("letters, digits", "always the question's, the first one too (fzf)"),
        ("↑ ↓", "move; the passage pane follows"),
        ("Enter", "open the document at the cited place"),
        ("Ctrl+O", "open the cited line in $VISUAL / $EDITOR"),
        ("Ctrl+B", "open the article's web address (url)"),
        ("Space  → ←", "show and hide the copies (\"also in …\")"),
        ("Ctrl+Y", "copy citation + sentence, answer marked"),
        ("+  -", "one passage more / fewer, asked again"),
        ("Ctrl+S", "save answers and passages: asks where first"),
        ("Ctrl+F", "filter by dates and outlets, asked again"),
        ("Ctrl+Z", "maximise the pane (again or Esc restores it)"),
        ("[  ]", "move the split: more room for the passage or the list"),
    )),
    ("Source view", (
        ("↑ ↓  j k", "scroll the document (PgUp PgDn by pages)"),
        ("/", "search the document; Enter stays on the match"),
        ("n  N", "next and previous match (highlighted)"),
        ("g", "back to the cited place"),
        ("c", "copy the citation"),
        ("o  u", "the cited line in $EDITOR; the web address"),
        ("Esc", "clear the search, then back to the results"),
    )),
)
NOTE = ("The top line shows the open index, its documents and passages and when it was last updated. "
        "When qa index or qa watch changes the index, the app reloads it and says so. "
        "Passages are ranked by meaning and words together; cosine is each one's similarity to the question "
        "(0–1, comparable across questions). A date ending in ? had no year: its year was assumed. "
        "When a figure changed over time, Over time lists it oldest to newest. "
        "qa config shows the settings file, where the theme is kept.")


def help_content() -> Content:
    """The key table as one block of text, keys aligned."""
    width = max(len(key) for _, keys in KEYS for key, _ in keys) + 2
    parts = [Content.from_markup("[b]newsqa keys[/b]  [dim](Esc closes)[/]\n")]
    for section, keys in KEYS:
        parts.append(Content.from_markup("\n[b $text-accent]$section[/]\n", section=section))
        for key, does in keys:
            parts.append(Content.from_markup("  [b]$key[/b]$does\n", key=key.ljust(width), does=does))
    parts.append(Content.from_markup("\n[dim]$note[/]", note=NOTE))
    return Content("").join(parts)


class HelpScreen(ModalScreen[None]):
    """Keys and what they do; any of Esc, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q,f1", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_content(), id="help-text")
        yield Footer()  # its own keys, over those of the pane beneath
