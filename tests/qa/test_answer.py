"""Answer spans: question types, typed candidates, grouping across sources, citations that check out."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.update import update_index
from qa.group import answer_key, shared_text
from qa.pipeline import Pipeline
from qa.question import AnswerType, parse
from qa.spans import candidates


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many firefighters were sent?", AnswerType.QUANTITY),
        ("how much did the bridge cost?", AnswerType.QUANTITY),
        ("What percentage of voters turned out?", AnswerType.QUANTITY),
        ("When did the fire start?", AnswerType.DATE),
        ("In what year was the dam finished?", AnswerType.DATE),
        ("Who ordered the evacuation?", AnswerType.PERSON),
        ("Which agency reported the figure?", AnswerType.ORGANIZATION),
        ("Where did the storm make landfall?", AnswerType.PLACE),
        ("Which city hosted the summit?", AnswerType.PLACE),
        ("Why was the vote delayed?", AnswerType.OTHER),
        ("Who is Wi Sung Lac?", AnswerType.OTHER),
    ],
)
def test_questions_are_typed_by_their_wording(question: str, kind: AnswerType) -> None:
    assert parse(question).kind is kind


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials said 4,000 workers arrived.", "4,000"),
        ("Tickets cost $120 each.", "$120"),
        ("A third of the homes were lost.", "A third"),
        ("Sales rose threefold in a year.", "threefold"),
        ("At least 25 people died.", "At least 25"),
        ("The city has 2.3 million residents.", "2.3 million"),
        ("Between 5 and 8 boats sank.", "Between 5 and 8"),
        ("Turnout reached 61% on Sunday.", "61%"),
    ],
)
def test_quantities_are_found_with_their_hedges_and_scales(sentence: str, expected: str) -> None:
    assert expected in [c.text for c in candidates(sentence, AnswerType.QUANTITY)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The vote was held on March 3 after a delay.", "March 3"),
        ("Work resumes in early May, the mayor said.", "early May"),
        ("The plant closed in 2019.", "2019"),
        ("The report came out last week.", "last week"),
        ("Troops arrived in October 2024.", "October 2024"),
    ],
)
def test_dates_are_found(sentence: str, expected: str) -> None:
    assert expected in [c.text for c in candidates(sentence, AnswerType.DATE)]


def test_a_year_and_the_day_of_a_date_are_not_counts() -> None:
    found = [c.text for c in candidates("On February 7 in 2024, 300 people marched.", AnswerType.QUANTITY)]
    assert found == ["300"]


def test_names_skip_sentence_openers_and_nationality_adjectives() -> None:
    sentence = "However, Volodymyr Zelensky said North Korean troops had returned."
    names = [c.text for c in candidates(sentence, AnswerType.PERSON)]
    assert "Volodymyr Zelensky" in names
    assert "North Korean" not in names and "However" not in " ".join(names)


def test_equal_figures_share_a_key_and_different_ones_do_not() -> None:
    q = AnswerType.QUANTITY
    assert answer_key("11,000", q) == answer_key("11000", q)
    assert answer_key("around 4,000", q) == answer_key("4,000", q)
    assert answer_key("2.3 million", q) == answer_key("2,300,000", q)
    assert answer_key("2375", q) != answer_key("2397", q)
    assert answer_key("$800", q) != answer_key("800", q)
    assert shared_text(["approximately 4,000", "around 4,000"], q) == "4,000"


ARTICLES = {
    "a.txt": "Wildfire forces evacuations\n\nOfficials said about 300 firefighters were battling the "
             "blaze near Redwood Valley on Tuesday. The fire had burned 4,000 acres by the evening.\n",
    "b.txt": "Crews fight the Redwood Valley fire\n\nThe county said 300 firefighters were on the line "
             "on Tuesday, and more crews were expected from Nevada.\n",
    "c.txt": "Fire grows overnight\n\nA spokesman for the state fire agency said 250 firefighters "
             "were fighting the fire on Tuesday, as winds picked up across the valley.\n",
}


@pytest.fixture
def articles_pipeline(tmp_path: Path, fake_embedder) -> Pipeline:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    update_index(tmp_path / "index", [folder], fake_embedder)
    return Pipeline(tmp_path / "index", lambda reader: fake_embedder)


def test_agreeing_sources_are_grouped_and_disagreeing_figures_shown_side_by_side(articles_pipeline) -> None:
    result = articles_pipeline.ask("How many firefighters were fighting the fire?", k=3)
    by_text = {answer.text: answer for answer in result.answers}
    assert {"300", "250"} <= set(by_text)
    assert {Path(s.path).name for s in by_text["300"].sources} == {"a.txt", "b.txt"}
    assert by_text["300"].independent == 2
    assert [Path(s.path).name for s in by_text["250"].sources] == ["c.txt"]


def test_every_answer_source_checks_out_against_its_file(articles_pipeline) -> None:
    result = articles_pipeline.ask("How many firefighters were fighting the fire?", k=3)
    assert result.answers
    for answer in result.answers:
        assert answer.text in answer.context
        for source in answer.sources:
            text = Path(source.path).read_text(encoding="utf-8")
            assert " ".join(text[source.start:source.end].split()) == answer.text
            assert text.count("\n", 0, source.start) + 1 == source.line


def test_each_passage_span_lies_inside_its_passage(articles_pipeline) -> None:
    result = articles_pipeline.ask("How many firefighters were fighting the fire?", k=3)
    assert any(span is not None for span in result.spans)
    for hit, span in zip(result.hits, result.spans):
        if span is not None:
            assert hit.passage.start <= span.start < span.end <= hit.passage.end
            text = Path(hit.passage.path).read_text(encoding="utf-8")
            assert text[span.start:span.end] == span.text


def test_when_questions_get_dates(articles_pipeline) -> None:
    result = articles_pipeline.ask("When were the firefighters battling the blaze?", k=3)
    assert result.answers[0].text == "Tuesday"


def test_numbers_that_name_things_are_not_counts() -> None:
    found = [c.text for c in candidates("Resolution 2397 sent 4,000 workers home.", AnswerType.QUANTITY)]
    assert found == ["4,000"]
    assert [c.text for c in candidates("The 300 firefighters left.", AnswerType.QUANTITY)] == ["300"]
