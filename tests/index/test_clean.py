"""Cleaning: boilerplate kept out, hard wraps re-flowed, titles and appended stories found."""

from __future__ import annotations

from index.clean import clean, is_boilerplate
from index.split import split_file
from tests.conftest import SEEDS


def _seed(prefix: str) -> tuple[str, str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return str(path), path.read_text(encoding="utf-8")


def _all_passage_text(prefix: str) -> str:
    path, text = _seed(prefix)
    return " ".join(p.text for p in split_file(path, text)[1])


def test_boilerplate_lines_are_recognised():
    for line in ["Leave a Comment", "Subscribe now to keep reading and get access to the full archive.",
                 "Read : Rason City Tour to Celebrate Kim Jong Il’s Birthday", "Hashtags",
                 "Try Our AI Features", "Explore what Daily8 AI can do for you:", "Post a Comment",
                 "Share on Facebook", "Facebook | Twitter | WhatsApp", "Advertisement"]:
        assert is_boilerplate(line), line
    for line in ["North Korean Workers in Russia:", "The resolution, passed in 2017, also mandated repatriation."]:
        assert not is_boilerplate(line), line


def test_seed_boilerplate_never_reaches_a_passage():
    joined = " ".join(_all_passage_text(p) for p in ("000", "001", "002", "003", "004"))
    for junk in ("Leave a Comment", "Subscribe now", "Read :", "Hashtags", "Try Our AI Features",
                 "Post a Comment", "Leave a Reply", "No comments yet", "Photo:"):
        assert junk not in joined


def test_hard_wrapped_seed_is_reflowed_into_whole_sentences():
    text = _all_passage_text("002")
    assert "estimated labor shortage of 1.5 million workers" in text
    assert "Moscow has turned to North Korea for labor support amid workforce shortages" in text


def test_related_articles_become_their_own_documents():
    path, text = _seed("003")
    documents, passages = split_file(path, text)
    main = [p for p in passages if p.part == 0]
    assert main and all("Kyiv City Military Administration" not in p.text for p in main)
    appended = [d for d in documents if d.part > 0]
    assert {d.outlet for d in appended} >= {"The Independent"}
    assert all(d.title for d in appended)


def test_headline_is_the_title_and_a_sentence_is_not():
    assert clean(_seed("000")[1])[0].title.startswith("North Korea Used Student Visas")
    assert clean(_seed("001")[1])[0].title is None
    assert clean(_seed("002")[1])[0].title is None
