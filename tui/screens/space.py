"""The main screen's space: panes sized to what they hold, one pane maximised (z), the split moved ([ and ])."""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer

from tui import layout
from tui.widgets.answers import AnswersPanel
from tui.widgets.passages import PassagesTable


class Space:
    """Sizes the screen's panes on every resize and answer: the answers whole, the list as tall as its rows."""

    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen
        self.share = layout.SHARE[0]  # wide: the lists' share of the width, in %
        self.shift = 0  # stacked: rows moved from the Passage pane to the list

    def fit(self, size: Size) -> None:
        """Side by side from WIDE columns; a borderless question under SHORT rows; no Passage pane under TINY."""
        screen = self.screen
        screen.set_class(size.width >= layout.WIDE, "-wide")
        screen.set_class(size.height < layout.SHORT, "-short")
        screen.set_class(size.height < layout.TINY, "-tiny")
        # Under 80 columns the footer drops its padding and the palette hint, so Help and Quit still show.
        for footer in screen.query(Footer):
            footer.compact = size.width < 80
            footer.show_command_palette = size.width >= 80
        screen.call_after_refresh(self.fit_panes)

    def fit_panes(self) -> None:
        """Give each pane its rows, measured from what it shows now (call after the answers change)."""
        screen = self.screen
        size = screen.app.size
        answers, table = screen.query_one(AnswersPanel), screen.query_one(PassagesTable)
        if screen.maximized is not None:  # one pane has the screen: the shares wait until it is restored
            screen.maximized.styles.height = "1fr"
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
        screen.query_one("#results").styles.width = f"{self.share}%" if wide else "100%"

    def toggle_maximized(self) -> None:
        """The focused pane fills the screen (as lazygit's panels do), or the maximised one is restored."""
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        focused = screen.focused
        if focused is None or not screen.maximize(focused):
            screen.notify("Move to a pane first (Tab): the question box is not maximised.", timeout=3)

    def resize(self, step: int) -> None:
        """More room for the lists (1) or for the Passage pane (-1): columns side by side, rows stacked."""
        if self.screen.app.size.width >= layout.WIDE:
            self.share = layout.share(self.share, step)
        else:
            self.shift = max(-20, min(20, self.shift + 2 * step))
        self.fit_panes()
