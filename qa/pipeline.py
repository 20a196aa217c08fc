"""The question-answering pipeline: one index, one embedder, retrieval then answer spans."""

from __future__ import annotations

import os
from dataclasses import replace
from collections.abc import Callable, Sequence
from pathlib import Path

from index.embed import MODEL_DIM, MODEL_NAME, Embedder
from index.errors import InputError, QAError
from index.store import IndexReader
from qa.answer import read_answers
from qa.config import DEFAULT, Config
from index.filters import NO_FILTERS, Filters
from qa.models import Hit, Result
from qa.reader import SpanModel, SpanReader, SpanScore
from qa.question import story_names, wants_latest
from qa.relative import pin_dates
from qa.retrieve import Retriever

EmbedderFactory = Callable[[IndexReader], Embedder]


def default_embedder(reader: IndexReader) -> Embedder:
    """The query embedder for an index: its ONNX export when it has one, else sentence-transformers."""
    reader.check_model(MODEL_NAME, MODEL_DIM)  # refuse another model's index before loading anything
    from index.onnx_embed import OnnxEmbedder

    fast = OnnxEmbedder.open(reader.index_dir)
    if fast is not None:
        return fast
    # An index built before the export existed (or whose export failed): same vectors, slower start.
    from index.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def clean_question(question: str) -> str:
    """The question on one line, as the models read it; an empty one is an InputError."""
    # Lone surrogates (from undecodable bytes) reach no tokenizer: they become U+FFFD.
    question = " ".join(question.encode("utf-8", "replace").decode("utf-8").split())
    if not question:
        raise InputError("the question is empty")
    return question


