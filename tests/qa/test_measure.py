"""Disagreement means the same thing counted at the same time: counted nouns, and a change over time."""

from __future__ import annotations

from index.models import Meta
from qa.measure import (another_day, days_asked, asked, asked_phrase, asked_verb, at_once, counts_all, does, forecast, grain,
                        same_thing, stated, told)
from qa.models import Answer, Result, Source
from qa.present import verdict


def test_what_a_figure_counts() -> None:
    text = "Around 4,000 North Korean workers arrived; 46 ships waited and 14,200 acres burned; seven of its members"
    assert same_thing(asked("How many workers arrived?"), stated(text, 7, 12))
    assert not same_thing(asked("How many workers arrived?"), stated(text, 43, 45))  # 46 ships
    assert stated(text, 63, 75) == ("acr",)
    assert stated("About 240 firefighters remain.", 0, 9) == ("firefighter",)  # a hedge names nothing counted
    assert same_thing(stated(text, 84, 89), asked("how many people were hurt?"))  # a group's members are people
    assert same_thing(asked("How many people were injured?"), stated("There were 17 injuries", 11, 13))
    assert same_thing(stated("three weeks", 0, 11), stated("10 days", 0, 7))  # two durations, in any unit
    assert stated("About 40,000 joined the group action", 6, 12) == ()  # a verb names nothing counted
    assert stated("700 still displaced", 0, 3) == () and stated("1,100 residents remain displaced", 0, 5) == ("people",)
    assert same_thing(asked("how many troops were sent?"), stated("roughly 11,000 soldiers went", 8, 14))
    assert same_thing((), ("ship",))  # a figure that names nothing may count anything
    assert stated("Whitfield went to bed with a 2,140-vote lead", 29, 34) == ("vote",)  # a compound's noun
    assert same_thing(asked("how many dockworkers went on strike?"), stated("2,900 workers struck", 0, 5))


def test_words_the_question_says_the_figure_did_name_nothing_it_counts() -> None:
    question = "How many people have joined the group legal action against Crestel?"
    headline = "40,000 join group legal action against Crestel"
    assert told(question) >= {"join", "group", "legal", "action"} and "crestel" not in told(question)
    assert stated(headline, 0, 6, told(question)) == () and stated(headline, 0, 6) != ()
    # Only what follows the question's verb: the asked noun phrase itself still names what is counted.
    assert told("How many CG-250 heaters were added to the recall?") == {"recall", "added"}
    text = "The expansion adds 72,000 CG-250 heaters."
    assert stated(text, 19, 25, told("How many CG-250 heaters were added to the recall?")) == ("cg-250", "heater")
    assert told("how many dockworkers went on strike?") == frozenset()  # no auxiliary: nothing read as told


def test_what_a_question_counts_is_read_as_a_figures_words_are() -> None:
    assert asked_phrase("How many CG-250 heaters were added to the recall?") == ("cg-250", "heater")
    assert asked_phrase("How many Crestel customers had numbers exposed?") == ("customer",)  # a name is context
    text = "It adds 72,000 CG-250 heaters; the recall covers 212,000 heaters."
    added, total = text.index("72,000"), text.index("212,000")
    wanted = asked_phrase("How many CG-250 heaters were added to the recall?")
    assert counts_all(wanted, stated(text, added, added + 6)) and not counts_all(wanted, stated(text, total, total + 7))


def test_the_verb_a_question_asks_is_found_in_a_sentence_in_any_form() -> None:
    assert asked_verb("How many heaters were added to the recall?") == "add" and asked_verb("how many workers?") == ""
    assert asked_verb("How many ships have been diverted away from the port?") == "divert"  # not 'been'
    assert asked_verb("How many people are still missing after the flood?") == "miss"  # not 'still'
    assert asked_verb("How many customers are still without power?") == ""  # a preposition is no verb
    text = "The expansion adds 72,000 heaters. Some 140,000 were recalled before."
    assert does("add", text, text.index("72,000")) and not does("add", text, text.index("140,000"))


def test_a_figure_said_of_another_day_than_the_questions() -> None:
    text = "Whitfield's lead on election night was 2,140 votes. He led by 488 votes on Friday."
    question = "By how many votes did Whitfield lead on election night?"
    days = days_asked(question)
    assert not another_day(days, text, text.index("2,140")) and another_day(days, text, text.index("488"))
    assert not another_day(days_asked("By how many votes did Whitfield lead?"), text, text.index("488"))  # no time asked
    assert not another_day(days_asked("How many votes on Friday?"), text, text.index("488"))


