"""Index paths no library can take (a part over 255 bytes, a path SQLite finds too long, bytes that are not
UTF-8), from --index, QA_INDEX or QA_HOME: one `error:` line on every command, read or write, and nothing created."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import HashEmbedder
from index.errors import InputError
from index.update import update_index
from tests.conftest import SEEDS

BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No user's settings, last index or data folder: each test names its own."""
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QA_INDEX", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def one_error(capsys: pytest.CaptureFixture[str], code: int, fragment: str) -> None:
    assert code == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: ") and fragment in err[0], err


def long_part(tmp_path: Path) -> Path:
    return tmp_path / ("x" * 300)


def long_path(tmp_path: Path) -> Path:
    """Parts the file system allows, a whole SQLite does not (and it exists: not a missing folder)."""
    folder = tmp_path.joinpath(*["y" * 200] * 3)
    folder.mkdir(parents=True)
    return folder


def not_utf8(tmp_path: Path) -> Path:
    return tmp_path / os.fsdecode(b"index-\xff")


READS = {
    "ask": lambda folder: ("ask", ["how many workers?", "--index", str(folder)]),
    "show": lambda folder: ("qa", ["show", "a.txt:1", "--index", str(folder)]),
    "check": lambda folder: ("qa", ["check", "--index", str(folder)]),
    "docs": lambda folder: ("qa", ["docs", "--index", str(folder)]),
    "index": lambda folder: ("qa", ["index", str(SEEDS), "--index", str(folder)]),
}
PATHS = {"part": (long_part, "255"), "whole": (long_path, "SQLite"), "bytes": (not_utf8, "UTF-8")}


def main(command: str):
    from qa.cli import ask_main, qa_main

    return ask_main if command == "ask" else qa_main


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("command", sorted(READS))
def test_an_unusable_index_option_is_one_line(tmp_path, capsys, command, path):
    make, fragment = PATHS[path]
    folder = make(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    program, argv = READS[command](folder)
    one_error(capsys, main(program)(argv), fragment)
    assert sorted(tmp_path.rglob("*")) == before  # no lock, no segments/ left behind


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("command", ["ask", "check", "docs"])
def test_an_unusable_qa_index_is_one_line(tmp_path, capsys, monkeypatch, command, path):
    make, fragment = PATHS[path]
    monkeypatch.setenv("QA_INDEX", str(make(tmp_path)))
    program, argv = READS[command](Path("unused"))
    one_error(capsys, main(program)([word for word in argv if word not in ("--index", "unused")]), fragment)


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("command", ["ask", "check", "index"])
def test_an_unusable_qa_home_is_one_line(tmp_path, capsys, monkeypatch, command, path):
    """The data folder holds the seeds' index (read) and the indexes `qa index PATH` builds (written)."""
    make, fragment = PATHS[path]
    monkeypatch.setenv("QA_HOME", str(make(tmp_path)))
    before = sorted(tmp_path.rglob("*"))
    program, argv = READS[command](Path("unused"))
    one_error(capsys, main(program)([word for word in argv if word not in ("--index", "unused")]), fragment)
    assert sorted(tmp_path.rglob("*")) == before


def test_the_library_refuses_a_name_faiss_cannot_take_before_creating_anything(tmp_path):
    folder = not_utf8(tmp_path)
    with pytest.raises(InputError, match="not UTF-8"):
        update_index(folder, [SEEDS], HashEmbedder())
    assert not folder.exists()


def test_ask_with_a_long_index_path_is_one_line_in_a_real_process(tmp_path):
    env = {**os.environ, "QA_HOME": str(tmp_path / "home"), "QA_CONFIG": str(tmp_path / "none.toml")}
    proc = subprocess.run([str(BIN / "ask"), "how many workers?", "--index", str(long_part(tmp_path))],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "255" in lines[0], proc.stderr


def test_an_unusable_qa_home_does_not_stop_an_index_given_with_index(tmp_path, capsys, monkeypatch):
    """The data folder is only where indexes go by default: `--index` elsewhere builds, and nothing is remembered."""
    import index.embed
    from qa.cli import qa_main

    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    monkeypatch.setenv("QA_HOME", str(long_part(tmp_path)))
    assert qa_main(["index", str(SEEDS), "--index", str(tmp_path / "index")]) == 0, capsys.readouterr().err
    assert (tmp_path / "index" / "CURRENT").is_file()