class Pipeline:
    """Answers questions over one index folder; reloads when another process updates it."""

    def __init__(self, index_dir: str | os.PathLike[str], embedder_factory: EmbedderFactory = default_embedder,
                 config: Config = DEFAULT, span_model: SpanModel | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.embedder_factory = embedder_factory
        self.config = config
        self.reader = IndexReader.open(self.index_dir)
        self.embedder = embedder_factory(self.reader)
        self.retriever = Retriever(self.reader, self.embedder, config.retrieval)
        self.span_model = span_model or SpanReader(config.reader)

    def reload_if_changed(self) -> bool:
        """Switch to the index's newest generation if one was published; True if it did."""
        if self.reader.is_current():
            return False
        reader = IndexReader.open(self.index_dir)
        self.retriever = Retriever(reader, self.embedder, self.config.retrieval)
        self.reader.close()
        self.reader = reader
        return True

    def search(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> list[Hit]:
        """The k best passages for a question (among those `filters` leave), without reading answers."""
        return self._hits(clean_question(question), k, filters)

    def _hits(self, question: str, k: int, filters: Filters) -> list[Hit]:
        """Search for a question already cleaned."""
        vector = self.embedder.embed([question])[0]
        return self.retriever.search(question, k, vector, filters)

    def ask(self, question: str, k: int = 5, filters: Filters = NO_FILTERS) -> Result:
        """Retrieve the k best passages for a question (among those `filters` leave) and extract their answers."""
        [found] = self._ask_each([(question, k, filters)])
        if isinstance(found, QAError):
            raise found
        return found

    def ask_many(self, asks: Sequence[tuple[str, int, Filters]]) -> list[Result | QAError]:
        """`ask` for several questions: retrieval one by one, then the reader once over all their passages.

        Each question gets what `ask` alone gives it, or the typed error `ask` would raise, in order; a question
        asked twice (same words, k and filters) is answered once.
        """
        unique = list(dict.fromkeys(asks))
        answered = dict(zip(unique, self._ask_each(unique)))
        return [answered[ask] for ask in asks]

    def _ask_each(self, asks: Sequence[tuple[str, int, Filters]]) -> list[Result | QAError]:
        """`ask_many` for distinct questions."""
        found: list[Result | QAError | None] = []
        read: list[tuple[int, str, int, Filters, list[Hit]]] = []
        for number, (question, k, filters) in enumerate(asks):
            try:
                question = clean_question(question)
                read.append((number, question, k, filters, self._hits(question, self._depth(question, k), filters)))
                found.append(None)
            except QAError as error:
                found.append(error)
        passages = self.config.reader.passages
        spans = self._read([(question, hits[:passages]) for _, question, _, _, hits in read])
        answered = [self._answered(question, hits[:passages], found_spans)
                    for (_, question, _, _, hits), found_spans in zip(read, spans)]
        # A 'latest' question naming its story reads on: its newest figure may stand in a passage ranked below
        # those read (a closing report's one line, "ships diverted … has reached 17"), so the story's passages
        # retrieved further down and newer than its first answer's sources are read too, and it is answered again.
        further = [self._further(question, hits[passages:], result) for (_, question, _, _, hits), result in zip(read, answered)]
        more = self._read([(question, extra) for (_, question, _, _, _), extra in zip(read, further) if extra])
        for n, ((number, question, k, filters, hits), extra) in enumerate(zip(read, further)):
            unread = hits[passages:]
            if extra:
                spans[n] = spans[n] + [replace(span, passage=span.passage + passages) for span in more.pop(0)]
                unread = [hit for hit in unread if hit not in extra]
                answered[n] = self._answered(question, hits[:passages] + extra, spans[n])
            try:
                found[number] = self._finished(answered[n], k, filters, unread, bool(hits))
            except QAError as error:
                found[number] = error
        return [item for item in found if item is not None]

    def _depth(self, question: str, k: int) -> int:
        """How many passages to retrieve: those shown, those read, and for a 'latest' question naming its story
        those it may read further."""
        reader = self.config.reader
        further = wants_latest(question, self.config.retrieval.recency_words) and story_names(question)
        return max(k, reader.passages + (reader.further_passages if further else 0))

    def _read(self, asks: list[tuple[str, list[Hit]]]) -> list[list[SpanScore]]:
        """The reader's spans for each question's passages, all in one stream."""
        texts = [(question, [hit.passage.text for hit in hits]) for question, hits in asks]
        if not texts:
            return []
        many = getattr(self.span_model, "read_many", None)  # a stand-in reader may read one question at a time
        return many(texts) if many is not None else [self.span_model.read(q, t) for q, t in texts]

    def _further(self, question: str, unread: list[Hit], result: Result) -> list[Hit]:
        """Passages below those read that a 'latest' question naming its story should read as well: of documents
        holding every name it gives, and dated after each source of its first answer."""
        names = story_names(question)
        if not names or not result.answers or not wants_latest(question, self.config.retrieval.recency_words):
            return []
        newest = max((source.meta.day for source in result.answers[0].sources if source.meta.day), default=None)
        if newest is None:
            return []
        candidates = [hit for hit in unread[: self.config.reader.further_passages]
                      if hit.passage.meta.day and hit.passage.meta.day > newest]
        if not candidates:
            return []
        held = self.reader.held_by_documents(names, [hit.passage.id for hit in candidates])
        return [hit for hit in candidates if len(held.get(hit.passage.id, ())) == len(names)]

    def _answered(self, question: str, read: list[Hit], spans: list[SpanScore]) -> Result:
        """The answers read from a question's passages."""
        return read_answers(question, read, spans, self.config.reader,
                            wants_latest(question, self.config.retrieval.recency_words))

    def _finished(self, result: Result, k: int, filters: Filters, unread: list[Hit], any_hit: bool) -> Result:
        """A result with the passages not read after those read, `k` in all (qa.pipeline._shown), and dates pinned."""
        if not any_hit:  # say why, in the filter's terms, rather than offer "the closest passages" of none
            from qa.filters import why_empty

            return replace(result, reason=why_empty(self.reader.listing(), filters))
        # Relative dates in the answers ('on Sunday') read against each source's own article date.
        return pin_dates(replace(result, hits=_shown(result, unread, k)))

    def close(self) -> None:
        self.reader.close()


def _shown(result: Result, unread: list[Hit], k: int) -> tuple[Hit, ...]:
    """The k passages to show, in their order: those stating the answers come first, the first answer's before
    the second's, so an answer read on below the k ('has reached 17', ranked 9th) or shown with k under the
    passages read is seen where it stands."""
    hits = result.hits + tuple(unread)
    place = {answer.text: number for number, answer in enumerate(result.answers)}
    stating = sorted((number for number, hit in enumerate(hits) if hit.answer is not None),
                     key=lambda number: place.get(hits[number].answer.text, len(place)))[:k]
    others = [number for number, hit in enumerate(hits) if hit.answer is None][:k - len(stating)]
    return tuple(hits[number] for number in sorted(stating + others))
