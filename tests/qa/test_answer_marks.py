"""Disagreeing answers: the best-backed first, marked, and the newest marked (the app's answers pane)."""

from __future__ import annotations

from index.models import Meta
from qa.models import Answer, Result, Source
from qa.present import answer_marks, answers_by_support


def _answer(text: str, *days: str, independent: int | None = None) -> Answer:
    sources = tuple(Source(f"/news/{text}-{n}.txt", 0, 5, 1, meta=Meta(published=day)) for n, day in enumerate(days))
    return Answer(text, 0.5, text, sources, independent if independent is not None else len(days))


def test_disagreeing_answers_list_the_best_backed_first_and_mark_it_and_the_newest():
    early = _answer("4,200", "2025-03-10")
    backed = _answer("2,900", "2025-03-10", "2025-03-10", "2025-03-09")
    result = Result("how many strikers?", (), (early, backed), disagree=True)
    ordered = answers_by_support(result)
    assert ordered == [backed, early]  # not oldest first
    assert answer_marks(ordered) == [("most sources",), ()]
    later = _answer("3,100", "2025-03-11")
    assert answer_marks([backed, early, later]) == [("most sources",), (), ("newest",)]


def test_ties_and_single_answers_are_not_marked():
    one, other = _answer("12", "2025-01-02"), _answer("14", "2025-01-02")
    assert answer_marks([one, other]) == [(), ()]
    assert answer_marks([one]) == [()]
    copies = _answer("7", "2025-01-02", "2025-01-03", independent=1)  # two articles, one story
    assert answer_marks([copies, _answer("9", "2025-01-01")]) == [("most sources", "newest"), ()]
    timeline = Result("how many?", (), (one, other), disagree=False)  # the figure changed: as the reader ranked
    assert answers_by_support(timeline) == [one, other]


def test_a_figure_s_timeline_says_which_answer_is_newest() -> None:
    from qa.models import Step

    diverted = _answer("17", "2025-03-20")
    waiting = _answer("46", "2025-03-20", "2025-03-24")  # the later report gives 46 as the figure that fell to 19
    earlier = _answer("15", "2025-03-18")
    answers = [diverted, waiting, earlier]
    assert answer_marks(answers) == [(), ("most sources", "newest"), ()]  # by publication alone
    steps = (Step("15", "2025-03-18", earlier.sources[0]), Step("17", "2025-03-20", diverted.sources[0]))
    assert answer_marks(answers, steps) == [("newest",), ("most sources",), ()]
