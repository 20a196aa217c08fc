"""The trained reader at answer time: ONNX weights shipped with the package, run by onnxruntime.

Importing this module costs no torch: `ask` stays a sub-second command. The weights are made by
`python -m qa.reader_train` and `python -m qa.reader_export` and checked against their stamp.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.errors import ReaderDamagedError, ReaderMissingError
from index.onnx_embed import session_options, sha256_file
if TYPE_CHECKING:
    from qa.config import ReaderConfig
from qa.reader_windows import Window, load_tokenizer, pad, special_ids, tokenize, windows

MODEL_DIR = Path(__file__).resolve().parent / "reader_model"  # the fast reader (MiniLM), shipped
ACCURATE_DIR = Path(__file__).resolve().parent / "reader_accurate"  # the accurate reader (MPNet-base)
READERS = ("fast", "accurate")
ONNX_NAME = "reader.onnx"
TOKENIZER_NAME = "tokenizer.json"
STAMP_NAME = "stamp.json"
REINSTALL = "reinstall newsqa (pip install --force-reinstall .) or rebuild the weights: python -m qa.reader_export"
NO_ACCURATE = "the accurate reader's weights are not installed; use --reader fast, or export them: python -m qa.reader_export runs/mpnet/reader.pt --out qa/reader_accurate"


@dataclass(frozen=True)
class ReaderStamp:
    """What the shipped reader is, how it was trained, and the sha256 of each of its files."""

    max_length: int
    max_question: int
    onnx_sha256: str
    tokenizer_sha256: str
    quantized: bool
    training: dict[str, object]

    @classmethod
    def read(cls, folder: Path) -> ReaderStamp:
        """The stamp of a reader folder; a missing or unreadable one is damage."""
        try:
            data = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as error:
            raise ReaderDamagedError(f"reader stamp {folder / STAMP_NAME} is missing or unreadable", REINSTALL) from error


@dataclass(frozen=True)
class SpanScore:
    """A span the reader proposes in one passage: character offsets into its text and its logit score."""

    passage: int
    start: int
    end: int
    score: float  # start + end logit
    null: float  # the 'no answer' logit of the window it was read in
    rival_only: bool = False  # the best of a further place in its window: may stand beside the first answer only


class SpanModel(Protocol):
    """Anything that proposes answer spans in passages (the ONNX reader; a fake in tests)."""

    def read(self, question: str, texts: Sequence[str]) -> list[SpanScore]: ...


def _hash_into(folder: Path, found: dict[str, str]) -> None:
    """sha256 of the reader's files into `found` ('' for a file that cannot be read)."""
    for name in (ONNX_NAME, TOKENIZER_NAME):
        try:
            found[name] = sha256_file(folder / name)
        except OSError:
            found[name] = ""


def reader_folder(config: ReaderConfig) -> Path:
    """Where the configured reader's weights are: its own folder, or the shipped one of its kind."""
    if config.folder:
        return Path(config.folder)
    if config.model not in READERS:
        raise ReaderMissingError(f"unknown reader {config.model!r}", "choose " + " or ".join(READERS))
    if config.model == "accurate":
        if not (ACCURATE_DIR / STAMP_NAME).is_file():
            raise ReaderMissingError(NO_ACCURATE)
        return ACCURATE_DIR
    return MODEL_DIR


def installed_readers() -> tuple[str, ...]:
    """The readers whose weights are here (the fast one always ships)."""
    return tuple(name for name in READERS if name == "fast" or (ACCURATE_DIR / STAMP_NAME).is_file())


