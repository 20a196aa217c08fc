"""`qa show`: a cited place with its lines of context (-C, as rg -C), and a whole document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.cli import qa_main

SEED = "000_5c5076675e67b1e5.txt"


def shown(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert qa_main(["show", *argv]) == 0
    return capsys.readouterr().out


def test_context_gives_whole_lines_around_the_cited_words_stressed(fake_index: Path, seed_copy: Path, capsys) -> None:
    text = (seed_copy / SEED).read_text(encoding="utf-8")
    start = text.index("Resolution 2375")
    end = start + len("Resolution 2375")
    out = shown(capsys, f"{SEED}:{start}-{end}", "--index", str(fake_index), "-C", "1")
    body = out.split("\n\n", 1)[1]
    lines = text.splitlines()
    cited = next(n for n, line in enumerate(lines) if "Resolution 2375" in line)
    # The cited line whole, stressed where the citation is, with one line (here a blank one) either side.
    assert "«Resolution 2375»" in body
    assert body.replace("«", "").replace("»", "") == "\n".join(lines[cited - 1 : cited + 2]) + "\n"
    assert SEED in out.split("\n\n", 1)[0]


def test_without_context_only_the_cited_words(fake_index: Path, seed_copy: Path, capsys) -> None:
    text = (seed_copy / SEED).read_text(encoding="utf-8")
    start = text.index("Resolution 2375")
    out = shown(capsys, f"{SEED}:{start}-{start + 15}", "--index", str(fake_index))
    assert out.split("\n\n", 1)[1] == "Resolution 2375\n"


def test_a_bare_path_shows_the_whole_document(fake_index: Path, seed_copy: Path, capsys) -> None:
    text = (seed_copy / SEED).read_text(encoding="utf-8")
    out = shown(capsys, SEED, "--index", str(fake_index))
    assert out.split("\n\n", 1)[1].rstrip("\n") == text.rstrip("\n")


def test_json_context_holds_offsets_that_slice_the_file(fake_index: Path, seed_copy: Path, capsys) -> None:
    text = (seed_copy / SEED).read_text(encoding="utf-8")
    start = text.index("Resolution 2375")
    out = shown(capsys, f"{SEED}:{start}-{start + 15}", "--index", str(fake_index), "-C", "2", "--json")
    context = json.loads(out)["context"]
    assert text[context["start"]:context["end"]] == context["text"]
    assert context["start"] <= start and "Resolution 2375" in context["text"] and context["text"].count("\n") >= 4


def test_negative_context_is_one_error_line(fake_index: Path, capsys) -> None:
    assert qa_main(["show", f"{SEED}:1", "--index", str(fake_index), "-C", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1
