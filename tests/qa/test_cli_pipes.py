"""`ask` in pipes and scripts: questions from stdin, no app without a terminal, exit 1 for no answer, wrapping."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import qa.cli_ask
import qa.pipeline
from bench.common import HashEmbedder
from qa.cli import ask_main

BIN = Path(sys.executable).parent
ANSWERED = "how much are the North Korean workers paid?"  # $800, over the bar with the fake embedder
UNSURE = "how many workers?"  # under it with the fake embedder (the real model answers 4,000)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Stream(io.TextIOWrapper):
    """A standard stream over bytes that says whether it is a terminal."""

    def __init__(self, data: bytes = b"", tty: bool = False) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")


@pytest.fixture
def ask(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`ask` in-process on the fake embedder, with chosen stdin/stdout; the app recorded, never started."""
    real = qa.pipeline.Pipeline
    monkeypatch.setattr(qa.pipeline, "Pipeline", lambda index, **kw: real(index, lambda reader: HashEmbedder(), **kw))
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    apps: list[tuple] = []
    monkeypatch.setattr(qa.cli_ask, "_run_tui", lambda *args: apps.append(args) or 0)

    def run(*argv: str, stdin: bytes = b"", tty_in: bool = False, tty_out: bool = False) -> tuple[int, str, str, list]:
        streams = Stream(stdin, tty_in), Stream(tty=tty_out), Stream()
        monkeypatch.setattr(sys, "stdin", streams[0])
        monkeypatch.setattr(sys, "stdout", streams[1])
        monkeypatch.setattr(sys, "stderr", streams[2])
        code = ask_main(list(argv))
        return code, streams[1].text(), streams[2].text(), apps

    return run


def test_questions_piped_in_are_answered_one_a_line_not_the_app(ask, fake_index):
    code, out, err, apps = ask("--index", str(fake_index), stdin=f"{ANSWERED}\n\n{UNSURE}\n".encode())
    assert apps == [] and err == ""
    assert f"Q: {ANSWERED}" in out and f"Q: {UNSURE}" in out and "$800" in out
    assert "\x1b" not in out  # a pipe gets plain text
    assert code == 0  # one of the two cleared the bar


def test_piped_questions_as_json_lines(ask, fake_index):
    code, out, _, apps = ask("--json", "--index", str(fake_index), stdin=f"{ANSWERED}\n{UNSURE}\n".encode())
    lines = [json.loads(line) for line in out.splitlines()]
    assert apps == [] and [line["question"] for line in lines] == [ANSWERED, UNSURE]


def test_questions_piped_to_a_terminal_are_answered_in_colour(ask, fake_index):
    code, out, _, apps = ask("--index", str(fake_index), stdin=f"{ANSWERED}\n".encode(), tty_out=True)
    assert apps == [] and code == 0 and "$800" in out and "\x1b[1m" in out


@pytest.mark.parametrize("tty_in", [False, True], ids=["nothing-piped-in", "output-piped"])
def test_no_question_and_no_terminal_prints_usage_and_exits_2(ask, fake_index, tty_in):
    # `ask </dev/null | cat` (stdin empty) and `ask | cat` on a terminal (stdout a pipe): no app, no question.
    code, out, err, apps = ask("--index", str(fake_index), tty_in=tty_in)
    assert code == 2 and apps == [] and out == ""
    assert err.startswith("usage: ask") and err.splitlines()[-1].startswith("error: no question")


def test_the_app_opens_only_with_a_terminal_both_ways(ask, fake_index):
    code, out, _, apps = ask("-k", "3", tty_in=True, tty_out=True)
    assert code == 0 and apps == [(None, 3)] and out == ""


def test_ask_from_dev_null_into_a_pipe_writes_no_escape_codes(tmp_path):
    proc = subprocess.run([str(BIN / "ask")], stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                          env={**os.environ, "QA_HOME": str(tmp_path)})
    assert proc.returncode == 2 and proc.stdout == b"", proc.stdout[:200]
    assert b"\x1b" not in proc.stderr and proc.stderr.startswith(b"usage: ask")
    assert not (tmp_path / "history.txt").exists()


def test_qa_tui_into_a_pipe_is_one_line_not_the_app(tmp_path):
    proc = subprocess.run([str(BIN / "qa"), "tui"], stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                          env={**os.environ, "QA_HOME": str(tmp_path)})
    assert proc.returncode == 2 and proc.stdout == b"" and b"\x1b" not in proc.stderr
    assert proc.stderr.startswith(b"error: qa tui needs a terminal") and proc.stderr.count(b"\n") == 1


@pytest.mark.model
def test_a_question_piped_to_the_real_ask_is_answered_and_not_remembered(real_index, tmp_path):
    proc = subprocess.run([str(BIN / "ask"), "--index", str(real_index)], input=b"how many workers?\n",
                          capture_output=True, timeout=300, env={**os.environ, "QA_HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert b"4,000" in proc.stdout and b"\x1b" not in proc.stdout
    assert not (tmp_path / "history.txt").exists()  # the app's question history is the app's


def test_exit_code_says_whether_an_answer_cleared_the_bar(ask, fake_index):
    index = ("--index", str(fake_index))
    assert ask(ANSWERED, *index)[0] == 0
    code, out, _, _ = ask(UNSURE, *index)
    assert code == 1 and "No passage clearly answers" in out
    code, out, _, _ = ask(UNSURE, "--json", *index)
    assert code == 1 and json.loads(out)["low_confidence"] is True
    assert ask(ANSWERED, "--since", "2100", *index)[0] == 1  # no passage at all
    assert ask("--batch", "-", *index, stdin=f"{UNSURE}\n{UNSURE}?\n".encode())[0] == 1  # none answered
    assert ask("--batch", "-", *index, stdin=f"{UNSURE}\n{ANSWERED}\n".encode())[0] == 0  # one was
    assert ask("--batch", "-", *index, stdin=f"{ANSWERED}\n\xff\n".encode("latin-1"))[0] == 2  # an error wins


QUESTIONS = [ANSWERED, UNSURE, "how many people were killed in the drone attack on Kyiv?"]


@pytest.mark.parametrize("width", [40, 50, 72])
@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_every_line_wraps_to_the_width_and_keeps_every_word(ask, fake_index, monkeypatch, width, colour):
    batch = "\n".join([*QUESTIONS, "which of the resolutions adopted by the security council bans the workers?"])
    monkeypatch.setenv("COLUMNS", "1000")
    wide = ask("--batch", "-", "--index", str(fake_index), stdin=batch.encode(), tty_out=colour)[1]
    monkeypatch.setenv("COLUMNS", str(width))
    narrow = ask("--batch", "-", "--index", str(fake_index), stdin=batch.encode(), tty_out=colour)[1]
    plain = ANSI.sub("", narrow)
    assert "\x1b" not in plain and ("\x1b" in narrow) == colour
    # Only a word longer than the width may pass it, alone on its line: a path is never cut.
    too_long = [line for line in plain.splitlines() if len(line) > width and len(line.split()) > 1]
    assert too_long == [], "\n".join(too_long)
    assert plain.split() == ANSI.sub("", wide).split()  # wrapped, never cut or reordered
