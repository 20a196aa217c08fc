"""`ask --batch`: a failing question gets its own error line, the rest are answered, the exit code says so."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bench.common import HashEmbedder
import qa.pipeline
from qa.cli import ask_main


@pytest.fixture
def fake_ask(monkeypatch: pytest.MonkeyPatch):
    """`ask` in-process, its pipeline on the fake embedder (the real one needs the model)."""
    real = qa.pipeline.Pipeline
    monkeypatch.setattr(qa.pipeline, "Pipeline", lambda index, **kw: real(index, lambda reader: HashEmbedder(), **kw))

    def run(*argv: str, stdin: bytes = b"") -> int:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        return ask_main(list(argv))

    return run


def test_a_failing_question_gets_an_error_line_and_the_batch_goes_on(fake_ask, fake_index, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_bytes(b"how many workers?\n   \n\xff\xfe broken\nwho is Wi Sung Lac?\n")
    code = fake_ask("--batch", str(questions), "--json", "--index", str(fake_index))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code != 0
    assert [line.get("question") for line in lines] == [
        "how many workers?", "\ufffd\ufffd broken", "who is Wi Sung Lac?"]
    assert "passages" in lines[0] and "passages" in lines[2]
    assert set(lines[1]) == {"question", "error"} and "UTF-8" in lines[1]["error"]


def test_a_clean_batch_exits_zero(fake_ask, fake_index, capsys):
    # The second clears the confidence bar with the fake embedder: with no answer at all the exit code is 1.
    code = fake_ask("--batch", "-", "--json", "--index", str(fake_index),
                    stdin=b"how many workers?\nhow much are the North Korean workers paid?\n")
    assert code == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_batch_text_mode_reports_errors_on_stderr_and_goes_on(fake_ask, fake_index, capsys):
    code = fake_ask("--batch", "-", "--index", str(fake_index), stdin=b"\xffbad\nhow many workers?\n")
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("error:") and len(err.splitlines()) == 1
    assert "Q: how many workers?" in out and "similarity" in out


def test_invalid_utf8_question_on_the_command_line_is_one_line(fake_ask, fake_index, capsys):
    code = fake_ask("how \udcff many", "--index", str(fake_index))  # how Python passes argv byte 0xff
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error:") and "UTF-8" in err and len(err.splitlines()) == 1


def test_endless_batch_input_is_refused(fake_ask, fake_index, capsys):
    code = fake_ask("--batch", "/dev/zero", "--index", str(fake_index))
    err = capsys.readouterr().err
    assert code == 2 and "over" in err and len(err.splitlines()) == 1


def test_empty_index_option_is_refused_not_the_seeds(fake_ask, capsys):
    code = fake_ask("how many workers?", "--index", "")
    err = capsys.readouterr().err
    assert code == 2 and "--index is empty" in err


def test_a_batch_question_from_stdin_echoed_safely(fake_ask, fake_index, capsys):
    code = fake_ask("--batch", "-", "--index", str(fake_index),
                    stdin=b"how many \x1b[2J workers?\nhow much are the North Korean workers paid?\n")
    out = capsys.readouterr().out
    assert code == 0 and "\x1b" not in out and "Q: how many \u241b[2J workers?" in out
