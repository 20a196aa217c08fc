"""A date stated without its year: its year from the name, the folder's other files or the file's time, marked assumed."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

import index.embed
from bench.common import HashEmbedder
from index.models import Listed
from index.store import IndexReader
from index.update import update_index
from index.year import Clues, assumed_date
from qa.cli import qa_main
from qa.markdown import to_markdown
from qa.models import Answer, Hit, Result, Source, Step
from qa.render import to_json, to_text

WIRE = "EASTON, Pa., Aug 19 (Coastline Wire) – The fire grew to 14,200 acres overnight, officials said.\n"
DATED = "EASTON, Pa., Aug 19, 2025 (Coastline Wire) – The fire grew to 14,200 acres overnight, officials said.\n"
LONG_AGO = datetime(2023, 11, 14, 12).timestamp()  # no story here is from then: a year from it is the file's time's


def write(path: Path, text: str, when: float = LONG_AGO) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when, when))
    return path


def listing(folder: Path, index: Path, embedder: HashEmbedder) -> dict[str, Listed]:
    """Index `folder` and list its documents by file name."""
    update_index(index, [folder], embedder)
    reader = IndexReader.open(index)
    try:
        return {Path(d.path).name: d for d in reader.listing()}
    finally:
        reader.close()


def test_a_year_less_dateline_takes_the_year_of_the_file_name_and_is_marked_assumed(tmp_path: Path,
                                                                                   fake_embedder: HashEmbedder) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder / "wildfire-2025.txt", WIRE)  # written in 2023 by its time: the name's year wins
    found = listing(folder, tmp_path / "idx", fake_embedder)["wildfire-2025.txt"]
    assert (found.published, found.date_assumed, found.outlet) == ("2025-08-19", True, "Coastline Wire")


@pytest.mark.parametrize("dated_by", ["header", "name"])
def test_a_year_less_dateline_takes_the_year_of_its_folder(tmp_path: Path, fake_embedder: HashEmbedder,
                                                            dated_by: str) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for day, name in ((12, "a-story.txt"), (22, "c-story.txt")):
        if dated_by == "header":
            write(folder / name, f"Source: Valley Courier\nDate: August {day}, 2024\n\nThe fire grew again.\n")
        else:
            write(folder / f"2024-08-{day}-{name}", "The fire grew again, officials said.\n")
    write(folder / "b-story.txt", WIRE, datetime.now().timestamp())  # saved today: the folder's year wins
    found = listing(folder, tmp_path / "idx", fake_embedder)["b-story.txt"]
    assert (found.published, found.date_assumed) == ("2024-08-19", True)


def test_a_december_story_among_january_ones_takes_the_year_before(tmp_path: Path) -> None:
    for day in (2, 3, 5):
        write(tmp_path / f"2025-01-0{day}-story.txt", "The strike went on.\n")
    story = write(tmp_path / "late.txt", "SEOUL, Dec 30 (Yonhap) -- The strike began.\n")
    assert assumed_date("Dec", "30", Clues(path=str(story), mtime=LONG_AGO)) == "2024-12-30"
    assert assumed_date("Jan", "4", Clues(path=str(story), mtime=LONG_AGO)) == "2025-01-04"


def test_the_url_then_the_feeds_own_date_come_before_the_file_time_and_nothing_is_no_date() -> None:
    url = "https://news.example/2021/03/05/fire"
    assert assumed_date("Mar", "4", Clues(url=url, container="2022-01-03", mtime=LONG_AGO)) == "2021-03-04"
    assert assumed_date("Dec", "30", Clues(container="2022-01-03", mtime=LONG_AGO)) == "2021-12-30"
    assert assumed_date("Aug", "19", Clues()) is None  # nothing says which year: never this year's


def test_with_nothing_else_the_year_is_the_file_times_and_still_assumed(tmp_path: Path,
                                                                       fake_embedder: HashEmbedder) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder / "story.txt", WIRE)  # alone in its folder, its name dateless: 2023-11-14 decides
    write(folder / "later.txt", "Source: Valley Courier\nDate: Oct 3\n\nThe fire was contained.\n")
    found = listing(folder, tmp_path / "idx", fake_embedder)
    assert (found["story.txt"].published, found["story.txt"].date_assumed) == ("2023-08-19", True)
    # A header's date without its year is read the same way, never left as a date of this year.
    assert (found["later.txt"].published, found["later.txt"].date_assumed) == ("2023-10-03", True)


def test_a_whole_date_is_not_assumed(tmp_path: Path, fake_embedder: HashEmbedder) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder / "wire.txt", DATED)
    write(folder / "header.txt", "Date: 2025-08-20\n\n" + WIRE)  # the header's year, not the dateline's guess
    found = listing(folder, tmp_path / "idx", fake_embedder)
    assert (found["wire.txt"].published, found["wire.txt"].date_assumed) == ("2025-08-19", False)
    assert (found["header.txt"].published, found["header.txt"].date_assumed) == ("2025-08-20", False)


@pytest.fixture
def assumed_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An index (the stand-in model) of one story whose year was assumed and one that stated it."""
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder / "wildfire-2025.txt", WIRE)
    write(folder / "stated.txt", DATED.replace("Aug 19", "Aug 21").replace("14,200", "15,000"))
    update_index(tmp_path / "idx", [folder], HashEmbedder())
    return tmp_path / "idx"


