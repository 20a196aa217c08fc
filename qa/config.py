"""Every tuned constant of retrieval and answering, in one frozen config that benches can vary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetrievalConfig:
    """How candidates are gathered and fused; tuned on SQuAD dev (bench/retrieval.py --sweep)."""

    dense_weight: float = 0.45
    candidates: int = 50
    near_duplicate: float = 0.6  # share of word trigrams the shorter passage has in common with the other


@dataclass(frozen=True)
class ReaderConfig:
    """How the trained reader reads passages and turns its scores into answers (bench/answers.py)."""

    passages: int = 5  # answers are read from at least this many passages, however few are shown


@dataclass(frozen=True)
class Config:
    """The whole pipeline's settings."""

    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    reader: ReaderConfig = field(default_factory=ReaderConfig)


DEFAULT = Config()
