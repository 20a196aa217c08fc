"""Answers from reader spans: grouping across sources, disagreement, confidence, citations that check out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.models import Passage
from qa.answer import read_answers
from qa.mentions import mentions
from qa.config import ReaderConfig
from qa.group import answer_key, shared_text
from qa.models import Hit
from qa.question import AnswerType, answer_type
from qa.reader import SpanScore

CONFIG = ReaderConfig(similarity_weight=0.0, null_threshold=0.0)  # the reader's margin alone unless a test adds more


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many firefighters were sent?", AnswerType.QUANTITY),
        ("how much did the bridge cost?", AnswerType.QUANTITY),
        ("When did the fire start?", AnswerType.DATE),
        ("Who ordered the evacuation?", AnswerType.PERSON),
        ("Where did the storm make landfall?", AnswerType.PLACE),
        ("Why was the vote delayed?", AnswerType.OTHER),
        ("What is the average net price of an inhaler after rebates?", AnswerType.QUANTITY),
        ("What was Respivane's list price before the increase?", AnswerType.QUANTITY),
        ("What was the name of the ship?", AnswerType.OTHER),
    ],
)
def test_questions_are_typed_by_their_wording(question: str, kind: AnswerType) -> None:
    assert answer_type(question) is kind


def test_equal_figures_share_a_key_and_different_ones_do_not() -> None:
    q = AnswerType.QUANTITY
    assert answer_key("11,000", q) == answer_key("11000", q)
    assert answer_key("around 4,000", q) == answer_key("4,000", q)
    assert answer_key("2.3 million", q) == answer_key("2,300,000", q)
    assert answer_key("2375", q) != answer_key("2397", q)
    assert answer_key("$800", q) != answer_key("800", q)
    assert shared_text(["approximately 4,000", "around 4,000"], q) == "4,000"


@pytest.mark.parametrize("text", ["fold", "3fold", "-fold", "", "twenty-fold", "1,2,3fold"])
def test_number_keys_never_crash(text: str) -> None:
    answer_key(text, AnswerType.QUANTITY)


ARTICLES = {
    "a.txt": "Wildfire forces evacuations\n\nOfficials said about 300 firefighters were battling the "
             "blaze near Redwood Valley on Tuesday. The fire had burned 4,000 acres by the evening.\n",
    "b.txt": "Crews fight the Redwood Valley fire\n\nThe county said 300\nfirefighters were on the line "
             "on Tuesday, and more crews were expected from Nevada.\n",
    "c.txt": "Fire grows overnight\n\nA spokesman for the state fire agency said 250 firefighters "
             "were fighting the fire on Tuesday, as winds picked up across the valley.\n",
}
QUESTION = "How many firefighters were on the fire?"  # no verb asked: the reader's order decides


@pytest.fixture
def hits(tmp_path: Path) -> list[Hit]:
    """One hit per article: its body paragraph as the passage, located in the file."""
    found = []
    for rank, (name, text) in enumerate(ARTICLES.items(), start=1):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        start = text.index("\n\n") + 2
        body = text[start:].rstrip("\n")
        passage = Passage(str(path), 0, text.split("\n")[0], start, start + len(body), 3, " ".join(body.split()))
        found.append(Hit(passage, 1.0 - rank / 10, rank))
    return found


def span(hits: list[Hit], number: int, text: str, score: float, null: float = 0.0) -> SpanScore:
    """The reader proposing `text` in hit `number`'s passage with a score."""
    at = hits[number].passage.text.index(text)
    return SpanScore(number, at, at + len(text), score, null)


def test_agreeing_sources_are_grouped_and_a_close_second_figure_shown_beside(hits) -> None:
    spans = [span(hits, 0, "300", 9.0), span(hits, 1, "300", 8.5), span(hits, 2, "250", 8.8),
             span(hits, 0, "4,000", 2.0)]
    result = read_answers(QUESTION, hits, spans, CONFIG)
    by_text = {answer.text: answer for answer in result.answers}
    assert list(by_text) == ["300", "250"]  # 4,000 acres scores far below: no disagreement with it
    assert {Path(s.path).name for s in by_text["300"].sources} == {"a.txt", "b.txt"}
    assert by_text["300"].independent == 2
    assert not result.low_confidence


def test_a_figure_scoring_far_below_is_not_shown_as_disagreeing(hits) -> None:
    spans = [span(hits, 0, "300", 9.0), span(hits, 2, "250", 3.0)]
    result = read_answers(QUESTION, hits, spans, CONFIG)
    assert [answer.text for answer in result.answers] == ["300"]


