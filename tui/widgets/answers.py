"""The answers pane: each answer with how many sources say it, side by side when they differ."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qa.models import Answer, Result
from qa.terminal import safe_line
from tui.messages import OpenPlace, PlaceHighlighted
from tui.places import Place, place_of_source

WAITING = "Ask a question above: answers, who says them and the passages behind them appear here."
LOW_CONFIDENCE = "⚠ Low confidence: no passage clearly answers this; the closest passages follow."
MAX_CARDS = 3
NO_SPAN = "No answer span found in the passages. Read the closest passages below."


def _short(text: str, width: int = 28) -> str:
    """Long answers cut so the source's file:line stays in view (made safe: it is article text)."""
    text = safe_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _sources(answer: Answer) -> str:
    """Articles stating an answer, and how many independent stories they are when fewer."""
    articles = len({source.path for source in answer.sources})
    text = f"{articles} source{'' if articles == 1 else 's'}"
    # Cards are narrow: the short form keeps both numbers in view at 80 columns.
    return text if answer.independent >= articles else f"{articles} src, {answer.independent} indep."


class AnswersPanel(Vertical):
    """A verdict line, one card per answer (side by side) and the list of their sources."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.places: list[Place] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="answer-line"):
            yield Static(WAITING, id="verdict")
            yield Horizontal(id="answer-cards")
        yield OptionList(id="answer-sources")

    def on_mount(self) -> None:
        self.border_title = "Answers"
        self.query_one("#answer-sources").display = False

    def show(self, result: Result) -> None:
        """Replace what the pane shows with the answers of one result."""
        verdict, cards = self.query_one("#verdict", Static), self.query_one("#answer-cards", Horizontal)
        sources = self.query_one("#answer-sources", OptionList)
        answers = result.answers
        self.set_class(result.low_confidence, "-low-confidence")
        self.set_class(len(answers) > 1, "-disagree")
        if result.low_confidence:
            verdict.update(LOW_CONFIDENCE)
        elif not answers:
            verdict.update(NO_SPAN)
        elif len(answers) == 1:
            verdict.update(Content.from_markup("[b]Answer[/b]"))
        else:
            verdict.update(Content.from_markup("[b]Sources disagree[/b]"))
        verdict.set_class(bool(answers), "-beside-cards")
        cards.remove_children()
        shown = answers[:MAX_CARDS]  # more would each be cut to a few letters; all are in the list below
        cards.mount_all(
            Static(Content.from_markup("[b]$text[/b] [dim]· $n[/]", text=_short(answer.text, 24),
                                       n=_sources(answer)), classes="answer-card")
            for answer in shown
        )
        if len(answers) > len(shown):
            cards.mount(Static(f"+{len(answers) - len(shown)} more", classes="answer-more"))
        cards.display = bool(answers)
        self.places = [place_of_source(answer, source, result) for answer in answers for source in answer.sources]
        sources.clear_options()
        sources.add_options(
            Option(Content.from_markup("[b]$text[/b]  [dim]$file:$line[/]  $title", text=_short(place.quote or ""),
                                       title=safe_line(place.title or ""), file=safe_line(os.path.basename(place.path)),
                                       line=str(place.line)))
            for place in self.places
        )
        sources.display = bool(self.places)
        sources.highlighted = 0 if self.places else None

    def reset(self, message: str = WAITING) -> None:
        """Back to the empty state with a message."""
        self.query_one("#verdict", Static).update(message)
        self.query_one("#verdict", Static).remove_class("-beside-cards")
        self.query_one("#answer-cards", Horizontal).remove_children()
        self.query_one("#answer-sources", OptionList).clear_options()
        self.query_one("#answer-sources").display = False
        self.places = []

    def current_place(self) -> Place | None:
        highlighted = self.query_one("#answer-sources", OptionList).highlighted
        return self.places[highlighted] if highlighted is not None and highlighted < len(self.places) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.places):
            self.post_message(PlaceHighlighted(self.places[event.option_index], "answers"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.places):
            self.post_message(OpenPlace(self.places[event.option_index]))
