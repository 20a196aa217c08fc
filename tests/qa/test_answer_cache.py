"""Answers kept by the service: least recently used out first, all forgotten when the generation changes."""

from __future__ import annotations

from qa.answer_cache import AnswerCache


def test_the_least_recently_used_answers_go_until_the_rest_fit() -> None:
    cache = AnswerCache(max_chars=10)
    cache.put("a", "gen-1", "aaaa")
    cache.put("b", "gen-1", "bbbb")
    assert cache.get("a", "gen-1") == "aaaa"  # "a" is now the most recent
    cache.put("c", "gen-1", "cccc")  # 12 characters: "b" goes
    assert cache.get("b", "gen-1") is None
    assert (cache.get("a", "gen-1"), cache.get("c", "gen-1")) == ("aaaa", "cccc")
    cache.put("a", "gen-1", "AAAAAA")  # replaced, not counted twice: 10 in all, both stay
    assert (cache.get("a", "gen-1"), cache.get("c", "gen-1")) == ("AAAAAA", "cccc")


def test_an_answer_longer_than_the_whole_cache_is_not_kept_and_evicts_nothing() -> None:
    cache = AnswerCache(max_chars=10)
    cache.put("a", "gen-1", "aaaa")
    cache.put("big", "gen-1", "x" * 11)
    assert cache.get("big", "gen-1") is None and cache.get("a", "gen-1") == "aaaa"


def test_an_answer_holds_only_on_its_own_generation() -> None:
    cache = AnswerCache(max_chars=100)
    cache.put("a", "gen-1", "one")
    assert cache.get("a", "gen-2") is None
    assert cache.get("a", "gen-1") is None  # a newer generation was seen: the old answers are gone, not kept aside
    cache.put("a", "gen-2", "two")
    assert cache.get("a", "gen-2") == "two"


def test_size_zero_keeps_nothing() -> None:
    cache = AnswerCache(0)
    cache.put("a", "gen-1", "one")
    assert cache.get("a", "gen-1") is None
