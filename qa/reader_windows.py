"""Question + context windows for the reader, shared by training and inference (no torch here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class Encoding(Protocol):
    """What the reader needs of a `tokenizers` encoding."""

    ids: list[int]
    offsets: list[tuple[int, int]]


class Tokenizer(Protocol):
    """What the reader needs of a `tokenizers.Tokenizer`."""

    def encode(self, sequence: str, add_special_tokens: bool = ...) -> Encoding: ...

    def token_to_id(self, token: str) -> int | None: ...


@dataclass(frozen=True)
class Tokens:
    """A text's word pieces with their character offsets into that text."""

    ids: tuple[int, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


@dataclass(frozen=True)
class Window:
    """One model input: [CLS] question [SEP] context[first:last] [SEP], with the context's offsets."""

    ids: tuple[int, ...]
    type_ids: tuple[int, ...]
    context_from: int  # index in `ids` of the first context token
    starts: tuple[int, ...]  # character offset of each context token in the context text
    ends: tuple[int, ...]


def load_tokenizer(path: str) -> Tokenizer:
    """A tokenizer.json without the truncation and padding it ships with (128 tokens, padded)."""
    from tokenizers import Tokenizer as HFTokenizer

    tokenizer = HFTokenizer.from_file(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def tokenize(tokenizer: Tokenizer, text: str) -> Tokens:
    """Word pieces of a text without special tokens."""
    encoding = tokenizer.encode(text, add_special_tokens=False)
    return Tokens(
        ids=tuple(encoding.ids),
        starts=tuple(start for start, _ in encoding.offsets),
        ends=tuple(end for _, end in encoding.offsets),
    )


def special_ids(tokenizer: Tokenizer) -> tuple[int, int]:
    """The ids of the start and separator tokens: BERT's [CLS]/[SEP], or MPNet's <s>/</s>."""
    for first, separator in (("[CLS]", "[SEP]"), ("<s>", "</s>")):
        cls_id, sep_id = tokenizer.token_to_id(first), tokenizer.token_to_id(separator)
        if cls_id is not None and sep_id is not None:
            return cls_id, sep_id
    raise ValueError("the reader's tokenizer has neither [CLS]/[SEP] nor <s>/</s>")


def context_budget(question: Tokens, max_length: int, max_question: int) -> int:
    """How many context tokens fit beside the (truncated) question."""
    return max_length - min(len(question.ids), max_question) - 3


def make_window(
    question: Tokens, context: Tokens, first: int, last: int, specials: tuple[int, int], max_question: int
) -> Window:
    """The window holding context tokens [first, last)."""
    cls_id, sep_id = specials
    q_ids = question.ids[:max_question]
    ids = (cls_id, *q_ids, sep_id, *context.ids[first:last], sep_id)
    head = len(q_ids) + 2
    type_ids = (0,) * head + (1,) * (len(ids) - head)
    return Window(ids, type_ids, head, context.starts[first:last], context.ends[first:last])


def windows(
    question: Tokens, context: Tokens, specials: tuple[int, int], max_length: int, max_question: int, stride: int
) -> list[Window]:
    """Overlapping windows covering the whole context; one when it fits."""
    budget = max(8, context_budget(question, max_length, max_question))
    total = len(context.ids)
    out: list[Window] = []
    first = 0
    while True:
        last = min(total, first + budget)
        out.append(make_window(question, context, first, last, specials, max_question))
        if last >= total:
            return out
        first = max(first + 1, last - stride)


def token_span(context: Tokens, char_start: int, char_end: int) -> tuple[int, int] | None:
    """The first and last token (inclusive) covering characters [char_start, char_end)."""
    first = next((i for i, end in enumerate(context.ends) if end > char_start), None)
    last = next((i for i in range(len(context.starts) - 1, -1, -1) if context.starts[i] < char_end), None)
    if first is None or last is None or last < first:
        return None
    return first, last


def pad(batch: list[Window]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """input_ids, attention_mask and token_type_ids of a batch, padded to its longest window."""
    width = max(len(w.ids) for w in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, window in enumerate(batch):
        n = len(window.ids)
        ids[row, :n] = window.ids
        mask[row, :n] = 1
        types[row, :n] = window.type_ids
    return ids, mask, types
