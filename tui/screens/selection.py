"""The place the user is on: the list last focused, its cursor's place, and what Enter, Ctrl+O, Ctrl+B, Ctrl+Y do."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget

from tui.messages import OpenPlace
from tui.places import Place
from tui.screens.outside import browse_place, edit_place
from tui.widgets.answers import AnswersPanel
from tui.widgets.detail import DetailPane
from tui.widgets.passages import PassagesTable


class Selection:
    """Which list (answers or passages) the Passage pane follows, and the actions on its place."""

    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen
        self.pane = "passages"

    def focused(self, widget: Widget) -> None:
        """Focus moved to `widget`: moving to the other list shows its place in the Passage pane."""
        screen = self.screen
        pane = "answers" if screen.query_one(AnswersPanel) in widget.ancestors_with_self else (
            "passages" if isinstance(widget, PassagesTable) else self.pane)
        if pane != self.pane:
            self.pane = pane
            place = self.place()
            if place is not None:
                screen.query_one(DetailPane).show(place)

    def highlighted(self, place: Place, pane: str) -> None:
        """The cursor of `pane` moved onto `place`: shown if that is the list followed."""
        if pane == self.pane:
            self.screen.query_one(DetailPane).show(place)

    def place(self) -> Place | None:
        """The place under the cursor of the pane last focused."""
        if self.pane == "answers":
            return self.screen.query_one(AnswersPanel).current_place()
        return self.screen.query_one(PassagesTable).current_place()

    def open(self) -> None:
        """Enter: the place in its whole document."""
        place = self.place()
        if place is not None:
            self.screen.post_message(OpenPlace(place))

    def edit(self) -> None:
        """Ctrl+O: the cited place in $VISUAL or $EDITOR, at its line on disk."""
        edit_place(self.screen.app, place.citation if (place := self.place()) else None)

    def browse(self) -> None:
        """Ctrl+B: the article's web address, where its metadata has one."""
        browse_place(self.screen.app, place.citation if (place := self.place()) else None)

    def copy(self) -> None:
        """Ctrl+Y: the citation and its sentence on the clipboard."""
        place = self.place()
        if place is None:
            self.screen.notify("Nothing selected to cite yet.", severity="warning")
            return
        self.screen.app.copy_to_clipboard(place.clip())
        self.screen.notify(place.clip(), title="Citation copied")  # the app's notify and clipboard make both safe
