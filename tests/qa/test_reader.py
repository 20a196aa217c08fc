"""The trained reader: windows, the shipped ONNX weights and their checks, and reproducible training."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import ReaderDamagedError
from qa.config import ReaderConfig
from qa.reader import MODEL_DIR, ONNX_NAME, STAMP_NAME, SpanReader
from qa.reader_windows import load_tokenizer, special_ids, token_span, tokenize, windows

TOKENIZER = load_tokenizer(str(MODEL_DIR / "tokenizer.json"))
SPECIALS = special_ids(TOKENIZER)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=1500), st.integers(min_value=48, max_value=256), st.integers(min_value=0, max_value=40))
def test_windows_cover_every_context_token_and_point_back_into_the_text(text: str, max_length: int, stride: int) -> None:
    question, context = tokenize(TOKENIZER, "how many workers were sent?"), tokenize(TOKENIZER, text)
    found = windows(question, context, SPECIALS, max_length, 40, stride)
    covered: set[tuple[int, int]] = set()
    for window in found:
        assert len(window.ids) <= max(max_length, 40 + 8 + 3)
        assert len(window.ids) == len(window.type_ids)
        assert window.ids[0] == SPECIALS[0] and window.ids[-1] == SPECIALS[1]
        assert len(window.starts) == len(window.ids) - window.context_from - 1
        for start, end in zip(window.starts, window.ends):
            assert 0 <= start <= end <= len(text)
            covered.add((start, end))
    assert covered == set(zip(context.starts, context.ends))


def test_token_span_finds_the_tokens_of_an_answer() -> None:
    text = "Officials said around 4,000 workers arrived on Sunday."
    context = tokenize(TOKENIZER, text)
    first, last = token_span(context, text.index("4,000"), text.index("4,000") + 5)
    assert text[context.starts[first]:context.ends[last]] == "4,000"


@pytest.fixture(scope="module")
def reader() -> SpanReader:
    return SpanReader(ReaderConfig())


def test_the_shipped_reader_finds_the_answer_span(reader) -> None:
    texts = ["The weather was mild and the harvest came in early this year.",
             "Officials said around 4,000 North Korean workers arrived in Russia last year."]
    spans = reader.read("How many North Korean workers arrived in Russia?", texts)
    best = max(spans, key=lambda s: s.score - s.null)
    assert best.passage == 1 and "4,000" in texts[1][best.start:best.end]
    for span in spans:
        assert 0 <= span.start < span.end <= len(texts[span.passage])


def test_the_reader_prefers_no_answer_where_nothing_answers(reader) -> None:
    spans = reader.read("Who won the 2018 world cup?", ["Officials said around 4,000 workers arrived in Russia."])
    assert max(s.score - s.null for s in spans) < 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "stamp"])
def test_a_damaged_reader_is_one_error_naming_the_fix(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "reader"
    shutil.copytree(MODEL_DIR, folder)
    model = folder / ONNX_NAME
    if damage == "flip":
        data = bytearray(model.read_bytes())
        data[len(data) // 2] ^= 0xFF
        model.write_bytes(bytes(data))
    elif damage == "truncate":
        model.write_bytes(model.read_bytes()[:1000])
    else:
        (folder / STAMP_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(ReaderDamagedError) as caught:
        SpanReader(ReaderConfig(folder=str(folder)))
    assert caught.value.fix and "reinstall" in caught.value.fix
    assert "\n" not in str(caught.value)


@pytest.mark.model
def test_ask_reports_a_damaged_reader_in_one_line(tmp_path: Path, monkeypatch, capsys, real_index) -> None:
    import qa.reader
    from qa.cli import ask_main

    folder = tmp_path / "reader"
    shutil.copytree(MODEL_DIR, folder)
    (folder / ONNX_NAME).write_bytes(b"garbage")
    monkeypatch.setattr(qa.reader, "MODEL_DIR", folder)
    assert ask_main(["how many workers?", "--index", str(real_index)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "reinstall" in err[0]


SQUAD = {"version": "1.1", "data": [{"title": "T", "paragraphs": [
    {"context": "The bridge opened in 1932 after six years of work. It cost 4 million pounds.",
     "qas": [{"id": "a", "question": "When did the bridge open?", "answers": [{"text": "1932", "answer_start": 21}]},
             {"id": "b", "question": "How much did it cost?", "answers": [{"text": "4 million pounds", "answer_start": 59}]}]},
    {"context": "Ferries carried 40,000 people a day before the bridge. The last ferry sailed in 1933.",
     "qas": [{"id": "c", "question": "How many people did the ferries carry?", "answers": [{"text": "40,000", "answer_start": 16}]},
             {"id": "d", "question": "When did the last ferry sail?", "answers": [{"text": "1933", "answer_start": 80}]}]},
]}]}


@pytest.mark.model
def test_training_is_seeded_and_resumes_to_the_same_weights(tmp_path: Path) -> None:
    import torch

    from qa.reader_train import TrainConfig, train

    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(SQUAD), encoding="utf-8")
    config = TrainConfig(questions=4, negative_every=2, batch=2, checkpoint_every=1, max_length=64)
    whole = train(config, tmp_path / "whole", squad)
    assert train(config, tmp_path / "killed", squad, stop_after=1) is None  # stopped after step 1
    resumed = train(config, tmp_path / "killed", squad)
    a, b = torch.load(whole, weights_only=False), torch.load(resumed, weights_only=False)
    assert a["steps"] == b["steps"] == 3 and a["examples"] == b["examples"] == 6
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name


@pytest.mark.parametrize("model", ["fast", "accurate"])
def test_each_installed_reader_answers_and_declines(model: str) -> None:
    from qa.reader import installed_readers

    if model not in installed_readers():
        pytest.skip(f"the {model} reader's weights are not installed")
    reader = SpanReader(ReaderConfig(model=model))
    texts = ["The weather was mild and the harvest came in early this year.",
             "Officials said around 4,000 North Korean workers arrived in Russia last year."]
    spans = reader.read("How many North Korean workers arrived in Russia?", texts)
    best = max(spans, key=lambda s: s.score - s.null)
    assert best.passage == 1 and "4,000" in texts[1][best.start:best.end]
    assert best.score - best.null > 0


def test_a_reader_that_is_not_installed_names_the_way_out(monkeypatch, tmp_path: Path) -> None:
    import qa.reader
    from index.errors import ReaderMissingError

    monkeypatch.setattr(qa.reader, "ACCURATE_DIR", tmp_path / "none")
    with pytest.raises(ReaderMissingError) as caught:
        SpanReader(ReaderConfig(model="accurate"))
    assert "--reader fast" in str(caught.value) and "\n" not in str(caught.value)


def test_each_reader_brings_its_own_confidence_calibration() -> None:
    from qa.config import CALIBRATIONS, DEFAULT

    accurate = DEFAULT.reader.using("accurate")
    assert (accurate.model, accurate.similarity_weight, accurate.null_threshold) == (
        "accurate", CALIBRATIONS["accurate"].similarity_weight, CALIBRATIONS["accurate"].null_threshold)
    assert CALIBRATIONS["accurate"] != CALIBRATIONS["fast"]
    back = accurate.using("fast")
    assert (back.similarity_weight, back.null_threshold) == (DEFAULT.reader.similarity_weight, DEFAULT.reader.null_threshold)
    assert accurate.passages == DEFAULT.reader.passages  # only the calibration changes


@pytest.mark.parametrize("places", [0, 1, 2])
def test_a_window_proposes_its_top_spans_and_at_most_rival_places_untouched_places(places: int) -> None:
    from dataclasses import replace

    import numpy as np

    from qa.reader_windows import Window

    reader = SpanReader(replace(ReaderConfig(), spans_per_window=2, rival_places=places))
    count = 12  # context tokens 0..11, token i spanning characters [10i, 10i + 5)
    window = Window(tuple(range(count + 2)), (0,) * (count + 2), 1, tuple(10 * i for i in range(count)),
                    tuple(10 * i + 5 for i in range(count)))
    start, end = np.full(count + 2, -5.0, dtype=np.float32), np.full(count + 2, -5.0, dtype=np.float32)
    start[[0, 1 + 3, 1 + 7, 1 + 10]] = [0.0, 9.0, 4.0, 3.0]  # the best place at token 3, others at 7 and 10
    end[[0, 1 + 3, 1 + 4, 1 + 7, 1 + 10]] = [0.0, 9.0, 8.0, 4.0, 3.0]
    spans = reader._best_spans(0, window, start, end)
    top, rivals = [s for s in spans if not s.rival_only], [s for s in spans if s.rival_only]
    assert [(s.start, s.end) for s in top] == [(30, 35), (30, 45)]  # the best place's two variants
    assert [(s.start, s.end) for s in rivals] == [(70, 75), (100, 105)][:places]  # further places, best first
    assert all(s.null == 0.0 for s in spans)
