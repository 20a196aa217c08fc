"""`qa docs`: every document with its date, outlet, format and passages, newest first; `--undated` alone."""

from __future__ import annotations

import json
from pathlib import Path

from qa.cli import qa_main
from tests.news_folder import news_folder


def test_qa_docs_lists_documents_newest_first_and_the_undated_alone(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = news_folder(tmp_path, monkeypatch, {
        "old.txt": "Source: Valley Courier\nDate: March 2, 2025\n\nThe fire grew to 8,500 acres.\n",
        "new.txt": "Source: Harbor Tribune\nDate: March 4, 2025\n\nThe fire grew to 14,200 acres.\n",
        "plain.txt": "The fire grew to 9,000 acres, officials said.\n"})
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
