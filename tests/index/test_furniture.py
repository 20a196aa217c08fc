"""News furniture: every listed dateline form is read, and header lines, bylines, stamps and credits never
reach passage text, while passages stay verbatim slices of the file."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from index.extract_text import named_reference, text_meta
from index.furniture import dateline, is_credit, is_furniture
from index.split import split_file

DASHES = ("\u2013", "\u2014", "--", "-")
FORMS = [  # (dateline without its dash, city, month, day, year, outlet)
    ("DENVER, Colo., March 4 (Reuters)", "DENVER", "March", "4", None, "Reuters"),
    ("DENVER, Colo., March 4, 2025 (Reuters)", "DENVER", "March", "4", "2025", "Reuters"),
    ("LONDON (Reuters)", "LONDON", None, None, None, "Reuters"),
    ("WASHINGTON, Feb. 9, 2025 (AP)", "WASHINGTON", "Feb", "9", "2025", "AP"),
    ("WASHINGTON, Feb. 9 (AP)", "WASHINGTON", "Feb", "9", None, "AP"),
    ("NEW YORK", "NEW YORK", None, None, None, None),
    ("SEOUL, South Korea, Feb 9 (Yonhap)", "SEOUL", "Feb", "9", None, "Yonhap"),
    ("SEOUL, South Korea, Feb 9, 2025 (Yonhap)", "SEOUL", "Feb", "9", "2025", "Yonhap"),
    ("SEOUL, 9 February 2025 (Yonhap)", "SEOUL", "February", "9", "2025", "Yonhap"),
    ("QUEBEC CITY, Que., Jan. 3 (CP)", "QUEBEC CITY", "Jan", "3", None, "CP"),
]


@pytest.mark.parametrize(("form", "dash"), list(itertools.product(FORMS, DASHES)))
def test_every_listed_dateline_form_is_read(form: tuple, dash: str) -> None:
    written, city, month, day, year, outlet = form
    line = f"{written} {dash} The fire was declared contained on Monday."
    found = dateline(line)
    assert found is not None
    assert (found.city, found.month, found.day, found.year, found.outlet) == (city, month, day, year, outlet)
    assert line[found.length:] == "The fire was declared contained on Monday."


@pytest.mark.parametrize("line", [
    "Officials - who spoke on condition of anonymity - said so.",
    "The fire (pictured) - spread overnight.",
    "I - was there.",
    "US officials said - nothing more.",
    "Crews worked through the night.",
])
def test_sentences_are_not_datelines(line: str) -> None:
    assert dateline(line) is None


@pytest.mark.parametrize(("line", "furniture"), [
    ("Source: Valley Courier", True), ("Date: March 4, 2025", True), ("Author: Maria Okafor", True),
    ("By Maria Okafor", True), ("By Maria Okafor and Tomas Herrera | The Harbor Tribune", True),
    ("By MARIA OKAFOR, Reuters", True), ("Updated March 4, 2025 6:15 p.m. ET", True),
    ("By Tuesday the fire had spread.", False), ("by the way, this is fine", False),
    ("The bridge opened in 1932.", False),
])
def test_furniture_lines(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


def test_credits_anywhere() -> None:
    assert is_credit("Reporting by Maria Okafor; Editing by Daniel Mbeki")
    assert is_credit("Hannah Cole contributed reporting from Lima.")
    assert not is_credit("Officials said reporting by the agency was late.")


STORY = """Source: Valley Courier
Date: March 4, 2025
Author: Maria Okafor

Ridge fire grows to 14,200 acres as crews gain ground

By Maria Okafor

DENVER, Colo., March 4 (Reuters) \u2013 The Ridge fire grew to 14,200 acres overnight, fire officials said on
Tuesday, as crews reported 40 percent containment.

About 1,200 firefighters are now assigned to the blaze, up from 900 on Sunday.

Updated March 4, 2025 6:15 p.m. ET

Reporting by Hannah Cole; Editing by Daniel Mbeki
"""
FURNITURE = ("Source:", "Date:", "Author:", "By Maria", "DENVER", "Reuters", "Updated", "Reporting by", "Editing")


def test_a_story_s_furniture_stays_out_of_its_passages_and_offsets_stay_exact() -> None:
    documents, passages = split_file("fire.txt", STORY)
    assert documents[0].title == "Ridge fire grows to 14,200 acres as crews gain ground"
    text = " ".join(p.text for p in passages)
    assert text.startswith("The Ridge fire grew to 14,200 acres")
    assert "1,200 firefighters" in text
    for marker in FURNITURE:
        assert marker not in text, marker
    for passage in passages:
        assert " ".join(STORY[passage.start:passage.end].split()) == " ".join(passage.text.split())


def test_the_metadata_comes_from_the_furniture() -> None:
    meta = text_meta(STORY, 0.0)
    assert (meta.published, meta.outlet, meta.author) == ("2025-03-04", "Valley Courier", "Maria Okafor")
    wire = "SEOUL, South Korea, Feb 9 (Yonhap) -- North Korea sent about 4,000 workers.\n"
    meta = text_meta(wire, named_reference("news/yonhap-20250210.txt", 0.0))
    assert (meta.published, meta.outlet) == ("2025-02-09", "Yonhap")


def test_a_year_less_dateline_takes_its_year_from_the_file_name_not_the_clock(tmp_path: Path) -> None:
    wire = "SEOUL, Dec 30 (Yonhap) -- Officials said so.\n"
    assert text_meta(wire, named_reference("2019/story.txt", 0.0)).published == "2019-12-30"
    assert text_meta(wire, named_reference("2024-01-02-story.txt", 0.0)).published == "2023-12-30"
    path = tmp_path / "story.txt"
    path.write_text(wire, encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))  # 2023-11-14: no name date, so the file's time decides
    assert text_meta(wire, named_reference(str(path.name), path.stat().st_mtime)).published == "2022-12-30"


def test_a_dateline_without_a_date_takes_the_file_name_s_date() -> None:
    from index.extract_text import named_date

    wire = "EASTON (Coastline Wire) -- The board voted on Friday.\n"
    meta = text_meta(wire, named_reference("2025-01-31-board.txt", 0.0), named_date("2025-01-31-board.txt"))
    assert (meta.published, meta.outlet) == ("2025-01-31", "Coastline Wire")
    assert named_date("story-2025.txt") is None  # a year alone dates no day


def test_qa_index_says_how_many_documents_are_undated(tmp_path: Path, monkeypatch, capsys) -> None:
    import json

    from qa.cli import qa_main
    from tests.news_folder import news_folder

    folder = news_folder(tmp_path, monkeypatch, {
        "dated.txt": "Date: March 4, 2025\n\nThe fire grew to 14,200 acres overnight.\n",
        "undated.txt": "The fire grew to 9,000 acres, officials said on Tuesday.\n"})
    assert qa_main(["index", str(folder), "--index", str(tmp_path / "idx")]) == 0
    assert "1 document states no date" in capsys.readouterr().out
    assert qa_main(["index", str(folder), "--index", str(tmp_path / "idx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["undated"] == 1


def test_a_heading_ends_its_line_so_its_words_never_run_into_the_text_below() -> None:
    from index.split import sentence_spans

    story = "Refunds reach 67,000; lawsuits now total five\n\nAbout 67,000 owners have registered for refunds. More follow."
    _, passages = split_file("refunds.txt", story)
    text = passages[0].text
    assert text == "Refunds reach 67,000; lawsuits now total five\nAbout 67,000 owners have registered for refunds. More follow."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Refunds reach 67,000; lawsuits now total five", "About 67,000 owners have registered for refunds.", "More follow."]
