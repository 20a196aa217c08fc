"""Generated hostile corpora: any bytes, encodings, names, links and sizes end in answers or one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.common import HashEmbedder
from index.errors import QAError
from index.update import update_index
from index.watch import watch_paths
from qa.pipeline import Pipeline
from qa.render import to_text
from tests.qa.test_output_boundary import escapes
from tests.index.test_update import ARTICLE

RENDERER_CODES = ("\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m")

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
SUFFIXES = [b".txt", b".md", b".html", b".htm", b".xml", b".rss", b".atom", b".pdf", b".jsonl", b".ndjson",
            b".json", b".csv", b".TXT"]
names = st.tuples(st.one_of(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=20),
    st.sampled_from(["a", "B", ".hidden", "with space", "x\nnewline", "é", "\x1b[2J", "x\\xff"]),
), st.sampled_from(SUFFIXES)).map(lambda pair: os.fsencode(pair[0])[:200] + pair[1])
bad_names = st.sampled_from([b"x\xff.txt", b"\xc3(.md", b"ok\x80\x81.txt", b"caf\xe9.json", b"\xff.pdf"])
texts = st.one_of(
    st.just(ARTICLE),
    st.text(max_size=2_000),
    st.sampled_from([ARTICLE.replace("said", "said \x1b]52;c;eA==\x07"), ARTICLE.replace(" ", "") * 3,
                     "word " * 5_000, ARTICLE.replace("\n", "\r\n")]),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-32"])
PDF = (FORMATS / "briefing.pdf").read_bytes()
# Each format's own files and its hostile ones: what round three found (deep JSON, pypdf's stderr, tiny lines,
# absurd dates) and their neighbours. Any of them may carry any suffix: a mismatch is hostile too.
formats = st.sampled_from([
    (FORMATS / "000-story-0.html").read_bytes(), (FORMATS / "nk-watch.rss").read_bytes(),
    (FORMATS / "archive.jsonl").read_bytes(), PDF,
    PDF.replace(b"/Size 11\n", b"/Size 11\n/Prev 2819\n"), b"%PDF-1.4 garbage", PDF[: len(PDF) // 2],
    b"[" * 100_000 + b"]" * 100_000, b'{"text": "A kestrel story."}\n' + b"[" * 50_000 + b"\n",
    b"a\n" * 50_000, b"A.\n" * 20_000, b"\n" * 50_000, b"abcd\n" * 5_000,
    b"<html><body>" + b"<div>" * 3_000 + b"deep" + b"</div>" * 3_000 + b"</body></html>",
    b"<rss><channel>" + b"<item><title>t</title><description>d</description></item>" * 500 + b"</channel></rss>",
    b"title,text,date\n" + b"A,The kestrel count found forty birds.,99999-01-01\n" * 50,
    "\n".join(json.dumps({"text": "The kestrel count found forty birds.", "published": d})
              for d in ["-0001-01-01", 255_000_000, 1, "2025-03-04", 1e300]).encode(),
    b'{"text": "x", "published": ' + b"[" * 300 + b"]" * 300 + b"}",
])
contents = st.one_of(
    formats,
    st.tuples(texts, encodings).map(lambda pair: pair[0].encode(pair[1], errors="replace")),
    st.binary(max_size=3_000),
    st.tuples(st.just(ARTICLE.encode()), st.integers(0, len(ARTICLE))).map(
        lambda pair: pair[0][:pair[1]] + b"\x00" + pair[0][pair[1]:]),
)
links = st.lists(st.tuples(st.sampled_from(["in", "out", "broken", "loop", "dir-out"]), st.integers(0, 5)),
                 max_size=4)
questions = st.one_of(st.text(max_size=60), st.sampled_from(["how many birds?", "who leads the survey?",
                                                              'NEAR(a b) "', "3fold", "\x1b[2J when?"]))


def build(root: Path, files: list[tuple[bytes, bytes]], odd: list[bytes], made: list[tuple[str, int]]) -> Path:
    corpus, outside = root / "news", root / "outside"
    (corpus / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text(ARTICLE.replace("zebrafinch", "secretbird"), encoding="utf-8")
    written: list[bytes] = []
    for number, (name, data) in enumerate(files + [(name, ARTICLE.encode()) for name in odd]):
        folder = os.fsencode(corpus / ("sub" if number % 2 else ""))
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        written.append(path)
    for number, (kind, pick) in enumerate(made):
        link = os.fsencode(corpus / f"link{number}.txt")
        if kind == "in" and written:
            os.symlink(written[pick % len(written)], link)
        elif kind == "out":
            os.symlink(outside / "secret.txt", link)
        elif kind == "broken":
            os.symlink(root / "nothing.txt", link)
        elif kind == "loop":
            os.symlink(corpus, corpus / "sub" / f"loop{number}")
        else:
            os.symlink(outside, corpus / f"dir{number}")
    return corpus


def ends_well(action) -> object:
    try:
        return action()
    except QAError as error:
        assert "\n" not in str(error)
        return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(names, contents), max_size=5, unique_by=lambda pair: pair[0]),
       odd=st.lists(bad_names, max_size=1), made=links, question=questions,
       limit=st.sampled_from([None, 2_000, 16 * 2**20]), follow=st.booleans())
def test_any_corpus_ends_in_answers_or_a_one_line_error(files, odd, made, question, limit, follow):
    root = Path(tempfile.mkdtemp())
    try:
        corpus = build(root, files, odd, made)
        index = root / "index"
        summary = ends_well(lambda: update_index(index, [corpus], HashEmbedder(), follow_links=follow,
                                                 max_file_bytes=limit))
        if summary is None:
            return
        "\n".join(summary.warnings).encode("utf-8")  # every warning can be printed
        pipeline = ends_well(lambda: Pipeline(index, embedder_factory=lambda reader: HashEmbedder()))
        if pipeline is None:
            return
        try:
            result = ends_well(lambda: pipeline.ask(question, 3))
        finally:
            pipeline.close()
        if result is not None:
            shown = to_text(result, color=True)
            for code in RENDERER_CODES:
                shown = shown.replace(code, "")
            assert escapes(shown) == []
            shown.encode("utf-8")
            if not follow:
                assert "secretbird" not in shown  # nothing from outside the corpus is citable
        for path in sorted(corpus.rglob("*"))[:1]:  # an update after a removal ends well too
            path.unlink() if not path.is_dir() or path.is_symlink() else shutil.rmtree(path)
        ends_well(lambda: update_index(index, [corpus], HashEmbedder(), follow_links=follow, max_file_bytes=limit))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(names, contents), max_size=4, unique_by=lambda pair: pair[0]),
       odd=st.lists(bad_names, max_size=2, unique=True), made=links, later=st.tuples(names, contents))
def test_any_corpus_survives_a_watch_cycle(files, odd, made, later):
    # qa watch died on a name that is not UTF-8 (D3) and on a file that broke its extractor (D4): whatever the
    # corpus, the watch syncs, takes one more file, and stops cleanly when asked.
    import dataclasses

    import index.config

    saved = index.config.INDEX
    index.config.INDEX = dataclasses.replace(saved, watch_poll_seconds=0.2)
    root = Path(tempfile.mkdtemp())
    try:
        corpus = build(root, files, odd, made)
        lines: list[str] = []
        stop = threading.Event()
        result: list[int] = []
        thread = threading.Thread(target=lambda: result.append(
            watch_paths(root / "index", [corpus], HashEmbedder(), log=lines.append, stop_event=stop, debounce_ms=50)))
        thread.start()
        deadline = time.monotonic() + 60
        while not any(line.startswith("watching") for line in lines) and thread.is_alive():
            assert time.monotonic() < deadline, lines
            time.sleep(0.05)
        if thread.is_alive():
            with open(os.path.join(os.fsencode(corpus), b"later-" + later[0]), "wb") as handle:
                handle.write(later[1])
            time.sleep(1.0)  # the OS watcher (or the polling that stands in for it) has a batch to apply
        stop.set()
        thread.join(60)
        assert not thread.is_alive(), lines
        assert result in ([0], [2]), lines  # 2: an initial sync refused with one error line
        if result == [2]:
            assert lines and lines[-1].startswith("error: ")
        "\n".join(lines).encode("utf-8")  # every line can be printed
    finally:
        index.config.INDEX = saved
        shutil.rmtree(root, ignore_errors=True)
