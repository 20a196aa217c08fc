"""The main screen's space: panes sized to what they hold, one pane maximised (z), the split moved ([ and ])."""

from __future__ import annotations

from textual.events import Resize
from textual.geometry import Size
from textual.widgets import Footer

from tui import layout
from tui.screens.workers import Workers
from tui.widgets.answers import AnswersPanel
from tui.widgets.passages import PassagesTable


class Spaced(Workers):
    """Sizes the panes on every resize and answer: the answers whole, the list as tall as its rows, the rest below."""

    ALLOW_IN_MAXIMIZED_VIEW = "Footer"
    share = layout.SHARE[0]  # wide: the lists' share of the width, in %
    shift = 0  # stacked: rows moved from the Passage pane to the list

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        """Side by side from WIDE columns; a borderless question under SHORT rows; no Passage pane under TINY."""
        self.set_class(size.width >= layout.WIDE, "-wide")
        self.set_class(size.height < layout.SHORT, "-short")
        self.set_class(size.height < layout.TINY, "-tiny")
        # Under 80 columns the footer drops its padding and the palette hint, so Help and Quit still show.
        for footer in self.query(Footer):
            footer.compact = size.width < 80
            footer.show_command_palette = size.width >= 80
        self.call_after_refresh(self.fit_panes)

    def on_answers_panel_resized(self, message: AnswersPanel.Resized) -> None:
        self.fit_panes()

    def fit_panes(self) -> None:
        """Give each pane its rows, measured from what it shows now (call after the answers change)."""
        size = self.app.size
        answers, table = self.query_one(AnswersPanel), self.query_one(PassagesTable)
        if self.maximized is not None:  # one pane has the screen: the shares wait until it is restored
            self.maximized.styles.height = "1fr"
            answers.query_one("#answer-sources").styles.max_height = None
            return
        wide, tiny = size.width >= layout.WIDE, size.height < layout.TINY
        sources = len(answers.places)
        for room in (True, False):  # the timeline ("Over time") only where every answer source still shows
            answers.fit_timeline(room)
            head = answers.head_rows()  # the border, the verdict, answer lines and timeline
            panes = layout.panes(layout.body_rows(size.height), wide, tiny, head, sources, table.row_count, self.shift)
            if panes.sources is None or panes.sources >= sources:
                break
        answers.query_one("#answer-sources").styles.max_height = panes.sources
        table.styles.height = "1fr" if panes.passages is None else panes.passages
        self.query_one("#results").styles.width = f"{self.share}%" if wide else "100%"

    def watch_maximized(self) -> None:
        """Maximised (z) or restored (z, Esc): the panes' rows shared again either way."""
        self.fit_panes()

    def action_maximize_pane(self) -> None:
        """z: the focused pane fills the screen (as lazygit's panels do); z or Esc again restores it."""
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        if focused is None or not self.maximize(focused):
            self.notify("Move to a pane first (Tab): the question box is not maximised.", timeout=3)

    def action_resize(self, step: int) -> None:
        """] gives the lists more room and [ gives the Passage pane more: columns side by side, rows stacked."""
        if self.app.size.width >= layout.WIDE:
            self.share = layout.share(self.share, step)
        else:
            self.shift = max(-20, min(20, self.shift + 2 * step))
        self.fit_panes()
