"""The output boundary: hostile file names and texts leave the program, by every path, with no escape byte.

The app's paths (screens, notifications, the clipboard) are driven in tests/tui/test_hostile_names.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest

import index.embed
import qa.pipeline
from bench.common import HashEmbedder
from index.update import update_index

# What a terminal acts on or is fooled by (its own definition, not the sanitiser's): C0 but tab and
# newline, DEL, C1, bidi controls, the Unicode line breaks and lone surrogates (undecodable names).
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
# The clipboard gets one line: not even a tab or a newline.
FORBIDDEN_ON_CLIPBOARD = re.compile(f"[\t\n{FORBIDDEN.pattern[1:-1]}]")

PASTE_END = "\x1b[201~"  # ends a bracketed paste: what follows is typed as commands
OSC52, OSC0, CLEAR, C1_CSI = "\x1b]52;c;cm0gLXJmIH4K\x07", "\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m"
RLO, PDF, LINE_SEP = "\u202e", "\u202c", "\u2028"
TITLE = f"Zebrafinch strike {PASTE_END}touch /tmp/pwned\x1b[200~ {RLO}txt.exe{PDF} {C1_CSI} in{LINE_SEP}Lisbon"
OUTLET = f"Harbour {OSC0} Courier {RLO}"
ARTICLE = (f"{TITLE}\n\nSource: {OUTLET}\nDate: March 2, 2025\n\n"
           f"LISBON - About 4,000 zebrafinch workers went on strike on Tuesday {OSC52} at the harbour, officials "
           f"said. {CLEAR} The zebrafinch workers want higher pay {C1_CSI} and shorter hours {RLO}, the union "
           f"said.{LINE_SEP} Talks with the zebrafinch workers go on next week.\x00\n")
QUESTION = "how many zebrafinch workers went on strike?"
# File names: one per attack, and bytes that are not UTF-8 (they arrive as lone surrogates).
STORY = f"strike{PASTE_END}{RLO}.txt"
UNREAD = f"clear{CLEAR}{OSC52}{RLO}.docx"  # "skipped file of a type newsqa does not read"
EMPTY = f"empty{OSC0}{C1_CSI}{LINE_SEP}\nrm -rf ~.txt"  # "skipped empty file"
UNDECODABLE = b"bad\xff\x1b[2J.txt"


def escapes(text: str) -> list[str]:
    """The characters of `text` a terminal could act on (newline and tab aside)."""
    return FORBIDDEN.findall(text)


def corpus(folder: Path) -> Path:
    """A folder of one hostile article beside hostile names that each earn a warning."""
    folder.mkdir(parents=True)
    (folder / STORY).write_text(ARTICLE, encoding="utf-8")
    (folder / UNREAD).write_bytes(b"PK\x03\x04")
    (folder / EMPTY).write_text("  \n", encoding="utf-8")
    (folder / os.fsdecode(UNDECODABLE)).write_bytes(b"hello")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the hostile corpus, built with the stand-in model."""
    root = tmp_path_factory.mktemp("hostile")
    update_index(root / "index", [corpus(root / "news")], HashEmbedder())
    return root / "index"


@pytest.fixture(autouse=True)
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in model for `qa index` and `ask`, and a data folder of the test's own."""
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    real = qa.pipeline.Pipeline
    monkeypatch.setattr(qa.pipeline, "Pipeline", lambda folder, embedder_factory=None, **kw: real(
        folder, lambda reader: HashEmbedder(), **kw))


def qa_run(*argv: str) -> int:
    from qa.cli import qa_main

    return qa_main(list(argv))


def ask_run(*argv: str) -> int:
    from qa.cli import ask_main

    return ask_main(list(argv))


