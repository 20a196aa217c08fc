"""Distillation: the teacher's beliefs moved onto the student's tokens, labels resumable, and training on them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.reader import installed_readers
from qa.reader_distil import DEFAULTS, chunk_path, moved, read_labels, write_labels
from qa.reader_windows import Window
from tests.qa.test_reader import SQUAD


def student_window() -> Window:
    # [CLS] q q [SEP] "4.5" "percent" [SEP]: context tokens at characters 0-3 and 4-11
    return Window((1, 7, 8, 2, 30, 31, 2), (0, 0, 0, 0, 1, 1, 1), 4, (0, 4), (3, 11))


def test_teacher_tokens_split_finer_give_their_belief_to_the_student_token_holding_them() -> None:
    # The teacher splits "4.5" into "4", ".", "5": a start on "5" lands inside the student's "4.5" token.
    places_start = np.array([0, 1, 2, 4])
    probabilities = np.array([0.1, 0.2, 0.0, 0.3, 0.4])  # [CLS], "4", ".", "5", "percent"
    out = moved(probabilities, places_start, student_window(), 8, at_end=False)
    assert out.tolist() == pytest.approx([0.1, 0, 0, 0, 0.5, 0.4, 0, 0])
    places_end = np.array([1, 2, 3, 11])
    out = moved(probabilities, places_end, student_window(), 8, at_end=True)
    assert out.tolist() == pytest.approx([0.1, 0, 0, 0, 0.5, 0.4, 0, 0])


@pytest.mark.model
@pytest.mark.skipif("accurate" not in installed_readers(), reason="the accurate reader (the teacher) is not installed")
def test_labels_follow_the_teacher_resume_and_train_the_student(tmp_path: Path) -> None:
    import torch

    from qa.reader_train import TrainConfig, train

    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(SQUAD), encoding="utf-8")
    config = replace(DEFAULTS, questions=4, negative_every=2, news_every=0, max_length=64)
    labels = tmp_path / "labels"
    assert write_labels(config, labels, squad, 0, 1) == 6
    assert write_labels(config, labels, squad, 0, 1) == 0  # every chunk is there: nothing is read again
    start, end = read_labels(labels, config, 6)
    assert start.shape == end.shape == (6, 64)
    assert np.allclose(start.sum(1), 1, atol=1e-2) and np.allclose(end.sum(1), 1, atol=1e-2)
    student = TrainConfig(questions=4, negative_every=2, batch=2, max_length=64, bf16=False, teacher=str(labels))
    first = torch.load(train(student, tmp_path / "a", squad), weights_only=False)
    again = torch.load(train(student, tmp_path / "b", squad), weights_only=False)
    plain = torch.load(train(TrainConfig(questions=4, negative_every=2, batch=2, max_length=64, bf16=False),
                             tmp_path / "c", squad), weights_only=False)
    head = "qa.weight"
    assert torch.equal(first["model"][head], again["model"][head])  # seeded: the same weights
    assert not torch.equal(first["model"][head], plain["model"][head])  # the teacher changed what was learned
    chunk_path(labels, 0).unlink()
    with pytest.raises(SystemExit, match="label chunks missing"):
        train(student, tmp_path / "d", squad)
    with pytest.raises(SystemExit, match="other examples"):
        read_labels(labels, replace(config, questions=3), 5)
