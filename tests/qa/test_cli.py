"""The `ask` and `qa` commands: the JSON contract, batch mode, and bad input as one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import live_segment

BIN = Path(sys.executable).parent


def run(command: str, *args: str, stdin: str | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QA_HOME": str(home or Path("/nonexistent-qa-home")), "NO_COLOR": "1"}
    return subprocess.run([str(BIN / command), *args], capture_output=True, text=True, input=stdin,
                          env=env, timeout=300)


def assert_one_line_error(proc: subprocess.CompletedProcess, fragment: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0], proc.stderr


def test_empty_question_is_refused(fake_index):
    assert_one_line_error(run("ask", "   ", "--index", str(fake_index)), "empty")


def test_missing_index_is_refused(tmp_path):
    assert_one_line_error(run("ask", "how many workers?", "--index", str(tmp_path / "none")), "no index")


def test_missing_path_is_refused(tmp_path):
    assert_one_line_error(run("qa", "index", str(tmp_path / "missing"), "--index", str(tmp_path / "i")), "no such")


def test_damaged_index_is_refused(fake_index):
    vectors = live_segment(fake_index) / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    assert_one_line_error(run("ask", "how many workers?", "--index", str(fake_index)), "--rebuild")


def test_index_of_another_model_is_refused(fake_index):
    # The fake index was built with a 64-d hashing model; `ask` queries with MiniLM.
    assert_one_line_error(run("ask", "how many workers?", "--index", str(fake_index)), "rebuild")


@pytest.mark.model
def test_json_contract_and_citations(real_index):
    proc = run("ask", "how many workers?", "--json", "--index", str(real_index))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # The contract grows, it does not break: relative dates resolved, and who said what when.
    assert set(data) == {"question", "low_confidence", "confidence", "answers", "passages", "timeline", "disagree"}
    assert data["question"] == "how many workers?"
    for rank, passage in enumerate(data["passages"], start=1):
        # The contract grows (document metadata, a PDF's page), it does not break.
        assert set(passage) >= {"rank", "score", "doc", "title", "line", "start", "end", "text", "answer", "duplicates"}
        assert set(passage) >= {"published", "outlet", "author", "url"}
        assert passage["rank"] == rank
        text = Path(passage["doc"]).read_text(encoding="utf-8")
        assert " ".join(text[passage["start"] : passage["end"]].split()) == " ".join(passage["text"].split())
        assert text.count("\n", 0, passage["start"]) + 1 == passage["line"]
        for copy in passage["duplicates"]:
            assert Path(copy["doc"]).exists() and copy["doc"] != passage["doc"]
    assert any("4,000" in p["text"] for p in data["passages"][:3])


@pytest.mark.model
def test_batch_prints_one_json_line_per_question_in_order(real_index, tmp_path):
    questions = ["how many workers?", "which resolution bans North Korean workers?", "who is Wi Sung Lac?"]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n\n", encoding="utf-8")
    proc = run("ask", "--batch", str(batch), "--json", "-k", "2", "--index", str(real_index))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [json.loads(line)["question"] for line in lines] == questions
    assert all(len(json.loads(line)["passages"]) <= 2 for line in lines)


@pytest.mark.model
def test_index_summary_json_and_binary_file_warning(tmp_path, real_index):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "story.txt").write_text("The council approved 12 new schools on Monday. Building starts in May.\n",
                                    encoding="utf-8")
    (docs / "blob.txt").write_bytes(b"\x00\x01binary")
    proc = run("qa", "index", str(docs), "--index", str(tmp_path / "idx"), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert set(summary) == {"documents", "added", "changed", "removed", "unchanged", "passages", "embedded", "seconds",
                            "undated", "year_assumed", "files", "formats"}
    assert summary["files"] == 1 and summary["formats"] == {"text": 1, "web page": 0, "feed": 0, "PDF": 0, "export": 0}
    assert summary["added"] == 1 and summary["documents"] == 1 and summary["embedded"] == summary["passages"] >= 1
    assert "binary" in proc.stderr and "Traceback" not in proc.stderr


def _fake_model(monkeypatch) -> None:
    """`qa index` in this process with the stand-in model."""
    import index.embed
    from bench.common import HashEmbedder

    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)


def test_qa_index_summarises_files_per_format_with_plurals(tmp_path, monkeypatch, capsys):
    """Issue 22 item 6: 'N files: 2 text, 1 web page … → documents, passages', then this run's files."""
    from qa.cli import qa_main

    _fake_model(monkeypatch)
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("The council approved 12 new schools on Monday. Building starts in May.\n", encoding="utf-8")
    (news / "b.md").write_text("# School plan\n\nThe **council** approved 14 more schools on Friday.\n", encoding="utf-8")
    (news / "c.jsonl").write_text('{"title": "Port", "text": "About 4,000 dockworkers walked out on Monday."}\n',
                                  encoding="utf-8")
    (news / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    assert qa_main(["index", str(news), "--index", str(tmp_path / "idx")]) == 0
    out = capsys.readouterr()
    first, second = out.out.splitlines()[:2]
    assert first.startswith("3 files: 2 text, 1 export → 3 documents, 3 passages in "), out.out
    # The page with no article is skipped with a warning, never counted as added.
    assert second.startswith("this run: 3 files added, 0 changed, 0 removed, 0 unchanged; 3 passages embedded;")
    assert "menu.html" in out.err
    (news / "a.txt").unlink()
    assert qa_main(["index", str(news), "--index", str(tmp_path / "idx"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["files"], summary["removed"], summary["documents"]) == (2, 1, 2)
    assert summary["formats"] == {"text": 1, "web page": 0, "feed": 0, "PDF": 0, "export": 1}


def test_qa_index_globs_choose_the_files(tmp_path, monkeypatch, capsys):
    """`-g GLOB` keeps matching files only, `--exclude` and `-g '!GLOB'` leave files out; a bad glob is one line."""
    from qa.cli import qa_main

    _fake_model(monkeypatch)
    news = tmp_path / "news"
    (news / "drafts").mkdir(parents=True)
    for name in ("a.md", "b.txt", "drafts/c.md"):
        (news / name).write_text(f"Story {name} says the council approved 12 new schools.\n", encoding="utf-8")
    assert qa_main(["index", str(news), "--index", str(tmp_path / "idx"), "-g", "*.md", "--exclude", "drafts/",
                    "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == 1
    assert qa_main(["index", str(news), "--index", str(tmp_path / "idx"), "-g", "!*.md", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["files"], summary["added"], summary["removed"]) == (1, 1, 1)
    assert qa_main(["index", str(news), "--index", str(tmp_path / "idx"), "-g", "!"]) == 2
    assert capsys.readouterr().err.startswith("error: empty pattern")
