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
from typing import Protocol, runtime_checkable

from index.embed import Embedder
from index.onnx_embed import (
    ONNX_NAME,
    STAMP_NAME,
    STAMP_VERSION,
    TOKENIZER_NAME,
    WEIGHTS_NAME,
    QueryModelStamp,
    query_dir,
    read_stamp,
    sha256_file,
)
from index.checksums import file_checksum

OPSET = 17


@runtime_checkable
class Exportable(Protocol):
    """An embedder that can write its model as an ONNX query model (the real one can; fakes cannot)."""

    name: str
    dim: int

    def source_fingerprint(self) -> str: ...

    def export_onnx(self, path: Path) -> tuple[int, Path]:
        """Write the ONNX graph to `path`; return the max token length and the tokenizer.json used."""
        ...


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
    weights = folder / WEIGHTS_NAME
    if not weights.exists() or weights.stat().st_size != stamp.weights_size:
        return False
    return all((folder / name).exists() and sha256_file(folder / name) == digest
               for name, digest in stamp.digests().items())


def ensure_query_model(index_dir: Path, embedder: Embedder, force: bool = False) -> bool:
    """Export the fast query model into the index unless an intact one is there; True if exported."""
    # An export killed mid-way leaves its scratch folder; callers hold the write lock, so it is stale.
    shutil.rmtree(query_dir(index_dir).parent / (query_dir(index_dir).name + ".tmp"), ignore_errors=True)
    if not isinstance(embedder, Exportable):
        return False  # e.g. the tests' fake embedder: queries then use the embedder itself
    if not force and is_current(index_dir, embedder):
        return False
    folder = query_dir(index_dir)
    scratch = folder.parent / (folder.name + ".tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        max_length, tokenizer = embedder.export_onnx(scratch / "whole.onnx")
        _split_weights(scratch / "whole.onnx", scratch)
        shutil.copyfile(tokenizer, scratch / TOKENIZER_NAME)
        for name in (ONNX_NAME, WEIGHTS_NAME, TOKENIZER_NAME):
            with open(scratch / name, "rb+") as handle:
                os.fsync(handle.fileno())
        stamp = QueryModelStamp(
            STAMP_VERSION, embedder.name, embedder.dim, max_length, embedder.source_fingerprint(),
            sha256_file(scratch / ONNX_NAME), (scratch / WEIGHTS_NAME).stat().st_size,
            sha256_file(scratch / WEIGHTS_NAME), sha256_file(scratch / TOKENIZER_NAME),
        )
        folder.mkdir(exist_ok=True)
        # Stamp first out, last in: a reader meanwhile finds no stamp and falls back, never a mix.
        (folder / STAMP_NAME).unlink(missing_ok=True)
        for name in (ONNX_NAME, WEIGHTS_NAME, TOKENIZER_NAME):
            os.replace(scratch / name, folder / name)
        with open(scratch / STAMP_NAME, "w", encoding="utf-8") as handle:
            handle.write(stamp.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(scratch / STAMP_NAME, folder / STAMP_NAME)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return True


def _split_weights(whole: Path, folder: Path) -> None:
    """Rewrite a self-contained ONNX file as a small graph plus one external weights file."""
    import onnx

    model = onnx.load(str(whole))
    onnx.save_model(model, str(folder / ONNX_NAME), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=WEIGHTS_NAME, size_threshold=1024)
    (folder / WEIGHTS_NAME).chmod(0o644)  # onnx creates it private; the index's readers need it
    whole.unlink()


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
