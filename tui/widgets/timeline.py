"""How a figure changed over time, oldest to newest: `Over time → 8,500 · 2025-08-03 · Coastline Wire → …`."""

from __future__ import annotations

from textual.content import Content

from index.safe_text import safe_line
from qa import present
from qa.models import Result

ARROW = Content.from_markup("[dim] → [/]")


def timeline_steps(result: Result) -> list[tuple[str, str, str]]:
    """(figure, date, outlet) per step, oldest first, as `ask`'s "Over time:" line; [] under two."""
    return [(step.text, present.step_date(step), present.capped(step.source.meta.outlet) or "")
            for step in present.timeline_steps(result)]


def timeline_phrases(result: Result) -> list[Content]:
    """The timeline as phrases to wrap between (tui/widgets/phrases.py); [] when there is none to show."""
    steps = timeline_steps(result) if present.changed_over_time(result) else []
    if not steps:
        return []
    label = Content.from_markup("[b $text-accent]Over time[/]")
    return [label, *(Content.from_markup("[b]$figure[/b][dim]$about[/]", figure=safe_line(figure),
                                         about=safe_line("".join(f" · {v}" for v in (date, outlet) if v)))
                     for figure, date, outlet in steps)]