def test_index_warnings_and_summary_carry_no_escape(tmp_path, capsys):
    """D2: `qa index` names skipped files on stderr; the names' escapes are shown, never sent."""
    news = corpus(tmp_path / "news")
    assert qa_run("index", str(news), "--index", str(tmp_path / f"idx{OSC0}")) == 0
    out, err = capsys.readouterr()
    assert "skipped file of a type newsqa does not read" in err and "skipped empty file" in err, err
    assert "␛[2J" in err and "␛]52;c;" in err  # shown, made visible
    assert escapes(out) == [] and escapes(err) == [], (out, err)
    # One line per warning: U+2028 or a newline in a name starts none.
    assert all(line.startswith("warning: ") for line in err.strip().splitlines()), err


def wait_for(condition, stream: io.StringIO, seconds: float = 20.0) -> None:
    """Poll `condition` until it holds; fail, showing what was written, after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, stream.getvalue()
        time.sleep(0.05)


def test_watch_log_lines_carry_no_escape(tmp_path, monkeypatch):
    """D2: `qa watch` logs skipped and changed files by name; each line reaches stderr made safe."""
    from index.watch import watch_paths
    from qa.cli import _stamped

    news = corpus(tmp_path / "news")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    stop, codes = threading.Event(), []
    thread = threading.Thread(target=lambda: codes.append(watch_paths(
        tmp_path / "index", [news], HashEmbedder(), log=_stamped, stop_event=stop, debounce_ms=100)))
    thread.start()
    try:
        wait_for(lambda: "watching" in stderr.getvalue(), stderr)
        (news / f"new{OSC52}{RLO}.txt").write_text(ARTICLE.replace("Lisbon", "Porto"), encoding="utf-8")
        # The update that took the new file in (with the file named before it, where the OS watch can follow).
        wait_for(lambda: " added, " in stderr.getvalue().partition("watching")[2], stderr)
    finally:
        stop.set()
        thread.join(20)
    log = stderr.getvalue()
    assert codes == [0] and "skipped file of a type newsqa does not read" in log and "clear␛[2J" in log, log
    assert escapes(log) == [], log


def test_progress_lines_carry_no_escape(monkeypatch):
    """`qa index` progress on a terminal: a stage's name passes the boundary like any other line."""
    from qa.progress import Stages

    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with Stages(live=True) as stages:
        stages.stage(f"reading {OSC0}{RLO}", total=2, counted=True)
        stages(f"reading {CLEAR}", 1, 2)
    assert "reading" in stderr.getvalue() and escapes(stderr.getvalue()) == [], repr(stderr.getvalue())


def test_error_lines_carry_no_escape(hostile, tmp_path, capsys):
    """D13: error lines quote what was given (a citation, a folder); bidi controls in it are shown, not obeyed."""
    assert qa_run("show", f"{RLO}evil{CLEAR}.txt:1-5", "--index", str(hostile)) == 2
    assert ask_run(QUESTION, "--index", str(tmp_path / f"no{OSC0}{RLO}where")) == 2
    assert qa_run("check", "--index", str(tmp_path / f"gone{LINE_SEP}{C1_CSI}")) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 3 and all(line.startswith("error: ") for line in lines), err
    assert escapes(err) == [], err


def test_ask_text_and_json_carry_no_escape(hostile, capsys):
    """D13: `ask` shows titles, outlets and passages with bidi controls and U+2028 visible; `--json` keeps the
    true text, every such character written as a \\u escape."""
    assert ask_run(QUESTION, "--index", str(hostile)) != 2
    text = capsys.readouterr().out
    assert "4,000" in text and "␛[201~touch" in text and escapes(text) == [], text
    assert ask_run(QUESTION, "--index", str(hostile), "--json") != 2
    raw = capsys.readouterr().out
    assert escapes(raw) == [], raw
    top = json.loads(raw)["passages"][0]
    assert (top["title"], top["outlet"]) == (TITLE, OUTLET)  # a JSON reader still gets the true text
    assert ask_run(QUESTION, "--index", str(hostile), "--format", "markdown") != 2
    assert escapes(capsys.readouterr().out) == []


