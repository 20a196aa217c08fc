"""One loaded pipeline behind `qa mcp` and `qa serve`: arguments checked once, answers in the CLI's JSON contract."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar

from index.errors import REBUILD, IndexDamagedError, InputError, NotFoundError, QAError
from index.filters import Filters
from index.models import Listed
from index.safe_text import safe_json
from index.store import current_generation
from qa.answer_cache import AnswerCache
from qa.config import ServiceConfig
from qa.docs import doc_id, listed_dict, select
from qa.filters import parse_filters
from qa.pipeline import Pipeline, clean_question
from qa.present import DEFAULT_K
from qa.render import hit_dict, result_dict
from qa.show import cite, cited_dict, context_dict

T = TypeVar("T")
_DOC_ID = re.compile(r"[0-9a-f]{16}-\d{1,6}")


def package_version() -> str:
    """newsqa's installed version, as `status` reports it."""
    try:
        return version("newsqa")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Query:
    """A question and its limits, checked: what `ask` and `search` run."""

    question: str
    k: int
    filters: Filters


def check_filters(config: ServiceConfig, since: str | None = None, until: str | None = None,
                  outlet: Sequence[str] | None = None) -> Filters:
    """`since`, `until` and `outlet` as a question's filters, within the service's bounds."""
    outlets = [outlet] if isinstance(outlet, str) else list(outlet or ())
    if len(outlets) > config.max_outlets:
        raise InputError(f"{len(outlets)} outlets given, at most {config.max_outlets} allowed")
    for value in (since, until, *outlets):
        if value is not None and (not isinstance(value, str) or len(value) > config.max_filter_chars):
            raise InputError(f"a date or outlet must be text of at most {config.max_filter_chars} characters")
    return parse_filters(since, until, outlets)


def check_query(config: ServiceConfig, question: object, k: object = DEFAULT_K, since: str | None = None,
                until: str | None = None, outlet: Sequence[str] | None = None) -> Query:
    """The arguments of `ask`/`search` checked against the service's bounds; an InputError says which is wrong."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    if len(question) > config.max_question_chars:
        raise InputError(f"the question is {len(question):,} characters, over the {config.max_question_chars:,} "
                         "allowed", fix="ask it in fewer words")
    _check_number("k", k, 1, config.max_k)
    assert isinstance(k, int)
    filters = check_filters(config, since, until, outlet)
    return Query(clean_question(question), k, filters)


def _check_number(name: str, value: object, low: int, high: int | None) -> None:
    """A whole number within [low, high] (no upper bound where `high` is None), else an InputError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InputError(f"{name} must be a whole number {bound}, not {value!r}")


