"""Loading: folders, encodings, and files that must be skipped rather than crash."""

from __future__ import annotations

import pytest

from index.errors import InputError
from index.load import find_files
from tests.index.sources import load_sources


def test_folders_are_walked_recursively_for_txt_and_md(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One story.", encoding="utf-8")
    (tmp_path / "two.md").write_text("Two story.", encoding="utf-8")
    (tmp_path / "skip.jpg").write_bytes(b"\xff\xd8 photo")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    assert [p.name for p in find_files([tmp_path])] == ["one.txt", "two.md"]


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        find_files([tmp_path / "nope"])


def test_empty_and_binary_files_are_skipped_with_a_warning(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    (tmp_path / "good.txt").write_text("A good story here.", encoding="utf-8")
    result = load_sources([tmp_path])
    assert [f.path.rsplit("/", 1)[1] for f in result.files] == ["good.txt"]
    assert any("empty" in w for w in result.warnings)
    assert any("binary" in w for w in result.warnings)


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path):
    text = "Le ministère a annoncé une réforme générale des écoles élémentaires à Genève."
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    result = load_sources([tmp_path])
    assert result.files[0].text == text
    assert any("not UTF-8" in w for w in result.warnings)
