"""Web pages, feeds, PDFs and exports: extracted text, metadata, citations that check, bad files skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.extract_records import parse_fields
from index.extract_text import text_meta
from index.errors import InputError
from index.load import read_source
from tests.index.sources import load_sources
from index.split import split_source
from index.store import IndexReader
from index.update import update_index
from qa.show import cite

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
TRUTH = json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8"))


def _read(name: str, **fields: str):
    source, warning = read_source(FIXTURES / name, fields=fields or None)
    assert source is not None, warning
    return source


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_saved_pages_keep_the_article_and_drop_the_chrome(name):
    source, expected = _read(name), TRUTH[name]
    flat = " ".join(source.text.split())
    for paragraph in expected["paragraphs"]:
        assert " ".join(paragraph.split()) in flat
    lines = {line.strip() for line in source.text.splitlines()}
    for chrome in expected["chrome"]:
        assert chrome not in lines and (len(chrome.split()) < 4 or chrome not in flat)
    meta = source.articles[0].meta
    assert (meta.published, meta.outlet, meta.author) == (expected["published"], expected["outlet"], expected["author"])
    assert meta.url.startswith("https://")


def test_feed_entries_are_articles_with_content_or_summary():
    source = _read("nk-watch.rss")
    assert source.kind == "feed" and len(source.articles) == 5
    assert {a.meta.outlet for a in source.articles} == {"North Korea Watch"}
    assert [a.meta.published for a in source.articles][:2] == ["2025-02-10", "2025-02-09"]
    full, summary = source.articles[0], source.articles[1]
    assert "4,000" in source.text[full.start:full.end]  # full content
    assert summary.end - summary.start < 400  # a summary only


def test_pdf_passages_give_their_page_and_check_against_the_text():
    source = _read("briefing.pdf")
    documents, passages = split_source(source)
    assert len(source.pages) == 2 and {p.page for p in passages} == {1, 2}
    assert documents[0].published == "2025-02-10" and documents[0].author == "NIS briefing desk"
    for passage in passages:
        assert source.text[passage.start:passage.end] == passage.exact
        assert " ".join(passage.exact.split()) == passage.text
        assert source.pages[passage.page - 1] <= passage.start


def test_export_records_map_usual_field_names():
    source = _read("archive.jsonl")
    first, second = source.articles
    assert first.meta.outlet == "Kyiv Ledger" and first.meta.published == "2025-02-09"
    assert second.title == "Seoul weighs new sanctions" and second.meta.published == "2025-02-10"


def test_fields_option_maps_other_names(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("hed,copy,when,pub\nA title,Officials said 12 ships were seized on Monday.,2025-03-01,Wire\n",
                    encoding="utf-8")
    skipped, warning = read_source(path)
    assert skipped is None and "--fields" in warning
    source, _ = read_source(path, fields=parse_fields("title=hed,text=copy,date=when,outlet=pub"))
    assert source.articles[0].meta.published == "2025-03-01" and source.articles[0].meta.outlet == "Wire"
    with pytest.raises(InputError):
        parse_fields("colour=red")


def test_broken_and_unknown_files_are_skipped_with_one_line_each(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "notes.xml").write_text("<config><a>1</a></config>", encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    (tmp_path / "half.jsonl").write_text('{"text": "A story that stands."}\n{broken\n', encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "good.txt").write_text("A good story here.", encoding="utf-8")
    result = load_sources([tmp_path])
    assert sorted(Path(f.path).name for f in result.files) == ["good.txt", "half.jsonl"]
    assert all("\n" not in w for w in result.warnings)
    for name in ("bad.pdf", "notes.xml", "empty.html", "half.jsonl", "photo.jpg"):
        assert sum(name in w for w in result.warnings) == 1, (name, result.warnings)


def test_plain_text_dateline_and_header_give_date_and_outlet():
    meta = text_meta("Workers sent abroad\n\nSEOUL, Feb 9 (Yonhap) – North Korea sent 4,000 workers.", 1740000000)
    assert (meta.published, meta.outlet) == ("2025-02-09", "Yonhap")
    meta = text_meta("Source: The Wire\nDate: 2025-01-31\n\nBody text.", 0)
    assert (meta.published, meta.outlet) == ("2025-01-31", "The Wire")
    assert text_meta("Nothing to see here.", 0) is None


def test_index_citations_check_from_the_index_even_after_the_file_changes(tmp_path, fake_embedder):
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("001-story-1.html", "nk-watch.rss", "briefing.pdf", "archive.jsonl"):
        shutil.copy(FIXTURES / name, folder / name)
    update_index(tmp_path / "index", [folder], fake_embedder)
    reader = IndexReader.open(tmp_path / "index")
    try:
        passages = reader.passages(range(1, 200))
        assert passages and {Path(p.path).suffix for p in passages.values()} == {".html", ".rss", ".pdf", ".jsonl"}
        for passage in passages.values():
            text, _ = reader.file_text(passage.path)
            assert " ".join(text[passage.start:passage.end].split()) == " ".join(passage.text.split())
            place, shown, _ = cite(reader, f"{passage.path}:{passage.start}-{passage.end}")
            assert " ".join(shown.split()) == " ".join(passage.text.split()) and place.meta == passage.meta
        (folder / "briefing.pdf").write_bytes(b"changed")  # the index's copy still answers
        pdf = next(p for p in passages.values() if p.path.endswith(".pdf") and p.page == 2)
        assert cite(reader, f"briefing.pdf:{pdf.start}-{pdf.end}")[0].page == 2
    finally:
        reader.close()