def _result(index_dir: Path) -> Result:
    """Both stories' passages as `ask` shows them, each stating its figure as an answer."""
    reader = IndexReader.open(index_dir)
    try:
        passages = sorted(reader.passages(range(1, 10)).values(), key=lambda p: p.path, reverse=True)
    finally:
        reader.close()
    hits = tuple(Hit(p, 0.9, rank) for rank, p in enumerate(passages, start=1))
    answers = tuple(Answer(figure, 0.9, p.text, (Source(p.path, p.start, p.end, p.line, p.title, p.page, p.meta),))
                    for p in passages for figure in ("14,200", "15,000") if figure in p.text)
    steps = tuple(Step(a.text, a.sources[0].meta.published or "", a.sources[0]) for a in answers)
    return Result("how large is the fire?", hits, answers, timeline=tuple(sorted(steps, key=lambda s: s.day)))


def test_ask_json_and_text_say_the_year_was_assumed(assumed_index: Path) -> None:
    result = _result(assumed_index)
    data = json.loads(to_json(result))
    marks = {Path(p["doc"]).name: p["date_assumed"] for p in data["passages"]}
    assert marks == {"wildfire-2025.txt": True, "stated.txt": False}
    sources = {Path(s["doc"]).name: s["date_assumed"] for a in data["answers"] for s in a["sources"]}
    assert sources == {"wildfire-2025.txt": True, "stated.txt": False}
    assert {e["published"]: e["date_assumed"] for e in data["timeline"]} == {"2025-08-19": True, "2025-08-21": False}
    text = to_text(result, width=200)
    assert "Coastline Wire, 2025-08-19 (year assumed)" in text
    assert "2025-08-21 (year assumed)" not in text and "Coastline Wire, 2025-08-21" in text
    assert "Over time: 14,200 (Coastline Wire, 2025-08-19 (year assumed)) → 15,000" in text
    assert "*Over time:* 14,200 (Coastline Wire, 2025-08-19 (year assumed)) → 15,000" in to_markdown(result)


def test_qa_show_and_qa_docs_say_the_year_was_assumed(assumed_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert qa_main(["show", "wildfire-2025.txt", "--index", str(assumed_index)]) == 0
    assert "Coastline Wire, 2025-08-19 (year assumed)" in capsys.readouterr().out.split("\n\n")[0]
    assert qa_main(["show", "wildfire-2025.txt", "--index", str(assumed_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["date_assumed"] is True
    assert qa_main(["docs", "--index", str(assumed_index)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[1].startswith("2025-08-19 (year assumed)") and "wildfire-2025.txt" in lines[1]
    assert lines[0].startswith("2025-08-21  ") and "year assumed" not in lines[0]
    assert lines[-1] == "2 documents shown; 2 of 2 dated, 1 with the year assumed"
    assert qa_main(["docs", "--index", str(assumed_index), "--undated", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [(Path(r["doc"]).name, r["published"], r["date_assumed"]) for r in rows] == [
        ("wildfire-2025.txt", "2025-08-19", True)]


def test_qa_index_counts_the_undated_and_the_assumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder / "wildfire-2025.txt", WIRE)
    write(folder / "plain.txt", "The fire grew to 9,000 acres, officials said.\n")
    idx = str(tmp_path / "idx")
    assert qa_main(["index", str(folder), "--index", idx]) == 0
    assert "1 undated, 1 with the year assumed" in capsys.readouterr().out
    # A second update writes a second segment: its documents are counted too.
    write(folder / "fire-2024.txt", WIRE.replace("14,200", "3,100"))
    assert qa_main(["index", str(folder), "--index", idx, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["undated"], summary["year_assumed"]) == (1, 2)


def test_a_name_with_a_whole_date_and_a_later_year_is_dated_by_the_whole_date() -> None:
    from index.year import stated

    # The story of 14 April 2025 is about March 2024: the name's whole date dates it, not its last year.
    assert stated("news/2025-04-14-lawsuit-march-2024.txt").whole == "2025-04-14"
    assert stated("news/wildfire-2025.txt").year == 2025 and stated("news/wildfire-2025.txt").whole is None
