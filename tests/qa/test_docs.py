"""`qa docs`: every document with its date, outlet, format and passages, newest first; `--undated` alone."""

from __future__ import annotations

import json
from pathlib import Path

import index.embed
from bench.common import HashEmbedder
from qa.cli import qa_main


def test_qa_docs_lists_documents_newest_first_and_the_undated_alone(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "old.txt").write_text("Source: Valley Courier\nDate: March 2, 2025\n\nThe fire grew to 8,500 acres.\n", encoding="utf-8")
    (folder / "new.txt").write_text("Source: Harbor Tribune\nDate: March 4, 2025\n\nThe fire grew to 14,200 acres.\n", encoding="utf-8")
    (folder / "plain.txt").write_text("The fire grew to 9,000 acres, officials said.\n", encoding="utf-8")
    idx = str(tmp_path / "idx")
    assert qa_main(["index", str(folder), "--index", idx]) == 0
    capsys.readouterr()
    assert qa_main(["docs", "--index", idx]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["2025-03-04", "2025-03-02", "undated"]
    assert "Harbor Tribune" in lines[0] and "text" in lines[0] and "1 passage" in lines[0]
    assert lines[-1] == "3 documents shown; 2 of 3 dated"
    assert qa_main(["docs", "--index", idx, "--undated", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [(Path(r["doc"]).name, r["published"], r["format"]) for r in rows] == [("plain.txt", None, "text")]
