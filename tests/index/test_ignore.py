"""`.newsqaignore` and `--glob`/`--exclude`: gitignore syntax, honoured by the walk and by updates."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.errors import InputError
from index.ignore import EVERYTHING, Selection
from index.load import walk
from index.store import IndexReader
from index.update import update_index

FILES = ("a.txt", "b.md", "keep.csv", "x.csv", "top.txt", "sub/top.txt", "drafts/d.txt", "sub/drafts/e.txt",
         "notes/a/deep/f.txt", "notes/g.txt", "build/h.txt", "sub/build")


def tree(root: Path) -> Path:
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if name == "sub/build":
            (root / name).mkdir()
            (root / name / "i.txt").write_text("text", encoding="utf-8")
        else:
            (root / name).write_text("The council approved 12 new schools on Monday.\n", encoding="utf-8")
    return root


def found(root: Path, select: Selection = EVERYTHING) -> set[str]:
    return {p.relative_to(root).as_posix() for p in walk([root], select=select).files}


def test_gitignore_patterns_negation_folders_anchors_and_double_stars(tmp_path):
    root = tree(tmp_path / "news")
    (root / ".newsqaignore").write_text(
        "# comments and blank lines are skipped\n\n*.csv\n!keep.csv\ndrafts/\n/top.txt\nnotes/**/f.txt\nbuild/\n",
        encoding="utf-8")
    assert found(root) == {"a.txt", "b.md", "keep.csv", "sub/top.txt", "notes/g.txt"}


def test_a_folder_left_out_cannot_be_taken_back_in(tmp_path):
    root = tree(tmp_path / "news")
    (root / ".newsqaignore").write_text("drafts/\n!drafts/d.txt\n", encoding="utf-8")
    assert "drafts/d.txt" not in found(root)  # as in git: the folder is not walked


def test_globs_include_and_exclude(tmp_path):
    root = tree(tmp_path / "news")
    assert found(root, Selection.of(["*.md"])) == {"b.md"}
    assert found(root, Selection.of(["*.txt", "!drafts/"], ["sub/"])) == {
        "a.txt", "top.txt", "notes/a/deep/f.txt", "notes/g.txt", "build/h.txt"}
    assert found(root, Selection.of(excludes=["*.txt"])) == {"b.md", "keep.csv", "x.csv"}
    assert len(found(root)) == len(FILES)


def test_ignored_files_are_not_warned_about_and_named_files_are_always_read(tmp_path):
    root = tree(tmp_path / "news")
    (root / "photo.jpg").write_bytes(b"\xff\xd8")
    (root / ".newsqaignore").write_text("*.jpg\na.txt\n", encoding="utf-8")
    walked = walk([root])
    assert not any("photo.jpg" in warning for warning in walked.warnings)
    assert [p.name for p in walk([root / "a.txt"]).files] == ["a.txt"]


def test_empty_pattern_is_refused():
    with pytest.raises(InputError, match="empty pattern"):
        Selection.of(["!"])


def test_an_update_removes_files_newly_ignored(tmp_path):
    root = tree(tmp_path / "news")
    index = tmp_path / "index"
    first = update_index(index, [root], HashEmbedder())
    (root / ".newsqaignore").write_text("sub/\n", encoding="utf-8")
    summary = update_index(index, [root], HashEmbedder())
    assert (summary.removed, summary.added, summary.unchanged) == (2, 0, first.added - 2)  # sub/top.txt, sub/drafts/e.txt
    update_index(index, [root], HashEmbedder(), select=Selection.of(["*.md"]))
    reader = IndexReader.open(index)
    try:
        assert {Path(row[0]).name for row in reader.db.execute("SELECT path FROM files")} == {"b.md"}
    finally:
        reader.close()
