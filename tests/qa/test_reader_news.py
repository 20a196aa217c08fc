"""News-dressed training windows: the answer still lies under its labels, furniture never does."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.reader import MODEL_DIR
from qa.reader_examples import SquadQuestion, positive
from qa.reader_news import dress
from qa.reader_windows import load_tokenizer

TOKENIZER = load_tokenizer(str(MODEL_DIR / "tokenizer.json"))
CONTEXT = "The bridge opened in 1932 after six years of work. It cost 4 million pounds to build."


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_dressing_keeps_the_context_verbatim_at_its_shift(seed: int) -> None:
    dressed = dress(CONTEXT, random.Random(seed))
    assert dressed.text[dressed.shift : dressed.shift + len(CONTEXT)] == CONTEXT


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_a_dressed_positive_labels_the_answer_not_the_furniture(seed: int) -> None:
    question = SquadQuestion("a", "How much did it cost?", CONTEXT, ((59, "4 million pounds"),), 0, 0)
    example = positive(TOKENIZER, question, random.Random(seed), 128, 40, news=True)
    assert example is not None
    window = example.window
    first, last = example.start - window.context_from, example.end - window.context_from
    start, end = window.starts[first], window.ends[last]
    # The window's offsets point into the dressed text; the labelled tokens spell the answer.
    spelled = TOKENIZER.decode(list(window.ids[example.start : example.end + 1]))
    assert spelled.replace(" ", "") == "4millionpounds"
    assert end - start == len("4 million pounds")


def test_dressing_varies_with_the_seed_and_repeats_with_it() -> None:
    texts = {dress(CONTEXT, random.Random(seed)).text for seed in range(40)}
    assert len(texts) > 20
    assert dress(CONTEXT, random.Random(5)) == dress(CONTEXT, random.Random(5))
