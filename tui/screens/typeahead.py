"""Type-ahead, as in fzf: letters and digits typed (or text pasted) in a list go to the question box."""

from __future__ import annotations

from textual import events
from textual.screen import Screen

from tui.widgets.question import QuestionInput


class TypeAhead:
    """Sends what is typed in the screen's lists to its question box, the first key too."""

    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen
        self.typing = False  # keys typed in a list are on their way to the question box

    def key(self, event: events.Key, answered: str | None) -> None:
        """A letter or digit typed in a list starts a new question (`answered` is in the history, ↑) or goes on."""
        # Signs and Space are commands of the list until a question is being typed (none starts with them).
        screen = self.screen
        question = screen.query_one(QuestionInput)
        character = event.character or ""
        if question.has_focus or not event.is_printable or not character.strip():
            return
        if not character.isalnum() and event.key in screen.active_bindings and not self.typing:
            return  # a command of this pane: its binding runs
        event.stop()
        event.prevent_default()
        if not self.typing:
            self.typing = True
            screen.minimize()
            question.focus()
            if answered is not None and " ".join(question.value.split()) == answered:
                question.value = ""
        question.insert_text_at_cursor(character)

    def paste(self, event: events.Paste) -> None:
        """Text pasted in a list is a question too."""
        question = self.screen.query_one(QuestionInput)
        if not question.has_focus and event.text.strip():
            event.stop()
            question.focus()
            question.insert_text_at_cursor(event.text.splitlines()[0])

    def focus_moved(self) -> None:
        """The question box has the keys now, or the user moved on: the next key in a list starts afresh."""
        self.typing = False