def test_an_alternative_the_reader_would_not_give_alone_is_not_shown(hits) -> None:
    # Close in share, but its window prefers 'no answer': it answers something else.
    spans = [span(hits, 0, "300", 9.0), span(hits, 2, "250", 8.9, null=12.0)]
    result = read_answers(QUESTION, hits, spans, CONFIG)
    assert [answer.text for answer in result.answers] == ["300"]


def test_low_confidence_comes_from_the_no_answer_score(hits) -> None:
    sure = read_answers(QUESTION, hits, [span(hits, 0, "300", 9.0, null=2.0)], CONFIG)
    unsure = read_answers(QUESTION, hits, [span(hits, 0, "300", 2.0, null=9.0)], CONFIG)
    assert not sure.low_confidence and sure.confidence == pytest.approx(7.0)
    assert unsure.low_confidence and unsure.confidence == pytest.approx(-7.0)
    stricter = replace(CONFIG, null_threshold=8.0)
    assert read_answers(QUESTION, hits, [span(hits, 0, "300", 9.0, null=2.0)], stricter).low_confidence


def test_a_passage_far_from_the_question_lowers_confidence(hits) -> None:
    # The same reader margin, in a passage close to the question and in one about something else.
    config = replace(CONFIG, similarity_weight=20.0, null_threshold=10.0)
    near, far = replace(hits[0], dense=0.55), replace(hits[0], dense=0.12)
    sure = read_answers(QUESTION, [near], [span([near], 0, "300", 9.0, null=2.0)], config)
    unsure = read_answers(QUESTION, [far], [span([far], 0, "300", 9.0, null=2.0)], config)
    assert sure.confidence == pytest.approx(7.0 + 11.0) and not sure.low_confidence
    assert unsure.confidence == pytest.approx(7.0 + 2.4) and unsure.low_confidence


def test_no_spans_is_low_confidence_with_no_answers(hits) -> None:
    result = read_answers(QUESTION, hits, [], CONFIG)
    assert result.low_confidence and result.answers == ()


def test_every_answer_source_checks_out_against_its_file(hits) -> None:
    spans = [span(hits, 0, "300", 9.0), span(hits, 1, "300", 8.5), span(hits, 2, "250", 8.8)]
    result = read_answers(QUESTION, hits, spans, CONFIG)
    for answer in result.answers:
        assert answer.text in answer.context and answer.in_context is not None
        assert answer.context[answer.in_context[0]:answer.in_context[1]] == answer.text  # where it stands, not searched
        for source in answer.sources:
            text = Path(source.path).read_text(encoding="utf-8")
            assert " ".join(text[source.start:source.end].split()) == answer.text
            assert text.count("\n", 0, source.start) + 1 == source.line


def test_each_hit_marks_the_answer_it_states_inside_its_passage(hits) -> None:
    spans = [span(hits, 0, "300", 9.0), span(hits, 1, "300", 8.5), span(hits, 2, "250", 3.0)]
    result = read_answers(QUESTION, hits, spans, CONFIG)
    marked = [hit.answer for hit in result.hits]
    assert [m.text if m else None for m in marked] == ["300", "300", None]
    for hit in result.hits:
        if hit.answer is not None:
            assert hit.passage.start <= hit.answer.start < hit.answer.end <= hit.passage.end
            text = Path(hit.passage.path).read_text(encoding="utf-8")
            assert text[hit.answer.start:hit.answer.end] == hit.answer.text


def test_spans_lose_edge_punctuation_and_repeats_from_overlapping_windows(hits) -> None:
    text = hits[0].passage.text
    at = text.index("300")
    spans = [SpanScore(0, at - 1, at + 4, 5.0, 0.0), SpanScore(0, at - 1, at + 4, 6.0, 0.0),
             SpanScore(0, at, at + 3, 4.0, 0.0)]
    found = mentions(spans, hits, CONFIG)
    assert [m.text for m in found] == ["300"] and found[0].margin == 6.0


def test_names_contained_in_longer_names_are_one_answer(tmp_path) -> None:
    path = tmp_path / "z.txt"
    text = "Volodymyr Zelensky spoke first. Later Zelensky spoke again."
    path.write_text(text, encoding="utf-8")
    hit = Hit(Passage(str(path), 0, None, 0, len(text), 1, text), 1.0, 1)
    spans = [SpanScore(0, 0, 18, 9.0, 0.0), SpanScore(0, text.index("Later") + 6, text.index(" spoke again"), 8.9, 0.0)]
    result = read_answers("who spoke?", [hit], spans, CONFIG)
    # Shown whole, as the span holding the other states it; one document, listed once.
    assert [a.text for a in result.answers] == ["Volodymyr Zelensky"] and len(result.answers[0].sources) == 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 200), st.integers(1, 40),
                          st.floats(-20, 20), st.floats(-20, 20)), max_size=30))
