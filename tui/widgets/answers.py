"""The answers pane: each answer with how many sources say it; when they differ, which has most and which is newest."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from index.safe_text import safe_line
from qa import present
from qa.models import Answer, Result
from qa.relative import dated_answer
from tui.messages import OpenPlace, PlaceHighlighted
from tui.places import Place, place_of_source
from tui.widgets.phrases import Phrases, phrase_lines
from tui.widgets.timeline import ARROW, timeline_phrases

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
    """The answers' sources, one a row; letters typed here are the next question's (tui/screens/main.py)."""

    BINDINGS = [Binding("enter", "select", "Open")]


class AnswersPanel(Vertical):
    """A verdict, one line per answer (most sources first when they disagree) and the list of their sources."""

    ALLOW_MAXIMIZE = True  # z on its sources list maximises the whole pane

    class Resized(Message):
        """The pane's width changed: the answers wrap anew, so the screen shares its rows again."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.places: list[Place] = []
        self._width = 0

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self._arrange()
            self.post_message(self.Resized())

    def compose(self) -> ComposeResult:
        with Horizontal(id="answer-line"):
            yield Static(WAITING, id="verdict")
            yield Vertical(id="answer-cards")
        yield Phrases([], ARROW, id="timeline")  # how the figure changed, when it did over time
        yield SourcesList(id="answer-sources")

    def on_mount(self) -> None:
        self.border_title = "Answers"
        self.query_one("#answer-sources").display = False
        self.query_one("#timeline").display = False

    def show(self, result: Result) -> None:
        """Replace what the pane shows with the answers of one result."""
        verdict, cards = self.query_one("#verdict", Static), self.query_one("#answer-cards", Vertical)
        sources = self.query_one("#answer-sources", OptionList)
        # A low-confidence answer is no answer, as in `ask`: no cards, no sources, no marked spans.
        # Disagreeing answers the best-backed first, each marked with what sets it apart.
        answers = () if result.low_confidence else tuple(present.answers_by_support(result))
        self.set_class(result.low_confidence or not result.hits, "-low-confidence")
        self.set_class(len(answers) > 1, "-disagree")
        if not result.hits:
            verdict.update(Content("⚠ " + safe_line(present.verdict(result))))  # why nothing was found
        elif result.low_confidence:
            verdict.update(LOW_CONFIDENCE)
        elif not answers:
            verdict.update(NO_SPAN)
        else:
            verdict.update(Content.from_markup("[b]$verdict[/b]", verdict=present.verdict(result)))
        cards.remove_children()
        shown = answers[:MAX_CARDS]  # the others are in the sources list below
        marked = zip(shown, present.answer_marks(answers, result.timeline))
        cards.mount_all(self._card(answer, marks) for answer, marks in marked)
        if len(answers) > len(shown):
            cards.mount(Static(f"+{len(answers) - len(shown)} more, in the list below", classes="answer-more"))
        cards.display = bool(answers)
        self._timeline(timeline_phrases(result))
        dated = [(answer, source) for answer in answers for source in present.sources_by_time(answer)]
        self.places = [place_of_source(answer, source, result) for answer, source in dated]
        sources.clear_options()
        named = len(answers) > 1  # with one answer the line above already says whose sources these are
        sources.add_options(
            Option(Content.from_markup("$text$title[dim]$about  $file:$line[/]",
                                       text=f"{_short(place.quote or '')} ▸ " if named else "",
                                       title=safe_line(present.display_title(place.citation)),
                                       file=safe_line(os.path.basename(place.citation.path)),
                                       line=str(place.citation.line), about=safe_line(f"  ({present.byline(source)})"
                                                                             if present.byline(source) else "")))
            for place, (_, source) in zip(self.places, dated)
        )
        sources.display = bool(self.places)
        sources.highlighted = 0 if self.places else None
        self._arrange()

    def _timeline(self, phrases: list[Content]) -> None:
        timeline = self.query_one("#timeline", Phrases)
        timeline.phrases, timeline.display = tuple(phrases), bool(phrases)
        timeline.refresh(layout=True)

    def fit_timeline(self, room: bool) -> None:
        """Show the timeline when it has one and room: every answer source comes first (tui/screens/space.py)."""
        timeline = self.query_one("#timeline", Phrases)
        timeline.display = room and bool(timeline.phrases)

    @staticmethod
    def _card(answer: Answer, marks: tuple[str, ...]) -> Phrases:
        """One answer whole, then how many sources state it and what sets it apart, wrapped between phrases."""
        words = Content.from_markup("[b]$text[/b]", text=safe_line(dated_answer(answer)))
        support = Content.from_markup("[dim]$n[/]", n=present.support(answer, short=True))
        return Phrases([words, support, *(Content.from_markup("[b $text-success]$m[/]", m=m) for m in marks)],
                       classes="answer-card")

    def _line_rows(self, width: int, beside: bool) -> int:
        """Rows of the verdict and the answer lines at `width`, the verdict beside the answers or above them."""
        verdict = self.query_one("#verdict", Static)
        text = verdict.visual if isinstance(verdict.visual, Content) else Content(str(verdict.render()))
        cards = [card for card in self.query(".answer-card") if isinstance(card, Phrases)]
        if not cards:
            return max(len(text.wrap(max(width, 1))), 1)
        room = width - (text.cell_length + 2 if beside else 0)
        rows = sum(len(phrase_lines(card.phrases, max(room, 1))) for card in cards) + len(self.query(".answer-more"))
        return rows if beside else rows + len(text.wrap(max(width, 1)))

    def _arrange(self) -> None:
        """The verdict beside the answers where that takes no more rows than above them."""
        width = self.size.width or self.app.size.width - 4  # not laid out yet (it was loading): about this
        beside = bool(self.query(".answer-card")) and self._line_rows(width, True) <= self._line_rows(width, False)
        self.query_one("#answer-line").set_class(beside, "-beside")

    def head_rows(self) -> int:
        """Rows the pane takes without its sources list, as laid out at its width (before it is drawn)."""
        width = self.size.width or self.app.size.width - 4
        timeline = self.query_one("#timeline", Phrases)
        over_time = len(phrase_lines(timeline.phrases, width, timeline.separator)) if timeline.display else 0
        return 2 + self._line_rows(width, self.query_one("#answer-line").has_class("-beside")) + over_time

    def reset(self, message: str = WAITING) -> None:
        """Back to the empty state with a message."""
        self.query_one("#verdict", Static).update(message)
        self.query_one("#answer-line").remove_class("-beside")
        self.query_one("#answer-cards", Vertical).remove_children()
        self._timeline([])
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
