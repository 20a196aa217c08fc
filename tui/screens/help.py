"""The help screen: every key, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# newsqa — keys

| Where | Key | Does |
|---|---|---|
| question | `Enter` | ask (a new question cancels a running one) |
| question | `↑` / `↓` | earlier / later questions |
| anywhere | `Tab` / `Shift+Tab` | next / previous pane |
| anywhere | `/` or `Esc` | back to the question |
| passages, answers | `↑` / `↓` | move the selection; the detail pane follows |
| passages, answers | `Enter` or `o` | open the document at the cited place |
| passages | `Space` (`→` / `←`) | show / hide the copies ("also in …") |
| passages, answers, source | `c` | copy the citation and the quoted span |
| source view | `g` | back to the cited place |
| source view | `Esc` | back to the results |
| anywhere | `?` or `F1` | this help |
| anywhere | `q` / `Ctrl+C` | quit (`q` closes the source view first) |

The status bar shows the open index, its documents and passages and when it was last updated.
When `qa index` or `qa watch` updates the index, the app reloads it and says so.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and what they do; any of Esc, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q,f1", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
