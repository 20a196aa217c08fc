"""A 'what X' answer ending with X takes the number that names which one ('Resolution 2375')."""

from __future__ import annotations

from index.models import Passage
from qa.answer import read_answers
from qa.config import ReaderConfig
from qa.models import Hit
from qa.reader import SpanScore


def answer_to(question: str, text: str, said: str) -> str:
    passage = Passage("/news/a.txt", 0, "A", 0, len(text), 1, text)
    at = text.index(said)
    result = read_answers(question, [Hit(passage, 0.8, 1, 0.6)], [SpanScore(0, at, at + len(said), 12.0, 0.0)],
                          ReaderConfig())
    return result.answers[0].text


TEXT = "Both countries violated UN Security Council Resolution 2375, which bans work permits."


def test_the_asked_noun_takes_its_number() -> None:
    assert answer_to("what resolution bans the permits?", TEXT, "UN Security Council Resolution") == \
        "UN Security Council Resolution 2375"


def test_other_questions_and_other_nouns_leave_the_span_alone() -> None:
    assert answer_to("who bans the permits?", TEXT, "UN Security Council Resolution") == "UN Security Council Resolution"
    assert answer_to("what council bans the permits?", TEXT, "UN Security Council") == "UN Security Council"


def test_a_source_stating_the_number_words_the_answer_and_the_sentence_end_is_not_taken() -> None:
    text = "The fire jumped Route 94. Crews held it there."
    assert answer_to("which route did the fire jump?", text, "Route") == "Route 94"
