"""Places, paths and times as the app shows them, and the abandonable loader."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from index.models import Passage
from qa.models import Answer, Hit, Result, Source, Span
from tui.places import ago, display_path, place_of_copy, place_of_hit, place_of_source, spans_of
from tui.session import Abandoned, abandonable

PASSAGE = Passage("/news/a.txt", 0, "Workers abroad", 100, 160, 7, "Around 4,000 workers are in Russia, the agency said.", 3)
COPY = Passage("/news/b.txt", 0, None, 0, 60, 1, "Around 4,000 workers are in Russia, the agency said.", 9)
HIT = Hit(PASSAGE, 0.9, 1, duplicates=(COPY,))


def test_hit_place_carries_span_and_clip_quotes_it():
    place = place_of_hit(HIT, Span("4,000", 107, 112))
    cited = place.citation
    assert (cited.start, cited.end, place.span, place.quote) == (100, 160, (107, 112), "4,000")
    assert place.clip() == "Workers abroad — /news/a.txt:7\n“Around «4,000» workers are in Russia, the agency said.”"


def test_clip_without_span_quotes_the_passage_and_untitled_copy_is_cited_by_path():
    place = place_of_copy(HIT, COPY, None, ())
    assert place.clip() == f"/news/b.txt:1\n“{COPY.text}”"  # untitled: the path alone, the name not twice
    assert place.span is None and place.label == "copy"


def test_copy_marks_the_answer_where_it_was_located_in_the_copy():
    answer = Answer("4,000", 0.8, PASSAGE.text, (Source("/news/a.txt", 107, 112, 7), Source("/news/b.txt", 7, 12, 1)))
    place = place_of_copy(HIT, COPY, Span("4,000", 107, 112), (answer,))
    assert (place.span, place.quote, place.label) == ((7, 12), "4,000", "copy")
    assert place.clip() == "/news/b.txt:1\n“Around «4,000» workers are in Russia, the agency said.”"
    elsewhere = Answer("13,221", 0.5, "ctx", (Source("/news/a.txt", 120, 126, 7),))
    assert place_of_copy(HIT, COPY, Span("4,000", 107, 112), (elsewhere,)).span is None  # not located: not guessed


def test_answer_source_is_located_in_its_passage_or_stands_alone():
    answer = Answer("4,000", 0.8, "ctx", (Source("/news/b.txt", 7, 12, 1), Source("/news/c.txt", 50, 55, 4, "C")))
    result = Result("q", (HIT,), (answer,), (None,))
    inside = place_of_source(answer, answer.sources[0], result)
    cited = inside.citation
    assert (cited.path, cited.start, cited.end, inside.span, inside.hit) == ("/news/b.txt", 0, 60, (7, 12), HIT)
    alone = place_of_source(answer, answer.sources[1], result)
    cited = alone.citation
    assert (cited.start, cited.end, cited.line, cited.title, alone.hit) == (50, 55, 4, "C", None)


def test_spans_are_padded_to_one_per_hit():
    assert spans_of(Result("q", (HIT, HIT))) == (None, None)


def test_display_path_relative_to_cwd_or_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(str(tmp_path / "news" / "a.txt")) == str(Path("news") / "a.txt")
    monkeypatch.setenv("HOME", "/home/reader")
    assert display_path("/home/reader/idx") == str(Path("~") / "idx")
    assert display_path("/elsewhere/idx") == "/elsewhere/idx"


def test_ago_is_coarse():
    now = 1_000_000.0
    assert [ago(now - s, now) for s in (5, 300, 7200)] == ["just now", "5 min ago", "2 h ago"]
    assert ago(now - 3 * 86400, now) == time.strftime("%Y-%m-%d", time.localtime(now - 3 * 86400))


def test_abandonable_returns_raises_or_abandons():
    done = threading.Event()
    assert abandonable(lambda: 42, lambda: False, done) == 42 and done.is_set()
    with pytest.raises(ValueError):
        abandonable(lambda: int("x"), lambda: False, done)
    gate = threading.Event()
    started = time.perf_counter()
    with pytest.raises(Abandoned):
        abandonable(lambda: gate.wait(10), lambda: True, done)
    assert time.perf_counter() - started < 5 and not done.is_set()  # it does not wait out the 10 s
    gate.set()
