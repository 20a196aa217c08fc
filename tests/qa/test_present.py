"""The formatting `ask`, the app and the exports share: paths, titles once, counts, quotes, Markdown, width."""

from __future__ import annotations

from index.models import Passage
from qa.cli_ask import _ask_parser
from qa.markdown import citations, to_markdown
from qa.models import Answer, Hit, Result, Source, Span
from qa.present import DEFAULT_K, citation, full_citation, marked_sentence, plural, sentence_around
from qa.render import to_text
from tui.app import create_app

TEXT = "Officials met on Sunday. Around 4,000 workers are in Russia, the agency said. Talks go on."
PASSAGE = Passage(path="/corpus/news/a_b.txt", part=0, start=0, end=len(TEXT), line=3, text=TEXT, title=None)
TITLED = Passage(path="/corpus/news/c.txt", part=0, start=0, end=len(TEXT), line=1, text=TEXT, title="Workers abroad")
ANSWER = Answer("4,000", 0.9, "Around 4,000 workers are in Russia, the agency said.",
                (Source(PASSAGE.path, 32, 37, 3, None), Source(TITLED.path, 32, 37, 1, "Workers abroad")), 2,
                in_context=(7, 12))
RESULT = Result("how many workers?", (Hit(PASSAGE, 1.0, 1, 0.41, 0.9, (TITLED,), Span("4,000", 32, 37)),), (ANSWER,))


def test_plural_and_untitled_cited_by_path_once():
    assert (plural(1, "passage"), plural(2, "passage")) == ("1 passage", "2 passages")
    assert citation(PASSAGE.citation) == "/corpus/news/a_b.txt:3"  # no file name standing in as a title
    assert citation(TITLED.citation, "/corpus") == "Workers abroad — news/c.txt:1"
    assert full_citation(TITLED.citation) == "Workers abroad — /corpus/news/c.txt:1"


def test_quotes_are_whole_sentences_with_the_answer_marked():
    assert marked_sentence(ANSWER) == "Around «4,000» workers are in Russia, the agency said."
    assert sentence_around(TEXT, 0, (32, 37)) == "Around «4,000» workers are in Russia, the agency said."


def test_text_wraps_to_the_width_cites_relative_paths_and_never_cuts_words():
    for width in (60, 80, 120):
        out = to_text(RESULT, width=width)
        assert max(len(line) for line in out.splitlines()) <= width
        assert "/corpus" not in out.replace("in /corpus/news/", "")  # the shared folder is said once, at the end
        assert "a_b.txt:3" in out and "a_b.txt — " not in out
    assert "similarity 0.41" in to_text(RESULT, width=80)


def test_markdown_export_has_answers_sentences_and_citations():
    md = to_markdown(RESULT)
    assert md.startswith("## how many workers?")
    assert "- **4,000** (2 sources)" in md and "> Around **4,000** workers are in Russia" in md
    assert "`a_b.txt:3`" in md and "Workers abroad — `c.txt:1`" in md
    assert citations(RESULT).splitlines() == ["/corpus/news/a_b.txt:3", "Workers abroad — /corpus/news/c.txt:1"]


def test_one_default_k_for_ask_and_the_app():
    assert _ask_parser().parse_args(["q"]).k == DEFAULT_K == create_app(None).k
