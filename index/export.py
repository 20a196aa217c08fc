"""Exporting the index's model to ONNX once, at index time, for the fast query path.

The graph takes `input_ids` and `attention_mask` and returns unit-length mean-pooled embeddings,
so onnxruntime reproduces `SentenceTransformer.encode(..., normalize_embeddings=True)`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from pathlib import Path
from typing import Protocol

from index.onnx_embed import (
    ONNX_NAME,
    STAMP_NAME,
    STAMP_VERSION,
    TOKENIZER_NAME,
    QueryModelStamp,
    query_dir,
    read_stamp,
)
from index.store import file_checksum

OPSET = 17


class Exportable(Protocol):
    """An embedder that can write its model as an ONNX query model (the real one can; fakes cannot)."""

    name: str
    dim: int

    def source_fingerprint(self) -> str: ...

    def export_onnx(self, path: Path) -> tuple[int, Path]:
        """Write the ONNX graph to `path`; return the max token length and the tokenizer.json used."""
        ...


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(2**22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def weights_fingerprint(model_folder: Path) -> str:
    """Size and sampled hash of a model folder's weights: changes whenever the model does."""
    parts = [file_checksum(path) for path in sorted(model_folder.glob("*.safetensors"))]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def is_current(index_dir: Path, embedder: Exportable) -> bool:
    """Whether the index holds an intact query model exported from this embedder's weights."""
    folder = query_dir(index_dir)
    try:
        stamp = read_stamp(folder)
    except Exception:  # an unreadable stamp just means: export again
        return False
    if stamp is None or (stamp.model, stamp.dim, stamp.source) != (
        embedder.name, embedder.dim, embedder.source_fingerprint()
    ):
        return False
    onnx, tokenizer = folder / ONNX_NAME, folder / TOKENIZER_NAME
    return (
        onnx.exists() and tokenizer.exists() and onnx.stat().st_size == stamp.onnx_size
        and _sha256(onnx) == stamp.onnx_sha256 and _sha256(tokenizer) == stamp.tokenizer_sha256
    )


def ensure_query_model(index_dir: Path, embedder: object, force: bool = False) -> bool:
    """Export the fast query model into the index unless an intact one is there; True if exported."""
    if not hasattr(embedder, "export_onnx"):
        return False  # e.g. the tests' fake embedder: queries then use the embedder itself
    if not force and is_current(index_dir, embedder):
        return False
    folder = query_dir(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # Stamp first out, last in: a reader meanwhile finds no stamp and falls back, never a mix.
    (folder / STAMP_NAME).unlink(missing_ok=True)
    onnx_tmp, tokenizer_tmp = folder / (ONNX_NAME + ".tmp"), folder / (TOKENIZER_NAME + ".tmp")
    try:
        max_length, tokenizer = embedder.export_onnx(onnx_tmp)
        shutil.copyfile(tokenizer, tokenizer_tmp)
        for path in (onnx_tmp, tokenizer_tmp):
            with open(path, "rb+") as handle:
                os.fsync(handle.fileno())
        stamp = QueryModelStamp(
            STAMP_VERSION, embedder.name, embedder.dim, max_length, embedder.source_fingerprint(),
            onnx_tmp.stat().st_size, _sha256(onnx_tmp), _sha256(tokenizer_tmp),
        )
        os.replace(onnx_tmp, folder / ONNX_NAME)
        os.replace(tokenizer_tmp, folder / TOKENIZER_NAME)
        stamp_tmp = folder / (STAMP_NAME + ".tmp")
        with open(stamp_tmp, "w", encoding="utf-8") as handle:
            handle.write(stamp.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(stamp_tmp, folder / STAMP_NAME)
    finally:
        onnx_tmp.unlink(missing_ok=True)
        tokenizer_tmp.unlink(missing_ok=True)
    return True


def export_sentence_transformer(model: object, path: Path) -> None:
    """Trace a sentence-transformers MiniLM (BERT + mean pooling + normalise) into one ONNX graph."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tokens = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    wrapped = Pooled(model[0].auto_model).eval()
    # Trace with padding in the example so the attention mask stays live in the graph.
    ids = torch.tensor([[101, 2129, 2116, 3667, 102], [101, 2129, 102, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped, (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
            output_names=["embedding"], opset_version=OPSET, dynamo=False,
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "embedding": {0: "batch"}},
        )
