"""One input boundary per file: whatever a file does to its reader is one warning, and the rest is indexed."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
import tomllib
import tracemalloc
from pathlib import Path

import pytest

import index.config
import index.engine
import index.extract_html
from bench.common import HashEmbedder
from index.dates import iso_date
from index.engine import read_split
from index.json_input import too_deep
from index.store import IndexReader
from index.update import update_index
from qa.show import cite
from tests.conftest import REPO
from tests.index.test_update import ARTICLE, indexed_paths

FIXTURES = REPO / "tests" / "fixtures" / "formats"



def settings(monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    monkeypatch.setattr(index.config, "INDEX", dataclasses.replace(index.config.INDEX, **changes))


def about(name: str, warnings: tuple[str, ...]) -> list[str]:
    return [w for w in warnings if name in w]


# D4: JSON nested 100,000-200,000 deep raised RecursionError from json.loads; nothing in the folder was indexed.
def test_json_nested_too_deep_is_refused_and_the_rest_indexed(tmp_path, corpus):
    deep = "[" * 200_000 + "]" * 200_000  # 400 KB
    (corpus / "deep.json").write_text(deep, encoding="utf-8")
    (corpus / "mixed.jsonl").write_text(
        json.dumps({"text": "The kestrel survey counted forty birds on the cliffs."}) + "\n"
        + '{"text": ' + "[" * 150_000 + "]" * 150_000 + "}\n", encoding="utf-8")
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert {Path(p).name for p in indexed_paths(tmp_path / "index")} == {"zebra.txt", "mixed.jsonl"}
    (whole,) = about("deep.json", summary.warnings)
    assert "nested more than 200 levels deep" in whole
    (line,) = about("mixed.jsonl", summary.warnings)
    assert "1 line nested more than 200 levels deep" in line


def test_nesting_is_counted_outside_strings_only():
    assert not too_deep('{"text": "' + "[" * 500 + '"}', 200)
    assert not too_deep('["\\"' + "{" * 500 + '"]', 200)
    assert too_deep("[" * 201 + "]" * 201, 200) and not too_deep("[" * 200 + "]" * 200, 200)
    assert not too_deep("[[]]\n" * 1_000, 200)  # JSON Lines: depth is per record, not summed


@pytest.mark.parametrize("error", [
    ImportError("lxml.html.clean module is now a separate project lxml_html_clean"),  # pip 23 without the extra
    RecursionError("maximum recursion depth exceeded"),
    MemoryError(),
    KeyError("charset"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
], ids=lambda error: type(error).__name__)
def test_an_extractor_raising_anything_skips_only_its_file(tmp_path, corpus, monkeypatch, error):
    def broken(data: bytes, name: str):
        raise error

    monkeypatch.setattr(index.extract_html, "extract_html", broken)
    (corpus / "page.html").write_text("<html><body><p>A page.</p></body></html>", encoding="utf-8")
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert {Path(p).name for p in indexed_paths(tmp_path / "index")} == {"zebra.txt"}
    (warning,) = about("page.html", summary.warnings)
    assert warning.startswith("skipped ") and "\n" not in warning
    if isinstance(error, ImportError):
        assert "lxml_html_clean" in warning and "reinstall" in warning


def test_splitting_that_fails_skips_only_its_file(tmp_path, corpus, monkeypatch):
    real = index.engine.split_source

    def split(source):
        if source.path.endswith("bad.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(source)

    monkeypatch.setattr(index.engine, "split_source", split)
    (corpus / "bad.txt").write_text(ARTICLE.replace("zebrafinch", "kestrel"), encoding="utf-8")
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert {Path(p).name for p in indexed_paths(tmp_path / "index")} == {"zebra.txt"}
    assert about("bad.txt", summary.warnings) == [f"skipped {corpus / 'bad.txt'}: it nests too deep to read"]


def test_a_file_past_its_time_is_stopped_and_skipped(tmp_path, corpus, monkeypatch):
    settings(monkeypatch, file_seconds=0.3)
    real = index.engine.split_source

    def slow(source):
        if source.path.endswith("slow.txt"):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # pure Python work, as a pathological regex or parse is
                pass
        return real(source)

    monkeypatch.setattr(index.engine, "split_source", slow)
    (corpus / "slow.txt").write_text(ARTICLE.replace("zebrafinch", "kestrel"), encoding="utf-8")
    began = time.monotonic()
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert time.monotonic() - began < 4
    assert {Path(p).name for p in indexed_paths(tmp_path / "index")} == {"zebra.txt"}
    (warning,) = about("slow.txt", summary.warnings)
    assert "took over 0.3 s" in warning


CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from bench.common import HashEmbedder
    from index.update import update_index
    summary = update_index(sys.argv[1], [sys.argv[2]], HashEmbedder())
    for warning in summary.warnings:
        print("warning:", warning)
    """
).format(repo=str(REPO))


