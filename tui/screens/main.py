"""The main screen: question, answers, passages and detail; its helpers own the work, the space and the boxes."""

from __future__ import annotations

import time
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, Resize
from textual.screen import Screen
from textual.widgets import Footer, Input

from index.filters import NO_FILTERS, Filters
from qa.models import Result
from qa.present import plural
from tui.footer import in_order
from tui.screens.dialogs import Boxes
from tui.screens.selection import Selection
from tui.screens.space import Space
from tui.screens.typeahead import TypeAhead
from tui.screens.workers import Background
from tui.messages import (AskFailed, Answered, BuildProgress, IndexFailed, IndexReady, IndexReloaded, OpenPlace,
                          PlaceHighlighted, ReloadFailed)
from tui.places import place_of_hit, spans_of
from tui.session import AnswererFactory, builds_seed_index
from tui.widgets.answers import AnswersPanel
from tui.widgets.detail import DetailPane
from tui.widgets.passages import PassagesTable
from tui.widgets.question import QuestionInput
from tui.widgets.status import StatusBar

RELOAD_EVERY = 2.0  # seconds between looks at the index's CURRENT pointer
MAX_K = 50  # the most passages +/- will show
BUILD_STAGES = {"loading": "loading the model", "reading": "reading files", "embedding": "embedding passages"}
FOOTER_ORDER = ("submit", "history(-1)", "select_cursor", "select", "open", "toggle", "edit", "copy",
                "export('markdown')")


