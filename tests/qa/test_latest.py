"""'Latest' questions put the newest source's figure first; the verdict weighs only rivals of like kind."""

from __future__ import annotations

from index.models import Meta, Passage
from qa.answer import read_answers
from qa.config import ReaderConfig
from qa.models import Hit
from qa.reader import SpanScore


def hit(number: int, text: str, published: str, lexical: float = 10.0) -> Hit:
    passage = Passage(f"/news/{number}.txt", 0, "T", 0, len(text), 1, text, meta=Meta(published=published))
    return Hit(passage, 0.8, number + 1, 0.6, lexical)


def spans_for(hits: list[Hit], wanted: dict[str, float]) -> list[SpanScore]:
    """One span per wanted figure, wherever a hit states it, with the given score against a null of 0."""
    out = []
    for number, one in enumerate(hits):
        for figure, score in wanted.items():
            at = one.passage.text.find(figure)
            if at >= 0:
                out.append(SpanScore(number, at, at + len(figure), score, 0.0))
    return out


ACRES = [
    hit(0, "The fire had burned 14,200 acres by Friday, officials said.", "2025-08-08"),
    hit(1, "The fire grew to 14,200 acres, the county said on Friday.", "2025-08-08"),
    hit(2, "Final mapping put the fire at 17,420 acres, officials said.", "2025-08-19"),
]


def test_the_newest_figure_goes_first_on_a_latest_question_though_older_ones_are_believed_more() -> None:
    spans = spans_for(ACRES, {"14,200": 12.0, "17,420": 3.0})
    older_first = read_answers("how many acres has the fire burned?", ACRES, spans, ReaderConfig())
    newest_first = read_answers("how many acres has the fire burned so far?", ACRES, spans, ReaderConfig(), latest=True)
    assert older_first.answers[0].text == "14,200"
    assert [a.text for a in newest_first.answers][:2] == ["17,420", "14,200"]
    # Two figures days apart on a 'latest' question are its history, not a dispute.
    assert not newest_first.disagree


def test_a_newer_passage_matching_few_of_the_question_words_does_not_go_first() -> None:
    other_story = hit(2, "The breach now affects 500,000 more customers, the company said.", "2025-09-23", lexical=2.0)
    hits = [hit(0, "About 41,000 customers have asked for refunds.", "2025-04-16"),
            hit(1, "About 67,000 customers have asked for refunds.", "2025-04-23"), other_story]
    spans = spans_for(hits, {"41,000": 10.0, "67,000": 9.0, "500,000": 3.0})
    result = read_answers("how many customers have asked for refunds so far?", hits, spans, ReaderConfig(), latest=True)
    assert result.answers[0].text == "67,000"


def test_a_figure_the_reader_prefers_no_answer_to_never_goes_first() -> None:
    spans = spans_for(ACRES, {"14,200": 12.0, "17,420": -1.0})
    result = read_answers("how many acres so far?", ACRES, spans, ReaderConfig(), latest=True)
    assert result.answers[0].text == "14,200"


def test_a_percentage_never_disputes_an_amount_stated_the_same_day() -> None:
    hits = [hit(0, "The price rose 22% to $389 a month.", "2025-02-05"),
            hit(1, "The company now charges $389, a 22% rise.", "2025-02-05"),
            hit(2, "A union said the price was $350 after rebates.", "2025-02-05")]
    spans = spans_for(hits, {"$389": 10.0, "22%": 9.5})
    unlike = read_answers("how much did the price rise?", hits, spans, ReaderConfig(alternative_margin=0.0))
    assert {a.text for a in unlike.answers} == {"$389", "22%"} and not unlike.disagree
    spans = spans_for(hits, {"$389": 10.0, "$350": 9.5})
    like = read_answers("how much is the price?", hits, spans, ReaderConfig(alternative_margin=0.0))
    assert {a.text for a in like.answers} == {"$389", "$350"} and like.disagree


def test_replaced_reads_up_from_from_and_had_said() -> None:
    text = ("Crestel said 5.1 million were hit, up from 4.6 million. The board cut it to $195 from the $210 it set. "
            "The company had said 900 on Monday. It first reported 120.")
    from qa.measure import replaced
    assert [figure for figure in ("5.1", "4.6", "$195", "$210", "900", "120") if replaced(text, text.index(figure))] == \
        ["4.6", "$210", "900", "120"]


def test_a_figure_a_newer_one_replaces_is_neither_dated_nor_disputed_by_the_sources_that_say_so() -> None:
    hits = [
        hit(0, "The company said 4.6 million customers were affected.", "2025-09-22"),
        hit(1, "It said 5.1 million were affected. The company had said 4.6 million customers were affected.", "2025-09-23"),
    ]
    # Believed far more and stated by the newest source too, but there only as the figure replaced.
    spans = spans_for(hits, {"4.6 million": 12.0, "5.1 million": 8.5})
    result = read_answers("how many customers are affected now?", hits, spans, ReaderConfig(), latest=True)
    assert [a.text for a in result.answers] == ["5.1 million", "4.6 million"]
    assert not result.disagree  # 4.6 million was current on the 22nd only; on the 23rd it is history


