"""The fast query embedder: the index's ONNX export of its model, run by onnxruntime + tokenizers.

Importing this module costs ~0.2 s (no torch, transformers or sentence-transformers), which is what
lets a one-shot `ask` answer in well under a second. The export itself lives in `index/export.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.errors import REBUILD, IndexDamagedError

QUERY_DIR = "query-model"
ONNX_NAME = "model.onnx"
WEIGHTS_NAME = "model.data"  # external weights: onnxruntime maps them instead of parsing 90 MB of protobuf
TOKENIZER_NAME = "tokenizer.json"
STAMP_NAME = "stamp.json"
STAMP_VERSION = 2
BATCH = 4  # 25 sentences of 5-80 tokens: 4 per run is ~2x faster than one padded batch of 25 on 2 cores


@dataclass(frozen=True)
class QueryModelStamp:
    """What an exported query model is and how to check it: written last, after both files."""

    version: int
    model: str
    dim: int
    max_length: int
    source: str  # fingerprint of the weights it was exported from
    onnx_sha256: str
    weights_size: int
    weights_sha256: str
    tokenizer_sha256: str

    def digests(self) -> dict[str, str]:
        """Expected sha256 of each file, by name."""
        return {ONNX_NAME: self.onnx_sha256, WEIGHTS_NAME: self.weights_sha256, TOKENIZER_NAME: self.tokenizer_sha256}

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
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") != STAMP_VERSION:
            return None  # an older export: treated as none, and `qa index` writes the current one
        return QueryModelStamp(**data)
    except (OSError, ValueError, TypeError) as error:
        raise IndexDamagedError(f"query model stamp {path} is unreadable", fix=REBUILD) from error


def has_query_model(index_dir: Path) -> bool:
    """Whether an index holds a query model (stamped, graph and weights present), without loading it."""
    folder = query_dir(index_dir)
    try:
        stamp = read_stamp(folder)
    except IndexDamagedError:
        return True  # present but damaged: opening it reports the fix
    return stamp is not None and (folder / ONNX_NAME).exists() and (folder / WEIGHTS_NAME).exists()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (hashlib releases the GIL, so this overlaps other work)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(2**22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def session_options(threads: int) -> object:
    """onnxruntime options for a one-question-at-a-time CPU model, shared by the query model and the reader."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Spinning workers would burn the shared second core between questions.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


class _Checksums(threading.Thread):
    """Hashes the query model's files in the background while onnxruntime loads them."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder = folder
        self.found: dict[str, str] = {}

    def run(self) -> None:
        for name in (WEIGHTS_NAME, ONNX_NAME, TOKENIZER_NAME):
            try:
                self.found[name] = sha256_file(self.folder / name)
            except OSError:
                self.found[name] = ""


class OnnxEmbedder:
    """Embeds questions with the ONNX export (mean pooling and L2 normalisation inside the graph)."""

    def __init__(self, folder: Path, stamp: QueryModelStamp, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.name = stamp.model
        self.dim = stamp.dim
        self.stamp = stamp
        weights = folder / WEIGHTS_NAME
        if not weights.exists() or weights.stat().st_size != stamp.weights_size:
            raise IndexDamagedError(f"query model file {weights} is missing or truncated", fix=REBUILD)
        checksums = _Checksums(folder)
        checksums.start()
        options = session_options(threads)
        try:
            self.session = onnxruntime.InferenceSession(
                str(folder / ONNX_NAME), options, providers=["CPUExecutionProvider"]
            )
            self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_NAME))
        except Exception as error:  # onnxruntime and tokenizers raise their own untyped errors
            raise IndexDamagedError(f"query model in {folder} cannot be loaded", fix=REBUILD) from error
        finally:
            checksums.join()
        # A flipped weight would not fail to load, it would silently give other vectors.
        for name, expected in stamp.digests().items():
            if checksums.found.get(name) != expected:
                raise IndexDamagedError(f"query model file {folder / name} is damaged", fix=REBUILD)
        # tokenizer.json ships with 128-token truncation and padding; match sentence-transformers
        # (truncate at the model's max length) and pad per batch in `embed`.
        self.tokenizer.enable_truncation(stamp.max_length)
        self.tokenizer.no_padding()

    @classmethod
    def open(cls, index_dir: str | os.PathLike[str], threads: int = 1) -> OnnxEmbedder | None:
        """The index's query model, or None when it has none (the caller falls back to torch)."""
        folder = query_dir(Path(index_dir))
        stamp = read_stamp(folder)
        if stamp is None or not has_query_model(Path(index_dir)):
            return None
        return cls(folder, stamp, threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in small batches of similar token length: padding costs more than batching saves."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda row: len(encodings[row]))
        for i in range(0, len(order), BATCH):
            rows = order[i : i + BATCH]
            ids = np.zeros((len(rows), max(len(encodings[r]) for r in rows)), dtype=np.int64)
            mask = np.zeros_like(ids)
            for j, row in enumerate(rows):
                ids[j, : len(encodings[row])] = encodings[row]
                mask[j, : len(encodings[row])] = 1
            (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[rows] = vectors
        return out
