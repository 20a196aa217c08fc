"""Answers the service has given, kept while their generation is live: a question asked again is not read again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class AnswerCache:
    """The most recently used answers, as JSON lines of at most `max_chars` in all, by their checked query.

    An answer holds only while the generation it was read from is the live one: a question's answer changes
    only when the index does (dates in its filters are resolved before it is a key). Kept as text, not as
    objects: a quarter of the memory, and sent as it is.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._generation: str | None = None
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._chars = 0
        # The event loop looks up while the reader's thread stores; OrderedDict's moves are not atomic.
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: str) -> str | None:
        """The answer kept for `key` if it was read from `generation`, else None."""
        with self._lock:
            self._forget_unless(generation)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, generation: str, answer: str) -> None:
        """Keep `answer`, read from `generation`; the least recently used go until all fit in `max_chars`."""
        if len(answer) > self.max_chars:
            return
        with self._lock:
            self._forget_unless(generation)
            self._chars -= len(self._entries.pop(key, ""))
            self._entries[key] = answer
            self._chars += len(answer)
            while self._chars > self.max_chars:
                self._chars -= len(self._entries.popitem(last=False)[1])

    def _forget_unless(self, generation: str) -> None:
        """Drop every answer when the live generation is another one (under the lock)."""
        if generation != self._generation:
            self._entries.clear()
            self._chars = 0
            self._generation = generation
