"""Answers kept by the service: least recently used out first, all forgotten when the generation changes."""

from __future__ import annotations

from qa.answer_cache import AnswerCache


def test_the_least_recently_used_answer_goes_when_full() -> None:
    cache = AnswerCache(2)
    cache.put("a", "gen-1", {"n": 1})
    cache.put("b", "gen-1", {"n": 2})
    assert cache.get("a", "gen-1") == {"n": 1}  # "a" is now the most recent
    cache.put("c", "gen-1", {"n": 3})
    assert cache.get("b", "gen-1") is None
    assert (cache.get("a", "gen-1"), cache.get("c", "gen-1")) == ({"n": 1}, {"n": 3})


def test_an_answer_holds_only_on_its_own_generation() -> None:
    cache = AnswerCache(8)
    cache.put("a", "gen-1", {"n": 1})
    assert cache.get("a", "gen-2") is None
    assert cache.get("a", "gen-1") is None  # a newer generation was seen: the old answers are gone, not kept aside
    cache.put("a", "gen-2", {"n": 2})
    assert cache.get("a", "gen-2") == {"n": 2}


def test_size_zero_keeps_nothing() -> None:
    cache = AnswerCache(0)
    cache.put("a", "gen-1", {"n": 1})
    assert cache.get("a", "gen-1") is None
