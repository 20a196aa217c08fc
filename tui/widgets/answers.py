"""The answers pane: each answer with how many sources say it, side by side when they differ."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qa import present
from qa.models import Answer, Result
from qa.relative import dated_answer
from qa.terminal import safe_line
from tui.messages import OpenPlace, PlaceHighlighted
from tui.places import Place, place_of_source

WAITING = "Ask a question above: answers, who says them and the passages behind them appear here."
LOW_CONFIDENCE = "⚠ Low confidence: no passage clearly answers this; the closest passages follow."
MAX_CARDS = 3
NO_SPAN = "No answer span found in the passages. Read the closest passages below."


def _short(text: str, width: int = 24) -> str:
    """An answer named in the sources list: cut at a word boundary (the cards above show it whole)."""
    text = safe_line(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:") + "…"


class SourcesList(OptionList):
    """The answers' sources, one a row; j and k move like the arrows."""

    BINDINGS = [Binding("j", "cursor_down", "Down", show=False), Binding("k", "cursor_up", "Up", show=False)]


class AnswersPanel(Vertical):
    """A verdict line, one card per answer (side by side) and the list of their sources."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.places: list[Place] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="answer-line"):
            yield Static(WAITING, id="verdict")
            yield Horizontal(id="answer-cards")
        yield SourcesList(id="answer-sources")

    def on_mount(self) -> None:
        self.border_title = "Answers"
        self.query_one("#answer-sources").display = False

    def show(self, result: Result) -> None:
        """Replace what the pane shows with the answers of one result."""
        verdict, cards = self.query_one("#verdict", Static), self.query_one("#answer-cards", Horizontal)
        sources = self.query_one("#answer-sources", OptionList)
        # A low-confidence answer is no answer, as in `ask`: no cards, no sources, no marked spans.
        # Disagreeing answers in the order they were published, as `ask` lists them.
        answers = () if result.low_confidence else tuple(present.answers_by_time(result))
        self.set_class(result.low_confidence, "-low-confidence")
        self.set_class(len(answers) > 1, "-disagree")
        if result.low_confidence:
            verdict.update(LOW_CONFIDENCE)
        elif not answers:
            verdict.update(NO_SPAN)
        else:
            verdict.update(Content.from_markup("[b]$verdict[/b]", verdict=present.verdict(result)))
        verdict.set_class(bool(answers), "-beside-cards")
        cards.remove_children()
        shown = answers[:MAX_CARDS]  # more would each be cut to a few letters; all are in the list below
        # Whole answers that wrap inside their card; the source count follows the words it counts.
        cards.mount_all(self._card(answer) for answer in shown)
        if len(answers) > len(shown):
            cards.mount(Static(f"+{len(answers) - len(shown)} more", classes="answer-more"))
        cards.display = bool(answers)
        dated = [(answer, source) for answer in answers for source in present.sources_by_time(answer)]
        self.places = [place_of_source(answer, source, result) for answer, source in dated]
        sources.clear_options()
        named = len(answers) > 1  # with one answer the cards already say whose sources these are
        sources.add_options(
            Option(Content.from_markup("$text[dim]$file:$line[/]  $title[dim]$about[/]",
                                       text=f"{_short(place.quote or '')} ▸ " if named else "",
                                       title=safe_line(place.citation.title or ""),
                                       file=safe_line(os.path.basename(place.citation.path)),
                                       line=str(place.citation.line), about=safe_line(f"  ({present.byline(source)})"
                                                                             if present.byline(source) else "")))
            for place, (_, source) in zip(self.places, dated)
        )
        sources.display = bool(self.places)
        sources.highlighted = 0 if self.places else None

    @staticmethod
    def _card(answer: Answer) -> Static:
        """One answer whole, its source count after it; wider the longer it is, so a long one wraps less."""
        label = Content.from_markup("[b]$text[/b] [dim]· $n[/]", text=safe_line(dated_answer(answer)),
                                    n=present.support(answer, short=True))
        card = Static(label, classes="answer-card")
        card.styles.width = f"{min(max(len(label), 12), 40)}fr"
        card.styles.min_width = min(len(safe_line(answer.text)), 20) + 2  # a short answer is never split
        return card

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