def test_any_spans_give_answers_whose_sources_check_out(hits, proposals) -> None:
    spans = []
    for number, start, length, score, null in proposals:
        text = hits[number].passage.text
        start = min(start, len(text) - 1)
        spans.append(SpanScore(number, start, min(len(text), start + length), score, null))
    result = read_answers(QUESTION, hits, spans, CONFIG)
    assert len(result.answers) <= CONFIG.max_answers
    for answer in result.answers:
        assert answer.text and answer.text == answer.text.strip()
        assert 0.0 <= answer.score <= 1.0
        for source in answer.sources:
            text = Path(source.path).read_text(encoding="utf-8")
            assert " ".join(text[source.start:source.end].split()) == answer.text
    for hit in result.hits:
        if hit.answer is not None:
            assert hit.passage.start <= hit.answer.start < hit.answer.end <= hit.passage.end


def filed(folder: Path, name: str, text: str, score: float = 1.0, rank: int = 1) -> Hit:
    """A hit whose passage is the whole of a file written with `text` (so sources can be located in it)."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return Hit(Passage(str(path), 0, None, 0, len(text), 1, text), score, rank)


def test_a_title_and_a_full_name_are_one_answer(tmp_path) -> None:
    text = "Volodymyr Zelensky said the troops were back. Mr Zelensky said it again on Sunday."
    hit = filed(tmp_path, "z.txt", text, 0.9)
    first, second = text.index("Volodymyr Zelensky"), text.index("Mr Zelensky")
    spans = [SpanScore(0, first, first + len("Volodymyr Zelensky"), 9.0, 0.0),
             SpanScore(0, second, second + len("Mr Zelensky"), 8.8, 0.0)]
    result = read_answers("who said the troops were back?", [hit], spans, CONFIG)
    assert [answer.text for answer in result.answers] == ["Volodymyr Zelensky"]  # no disagreement with himself


def test_a_group_without_one_common_wording_shows_the_one_most_spans_state() -> None:
    texts = ["president Volodymyr Zelensky", "Volodymyr Zelensky", "Mr Zelensky", "Volodymyr Zelensky"]
    assert shared_text(texts, answer_type("who said it?")) == "Volodymyr Zelensky"


def test_a_rival_must_be_what_its_own_passage_answers(tmp_path) -> None:
    first = "The union said 4,200 dockworkers walked out on Monday."
    second = "The port said 2,900 dockworkers walked out, and 3,400 dockworkers stayed home; 31 cranes stood idle."
    hits = [filed(tmp_path, f"{number}.txt", text, rank=number + 1) for number, text in enumerate((first, second))]
    def at(number: int, words: str, score: float) -> SpanScore:
        start = (first, second)[number].index(words)
        return SpanScore(number, start, start + len(words), score, 0.0)
    question = "how many dockworkers walked out?"
    rival = read_answers(question, hits, [at(0, "4,200", 12.0), at(1, "2,900", 9.0), at(1, "31", 8.0)], CONFIG)
    assert [a.text for a in rival.answers] == ["4,200", "2,900"] and rival.disagree
    # When the second passage's own best answer is another figure, a lesser one there is no rival.
    other = read_answers(question, hits, [at(0, "4,200", 12.0), at(1, "3,400", 9.0), at(1, "2,900", 8.0)], CONFIG)
    assert [a.text for a in other.answers] == ["4,200", "3,400"]


def test_a_rival_only_span_stands_beside_the_first_answer_but_never_first(tmp_path) -> None:
    text = "The union said 4,200 dockworkers walked out; the port put the number of dockworkers at 2,900."
    hit = filed(tmp_path, "port.txt", text)
    union, port = text.index("4,200"), text.index("2,900")
    first = SpanScore(0, union, union + 5, 9.0, 0.0)
    rival = SpanScore(0, port, port + 5, 9.5, 0.0, rival_only=True)  # even scored above the first
    question = "how many dockworkers walked out?"
    result = read_answers(question, [hit], [first, rival], CONFIG)
    assert [a.text for a in result.answers] == ["4,200", "2,900"] and result.disagree
    again = read_answers(question, [hit], [first, SpanScore(0, union, union + 5, 9.5, 0.0, rival_only=True)], CONFIG)
    alone = read_answers(question, [hit], [first], CONFIG)
    assert [(a.text, a.score) for a in again.answers] == [(a.text, a.score) for a in alone.answers]  # no belief added


def test_a_name_is_shown_whole_and_cited_in_every_source(tmp_path) -> None:
    hits = [filed(tmp_path, "a.txt", "Coroner Pike said two more bodies were found.", rank=1),
            filed(tmp_path, "b.txt", "The county coroner, Dr. Samuel Pike's office said, named them.", rank=2)]
    short, whole = hits[0].passage.text.index("Pike"), hits[1].passage.text.index("Samuel")
    spans = [SpanScore(0, short, short + 4, 9.0, 0.0), SpanScore(1, whole, whole + len("Samuel Pike's"), 8.0, 0.0)]
    result = read_answers("who is the county coroner?", hits, spans, CONFIG)
    (answer,) = result.answers
    assert answer.text == "Samuel Pike"  # the possessive left out
    assert [source.path.rsplit("/", 1)[1] for source in answer.sources] == ["b.txt", "a.txt"]  # the whole wording first
    assert answer.context[slice(*answer.in_context)] == "Samuel Pike"


def test_a_count_of_a_misread_noun_keeps_the_readers_order(tmp_path) -> None:
    def read(text: str, question: str) -> str:
        hit = filed(tmp_path, "f.txt", text)
        spans = [SpanScore(0, text.index("600"), text.index("600") + 3, 9.0, 0.0),
                 SpanScore(0, text.index("11"), text.index("11") + 2, 5.0, 0.0)]
        return read_answers(question, [hit], spans, CONFIG).answers[0].text
    # No figure counts 'brightwell': the asked noun was misread, so a nounless '11' is not preferred to '600 workers'.
    assert read("Brightwell furloughed 600 workers; 11 were rehired.", "how many Brightwell workers were furloughed?") == "600"
    # A figure that does count the asked noun still goes before one counting something else.
    assert read("Brightwell furloughed 600 workers and shut 11 lines.", "how many lines were shut?") == "11"


def test_a_rival_must_name_what_is_asked_when_the_first_does(tmp_path) -> None:
    hits = [filed(tmp_path, "a.txt", "The expansion adds about 72,000 CG-250 heaters sold since 2023.", rank=1),
            filed(tmp_path, "b.txt", "The recall now covers about 212,000 heaters in all.", rank=2),
            filed(tmp_path, "c.txt", "Brightwell said 64,000 were added on Tuesday.", rank=3)]
    def at(number: int, words: str, score: float) -> SpanScore:
        start = hits[number].passage.text.index(words)
        return SpanScore(number, start, start + len(words), score, 0.0)
    question = "How many CG-250 heaters were added to the recall?"
    total = read_answers(question, hits, [at(0, "72,000", 9.0), at(1, "212,000", 8.5)], CONFIG)
    assert [a.text for a in total.answers] == ["72,000"] and not total.disagree  # a total, not the added count
    nameless = read_answers(question, hits, [at(0, "72,000", 9.0), at(2, "64,000", 8.5)], CONFIG)
    assert [a.text for a in nameless.answers] == ["72,000", "64,000"] and nameless.disagree  # names nothing: may be


def test_a_figure_whose_sentence_says_what_was_asked_goes_first(tmp_path) -> None:
    hits = [filed(tmp_path, "a.txt", "About 2,100 firefighters were assigned to the fire on Sunday.", rank=1),
            filed(tmp_path, "b.txt", "Four firefighters were hurt when the fire jumped the highway.", rank=2)]
    def at(number: int, words: str, score: float) -> SpanScore:
        start = hits[number].passage.text.index(words)
        return SpanScore(number, start, start + len(words), score, 0.0)
    spans = [at(0, "2,100", 9.0), at(1, "Four", 6.0)]
    assert read_answers("How many firefighters were hurt?", hits, spans, CONFIG).answers[0].text == "Four"
    assert read_answers("How many firefighters were assigned?", hits, spans, CONFIG).answers[0].text == "2,100"
    assert read_answers("How many firefighters?", hits, spans, CONFIG).answers[0].text == "2,100"  # no verb asked


def test_a_span_run_on_into_the_next_sentence_is_shown_and_cited_up_to_its_end(tmp_path) -> None:
    text = "The flood has killed 15 people. The number of people still unaccounted for fell to nine."
    hits = [filed(tmp_path, "flood.txt", text)]
    start = text.index("15")
    result = read_answers("how many people died?", hits, [SpanScore(0, start, len(text) - 1, 9.0, 0.0)], CONFIG)
    [answer] = result.answers
    assert answer.text == "15 people"
    source = answer.sources[0]
    assert (tmp_path / "flood.txt").read_text()[source.start:source.end] == "15 people"