def test_show_and_docs_carry_no_escape(hostile, capsys):
    """`qa show` (text and JSON) and `qa docs` (text and JSON) over the hostile index."""
    assert ask_run(QUESTION, "--index", str(hostile), "--json") != 2
    top = json.loads(capsys.readouterr().out)["passages"][0]
    cited = f"{top['doc']}:{top['start']}-{top['end']}"
    for command in (("show", cited), ("show", cited, "--json"), ("docs",), ("docs", "--json")):
        assert qa_run(*command, "--index", str(hostile)) == 0
        out, err = capsys.readouterr()
        assert out and escapes(out + err) == [], (command, out, err)
        if "--json" in command:
            assert json.loads(out.splitlines()[0])["title"] == TITLE


def _result(hostile: Path):
    pipeline = qa.pipeline.Pipeline(hostile)
    try:
        return pipeline.ask(QUESTION)
    finally:
        pipeline.close()


def test_markdown_and_json_exports_carry_no_escape(hostile, tmp_path):
    """The app's exports (e): files a user opens in a terminal pager or cats."""
    from index.filters import Filters
    from tui.export import Record, save

    result = _result(hostile)
    record = Record(f"/data/idx{OSC0}{RLO}", Filters(outlets=(f"Harbour{CLEAR}",)), time.time())
    for name in ("answers.md", "answers.json"):
        written = save(result, tmp_path / "exports" / name, record).read_text(encoding="utf-8")
        assert "4,000" in written and escapes(written) == [], (name, written)
    assert json.loads(written)["passages"][0]["title"] == TITLE


def test_metadata_fields_are_capped_when_shown(tmp_path, capsys):
    """A 5,000-character title, outlet or author is cut when shown, with an ellipsis; JSON keeps it whole."""
    from qa.config import DEFAULT

    most = DEFAULT.display.max_field
    title, outlet, author = "Zebrafinch " * 500, "Courier " * 600, "Silva " * 800
    body = ARTICLE.split("\n\n", 2)[2]
    news = tmp_path / "news"
    news.mkdir()
    record = {"title": title, "outlet": outlet, "author": author, "published": "2025-03-02", "text": body}
    (news / "long.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    assert ask_run(QUESTION, "--index", str(tmp_path / "index"), "--json") != 2
    top = json.loads(capsys.readouterr().out)["passages"][0]
    assert top["title"] == title.strip() and top["outlet"] == outlet.strip()  # JSON keeps them whole
    shown = {}  # per command, its lines wrapped to the terminal joined again
    for name, run, argv in (("ask", ask_run, (QUESTION,)), ("docs", qa_run, ("docs",)),
                            ("show", qa_run, ("show", f"{top['doc']}:{top['start']}-{top['end']}"))):
        assert run(*argv, "--index", str(tmp_path / "index")) != 2
        shown[name] = " ".join(capsys.readouterr().out.split())

    def cut(word: str, text: str) -> bool:
        runs = re.findall(f"(?:{word} ?)+…?", text)
        return bool(runs) and all(run.endswith(f"{word}…") and len(run) <= most for run in runs)

    # The title also heads the article's text, which is shown whole: as metadata it is cut.
    assert cut("Zebrafinch", shown["docs"]) and cut("Zebrafinch", shown["show"].split(" · characters")[0])
    assert cut("Zebrafinch", re.search(r" 1\. ((?:Zebrafinch ?)+…?)", shown["ask"])[1])
    assert all(cut("Courier", text) for text in shown.values()) and cut("Silva", shown["show"])


def test_ask_text_in_colour_carries_no_escape_but_its_own(hostile):
    """With colour on, the only escapes in `ask`'s text are the renderer's own SGR codes."""
    from qa.render import to_text

    result = _result(hostile)
    assert result.hits and "\x1b" in result.hits[0].passage.text  # the article reached the result
    out = to_text(result, color=True)
    for code in ("\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m"):
        out = out.replace(code, "")
    assert "␛]52;c;" in out and "␛[2J" in out and escapes(out) == [], repr(out)
