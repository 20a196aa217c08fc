"""A line of short phrases (`14,200 · 2 sources · newest`) that wraps between phrases, never inside one."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

SEPARATOR = Content.from_markup("[dim] · [/]")


def phrase_lines(phrases: Sequence[Content], width: int, separator: Content = SEPARATOR) -> list[Content]:
    """The phrases joined by ` · ` in lines of `width` cells; only a phrase longer than a line is wrapped inside."""
    lines: list[Content] = []
    line = Content("")
    for phrase in phrases:
        if line.cell_length and line.cell_length + separator.cell_length + phrase.cell_length <= width:
            line = line + separator + phrase
            continue
        if line.cell_length:
            lines.append(line)
        pieces = phrase.wrap(max(width, 1)) if phrase.cell_length > width else [phrase]
        lines += pieces[:-1]
        line = pieces[-1]
    return lines + ([line] if line.cell_length else [])


class Phrases(Widget):
    """Phrases in one block: as wide as they are together, wrapping between them when the width is short."""

    DEFAULT_CSS = "Phrases { height: auto; width: 1fr; }"

    def __init__(self, phrases: Sequence[Content], separator: Content = SEPARATOR, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.phrases, self.separator = tuple(phrases), separator

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return min(sum(p.cell_length for p in self.phrases) + self.separator.cell_length * (len(self.phrases) - 1),
                   container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(phrase_lines(self.phrases, width, self.separator)), 1)

    def render(self) -> Content:
        return Content("\n").join(phrase_lines(self.phrases, self.size.width, self.separator))
