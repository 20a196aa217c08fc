"""Answers of the shape asked for: whole names for 'who', times of day for 'what time', one name shown."""

from __future__ import annotations

from index.models import Passage
from qa.answer import read_answers
from qa.config import ReaderConfig
from qa.fit import fits, whole_name
from qa.models import Hit
from qa.question import AnswerType
from qa.reader import SpanScore


def test_a_surname_takes_the_first_name_and_title_before_it_but_not_a_sentence_opening() -> None:
    text = "The county coroner, Dr. Samuel Pike, said 14 had died. Pike added more. Later Pike left."
    at = text.index("Pike")
    assert text[whole_name(text, at, at + 4):at + 4] == "Dr. Samuel Pike"
    second = text.index("Pike added")
    assert whole_name(text, second, second + 4) == second  # "added" follows: nothing before it is a name
    third = text.index("Pike left")
    assert whole_name(text, third, third + 4) == third  # "Later" opens the sentence: not a first name
    full = text.index("Samuel")
    assert whole_name(text, full, at + 4) == full  # a span of two words is left as the reader gave it


def test_who_answers_name_someone_and_what_time_answers_are_times() -> None:
    text = "Dockworkers walked out. The union's leader, Tony Caruso, paid $118,000 at 2:40 p.m. on Monday."
    def span(words: str) -> tuple[int, int]:
        return text.index(words), text.index(words) + len(words)
    assert fits("who leads the union?", AnswerType.PERSON, text, *span("Tony Caruso"))
    assert fits("who leads the union?", AnswerType.PERSON, text, *span("Caruso"))
    assert not fits("who leads the union?", AnswerType.PERSON, text, *span("Dockworkers"))  # capital only as a sentence opens
    assert not fits("who leads the union?", AnswerType.PERSON, text, *span("$118,000"))
    assert fits("what time did it start?", AnswerType.DATE, text, *span("2:40 p.m."))
    assert not fits("what time did it start?", AnswerType.DATE, text, *span("Monday"))
    assert fits("when did it start?", AnswerType.DATE, text, *span("Monday"))  # any date answers 'when'
    assert fits("what day did it start?", AnswerType.DATE, text, *span("Monday"))
    assert not fits("what day did it start?", AnswerType.DATE, "The board voted 7–2.", 16, 19)  # a tally is no day
    assert fits("how many dockworkers walked out?", AnswerType.QUANTITY, "Seven walked out", 0, 5)
    assert not fits("how many dockworkers walked out?", AnswerType.QUANTITY, text, *span("Dockworkers"))


def _hit(text: str) -> Hit:
    return Hit(Passage("/news/a.txt", 0, "T", 0, len(text), 1, text), 0.8, 1, 0.6, 10.0)


def test_a_who_question_prefers_a_name_to_a_likelier_figure_and_shows_one_name() -> None:
    text = "The mediator, Ruth Adeyemi, said pay averages $118,000. The employers' spokesman, Dan Ruiz, disagreed."
    hit = _hit(text)
    spans = [SpanScore(0, text.index("$118,000"), text.index("$118,000") + 8, 9.0, 0.0),
             SpanScore(0, text.index("Ruth Adeyemi"), text.index("Ruth Adeyemi") + 12, 7.0, 0.0),
             SpanScore(0, text.index("Dan Ruiz"), text.index("Dan Ruiz") + 8, 6.9, 0.0)]
    result = read_answers("who is the federal mediator?", [hit], spans, ReaderConfig())
    assert [a.text for a in result.answers] == ["Ruth Adeyemi"]
    figures = read_answers("how much is the average pay?", [hit], spans[:1], ReaderConfig())
    assert figures.answers[0].text == "$118,000"


def test_a_measure_takes_its_unit_and_a_weekday_its_part_of_the_day() -> None:
    from qa.fit import completed

    text = "Ships held 1.4 million tonnes and 4,000 workers. It was contained on Monday evening at 31.6 feet."
    def shown(words: str, kind: AnswerType, question: str = "how much?") -> str:
        start, end = completed(question, text, text.index(words), text.index(words) + len(words), kind)
        return text[start:end]
    assert shown("1.4 million", AnswerType.QUANTITY) == "1.4 million tonnes"
    assert shown("31.6", AnswerType.QUANTITY) == "31.6 feet"
    assert shown("31.6", AnswerType.QUANTITY, "how many feet did it rise?") == "31.6"  # the question names it
    assert shown("4,000", AnswerType.QUANTITY) == "4,000"  # the counted noun repeats the question: left out
    assert shown("Monday", AnswerType.DATE) == "Monday evening"
    assert shown("evening", AnswerType.DATE) == "Monday evening"
    assert shown("Monday", AnswerType.OTHER) == "Monday"
    assert shown("31.6", AnswerType.OTHER, "what is flood stage?") == "31.6 feet"  # a bare number, however asked
    assert shown("Monday", AnswerType.OTHER, "what is flood stage?") == "Monday"