class SpanReader:
    """Reads passages for a question and proposes answer spans with comparable scores."""

    def __init__(self, config: ReaderConfig) -> None:
        import onnxruntime

        folder = reader_folder(config)
        threads = config.threads
        self.stamp = ReaderStamp.read(folder)
        # Hashing overlaps onnxruntime's loading (hashlib releases the GIL): a cold `ask` pays for one.
        found: dict[str, str] = {}
        checksums = threading.Thread(target=_hash_into, args=(folder, found), daemon=True)
        checksums.start()
        options = session_options(1)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="reader") if threads > 1 else None
        try:
            self.session = onnxruntime.InferenceSession(str(folder / ONNX_NAME), options, providers=["CPUExecutionProvider"])
            self.tokenizer = load_tokenizer(str(folder / TOKENIZER_NAME))
        except Exception as error:  # onnxruntime and tokenizers raise their own untyped errors
            raise ReaderDamagedError(f"reader model in {folder} cannot be loaded", REINSTALL) from error
        finally:
            checksums.join()
        # A flipped weight would load fine and silently answer worse.
        for name, expected in ((ONNX_NAME, self.stamp.onnx_sha256), (TOKENIZER_NAME, self.stamp.tokenizer_sha256)):
            if found.get(name) != expected:
                raise ReaderDamagedError(f"reader model file {folder / name} is missing or damaged", REINSTALL)
        self.specials = special_ids(self.tokenizer)
        # MPNet's graph has no token_type_ids input: feed only what the graph declares.
        self.inputs = frozenset(node.name for node in self.session.get_inputs())
        self.max_length = config.max_length
        self.stride = config.stride
        self.max_answer_tokens = config.max_answer_tokens
        self.spans_per_window = config.spans_per_window
        self.rival_places = config.rival_places
        self.rival_search = config.rival_search

    def logits(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Start and end logits of one window's tokens."""
        ids, mask, types = pad([window])
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        start, end = self.session.run(None, {name: value for name, value in feed.items() if name in self.inputs})
        return start[0], end[0]

    def read(self, question: str, texts: Sequence[str]) -> list[SpanScore]:
        """The best spans of every passage text, each with its window's 'no answer' score."""
        return self.read_many([(question, texts)])[0]

    def read_many(self, asks: Sequence[tuple[str, Sequence[str]]]) -> list[list[SpanScore]]:
        """`read` for several questions at once: every question's windows in one stream over the threads."""
        placed: list[tuple[int, int, Window]] = []  # (question, passage, window)
        for asked_number, (question, texts) in enumerate(asks):
            asked = tokenize(self.tokenizer, question)
            for number, text in enumerate(texts):
                context = tokenize(self.tokenizer, text)
                if not context.ids:
                    continue
                placed += [(asked_number, number, w) for w in windows(asked, context, self.specials, self.max_length,
                                                                      self.stamp.max_question, self.stride)]
        # One window per run: a padded batch of a question's 5-7 windows took 130 ms against 65-76 ms
        # one by one (80 questions at 100k passages, int8); padding was 18 % of its tokens. It also keeps
        # answers exact across requests: the int8 graph quantises activations with one scale per input
        # tensor, so a window batched beside others would get other logits than read alone.
        # A window two requests share (the same question over the same passage) is run once: its logits
        # are the same either way.
        unique = list({(w.ids, w.type_ids): w for _, _, w in placed}.values())
        run = self.pool.map if self.pool is not None else map
        logits = dict(zip(((w.ids, w.type_ids) for w in unique), run(self.logits, unique)))
        found: list[list[SpanScore]] = [[] for _ in asks]
        for asked_number, number, window in placed:
            found[asked_number] += self._best_spans(number, window, *logits[window.ids, window.type_ids])
        return found

    def _best_spans(self, number: int, window: Window, start: np.ndarray, end: np.ndarray) -> list[SpanScore]:
        """The top spans of one window: start before end, at most max_answer_tokens long."""
        first, count = window.context_from, len(window.starts)
        null = float(start[0] + end[0])
        s, e = start[first : first + count], end[first : first + count]
        # Every (start, end) pair's score at once; pairs out of order or too long are ruled out.
        scores = s[:, None] + e[None, :]
        offsets = np.arange(count)
        gap = offsets[None, :] - offsets[:, None]
        scores = np.where((gap >= 0) & (gap < self.max_answer_tokens), scores, -np.inf)
        ranked = np.argsort(scores, axis=None)[::-1][: self.spans_per_window + self.rival_search]
        rows, cols = np.divmod(ranked, count)
        values = scores[rows, cols]
        finite = np.isfinite(values)
        usable = len(values) if finite.all() else int(np.argmin(finite))  # best first: the rest are ruled out
        starts, ends = np.asarray(window.starts)[rows[:usable]], np.asarray(window.ends)[cols[:usable]]
        best = min(self.spans_per_window, usable)
        out = [SpanScore(number, int(starts[k]), int(ends[k]), float(values[k]), null) for k in range(best)]
        # The top spans are mostly one answer's variants, so a rival stated beside it ("the union says 4,200;
        # the port authority, 2,900") was never proposed: the best span of a few further places is added too.
        untouched = np.ones(usable, dtype=bool)
        untouched[:best] = False
        for k in range(best):
            untouched &= _clear_of(starts, ends, k)
        for _ in range(self.rival_places):
            if not untouched.any():
                break
            k = int(np.argmax(untouched))
            out.append(SpanScore(number, int(starts[k]), int(ends[k]), float(values[k]), null, rival_only=True))
            untouched &= _clear_of(starts, ends, k)
        return out


def _clear_of(starts: np.ndarray, ends: np.ndarray, k: int) -> np.ndarray:
    """Which of the spans (starts, ends) share no character with span k."""
    return (ends <= starts[k]) | (ends[k] <= starts)