# D15: pypdf wrote "Circular xref chain detected…" to stderr, unlabelled, through logging's last resort.
def test_pdf_library_output_is_no_stray_stderr_line(tmp_path, corpus):
    data = (FIXTURES / "briefing.pdf").read_bytes()
    circular = data.replace(b"/Size 11\n", b"/Size 11\n/Prev 2819\n")  # the trailer's xref points at itself
    assert circular != data
    (corpus / "circular.pdf").write_bytes(circular)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    run = subprocess.run([sys.executable, str(script), str(tmp_path / "index"), str(corpus)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # nothing unlabelled: read anyway, pypdf's note is dropped
    assert {Path(p).name for p in indexed_paths(tmp_path / "index")} == {"zebra.txt", "circular.pdf"}
    (broken,) = [line for line in run.stdout.splitlines() if "broken.pdf" in line]
    assert "(pypdf: " in broken  # skipped: what pypdf said is folded into its one warning


def peak(text: str, tmp_path: Path, name: str = "lines.txt") -> tuple[int, object]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        split = read_split(path, None, None)
        return tracemalloc.get_traced_memory()[1], split
    finally:
        tracemalloc.stop()


# D9: 8,000,000 lines of "a" (16 MB) took 74 s and 4.29 GB, about 270 bytes a line, for no passage at all.
@pytest.mark.parametrize("text", [
    "a\n" * 200_000,                   # the reported file, at a fortieth of its size
    "A.\n" * 100_000,                  # tiny lines that are sentences
    "abcd\n" * 60_000,                 # too long to count as tiny: every line is read
    "a b c d e f g h\n" * 30_000,      # short lines that read as headings
    "\n" * 400_000 + "The end came.",  # blank lines
], ids=["a", "sentences", "abcd", "headings", "blank"])
def test_memory_follows_bytes_not_lines(tmp_path, text):
    used, split = peak(text, tmp_path)
    assert used < 6 * len(text) + 2**20, f"{used / len(text):.0f} bytes a byte"


@pytest.mark.parametrize("name,text", [
    ("tiny.jsonl", "{}\n" * 100_000),
    ("rows.csv", "id,title\n" + "1,a\n" * 100_000),
], ids=["jsonl", "csv"])
def test_exports_of_many_tiny_records_are_read_one_at_a_time(tmp_path, name, text):
    used, split = peak(text, tmp_path, name)
    assert split.source is None and "no article text" in split.warning
    assert used < 6 * len(text) + 2**20, f"{used / len(text):.0f} bytes a byte"


def test_an_export_holds_at_most_max_records_articles(tmp_path, monkeypatch):
    settings(monkeypatch, max_records=3)
    records = [{"text": f"Story number {n} tells of the kestrel count."} for n in range(5)]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    split = read_split(path, None, None)
    assert split.source is not None and len(split.source.articles) == 3
    assert "2 records past the first 3" in split.warning


def test_a_feed_of_more_entries_than_max_records_is_refused_before_parsing(tmp_path, monkeypatch):
    settings(monkeypatch, max_records=3)
    split = read_split(FIXTURES / "nk-watch.rss", None, None)
    assert split.source is None and "over the 3 an index reads from one file" in split.warning


# D11: '99999-01-01' became 9999-01-01, '-0001-01-01' 0001-01-01, epoch-like numbers 1978 or 1970.
@pytest.mark.parametrize("value", ["99999-01-01", "-0001-01-01", "1799-12-31", "2101-06-01", 255_000_000, 1, 2025,
                                   12_345, "Thu, 01 Jan 1970 00:00:00 GMT", -5, float("nan"), 10**30])
def test_an_absurd_date_is_unknown(value):
    assert iso_date(value) is None


@pytest.mark.parametrize("value,expected", [
    ("2025-03-04", "2025-03-04"), ("Tue, 04 Mar 2025 10:00:00 GMT", "2025-03-04"), (20250304, "2025-03-04"),
    (1741046400, "2025-03-04"), (1741046400000, "2025-03-04"), ("1800-01-01", "1800-01-01"),
    ("Published 2024-12-31T23:00:00Z", "2024-12-31"), ("D:20250304101500", "2025-03-04"),
])
def test_a_real_date_is_read(value, expected):
    assert iso_date(value) == expected


def test_refused_dates_are_stored_undated_and_named(tmp_path, corpus):
    dates = ["99999-01-01", "-0001-01-01", 255_000_000, 1, "2025-03-04"]
    (corpus / "dated.jsonl").write_text("\n".join(
        json.dumps({"title": f"Kestrel report {n}", "text": f"The kestrel count number {n} found forty birds.",
                    "published": date}) for n, date in enumerate(dates)), encoding="utf-8")
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    reader = IndexReader.open(tmp_path / "index")
    try:
        published = {row[0]: row[1] for row in reader.db.execute("SELECT title, published FROM documents")}
        assert reader.undated() == 5  # zebra.txt states no date either
    finally:
        reader.close()
    assert published["Kestrel report 4"] == "2025-03-04"
    assert [published[f"Kestrel report {n}"] for n in range(4)] == [None] * 4
    (note,) = about("dated.jsonl", summary.warnings)
    assert "4 dates refused" in note and "undated" in note


def test_pyproject_declares_what_trafilatura_needs_under_old_pip():
    # pip 23 installs trafilatura without lxml_html_clean; the first web page then raised ImportError.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(dep.replace("-", "_").lower().startswith("lxml_html_clean") for dep in project["dependencies"])


# Names that are not UTF-8 were skipped; they are indexed under an escaped name that SQLite, JSON and a
# terminal all take, and that leads back to the file.
def test_a_name_that_is_not_utf8_is_indexed_under_its_escaped_name(tmp_path, corpus):
    odd = os.path.join(os.fsencode(corpus), b"caf\xe9")
    os.mkdir(odd)
    bad = os.path.join(odd, b"n\xf6te\\x.txt")
    with open(bad, "wb") as handle:
        handle.write(ARTICLE.replace("zebrafinch", "kestrel").encode())
    folder = tmp_path / "index"
    summary = update_index(folder, [corpus], HashEmbedder())
    stored = f"{corpus}/caf\\xe9/n\\xf6te\\\\x.txt"
    assert indexed_paths(folder) == {str(corpus / "zebra.txt"), stored}
    assert not summary.warnings
    reader = IndexReader.open(folder)
    try:
        assert "kestrel" in reader.file_text(stored)[0]  # stored, and found by the name shown
        for named in (stored, os.fsdecode(bad)):  # `qa show` as the citation reads, or the name typed as bytes
            assert cite(reader, f"{named}:3")[0].path == stored
    finally:
        reader.close()
    again = update_index(folder, [corpus], HashEmbedder())
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)  # the key found again, nothing re-read
    with open(bad, "ab") as handle:
        handle.write(b"\nA kestrel was ringed on Tuesday.\n")
    assert update_index(folder, [corpus], HashEmbedder()).changed == 1
    os.unlink(bad)
    assert update_index(folder, [corpus], HashEmbedder()).removed == 1
    assert indexed_paths(folder) == {str(corpus / "zebra.txt")}


def test_a_folder_given_by_a_name_that_is_not_utf8_is_indexed(tmp_path):
    root = os.path.join(os.fsencode(tmp_path), b"n\xe9ws")
    os.mkdir(root)
    with open(os.path.join(root, b"a.txt"), "wb") as handle:
        handle.write(ARTICLE.encode())
    summary = update_index(tmp_path / "index", [os.fsdecode(root)], HashEmbedder())
    assert summary.added == 1 and indexed_paths(tmp_path / "index") == {f"{tmp_path}/n\\xe9ws/a.txt"}


def test_a_name_whose_escape_is_another_files_name_is_skipped(tmp_path, corpus):
    (corpus / "x\\xff.txt").write_text(ARTICLE.replace("zebrafinch", "kestrel"), encoding="utf-8")
    with open(os.path.join(os.fsencode(corpus), b"x\xff.txt"), "wb") as handle:
        handle.write(ARTICLE.replace("zebrafinch", "osprey").encode())
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert indexed_paths(tmp_path / "index") == {str(corpus / "zebra.txt"), str(corpus / "x\\xff.txt")}
    (warning,) = about("not UTF-8", summary.warnings)
    assert "escaped name is another file's" in warning