def _date_shown(text: str, words: str) -> str:
    """The date answer `completed` makes of the span `words` in `text`."""
    from qa.fit import completed

    start, end = completed("when was it?", text, text.index(words), text.index(words) + len(words), AnswerType.DATE)
    return text[start:end]


def test_a_range_of_dates_keeps_its_between() -> None:
    text = "The heaters were sold between September 2022 and February 2025 at Hartwell stores, on Monday."
    assert _date_shown(text, "September 2022 and February 2025") == "between September 2022 and February 2025"
    assert _date_shown(text, "September 2022") == "September 2022"  # one date is no range


def test_a_date_ends_where_its_clause_runs_on() -> None:
    text = "Crestel found it on Sept. 5, three days later, and said so on Sept. 8, 2025, at noon."
    assert _date_shown(text, "Sept. 5, three days") == "Sept. 5"
    assert _date_shown(text, "Sept. 8, 2025, at noon") == "Sept. 8, 2025"


def test_by_how_much_asks_for_the_size_of_a_change() -> None:
    text = "Alveron raised the price by 22% to $389, and cut rebates by $40 to $1.1 billion."
    def fit(words: str) -> bool:
        return fits("By how much did Alveron raise the price?", AnswerType.QUANTITY, text, text.index(words),
                    text.index(words) + len(words))
    assert fit("22%") and fit("$40") and not fit("$389") and not fit("$1.1 billion")
    assert fits("How much is the price?", AnswerType.QUANTITY, text, text.index("$389"), text.index("$389") + 4)


def test_only_a_role_holder_must_be_a_name() -> None:
    text = "The members are elected by citizens every five years."
    at = text.index("citizens")
    assert fits("who elects the members?", AnswerType.PERSON, text, at, at + 8)  # an agent may be a group
    assert not fits("who is the speaker of the parliament?", AnswerType.PERSON, text, at, at + 8)


def test_an_answer_about_another_model_goes_after_and_disputes_nothing() -> None:
    from qa.fit import about_another

    text = "The CG-250 sold for about $119. The CG-200 heaters sold for about $89 each."
    hit = _hit(text)
    spans = [SpanScore(0, text.index("$119"), text.index("$119") + 4, 9.0, 0.0),
             SpanScore(0, text.index("$89"), text.index("$89") + 3, 7.0, 0.0)]
    asked = read_answers("How much did the CG-200 heater sell for?", [hit], spans, ReaderConfig())
    assert [a.text for a in asked.answers] == ["$89"] and not asked.disagree  # $119 is the CG-250's price
    assert read_answers("How much did the CG-250 sell for?", [hit], spans, ReaderConfig()).answers[0].text == "$119"
    assert not about_another("How much did it sell for?", text, 26, 30)  # no model asked: nothing is another


def test_a_narrower_kind_of_the_asked_thing_goes_after_and_disputes_nothing() -> None:
    from qa.fit import asked_pairs, narrower

    text = "A monthly reduced-fare pass will cost $48. The monthly pass will cost $96."
    hit = _hit(text)
    spans = [SpanScore(0, text.index("$48"), text.index("$48") + 3, 9.0, 0.0),
             SpanScore(0, text.index("$96"), text.index("$96") + 3, 7.0, 0.0)]
    asked = read_answers("What will the monthly pass cost?", [hit], spans, ReaderConfig(alternative_margin=0.0))
    assert asked.answers[0].text == "$96" and not asked.disagree
    # A measure of the thing leaves it the same thing, and so does an unhyphenated word between.
    assert not narrower(asked_pairs("What does the new contract give?"), "The new four-year contract gives 4%.", 0)
    assert not narrower(asked_pairs("When will the water plant reopen?"), "The water treatment plant reopens Monday.", 0)
    assert narrower(asked_pairs("How much is a monthly pass?"), "A monthly low-income pass is $48.", 0)
