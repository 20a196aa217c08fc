"""Answers the service has given, kept while their generation is live: a question asked again is not read again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

Json = dict[str, object]


class AnswerCache:
    """The `size` most recently used answers by their checked query, all of one generation of the index.

    An answer holds only while the generation it was read from is the live one: a question's answer changes
    only when the index does (dates in its filters are resolved before it is a key). Entries are shared with
    every caller that asks the same: they must not be changed.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._generation: str | None = None
        self._entries: OrderedDict[Hashable, Json] = OrderedDict()
        # The event loop looks up while the reader's thread stores; OrderedDict's moves are not atomic.
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: str) -> Json | None:
        """The answer kept for `key` if it was read from `generation`, else None."""
        with self._lock:
            self._forget_unless(generation)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, generation: str, answer: Json) -> None:
        """Keep `answer`, read from `generation`; the least recently used goes when the cache is full."""
        if self.size <= 0:
            return
        with self._lock:
            self._forget_unless(generation)
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def _forget_unless(self, generation: str) -> None:
        """Drop every answer when the live generation is another one (under the lock)."""
        if generation != self._generation:
            self._entries.clear()
            self._generation = generation
