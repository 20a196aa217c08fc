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
from qa.question import wants_latest
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
                read.append((number, question, k, filters, self._hits(question, max(k, self.config.reader.passages),
                                                                      filters)))
                found.append(None)
            except QAError as error:
                found.append(error)
        passages = self.config.reader.passages
        texts = [(question, [hit.passage.text for hit in hits[:passages]]) for _, question, _, _, hits in read]
        many = getattr(self.span_model, "read_many", None)  # a stand-in reader may read one question at a time
        spans = many(texts) if many is not None else [self.span_model.read(q, t) for q, t in texts]
        for (number, question, k, filters, hits), found_spans in zip(read, spans):
            try:
                found[number] = self._answered(question, k, filters, hits, found_spans)
            except QAError as error:
                found[number] = error
        return [item for item in found if item is not None]

    def _answered(self, question: str, k: int, filters: Filters, hits: list[Hit],
                  spans: list[SpanScore]) -> Result:
        """The answers read from a question's passages, with the passages ranked and dates pinned."""
        read = hits[: self.config.reader.passages]
        latest = wants_latest(question, self.config.retrieval.recency_words)
        result = read_answers(question, read, spans, self.config.reader, latest)
        if not hits:  # say why, in the filter's terms, rather than offer "the closest passages" of none
            from qa.filters import why_empty

            return replace(result, reason=why_empty(self.reader.listing(), filters))
        # Relative dates in the answers ('on Sunday') read against each source's own article date.
        return pin_dates(replace(result, hits=(result.hits + tuple(hits[len(read):]))[:k]))

    def close(self) -> None:
        self.reader.close()