def test_one_report_giving_the_newest_figure_beside_another_is_not_sources_at_odds() -> None:
    hits = [hit(0, "Crestel said 5.1 million customers were affected, 500,000 customers of them in Ireland.", "2025-09-23"),
            hit(1, "A regulator said 4,000 customers were affected.", "2025-09-23")]
    one_report = read_answers("how many customers are affected now?", hits[:1],
                              spans_for(hits[:1], {"5.1 million": 12.0, "500,000": 9.0}), ReaderConfig(), latest=True)
    assert [a.text for a in one_report.answers] == ["5.1 million", "500,000"] and not one_report.disagree
    two_reports = read_answers("how many customers are affected now?", hits,
                               spans_for(hits, {"5.1 million": 12.0, "4,000": 9.0}), ReaderConfig(), latest=True)
    assert {a.text for a in two_reports.answers} == {"5.1 million", "4,000"} and two_reports.disagree


def test_a_question_naming_its_day_is_answered_first_by_that_days_reports() -> None:
    crews = [hit(0, "About 2,100 firefighters were assigned to the fire on Sunday.", "2025-08-10"),
             hit(1, "The district said 1,650 firefighters were assigned.", "2025-08-08"),
             hit(2, "Some 980 firefighters were on the lines.", "2025-08-05")]
    spans = spans_for(crews, {"2,100": 9.0, "1,650": 5.0, "980": 4.0})
    named = read_answers("how many firefighters were assigned on Friday, Aug. 8?", crews, spans, ReaderConfig())
    unnamed = read_answers("how many firefighters were assigned?", crews, spans, ReaderConfig())
    assert named.answers[0].text == "1,650" and unnamed.answers[0].text == "2,100"
    # The next morning's report is that day's too; a week earlier is not.
    later = [hit(0, crews[0].passage.text, "2025-08-10"), hit(1, crews[1].passage.text, "2025-08-09"), crews[2]]
    assert read_answers("how many firefighters were assigned on Aug. 8?", later, spans, ReaderConfig()).answers[0].text == "1,650"


def test_a_span_over_the_newest_figure_and_the_one_it_replaces_gives_the_newest_its_own_place() -> None:
    ships = [hit(0, "Some 46 ships were waiting at anchor, the port said.", "2025-03-20"),
             hit(1, "The number of ships waiting at anchor fell to 19 on Monday, from 46 when the deal was reached.",
                 "2025-03-24")]
    text = ships[1].passage.text
    bridge = text.index("19 on Monday")
    spans = [*spans_for(ships, {"46": 9.0}), SpanScore(1, bridge, text.index(" when"), 8.5, 0.0)]
    latest = read_answers("how many ships are waiting now?", ships, spans, ReaderConfig(), latest=True)
    assert [a.text for a in latest.answers][:2] == ["19", "46"]
    plain = read_answers("how many ships were waiting?", ships, spans, ReaderConfig())
    assert "19" not in [a.text for a in plain.answers]  # outside 'latest' the span is read as the reader gave it


MARGINS = [
    hit(0, "With most ballots counted, the margin is roughly 0.4 percentage points.", "2025-11-14"),
    hit(1, "Olmedo's lead was 391 votes on Thursday. The county certified her the winner by 402 votes.", "2025-11-18"),
]


def test_a_figure_a_report_dates_to_an_earlier_weekday_is_that_days_and_any_unit_answers_a_nounless_question() -> None:
    spans = spans_for(MARGINS, {"0.4 percentage points": 9.0, "391 votes": 8.0, "402 votes": 5.0})
    result = read_answers("What is the latest margin in the race?", MARGINS, spans, ReaderConfig(), latest=True)
    # Tuesday's report gives 391 as Thursday's lead and 402 as its own day's; the newer 402 goes first though
    # the best-believed answer counts percentage points, not votes.
    assert result.answers[0].text == "402 votes"
    counted = read_answers("How many points is the latest margin?", MARGINS,
                           spans_for(MARGINS, {"0.4 percentage points": 9.0, "402 votes": 5.0}), ReaderConfig(),
                           latest=True)
    assert counted.answers[0].text == "0.4 percentage points"  # a 'how many' question keeps to what it counts


def test_a_figure_the_newest_ones_own_sentence_replaces_is_its_history_though_another_source_says_it_that_day() -> None:
    current = "The current monthly pass costs $90, the authority said."
    for wording, disputed in (("The monthly pass will rise to $96 from $90.", False),
                              ("The monthly pass will cost $96.", True)):
        hits = [hit(0, wording, "2025-01-24"), hit(1, current, "2025-01-24")]
        # The reader proposes $90 only where it is stated as current, never as the figure replaced.
        spans = [*spans_for(hits[:1], {"$96": 10.0}), SpanScore(1, current.index("$90"), current.index("$90") + 3, 9.0, 0.0)]
        result = read_answers("What will the monthly pass cost now?", hits, spans, ReaderConfig(alternative_margin=0.0),
                              latest=True)
        assert [a.text for a in result.answers] == ["$96", "$90"]
        assert result.disagree is disputed
