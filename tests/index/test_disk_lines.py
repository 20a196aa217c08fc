"""`file:line` is the line of the file on disk, in every format, and `qa show FILE:LINE` shows what was cited there."""

from __future__ import annotations

import csv
import html
import json
import shutil
from pathlib import Path

import pytest

from index.store import IndexReader
from index.update import update_index
from qa.cli import qa_main
from qa.show import cite

REPO = Path(__file__).resolve().parents[2]
FORMATS = REPO / "tests" / "fixtures" / "formats"
NEWS = REPO / "bench" / "news" / "articles"
RECORDS = [
    {"title": "Port strike enters third day", "date": "2025-03-01", "source": "Harbor Daily",
     "text": "Dockworkers at Easton stayed off the job on Monday, the union said.\n\n"
             "The union said 4,000 members walked out; the port authority counted 2,600."},
    {"title": "Talks resume at the port", "date": "2025-03-02", "source": "Harbor Daily",
     "text": "Negotiators met again on Tuesday, café owners near the gates said."},
]


def _exports(folder: Path) -> list[Path]:
    """An export in each shape: a pretty JSON array, an object holding one, a CSV with a multi-line field."""
    array, holder, table = folder / "array.json", folder / "holder.json", folder / "table.csv"
    array.write_text(json.dumps(RECORDS, indent=2, ensure_ascii=False), encoding="utf-8")
    holder.write_text(json.dumps({"count": 2, "articles": RECORDS}, indent=1), encoding="utf-8")
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "date", "text"])
        writer.writerow(["Crews reopen the bridge", "2025-03-03", "Traffic moved again on Route 9.\nDrivers cheered."])
        for record in RECORDS:
            writer.writerow([record["title"], record["date"], record["text"]])
    return [array, holder, table]


@pytest.fixture(scope="module")
def lined(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(folder, index) holding saved web pages, feeds, exports, a PDF and plain text, indexed."""
    from bench.common import HashEmbedder

    folder = tmp_path_factory.mktemp("lined") / "articles"
    folder.mkdir()
    for path in [*sorted(FORMATS.glob("00[0-2]-*.html")), FORMATS / "nk-watch.rss", FORMATS / "archive.jsonl",
                 FORMATS / "briefing.pdf", *sorted(NEWS.glob("*.html"))[:4], *sorted(NEWS.glob("*.rss")),
                 *sorted(NEWS.glob("*.jsonl")), *sorted(NEWS.glob("*.txt"))[:2]]:
        shutil.copy(path, folder / path.name)
    (folder / "notes.md").write_text("# Port strike\n\nDockworkers stayed out on Monday.\n\n"
                                     "## Talks\n\nNegotiators met again on Tuesday, officials said.\n", encoding="utf-8")
    _exports(folder)
    index = folder.parent / "index"
    update_index(index, [folder], HashEmbedder())
    return folder, index


def _passages(index: Path):
    reader = IndexReader.open(index)
    try:
        ids = [row[0] for row in reader.db.execute("SELECT id FROM passages").fetchall()]
        return sorted(reader.passages(ids).values(), key=lambda p: (p.path, p.start))
    finally:
        reader.close()


def _flat(text: str) -> str:
    """A line of the file as a reader sees it: entities and JSON escapes read, tags dropped, spaces collapsed."""
    import re

    text = html.unescape(re.sub(r"<[^>]*>", " ", html.unescape(text))).replace('\\"', '"')
    return " ".join(text.split())


def _first_words(passage) -> str:
    """The passage's first words, within its first paragraph (a title head is a paragraph of its own)."""
    return " ".join(passage.exact.split("\n")[0].split()[:3])


@pytest.mark.parametrize("suffix", [".html", ".rss", ".jsonl", ".json", ".csv", ".txt", ".md"])
def test_the_cited_line_on_disk_holds_the_passage_start(lined: tuple[Path, Path], suffix: str) -> None:
    folder, index = lined
    passages = [p for p in _passages(index) if p.path.endswith(suffix)]
    assert passages, f"no {suffix} passages indexed"
    for passage in passages:
        lines = Path(passage.path).read_bytes().decode("utf-8").split("\n")
        assert 1 <= passage.line <= len(lines), (passage.path, passage.line, len(lines))
        assert _first_words(passage) in _flat(lines[passage.line - 1]), (passage.path, passage.line, passage.exact[:60])


def test_pdf_passages_give_their_page_in_text_and_json(lined: tuple[Path, Path], capsys) -> None:
    folder, index = lined
    pdf = [p for p in _passages(index) if p.path.endswith(".pdf")]
    assert pdf and all(p.page is not None and p.page >= 1 for p in pdf)
    assert {p.page for p in pdf} != {1}  # the briefing has more than one page, each cited as its own
    last = pdf[-1]
    assert qa_main(["show", f"{last.path}:{last.start}-{last.end}", "--index", str(index)]) == 0
    assert f", page {last.page}" in capsys.readouterr().out.split("\n")[1]
    assert qa_main(["show", f"{last.path}:{last.start}-{last.end}", "--index", str(index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["page"] == last.page


@pytest.mark.parametrize("suffix", [".html", ".rss", ".jsonl", ".json", ".csv", ".txt"])
def test_show_of_a_cited_line_holds_the_passage_cited_there(lined: tuple[Path, Path], suffix: str) -> None:
    folder, index = lined
    reader = IndexReader.open(index)
    try:
        for passage in (p for p in _passages(index) if p.path.endswith(suffix)):
            place, text, _ = cite(reader, f"{passage.path}:{passage.line}")
            assert place.line == passage.line
            if suffix == ".txt":  # a text file's line is shown as it stands in the file
                assert text == Path(passage.path).read_text(encoding="utf-8").split("\n")[passage.line - 1].rstrip("\r")
            else:
                assert place.start <= passage.start and passage.end <= place.end, (passage.path, passage.line)
    finally:
        reader.close()


def test_show_between_cited_lines_gives_the_passage_before(lined: tuple[Path, Path], capsys) -> None:
    folder, index = lined
    page = [p for p in _passages(index) if p.path.endswith("000-story-0.html")]
    first, second = page[0], next(p for p in page if p.line > page[0].line + 1)
    assert qa_main(["show", f"{first.path}:{second.line - 1}", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert f"000-story-0.html:{first.line}" in out.split("\n")[1] and first.exact.split()[0] in out
    assert qa_main(["show", f"{first.path}:1", "--index", str(index)]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_an_answer_in_a_page_is_cited_at_its_passage_line_and_shown_there(lined: tuple[Path, Path]) -> None:
    from qa.locate import line_of

    folder, index = lined
    page = next(p for p in _passages(index) if p.path.endswith(".html") and "\n" in p.exact)
    later = page.start + page.exact.rindex("\n") + 1  # a word past a paragraph break inside the passage
    assert line_of(page, later) == page.line
    text = next(p for p in _passages(index) if p.path.endswith(".txt") and "\n" in p.exact)
    inside = text.start + text.exact.rindex("\n") + 1
    assert line_of(text, inside) == text.line + text.exact.count("\n")
