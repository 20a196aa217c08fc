"""The question input, with up/down through earlier questions like a shell."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.widgets import Input


KEEP = 500  # questions kept across runs


def _history_file() -> Path:
    from qa.home import data_home

    return data_home() / "history.txt"


def load_history() -> list[str]:
    """Questions asked in earlier runs, oldest first (none if the file is missing or unreadable)."""
    try:
        text = _history_file().read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()][-KEEP:]


def save_history(history: list[str]) -> None:
    """Write the latest questions to the data folder; a read-only folder only costs the memory of them."""
    path = _history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text("".join(f"{' '.join(q.split())}\n" for q in history[-KEEP:]), encoding="utf-8")
        temporary.replace(path)  # never half a file, even if two apps save at once
    except OSError:
        pass


class QuestionInput(Input):
    """An input that remembers submitted questions; up/down walk through them."""

    BINDINGS = [
        Binding("enter", "submit", "Ask"),
        Binding("up", "history(-1)", "History"),
        Binding("down", "history(1)", "Later question", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        # Not selected on focus: keys typed in a list come here and must add up (/ and Esc select it all).
        super().__init__(placeholder="Ask a question about your news…  (Enter to ask, ↑ for history)",
                         select_on_focus=False, **kwargs)  # type: ignore[arg-type]
        self.history: list[str] = load_history()
        self._at = len(self.history)
        self._draft = ""

    def remember(self, question: str) -> None:
        """Add a submitted question to the history (once, if asked twice in a row), kept for the next run."""
        if not self.history or self.history[-1] != question:
            self.history.append(question)
            save_history(self.history)
        self._at = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._at == len(self.history):
            self._draft = self.value  # keep what was being typed, to come back to it
        self._at = max(0, min(len(self.history), self._at + step))
        self.value = self.history[self._at] if self._at < len(self.history) else self._draft
        self.cursor_position = len(self.value)
