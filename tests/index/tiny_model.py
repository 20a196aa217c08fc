"""A tiny exportable embedder for tests: word-level tokenizer, random word vectors, mean pooled.

It poses as all-MiniLM-L6-v2 (same name and dimension) so the default query path accepts its
indexes, and it exports a real ONNX graph of itself, so the fast path runs without the real model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embed import MODEL_DIM, MODEL_NAME
from tests.conftest import SEEDS

MAX_LENGTH = 64


def _vocabulary() -> list[str]:
    words = {w for path in SEEDS.glob("*.txt") for w in re.findall(r"\w+", path.read_text(encoding="utf-8").lower())}
    return ["[PAD]", "[UNK]", *sorted(words)]


class TinyEmbedder:
    """Mean of fixed random word vectors, L2-normalised; exports the same computation as ONNX."""

    name = MODEL_NAME
    dim = MODEL_DIM

    def __init__(self, folder: Path, seed: int = 0) -> None:
        from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

        words = _vocabulary()
        tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.Lowercase()
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
        folder.mkdir(parents=True, exist_ok=True)
        self.tokenizer_path = folder / "tokenizer.json"
        tokenizer.save(str(self.tokenizer_path))
        self.tokenizer = tokenizer
        self.table = np.random.default_rng(seed).standard_normal((len(words), self.dim)).astype(np.float32)
        self.seed = seed
        self.exports = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for encoding in self.tokenizer.encode_batch(list(texts)):
            ids = encoding.ids[:MAX_LENGTH] or [1]
            mean = self.table[ids].mean(axis=0)
            rows.append(mean / np.linalg.norm(mean))
        return np.array(rows, dtype=np.float32).reshape(-1, self.dim)

    def source_fingerprint(self) -> str:
        return f"tiny-{self.seed}"

    def export_onnx(self, path: Path) -> tuple[int, Path]:
        import onnx
        from onnx import TensorProto, helper, numpy_helper

        self.exports += 1
        nodes = [
            helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),
            helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["mask_f", "two"], ["mask3"]),
            helper.make_node("Mul", ["tokens", "mask3"], ["masked"]),
            helper.make_node("ReduceSum", ["masked", "one"], ["summed"], keepdims=0),
            helper.make_node("ReduceSum", ["mask3", "one"], ["count"], keepdims=0),
            helper.make_node("Div", ["summed", "count"], ["mean"]),
            helper.make_node("ReduceL2", ["mean"], ["norm"], axes=[1], keepdims=1),
            helper.make_node("Div", ["mean", "norm"], ["embedding"]),
        ]
        graph = helper.make_graph(
            nodes, "tiny",
            [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
             helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
            [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", self.dim])],
            [numpy_helper.from_array(self.table, "table"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
             numpy_helper.from_array(np.array([2], dtype=np.int64), "two")],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, str(path))
        return MAX_LENGTH, self.tokenizer_path
