"""The fast query embedder: the index's ONNX export of its model, run by onnxruntime + tokenizers.

Importing this module costs ~0.2 s (no torch, transformers or sentence-transformers), which is what
lets a one-shot `ask` answer in well under a second. The export itself lives in `index/export.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.errors import IndexDamagedError

QUERY_DIR = "query-model"
ONNX_NAME = "model.onnx"
TOKENIZER_NAME = "tokenizer.json"
STAMP_NAME = "stamp.json"
STAMP_VERSION = 1
REPAIR = "run: qa index --rebuild PATH..."
BATCH = 32


@dataclass(frozen=True)
class QueryModelStamp:
    """What an exported query model is and how to check it: written last, after both files."""

    version: int
    model: str
    dim: int
    max_length: int
    source: str  # fingerprint of the weights it was exported from
    onnx_size: int
    onnx_sha256: str
    tokenizer_sha256: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)


def query_dir(index_dir: Path) -> Path:
    """Where an index keeps its exported query model (shared by all its generations)."""
    return Path(index_dir) / QUERY_DIR


def read_stamp(folder: Path) -> QueryModelStamp | None:
    """The stamp of an exported query model, None if there is none, damaged if unreadable."""
    path = folder / STAMP_NAME
    if not path.exists():
        return None
    try:
        stamp = QueryModelStamp(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise IndexDamagedError(f"query model stamp {path} is unreadable; {REPAIR}") from error
    return stamp if stamp.version == STAMP_VERSION else None


def _checked_bytes(path: Path, size: int, sha256: str) -> bytes:
    """A file's bytes, refused unless they match the stamp (a flipped weight would silently mislead)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IndexDamagedError(f"query model file {path} is unreadable; {REPAIR}") from error
    if (size >= 0 and len(data) != size) or hashlib.sha256(data).hexdigest() != sha256:
        raise IndexDamagedError(f"query model file {path} is damaged or truncated; {REPAIR}")
    return data


class OnnxEmbedder:
    """Embeds questions with the ONNX export (mean pooling and L2 normalisation inside the graph)."""

    def __init__(self, folder: Path, stamp: QueryModelStamp, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = stamp.model
        self.dim = stamp.dim
        self.stamp = stamp
        model = _checked_bytes(folder / ONNX_NAME, stamp.onnx_size, stamp.onnx_sha256)
        vocabulary = _checked_bytes(folder / TOKENIZER_NAME, -1, stamp.tokenizer_sha256)
        options = onnxruntime.SessionOptions()
        # One thread: a question is a few dozen tokens, and spinning workers only steal the second core.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self.session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_str(vocabulary.decode("utf-8"))
        except Exception as error:  # onnxruntime and tokenizers raise their own untyped errors
            raise IndexDamagedError(f"query model in {folder} cannot be loaded; {REPAIR}") from error
        # tokenizer.json ships with fixed 128-token padding; match sentence-transformers instead.
        self.tokenizer.enable_truncation(stamp.max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    @classmethod
    def open(cls, index_dir: str | os.PathLike[str], threads: int = 1) -> OnnxEmbedder | None:
        """The index's query model, or None when it has none (the caller falls back to torch)."""
        folder = query_dir(Path(index_dir))
        stamp = read_stamp(folder)
        if stamp is None or not (folder / ONNX_NAME).exists():
            return None
        return cls(folder, stamp, threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches, so short texts are not padded to long ones."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda row: len(texts[row]))  # characters: a cheap token proxy
        for i in range(0, len(order), BATCH):
            rows = order[i : i + BATCH]
            encodings = self.tokenizer.encode_batch([texts[r] for r in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[rows] = vectors
        return out
