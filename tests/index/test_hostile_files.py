"""Hostile corpora: links out of the corpus, odd names, odd encodings, huge files, someone else's folder."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from bench.common import HashEmbedder
import index.segments
import index.update
from index.errors import IndexWriteError, InputError, QAError
from index.load import decode, walk
from tests.index.sources import load_sources
from index.store import IndexReader
from index.update import update_index
from index.words import tokens
from tests.index.test_update import ARTICLE, indexed_paths



@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the corpus that must not become citable."""
    path = tmp_path / "private" / "passwd.txt"
    path.parent.mkdir()
    path.write_text(ARTICLE.replace("zebrafinch", "secretbird"), encoding="utf-8")
    return path


def test_a_link_out_of_the_corpus_is_skipped_with_one_warning(tmp_path, corpus, secret):
    (corpus / "p.txt").symlink_to(secret)
    (corpus / "q.txt").symlink_to(secret)
    (corpus / "outside").symlink_to(secret.parent, target_is_directory=True)
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert indexed_paths(tmp_path / "index") == {str(corpus / "zebra.txt")}
    links = [w for w in summary.warnings if "outside the given folders" in w]
    assert len(links) == 1 and "--follow-links" in links[0] and "3 links" in links[0]


def test_a_link_inside_the_corpus_is_followed(tmp_path, corpus):
    (corpus / "sub").mkdir()
    (corpus / "sub" / "copy.txt").symlink_to(corpus / "zebra.txt")
    assert {p.name for p in walk([corpus]).files} == {"zebra.txt", "copy.txt"}


def test_a_followed_link_is_recorded_where_found_and_removed_with_it(tmp_path, corpus, secret):
    link = corpus / "p.txt"
    link.symlink_to(secret)
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder(), follow_links=True)
    assert str(link) in indexed_paths(folder) and str(secret) not in indexed_paths(folder)
    link.unlink()
    summary = update_index(folder, [corpus], HashEmbedder())
    assert summary.removed == 1
    reader = IndexReader.open(folder)
    try:
        assert not reader.lexical_search(tokens("secretbird"), 10)
    finally:
        reader.close()


def test_a_name_that_is_not_utf8_is_indexed_under_its_escaped_name(tmp_path, corpus):
    # It was skipped with a warning; ripgrep searches such files, and an old zip unpacks them.
    bad = os.path.join(os.fsencode(corpus), b"x\xff.txt")
    with open(bad, "wb") as handle:
        handle.write(ARTICLE.encode())
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder())
    assert indexed_paths(tmp_path / "index") == {str(corpus / "zebra.txt"), f"{corpus}/x\\xff.txt"}
    "".join(summary.warnings).encode("utf-8")  # printable


def test_a_fifo_named_txt_does_not_block(tmp_path, corpus):
    os.mkfifo(corpus / "pipe.txt")
    assert [p.name for p in walk([corpus]).files] == ["zebra.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_skipped_with_a_warning(corpus):
    locked = corpus / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert any("unreadable folder" in w for w in walk([corpus]).warnings)
    finally:
        locked.chmod(0o755)


def test_writing_into_a_folder_that_is_not_an_index_is_refused(tmp_path, corpus):
    target = tmp_path / "mine"
    (target / "gen-2024").mkdir(parents=True)
    (target / "gen-2024" / "holiday.jpg").write_bytes(b"photo")
    with pytest.raises(InputError, match="not an index"):
        update_index(target, [corpus], HashEmbedder())
    assert (target / "gen-2024" / "holiday.jpg").exists()
    assert sorted(p.name for p in target.iterdir()) == ["gen-2024"]


def test_an_update_touches_only_the_generations_it_wrote(tmp_path, corpus):
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    (folder / "gen-000000").mkdir()
    (folder / "gen-000000" / "notes.txt").write_text("mine", encoding="utf-8")
    for round in range(3):  # each update prunes older generations
        (corpus / f"new{round}.txt").write_text(ARTICLE.replace("Lisbon", f"Porto{round}"), encoding="utf-8")
        update_index(folder, [corpus], HashEmbedder())
    assert (folder / "gen-000000" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_an_index_path_that_is_a_file_is_one_line(tmp_path, corpus):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"):
        update_index(target, [corpus], HashEmbedder())


def test_a_full_disk_keeps_the_old_generation_and_is_one_line(tmp_path, corpus, monkeypatch):
    folder = tmp_path / "index"
    update_index(folder, [corpus], HashEmbedder())
    before = indexed_paths(folder)
    (corpus / "more.txt").write_text(ARTICLE.replace("Lisbon", "Porto"), encoding="utf-8")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index.segments.faiss, "write_index", full)
    with pytest.raises(IndexWriteError, match="disk is full") as caught:
        update_index(folder, [corpus], HashEmbedder())
    assert "\n" not in str(caught.value)
    assert indexed_paths(folder) == before
    assert len(list(folder.glob("gen-*"))) == 1  # the half-written generation is gone


def test_a_path_longer_than_path_max_is_one_line(tmp_path):
    with pytest.raises(QAError, match="too long"):
        walk([str(tmp_path) + ("/" + "a" * 200) * 30])


def test_utf16_with_a_bom_is_decoded():
    text = "Workers in Lisbon went on strike on Tuesday, the union said."
    for encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(encoding)
        decoded, warning = decode(data, "a.txt")
        assert decoded == text and "UTF-16" in (warning or "")


def test_a_stray_nul_is_dropped_not_the_article(tmp_path):
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode()[:500] + b"\x00" + ARTICLE.encode()[500:])
    result = load_sources([tmp_path])
    assert [Path(f.path).name for f in result.files] == ["a.txt"]
    assert "\x00" not in result.files[0].text


def test_a_file_over_the_size_limit_is_skipped_with_a_warning(tmp_path, corpus):
    (corpus / "huge.txt").write_bytes(ARTICLE.encode() * 20)
    summary = update_index(tmp_path / "index", [corpus], HashEmbedder(), max_file_bytes=len(ARTICLE) * 10)
    assert indexed_paths(tmp_path / "index") == {str(corpus / "zebra.txt")}
    assert any("limit" in w and "--max-file-mb" in w for w in summary.warnings)


def test_an_interrupted_export_leaves_no_scratch_folder_for_good(fake_index, seed_copy):
    scratch = fake_index / "query-model.tmp"
    scratch.mkdir()
    (scratch / "whole.onnx").write_bytes(b"half an export")
    update_index(fake_index, [seed_copy], HashEmbedder())
    assert not scratch.exists()