class Service:
    """The index opened and the models loaded once; calls take turns, each on the newest generation published."""

    def __init__(self, pipeline: Pipeline, config: ServiceConfig | None = None) -> None:
        self.pipeline = pipeline
        self.config = config or pipeline.config.service
        # Pipeline is not thread-safe (a reload swaps and closes the reader, scopes are cached): one call at a time.
        self._lock = threading.Lock()
        # The live generation's name, its documents (newest first) and them by id: read once per generation.
        self._listing: tuple[str, list[Listed], dict[str, Listed]] | None = None
        self._answers = AnswerCache(self.config.answer_cache_chars)

    def _locked(self, work: Callable[[], T]) -> T:
        """Run `work` alone, on the live generation; damaged pages found on the way become one typed error."""
        with self._lock:
            try:
                self.pipeline.reload_if_changed()
                return work()
            except sqlite3.DatabaseError as error:
                raise IndexDamagedError(f"the index is damaged ({error})",
                                        fix=f"run: qa check, then {REBUILD}") from error

    def ask(self, question: object, k: object = DEFAULT_K, since: str | None = None, until: str | None = None,
            outlet: Sequence[str] | None = None) -> dict[str, object]:
        """`ask --json`'s object: answers with their sources, the passages, the timeline."""
        query = check_query(self.config, question, k, since, until, outlet)
        found = self.cached(query)
        if found is not None:
            return json.loads(found)  # type: ignore[no-any-return]
        [result] = self.ask_many([query])
        if isinstance(result, QAError):
            raise result
        return result

    def cached(self, query: Query) -> str | None:
        """`ask`'s object as `ask --json`'s line, for a query already answered on the live generation (no lock)."""
        try:
            live = current_generation(self.pipeline.index_dir)
        except QAError:
            return None  # the index's own trouble: the reader's turn reports it
        return None if live is None else self._answers.get(query, live.name)

    def ask_many(self, queries: Sequence[Query]) -> list[dict[str, object] | QAError]:
        """`ask` for several checked queries in one reader run: each its own object, or the error `ask` would raise.

        Those already answered on the live generation are not read again (a question may have been answered
        while it waited in line).
        """
        def read() -> list[dict[str, object] | QAError]:
            generation = self.pipeline.reader.generation.name
            answered: dict[Query, dict[str, object] | QAError] = {}
            for query in queries:
                found = self._answers.get(query, generation)
                if found is not None:
                    answered[query] = json.loads(found)
            unread = [query for query in dict.fromkeys(queries) if query not in answered]
            results = self.pipeline.ask_many([(q.question, q.k, q.filters) for q in unread]) if unread else []
            for query, result in zip(unread, results):
                if isinstance(result, QAError):
                    answered[query] = result
                    continue
                answered[query] = result_dict(result)
                self._answers.put(query, generation, safe_json(answered[query]))
            return [answered[query] for query in queries]

        return self._locked(read)

    def search(self, question: object, k: object = DEFAULT_K, since: str | None = None, until: str | None = None,
               outlet: Sequence[str] | None = None) -> dict[str, object]:
        """The passages alone, as `ask --json` gives them (no answers read: `answer` is null)."""
        query = check_query(self.config, question, k, since, until, outlet)
        hits = self._locked(lambda: self.pipeline.search(query.question, query.k, query.filters))
        return {"question": query.question, "passages": [hit_dict(hit) for hit in hits]}

    def show(self, citation: object) -> dict[str, object]:
        """`qa show --json`'s object for PATH:START-END or PATH:LINE, with the passages around it as `context`."""
        if not isinstance(citation, str) or not citation.strip():
            raise InputError("the citation is empty", fix="give PATH:START-END (ask's doc, start, end) or PATH:LINE")
        if len(citation) > self.config.max_citation_chars:
            raise InputError(f"the citation is over {self.config.max_citation_chars:,} characters")

        def shown() -> dict[str, object]:
            place, text, _ = cite(self.pipeline.reader, citation)
            return {**cited_dict(place, text), "context": context_dict(self.pipeline.reader, place)}

        return self._locked(shown)

    def documents(self, since: str | None = None, until: str | None = None, outlet: Sequence[str] | None = None,
                  undated: bool = False, limit: object = None, offset: object = 0) -> dict[str, object]:
        """One page of `qa docs --json`'s objects (newest first) that the filters leave, and how many they leave."""
        limit = self.config.documents_page if limit is None else limit
        _check_number("limit", limit, 1, self.config.max_documents)
        _check_number("offset", offset, 0, None)
        assert isinstance(limit, int) and isinstance(offset, int)
        filters = check_filters(self.config, since, until, outlet)

        def page() -> dict[str, object]:
            if filters.outlets:  # an outlet no document has: the error `ask` gives, naming those it has
                self.pipeline.reader.scope(filters)
            chosen = select(self._catalogue()[0], filters, undated)
            return {"total": len(chosen), "offset": offset,
                    "documents": [listed_dict(d) for d in chosen[offset: offset + limit]]}

        return self._locked(page)

    def document(self, identifier: object) -> dict[str, object]:
        """A document by its id (`documents` gives it): its `qa docs --json` object and its text as indexed."""
        if not isinstance(identifier, str) or not _DOC_ID.fullmatch(identifier):
            raise InputError(f"{str(identifier)[:40]!r} is not a document id", fix="take one from the documents list")

        def found() -> dict[str, object]:
            listed = self._catalogue()[1].get(identifier)  # type: ignore[arg-type]
            if listed is None:
                raise NotFoundError(f"no document {identifier} in the index", fix="take one from the documents list")
            return {**listed_dict(listed), "text": self._text(listed)}

        return self._locked(found)

    def status(self) -> dict[str, object]:
        """The index's folder and generation, documents, passages, last update, models, and newsqa's version."""
        def read() -> dict[str, object]:
            reader = self.pipeline.reader
            manifest = reader.manifest
            return {"index": str(self.pipeline.index_dir), "generation": reader.generation.name,
                    "documents": manifest.documents, "passages": manifest.passages,
                    "segments": len(manifest.segments),
                    "updated": datetime.fromtimestamp(manifest.updated).astimezone().isoformat(timespec="seconds"),
                    "model": manifest.model, "reader": self.pipeline.config.reader.model,
                    "version": package_version()}

        return self._locked(read)

    def _catalogue(self) -> tuple[list[Listed], dict[str, Listed]]:
        """The live generation's documents, newest first, and by id (read once per generation; under the lock)."""
        generation = self.pipeline.reader.generation.name
        if self._listing is None or self._listing[0] != generation:
            listed = self.pipeline.reader.listing()
            self._listing = (generation, listed, {doc_id(d.path, d.part): d for d in listed})
        return self._listing[1], self._listing[2]

    def _text(self, listed: Listed) -> str:
        """A document's text as indexed: from its first passage's start to its last passage's end."""
        reader = self.pipeline.reader
        found = reader.file_text(listed.path)
        if found is None:
            return ""
        rows = reader.db.execute("SELECT MIN(start), MAX(end) FROM passages WHERE path = ? AND part = ?",
                                 (listed.path, listed.part))
        spans = [row for row in rows if row[0] is not None]  # one row a segment: the file's own has its passages
        if not spans:
            return ""
        return found[0][min(s for s, _ in spans): max(e for _, e in spans)]

    def close(self) -> None:
        """Close the index (after the call in progress, if any)."""
        with self._lock:
            self.pipeline.close()
