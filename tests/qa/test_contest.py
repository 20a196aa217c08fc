"""One report's sentence setting two sources' figures against each other is a disagreement."""

from __future__ import annotations

from index.models import Meta, Passage
from qa.answer import read_answers
from qa.config import ReaderConfig
from qa.contest import opposed, set_against
from qa.models import Hit
from qa.reader import SpanScore

RIDERS = "The alliance said about 365,000 riders use it on an average weekday, not the 410,000 the authority has cited."
BURNS = "Federal regulators have received reports of 17 injuries, while the company has said it knows of 11."
WAGES = "Employers have offered 11% over four years, while the union is seeking 19%."


def _at(text: str, figure: str) -> tuple[int, int]:
    return text.index(figure), text.index(figure) + len(figure)


def test_a_sentence_sets_one_figure_against_another() -> None:
    place = set_against(RIDERS, *_at(RIDERS, "365,000"))
    assert place is not None and RIDERS[place[0]:place[1]] == "410,000"
    assert opposed(BURNS, *_at(BURNS, "11")) == ("17",) and opposed(BURNS, *_at(BURNS, "17")) == ("11",)
    assert set_against(WAGES, *_at(WAGES, "11%")) is None  # an offer against a demand: no one says a count
    assert opposed("It burned 14,200 acres on Friday, up from 9,000.", 10, 16) == ()


def _hit(text: str) -> Hit:
    return Hit(Passage("/news/a.txt", 0, "T", 0, len(text), 1, text, meta=Meta("2025-01-15")), 0.8, 1, 0.6, 10.0)


def test_the_figure_a_report_contests_stands_beside_the_first_as_a_disagreement() -> None:
    spans = [SpanScore(0, *_at(RIDERS, "365,000"), 9.0, 0.0)]
    result = read_answers("How many people ride on a typical weekday?", [_hit(RIDERS)], spans, ReaderConfig())
    assert [a.text for a in result.answers] == ["365,000", "410,000"] and result.disagree
    assert result.answers[1].sources[0].start == RIDERS.index("410,000")  # cited at its own words
    wages = read_answers("What raise did employers offer?", [_hit(WAGES)], [SpanScore(0, *_at(WAGES, "11%"), 9.0, 0.0)],
                         ReaderConfig())
    assert [a.text for a in wages.answers] == ["11%"] and not wages.disagree


def test_a_contested_figure_the_reader_weighs_little_still_stands_beside_the_one_it_contests() -> None:
    spans = [SpanScore(0, *_at(BURNS, "17"), 9.0, 0.0), SpanScore(0, *_at(BURNS, "11"), -3.0, 0.0)]
    result = read_answers("How many people were injured?", [_hit(BURNS)], spans, ReaderConfig())
    assert [a.text for a in result.answers] == ["17", "11"] and result.disagree
    plain = "Federal regulators have received reports of 17 injuries and the company 11 complaints."
    quiet = read_answers("How many people were injured?", [_hit(plain)],
                         [SpanScore(0, *_at(plain, "17"), 9.0, 0.0), SpanScore(0, *_at(plain, "11"), -3.0, 0.0)],
                         ReaderConfig())
    assert [a.text for a in quiet.answers] == ["17"]  # not set against it: below the rival margin
