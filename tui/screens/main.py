"""The main screen: question, answers, passages and detail; it runs the pipeline in workers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.widgets import Footer, Input

from index.filters import NO_FILTERS, Filters
from qa.models import Result
from qa.present import plural
from tui.footer import in_order
from tui.screens.dialogs import Dialogs
from tui.screens.outside import browse_place, edit_place
from tui.messages import (AskFailed, Answered, BuildProgress, IndexFailed, IndexReady, IndexReloaded, OpenPlace,
                          PlaceHighlighted, ReloadFailed)
from tui.places import Place, place_of_hit, spans_of
from tui.session import AnswererFactory, Session, builds_seed_index
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


class MainScreen(Dialogs):
    """Ask, compare the answers, read the passages; Enter opens a passage in its document."""

    # As in fzf, letters and digits typed in a list are the question's (tui/screens/main.py on_key): the
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
        self.index_dir, self.factory, self.k = index_dir, factory, k
        self.session: Session | None = None
        self.ready = threading.Event()  # set once loading ended, well or badly
        self.loaded = threading.Event()  # set by the loading thread itself, even after the app has gone
        self.ticket = 0
        self.result: Result | None = None  # the answer on screen, for +/-, export and copying
        self.pane = "passages"
        self._reload_error = ""
        self.filters: Filters = NO_FILTERS  # date range and outlets for the questions asked from now on
        self.jump = 0  # the ticket of a question asked with Enter: its answer takes the user to the passages
        self.typing = False  # keys typed in a list are on their way to the question box
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
        self._fit(self.app.size)  # the first Resize may come after the first answers are laid out
        self.query_one(QuestionInput).focus()
        self.call_after_refresh(getattr(self.app, "typing_ready", lambda: None))
        if builds_seed_index(self.index_dir):
            self.query_one(StatusBar).activity = "building the index of the bundled seeds (first use)…"
        self.load()
        self.set_interval(RELOAD_EVERY, self.look_for_update)

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()

    def look_for_update(self) -> None:
        if self.session is not None:
            self.reload(self.session)

    # What the workers report.

    def on_build_progress(self, message: BuildProgress) -> None:
        """The seeds' first-use build, told as `qa index` tells it: stage and count."""
        stage = BUILD_STAGES.get(message.stage, message.stage)
        count = f" {message.done:,}/{message.total:,}" if message.total else "…"
        self.query_one(StatusBar).activity = f"first use: indexing the seeds · {stage}{count}"

    def on_index_ready(self, message: IndexReady) -> None:
        self.session = message.session
        self.ready.set()
        status = self.query_one(StatusBar)
        status.info = message.info
        status.activity = "answering…" if self.query_one(AnswersPanel).loading else "ready"

    def on_index_failed(self, message: IndexFailed) -> None:
        from tui.screens.error import ErrorScreen

        self.ready.set()
        self._busy(False)
        self.query_one(StatusBar).activity = "no index"
        self.app.push_screen(ErrorScreen(message.error), self._after_error)

    def _after_error(self, retry: bool | None) -> None:
        if retry:
            self.ready.clear()
            self.query_one(StatusBar).activity = "loading the index and the model…"
            self.load()
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
        self.call_after_refresh(self.fit_panes)  # the answers pane as tall as its answers and sources
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
        self.query_one(StatusBar).activity = "answering…" if self.session else "waiting for the model to load…"
        self.ask(self.ticket, question, self.filters)

    def _busy(self, busy: bool) -> None:
        self.query_one(AnswersPanel).loading = busy
        self.query_one(PassagesTable).loading = busy

    def on_key(self, event: events.Key) -> None:
        """As in fzf: a letter or digit typed in a list goes to the question box, the first one too."""
        # It starts a new question there (the one answered is in the history, ↑), or goes on with a draft.
        # Signs and Space are commands of the list until a question is being typed (none starts with them).
        question = self.query_one(QuestionInput)
        character = event.character or ""
        if question.has_focus or not event.is_printable or not character.strip():
            return
        if not character.isalnum() and event.key in self.active_bindings and not self.typing:
            return  # a command of this pane: its binding runs
        event.stop()
        event.prevent_default()
        if not self.typing:
            self.typing = True
            self.minimize()
            question.focus()
            if self.result is not None and " ".join(question.value.split()) == self.result.question:
                question.value = ""
        question.insert_text_at_cursor(character)

    def on_paste(self, event: events.Paste) -> None:
        """Text pasted in a list is a question too."""
        question = self.query_one(QuestionInput)
        if not question.has_focus and event.text.strip():
            event.stop()
            question.focus()
            question.insert_text_at_cursor(event.text.splitlines()[0])

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.typing = False  # the question box has the keys now, or the user moved on
        pane = "answers" if self.query_one(AnswersPanel) in event.widget.ancestors_with_self else (
            "passages" if isinstance(event.widget, PassagesTable) else self.pane)
        if pane != self.pane:
            self.pane = pane
            place = self.selected()
            if place is not None:
                self.query_one(DetailPane).show(place)

    def on_place_highlighted(self, message: PlaceHighlighted) -> None:
        if message.pane == self.pane:
            self.query_one(DetailPane).show(message.place)

    def on_open_place(self, message: OpenPlace) -> None:
        from tui.screens.source import SourceScreen

        self.app.push_screen(SourceScreen(message.place, self.session.file_text if self.session else None))

    def selected(self) -> Place | None:
        """The place under the cursor of the pane last focused."""
        if self.pane == "answers":
            return self.query_one(AnswersPanel).current_place()
        return self.query_one(PassagesTable).current_place()

    def action_open(self) -> None:
        place = self.selected()
        if place is not None:
            self.post_message(OpenPlace(place))

    def action_edit(self) -> None:
        """Ctrl+O: the cited place in $VISUAL or $EDITOR, at its line on disk."""
        edit_place(self.app, place.citation if (place := self.selected()) else None)

    def action_browse(self) -> None:
        """Ctrl+B: the article's web address, where its metadata has one."""
        browse_place(self.app, place.citation if (place := self.selected()) else None)

    def action_copy(self) -> None:
        place = self.selected()
        if place is None:
            self.notify("Nothing selected to cite yet.", severity="warning")
            return
        self.app.copy_to_clipboard(place.clip())
        self.notify(place.clip(), title="Citation copied")  # the app's notify and clipboard make both safe

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
