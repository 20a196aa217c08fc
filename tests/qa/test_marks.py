"""Answers are marked where the reader found them, in every output: never where their words first appear."""

from __future__ import annotations

from index.models import Passage
from qa.markdown import to_markdown
from qa.marks import marked, marks, pieces
from qa.models import Answer, Hit, Result, Source, Span
from qa.present import marked_sentence, sentence_around
from qa.render import to_text
from tui.places import place_of_hit
from tui.widgets.highlight import SPAN_STYLE, stressed

# The file's exact slice: line breaks and runs of spaces, the figure stated twice.
EXACT = "Officials said 4,000 workers\narrived in March.\nLater  4,000 more came,\n  the agency said."
AT = 500  # where the passage starts in its file
FIRST, SECOND = EXACT.index("4,000"), EXACT.index("4,000", EXACT.index("4,000") + 1)
SPAN = Span("4,000", AT + SECOND, AT + SECOND + 5)  # the reader chose the second
PASSAGE = Passage("/news/a.txt", 0, "Workers", AT, AT + len(EXACT), 12, " ".join(EXACT.split()), raw=EXACT)
SENTENCE = "Later  4,000 more came,\n  the agency said."
ANSWER = Answer("4,000", 0.9, SENTENCE, (Source(PASSAGE.path, SPAN.start, SPAN.end, 14, "Workers"),),
                in_context=(7, 12))
RESULT = Result("how many workers?", (Hit(PASSAGE, 1.0, 1, 0.5, 0.5, (), SPAN),), (ANSWER,))
FLAT = "Officials said 4,000 workers arrived in March. Later 4,000 more came, the agency said."
SHOWN_SECOND = FLAT.index("4,000", FLAT.index("4,000") + 1)


def test_the_second_of_two_equal_figures_is_the_one_marked():
    assert FIRST != SECOND and PASSAGE.text == FLAT
    text = to_text(RESULT, width=200)
    assert "Officials said 4,000 workers arrived in March. Later «4,000» more came" in text
    markdown = to_markdown(RESULT)
    assert "> Officials said 4,000 workers arrived in March. Later **4,000** more came" in markdown
    assert "> Later **4,000** more came, the agency said." in markdown  # the answer's sentence
    content = stressed(*marks(PASSAGE.exact, PASSAGE.start, [(SPAN.start, SPAN.end)]))
    assert content.plain == FLAT
    assert [(s.start, s.end, s.style) for s in content.spans] == [(SHOWN_SECOND, SHOWN_SECOND + 5, SPAN_STYLE)]
    place = place_of_hit(RESULT.hits[0], SPAN)
    assert place.marked() == (FLAT, [(SHOWN_SECOND, SHOWN_SECOND + 5)])
    assert place.clip().endswith("“Later «4,000» more came, the agency said.”")


def test_the_answer_sentence_marks_the_words_at_their_offsets():
    twice = Answer("4,000", 0.9, "Not 4,000 but 4,000\nmore.", (), in_context=(14, 19))
    assert marked_sentence(twice) == "Not 4,000 but «4,000» more."
    assert marked_sentence(Answer("4,000", 0.9, "Some came.", ())) == "Some came. («4,000»)"  # not located: after it
    assert marked_sentence(Answer("4,000", 0.9, "", ())) == "«4,000»"
    assert sentence_around(EXACT, AT, (SPAN.start, SPAN.end)) == "Later «4,000» more came, the agency said."
    assert sentence_around(EXACT, AT, (AT + 1000, AT + 1005)) is None


def test_whitespace_runs_and_newlines_flatten_and_spans_follow():
    exact = "  One\ttwo\n\n three   four \r\n"
    flat, ranges = marks(exact, 10, [(10 + exact.index("three"), 10 + exact.index("four") + 4)])
    assert flat == "One two three four" == " ".join(exact.split())
    assert ranges == [(8, 18)] and flat[8:18] == "three four"


def test_several_spans_come_sorted_and_overlaps_merge():
    exact = "a bb ccc dddd"
    spans = [(9, 13), (0, 1), (2, 4), (3, 8)]
    assert marks(exact, 0, spans) == (exact, [(0, 1), (2, 8), (9, 13)])
    assert marked(exact, [(0, 1), (9, 13)], "[", "]") == "[a] bb ccc [dddd]"
    assert pieces(exact, [(2, 4)]) == [("a ", False), ("bb", True), (" ccc dddd", False)]


def test_spans_at_the_very_start_and_end_and_outside():
    exact = "\nfirst middle last\n"
    at = 100
    flat, ranges = marks(exact, at, [(at, at + 6), (at + exact.index("last"), at + len(exact))])
    assert flat == "first middle last" and ranges == [(0, 5), (13, 17)]
    assert marks(exact, at, [(0, 50), (at + 500, at + 510), (at + 6, at + 7)]) == (flat, [])  # before, after, a space
    assert marks(exact, at, [(at - 5, at + 3)]) == (flat, [(0, 2)])  # cut at the slice's start
    assert marks("", 0, [(0, 3)]) == ("", [])


def test_control_characters_keep_their_place():
    exact = "Say \x1b]0;pwned\x07 4,000\x0bnow\x85then \x1c 4,000."
    second = exact.rindex("4,000")
    flat, ranges = marks(exact, 0, [(second, second + 5)])
    assert flat == " ".join(exact.split())  # \x0b, \x85 and \x1c are whitespace to str.split as to marks
    assert ranges == [(flat.rindex("4,000"), flat.rindex("4,000") + 5)]
    content = stressed(flat, ranges)
    assert "\x1b" not in content.plain and "\x07" not in content.plain and len(content.plain) == len(flat)
    assert [(s.start, s.end) for s in content.spans] == ranges
    shown = to_text(Result("q", (Hit(Passage("/x.txt", 0, None, 0, len(exact), 1, flat, raw=exact), 1.0, 1, 0.5, 0.5,
                                      (), Span("4,000", second, second + 5)),)), width=200)
    assert "\x1b" not in shown and "Say ␛]0;pwned␇ 4,000 now then «4,000»." in shown
