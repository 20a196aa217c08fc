"""The question input, with up/down through earlier questions like a shell."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class QuestionInput(Input):
    """An input that remembers submitted questions; up/down walk through them."""

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier question", show=False),
        Binding("down", "history(1)", "Later question", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(placeholder="Ask a question about your news…  (Enter to ask, ↑ for history)",
                         **kwargs)  # type: ignore[arg-type]
        self.history: list[str] = []
        self._at = 0
        self._draft = ""

    def remember(self, question: str) -> None:
        """Add a submitted question to the history (once, if asked twice in a row)."""
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._at = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._at == len(self.history):
            self._draft = self.value  # keep what was being typed, to come back to it
        self._at = max(0, min(len(self.history), self._at + step))
        self.value = self.history[self._at] if self._at < len(self.history) else self._draft
        self.cursor_position = len(self.value)
