"""Generated hostile corpora: any bytes, encodings, names, links and sizes end in answers or one-line errors."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.common import HashEmbedder
from index.errors import QAError
from index.update import update_index
from qa.pipeline import Pipeline
from qa.render import to_text
from qa.terminal import has_control
from tests.index.test_update import ARTICLE

RENDERER_CODES = ("\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m")

names = st.one_of(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=20),
    st.sampled_from(["a.txt", "B.MD", ".hidden.txt", "with space.txt", "x\nnewline.txt", "é.txt", "\x1b[2J.txt"]),
).map(lambda name: os.fsencode(name)[:200] + b".txt")
bad_names = st.sampled_from([b"x\xff.txt", b"\xc3(.md", b"ok\x80\x81.txt"])
texts = st.one_of(
    st.just(ARTICLE),
    st.text(max_size=2_000),
    st.sampled_from([ARTICLE.replace("said", "said \x1b]52;c;eA==\x07"), ARTICLE.replace(" ", "") * 3,
                     "word " * 5_000, ARTICLE.replace("\n", "\r\n")]),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-32"])
contents = st.one_of(
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
            assert not has_control(shown)
            shown.encode("utf-8")
            if not follow:
                assert "secretbird" not in shown  # nothing from outside the corpus is citable
        for path in sorted(corpus.rglob("*"))[:1]:  # an update after a removal ends well too
            path.unlink() if not path.is_dir() or path.is_symlink() else shutil.rmtree(path)
        ends_well(lambda: update_index(index, [corpus], HashEmbedder(), follow_links=follow, max_file_bytes=limit))
    finally:
        shutil.rmtree(root, ignore_errors=True)