class MainScreen(Screen[None]):
    """Ask, compare the answers, read the passages; Enter opens a passage in its document."""

    ALLOW_IN_MAXIMIZED_VIEW = "Footer"

    # As in fzf, letters and digits typed in a list are the question's (tui/screens/typeahead.py): the
    # commands are keys no question starts with: Ctrl-keys, Enter, Space, arrows and signs.
    BINDINGS = [
        Binding("enter", "open", "Open"),  # the Passage pane's; the lists' own Enter opens their row
        Binding("ctrl+o", "edit", "Editor"),
        Binding("ctrl+b", "browse", "Browser", show=False),
        Binding("ctrl+y", "copy", "Copy"),
        Binding("ctrl+s", "export('markdown')", "Save"),
        Binding("ctrl+f", "filter", "Filter"),
        Binding("ctrl+z", "maximize_pane", "Zoom", show=False),
        Binding("left_square_bracket", "resize(-1)", "Narrower list", show=False),
        Binding("right_square_bracket", "resize(1)", "Wider list", show=False),
        Binding("ctrl+r", "history_search", "Search history", show=False),
        Binding("plus,equals_sign", "passages(1)", "More passages", show=False),
        Binding("minus", "passages(-1)", "Fewer passages", show=False),
        Binding("slash", "ask_again", "Ask", show=False),
        Binding("escape", "ask_again", "Ask", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, index_dir: Path | None, factory: AnswererFactory, k: int) -> None:
        super().__init__()
        self.k = k
        self.background = Background(self, index_dir, factory)  # loading, asking, exporting, reloading
        self.space = Space(self)  # the panes' sizes and the maximised one
        self.boxes = Boxes(self, self.background.export)  # filter, export and history search
        self.selection = Selection(self)  # the list the Passage pane follows, and its place
        self.type_ahead = TypeAhead(self)  # keys typed in a list go to the question
        self.ticket = 0
        self.result: Result | None = None  # the answer on screen, for +/-, export and copying
        self._reload_error = ""
        self.filters: Filters = NO_FILTERS  # date range and outlets for the questions asked from now on
        self.jump = 0  # the ticket of a question asked with Enter: its answer takes the user to the passages
        self.asked: tuple[Filters, float] = (NO_FILTERS, 0.0)  # the result's filters and time, for exports

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield QuestionInput(id="question")
        with Horizontal(id="body"):
            with Vertical(id="results"):
                yield AnswersPanel(id="answers")
                yield PassagesTable(id="passages")
            yield DetailPane(id="detail")
        yield Footer()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's keys in one order whichever pane has focus."""
        return in_order(super().active_bindings, FOOTER_ORDER)

    def on_mount(self) -> None:
        self.space.fit(self.app.size)  # the first Resize may come after the first answers are laid out
        self.query_one(QuestionInput).focus()
        self.call_after_refresh(getattr(self.app, "typing_ready", lambda: None))
        if builds_seed_index(self.background.index_dir):
            self.query_one(StatusBar).activity = "building the index of the bundled seeds (first use)…"
        self.background.load()
        self.set_interval(RELOAD_EVERY, self.background.reload)

    def on_unmount(self) -> None:
        self.background.close()

    # What the workers report.

    def on_build_progress(self, message: BuildProgress) -> None:
        """The seeds' first-use build, told as `qa index` tells it: stage and count."""
        stage = BUILD_STAGES.get(message.stage, message.stage)
        count = f" {message.done:,}/{message.total:,}" if message.total else "…"
        self.query_one(StatusBar).activity = f"first use: indexing the seeds · {stage}{count}"

    def on_index_ready(self, message: IndexReady) -> None:
        self.background.opened(message.session)
        status = self.query_one(StatusBar)
        status.info = message.info
        status.activity = "answering…" if self.query_one(AnswersPanel).loading else "ready"

    def on_index_failed(self, message: IndexFailed) -> None:
        from tui.screens.error import ErrorScreen

        self.background.opened(None)
        self._busy(False)
        self.query_one(StatusBar).activity = "no index"
        self.app.push_screen(ErrorScreen(message.error), self._after_error)

    def _after_error(self, retry: bool | None) -> None:
        if retry:
            self.query_one(StatusBar).activity = "loading the index and the model…"
            self.background.load()
        else:
            self.app.exit(return_code=2, message=None)

    def on_answered(self, message: Answered) -> None:
        if message.ticket != self.ticket:
            return  # an older question's answer arriving late
        self._busy(False)
        result = self.result = message.result
        self.asked = (message.filters, time.time())
        self.query_one(AnswersPanel).show(result)
        passages = self.query_one(PassagesTable)
        passages.show(result)
        self.call_after_refresh(self.space.fit_panes)  # the answers pane as tall as its answers and sources
        first = place_of_hit(result.hits[0], spans_of(result)[0]) if result.hits else None
        self.query_one(DetailPane).show(first)
        answers = 0 if result.low_confidence else len(result.answers)
        self.query_one(StatusBar).activity = f"{plural(answers, 'answer')} · {plural(len(result.hits), 'passage')}"
        question = self.query_one(QuestionInput)
        # Asked with Enter and waited for: take the user to the passages. Asked again by +, - or a filter:
        # focus stays where the user was, so what they type next is not taken for commands.
        if message.ticket == self.jump and question.has_focus and question.value.strip() == result.question \
                and result.hits:
            passages.focus()

    def on_ask_failed(self, message: AskFailed) -> None:
        if message.ticket != self.ticket:
            return
        self._busy(False)
        self.query_one(StatusBar).activity = "failed"
        self.notify(message.error, title="Could not answer", severity="error", timeout=8)

    def on_index_reloaded(self, message: IndexReloaded) -> None:
        self._reload_error = ""
        self.query_one(StatusBar).info = message.info
        self.notify(f"now {plural(message.info.documents, 'document')}, {plural(message.info.passages, 'passage')}; "
                    "ask again to search them", title="Index updated on disk, reloaded")

    def on_reload_failed(self, message: ReloadFailed) -> None:
        if message.error != self._reload_error:  # say it once, not every look
            self._reload_error = message.error
            self.notify(message.error, title="Index changed but cannot be read", severity="warning", timeout=10)

    # The panes' space.

    def on_resize(self, event: Resize) -> None:
        self.space.fit(event.size)

    def on_answers_panel_resized(self, message: AnswersPanel.Resized) -> None:
        self.space.fit_panes()

    def watch_maximized(self) -> None:
        """Maximised (z) or restored (z, Esc): the panes' rows shared again either way."""
        self.space.fit_panes()

    def action_maximize_pane(self) -> None:
        """z: the focused pane fills the screen (as lazygit's panels do); z or Esc again restores it."""
        self.space.toggle_maximized()

    def action_resize(self, step: int) -> None:
        """] gives the lists more room and [ gives the Passage pane more: columns side by side, rows stacked."""
        self.space.resize(step)

    # The boxes.

    def action_filter(self) -> None:
        self.boxes.filter(self.filters, self.query_one(StatusBar).info, self.set_filters)

    def set_filters(self, filters: Filters | None) -> None:
        """Keep the filters and ask the question on screen again with them (None: the box was cancelled)."""
        if filters is None or filters == self.filters:
            return
        self.filters = filters
        self.query_one(StatusBar).scope = filters.describe()
        if self.result is not None:
            self._ask(self.result.question)
            return
        said = f"{filters.describe()}; " if filters.active else "no filter; "
        self.notify(said + "applies to the next question", title="Filter", timeout=4)

    def action_export(self, form: str) -> None:
        self.boxes.export(self.result, form, self.query_one(StatusBar).info, self.asked)

    def action_history_search(self) -> None:
        self.boxes.history_search(self.query_one(QuestionInput), self.result.question if self.result else None)

    # What the user does.

    @on(Input.Submitted, "#question")
    def submitted(self, event: Input.Submitted) -> None:
        question = " ".join(event.value.split())
        if not question:
            self.notify("Type a question first.", severity="warning")
            return
        self.query_one(QuestionInput).remember(question)
        self._ask(question)
        self.jump = self.ticket

    def _ask(self, question: str) -> None:
        self.ticket += 1
        self._busy(True)
        waiting = self.background.session is None
        self.query_one(StatusBar).activity = "waiting for the model to load…" if waiting else "answering…"
        self.background.ask(self.ticket, question, self.k, self.filters)

    def _busy(self, busy: bool) -> None:
        self.query_one(AnswersPanel).loading = busy
        self.query_one(PassagesTable).loading = busy

    def on_key(self, event: events.Key) -> None:
        """As in fzf: a letter or digit typed in a list goes to the question box, the first one too."""
        self.type_ahead.key(event, self.result.question if self.result else None)

    def on_paste(self, event: events.Paste) -> None:
        """Text pasted in a list is a question too."""
        self.type_ahead.paste(event)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.type_ahead.focus_moved()
        self.selection.focused(event.widget)

    def on_place_highlighted(self, message: PlaceHighlighted) -> None:
        self.selection.highlighted(message.place, message.pane)

    def on_open_place(self, message: OpenPlace) -> None:
        from tui.screens.source import SourceScreen

        session = self.background.session
        self.app.push_screen(SourceScreen(message.place, session.file_text if session else None))

    def action_open(self) -> None:
        self.selection.open()

    def action_edit(self) -> None:
        self.selection.edit()

    def action_browse(self) -> None:
        self.selection.browse()

    def action_copy(self) -> None:
        self.selection.copy()

    def action_ask_again(self) -> None:
        """/ or Esc: back to the question, all of it selected, so typing replaces it (End or → keeps it)."""
        question = self.query_one(QuestionInput)
        question.focus()
        question.select_all()

    def action_passages(self, step: int) -> None:
        """Show one passage more or fewer, asking the current question again."""
        k = max(1, min(MAX_K, self.k + step))
        if k == self.k:
            self.notify(f"Already {plural(k, 'passage')}, the {'most' if step > 0 else 'fewest'} shown.", timeout=3)
            return
        self.k = k
        if self.result is not None:
            self._ask(self.result.question)
        else:
            self.notify(f"Questions will show {plural(k, 'passage')}.", timeout=3)

    def action_copy_all(self) -> None:
        if self.result is None:
            self.notify("Nothing to cite yet.", severity="warning")
            return
        from qa.markdown import citations

        text = citations(self.result)
        self.app.copy_to_clipboard(text)
        self.notify(text, title=f"{plural(text.count(chr(10)), 'citation')} copied")
