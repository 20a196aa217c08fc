"""A figure's timeline: the first answer's measure over time, each step on the day its source says it was so."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from qa.answer import read_answers
from qa.config import ReaderConfig
from qa.measure import added
from qa.present import timeline_steps, timeline_text
from qa.render import to_json
from tests.qa.test_latest import hit, spans_for


def test_a_figure_a_later_report_dates_to_an_earlier_weekday_stands_at_that_day() -> None:
    hits = [hit(0, "Olmedo's lead stood at 391 votes after the count.", "2025-11-13"),
            hit(1, "The certified lead is 402 votes, up from 391 votes on Thursday.", "2025-11-18"),
            hit(2, "Her lead was 391 votes on Thursday, the recount showed.", "2025-11-18")]
    spans = spans_for(hits, {"391 votes": 9.0, "402 votes": 5.0})
    result = read_answers("what is the latest margin?", hits, spans, ReaderConfig(), latest=True)
    # Sorted by publication, the Tuesday report's 391 came after the 402: '391 → 402 → 391'.
    assert [(step.text, step.day) for step in timeline_steps(result)] == [
        ("391 votes", "2025-11-13"), ("402 votes", "2025-11-18")]
    assert timeline_text(result) == "391 votes (2025-11-13) → 402 votes (2025-11-18)"
    # Said by the later report alone, the step says so: the user looks for it in that day's paper.
    alone = replace(result, timeline=tuple(s for s in result.timeline if s.source.path != "/news/0.txt"))
    assert timeline_text(alone) == "391 votes (2025-11-13, reported 2025-11-18) → 402 votes (2025-11-18)"
    # The Tuesday report's 391 is Thursday's figure: as_of says so, beside the day it was published.
    data = json.loads(to_json(result))
    stated = [(t["text"], t["as_of"], t["published"]) for t in data["timeline"]]
    assert ("391 votes", "2025-11-13", "2025-11-18") in stated
    # The figure the certified report gives as the one it replaced is history there, not a step of its own.
    assert [t["doc"] for t in data["timeline"] if t["text"] == "391 votes"] == ["/news/0.txt", "/news/2.txt"]


def test_a_count_of_another_thing_and_an_addition_are_no_steps() -> None:
    hits = [hit(0, "The recall covers about 212,000 heaters, the company said.", "2025-04-15"),
            hit(1, "It is adding about 51,500 heaters sold in Canada, bringing the total to 263,500 heaters.",
                "2025-04-22"),
            hit(2, "About 67,000 owners have registered for refunds of the 263,500 heaters.", "2025-04-23")]
    spans = spans_for(hits, {"212,000": 9.0, "51,500": 8.0, "263,500": 7.0, "67,000": 6.0})
    result = read_answers("how many heaters does the recall cover now?", hits, spans, ReaderConfig(), latest=True)
    assert [step.text for step in timeline_steps(result)] == ["212,000", "263,500"]
    assert "51,500" not in [answer.text for answer in result.answers]  # an addition is no rival of the tally


def test_added_reads_additions_and_leads_not_totals() -> None:
    said = {"adding about 51,500 heaters": "51,500", "The additional 500,000 customers": "500,000",
            "Two more lawsuits were filed": "Two", "another 12 ships": "12", "Whitfield up 2,140 on election night": "2,140",
            "shares closed down 9%": "9%"}
    for text, figure in said.items():
        at = text.index(figure)
        assert added(text, at, at + len(figure)), text
    for text, figure in {"bringing the total to 263,500 units": "263,500", "rose to 19 on Monday": "19",
                         "more than 4,000 workers": "4,000", "the strike is holding up $60 million": "$60 million",
                         "lifted up to 4,000 feet": "4,000"}.items():
        at = text.index(figure)
        assert not added(text, at, at + len(figure)), text


def test_a_hedged_figure_counts_the_noun_after_it() -> None:
    hits = [hit(0, "Some 2,100 firefighters were assigned to the fire.", "2025-08-10"),
            hit(1, "About 240 firefighters remain on the fire.", "2025-08-19")]
    spans = spans_for(hits, {"2,100": 9.0, "About 240": 6.0})
    result = read_answers("how many firefighters are working the fire now?", hits, spans, ReaderConfig(), latest=True)
    assert [step.text for step in timeline_steps(result)] == ["2,100", "About 240"]


@pytest.mark.parametrize("question, stated, steps", [
    # 'working': 700 names no firefighter and its sentence says no working (shown as an answer all the same)
    ("how many firefighters are working the fire now?",
     [("About 980 firefighters are working the fire, officials said.", "2025-08-05", "980"),
      ("Red Cross says 700 still displaced as containment reaches 82%", "2025-08-15", "700"),
      ("Crews working the fire now number 240, officials said.", "2025-08-19", "240")], ["980", "240"]),
    # the first answer's sentence says 'diverted': ships waiting offshore are another count of ships
    ("how many ships have been diverted so far?",
     [("The number of ships diverted to other ports has reached 17, the authority said.", "2025-03-20", "17"),
      ("Carriers have diverted 15 ships away from the port, the authority said.", "2025-03-18", "15"),
      ("Talks ran through the night as 46 ships wait offshore.", "2025-03-20", "46")], ["15", "17"]),
])
def test_a_step_counts_what_was_asked_doing_what_was_asked(question: str, stated: list[tuple[str, str, str]],
                                                           steps: list[str]) -> None:
    hits = [hit(number, text, day) for number, (text, day, _) in enumerate(stated)]
    spans = spans_for(hits, {figure: 9.0 - number for number, (_, _, figure) in enumerate(stated)})
    result = read_answers(question, hits, spans, ReaderConfig(), latest=True)
    assert result.answers[0].text == steps[-1]  # the newest step is the first answer
    assert {figure for _, _, figure in stated} <= {answer.text for answer in result.answers}  # all shown as answers
    assert [step.text for step in timeline_steps(result)] == steps


@pytest.mark.parametrize("old_price_day, old_price_is_a_step", [("2025-01-24", False), ("2025-01-10", True)])
def test_a_figure_the_first_ones_sources_say_it_replaced_is_no_step_once_the_first_is_out(
        old_price_day: str, old_price_is_a_step: bool) -> None:
    hits = [hit(0, "The authority proposed raising the monthly pass to $100.", "2025-01-13"),
            hit(1, "The revised plan puts the monthly pass at $96.", "2025-01-24"),
            hit(2, "The current monthly pass costs $90, riders noted.", old_price_day),
            hit(3, "The board voted for a monthly pass of $96, up from $90.", "2025-01-31")]
    spans = spans_for(hits, {"$96": 10.0, "$100": 8.0, "$90": 8.0})
    result = read_answers("What will the monthly pass cost now?", hits, spans, ReaderConfig(alternative_margin=0.0),
                          latest=True)
    assert result.answers[0].text == "$96" and "$90" in [a.text for a in result.answers]
    steps = [(step.text, step.day) for step in timeline_steps(result)]
    assert ("$100", "2025-01-13") in steps and ("$96", "2025-01-24") in steps
    # The old price stated on the day the $96 came out is history restated; stated before it, a step.
    assert (("$90", old_price_day) in steps) is old_price_is_a_step