def test_how_finely_a_date_tells_the_time() -> None:
    assert [grain(t) for t in ("2019", "Monday", "March 1", "Sept. 5, 2025", "January 2025", "2:40 p.m.", "next month")] == \
        ["year", "weekday", "day", "day", "month", "time", ""]


def test_a_forecast_figure_is_told_from_a_measured_one() -> None:
    text = "The river was forecast to crest at 33 feet. It crested at 31.6 feet, lower than the 33 feet forecasters had predicted."
    assert forecast(text, text.index("33"), text.index("33") + 7)
    assert not forecast(text, text.index("31.6"), text.index("31.6") + 9)
    assert forecast(text, text.rindex("33"), text.rindex("33") + 7)


def answer(text: str, *dates: str | None) -> Answer:
    return Answer(text, 0.5, text, tuple(Source(f"/{i}.txt", 0, 1, 1, meta=Meta(published=d)) for i, d in enumerate(dates)))


def test_figures_stated_days_apart_changed_over_time_and_at_once_disagree() -> None:
    apart = (answer("8,500", "2025-08-05"), answer("14,200", "2025-08-08"))
    together = (answer("4,200", "2025-03-10"), answer("2,900", "2025-03-11"))
    undated = (answer("4,200", "2025-03-10"), answer("2,900", None))
    assert not at_once(apart, 1) and at_once(together, 1) and at_once(undated, 1)
    assert at_once(apart, None)  # a time that stays what it was: any two days
    from index.models import Passage
    from qa.models import Hit

    read = (Hit(Passage("/0.txt", 0, None, 0, 5, 1, "8,500"), 0.5, 1),)
    assert verdict(Result("q", read, apart, disagree=False)) == "The figure changed over time"
    assert verdict(Result("q", read, together, disagree=True)) == "Sources disagree"


def test_two_times_for_a_past_moment_disagree_whenever_they_were_written(tmp_path) -> None:
    from index.models import Passage
    from qa.answer import read_answers
    from qa.config import ReaderConfig
    from qa.models import Hit
    from qa.question import asks_past
    from qa.reader import SpanScore

    texts = {"2025-08-03": "The fire was first reported at 2:40 p.m. Sunday.",
             "2025-08-06": "A caller first reported the fire at 2:15 p.m., records show."}
    hits = []
    for number, (day, text) in enumerate(texts.items()):
        path = tmp_path / f"{number}.txt"
        path.write_text(text, encoding="utf-8")
        hits.append(Hit(Passage(str(path), 0, None, 0, len(text), 1, text, meta=Meta(published=day)), 0.8, number + 1))
    spans = [SpanScore(n, h.passage.text.index("2:"), h.passage.text.index("p.m.") + 4, 9.0 - n, 0.0)
             for n, h in enumerate(hits)]
    config = ReaderConfig(similarity_weight=0.0, null_threshold=0.0)
    past = read_answers("what time was the fire first reported?", hits, spans, config)
    planned = read_answers("what time will the meeting start?", hits, spans, config)
    assert [len(past.answers), past.disagree] == [2, True] and [len(planned.answers), planned.disagree] == [2, False]
    assert asks_past("When did the hackers get in?") and not asks_past("When does the recount begin?")
    assert not asks_past("When was the vote expected to happen?")


def test_a_document_repeating_the_answer_is_one_source() -> None:
    from index.models import Passage
    from qa.answer import read_answers
    from qa.config import ReaderConfig
    from qa.models import Hit
    from qa.reader import SpanScore

    text = " ".join(["Officials said 4,000 workers arrived."] * 5)
    passage = Passage("/news/a.txt", 0, "A", 0, len(text), 1, text)
    spans = [SpanScore(0, at, at + 5, 12.0, -4.0) for at in range(len(text)) if text.startswith("4,000", at)]
    result = read_answers("how many workers arrived?", [Hit(passage, 1.0, 1, 0.6)], spans, ReaderConfig())
    assert len(spans) == 5 and [a.text for a in result.answers] == ["4,000"]
    assert len(result.answers[0].sources) == 1
