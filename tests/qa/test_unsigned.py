"""Int8 readers with unsigned weights: the same products as signed ones, on CPUs with or without VNNI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from qa.reader import ONNX_NAME, installed_readers, reader_folder
from qa.config import DEFAULT
from qa.reader_export import unsigned


def _signed_model(path: Path, weights: np.ndarray) -> None:
    """A one-node graph: uint8 activations times signed int8 weights (zero points 0), int32 out."""
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "b", "a_zero", "b_zero"], ["y"])], "m",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [1, weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [1, weights.shape[1]])],
        [numpy_helper.from_array(weights, "b"), numpy_helper.from_array(np.array(0, np.uint8), "a_zero"),
         numpy_helper.from_array(np.zeros(weights.shape[1], np.int8), "b_zero")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_unsigned_weights_give_the_exact_integer_products(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    # Full-range values: pairs of 255 x 127 overflow the 16-bit sums an AVX2 CPU without VNNI uses for signed weights.
    weights = rng.integers(-128, 128, size=(64, 8)).astype(np.int8)
    activations = rng.integers(200, 256, size=(1, 64)).astype(np.uint8)
    _signed_model(tmp_path / "signed.onnx", weights)
    assert unsigned(tmp_path / "signed.onnx", tmp_path / "unsigned.onnx") == 1
    model = onnx.load(str(tmp_path / "unsigned.onnx"))
    assert {t.name: t.data_type for t in model.graph.initializer}["b"] == TensorProto.UINT8
    session = onnxruntime.InferenceSession(str(tmp_path / "unsigned.onnx"), providers=["CPUExecutionProvider"])
    found = session.run(None, {"a": activations})[0]
    assert (found == activations.astype(np.int32) @ weights.astype(np.int32)).all()


@pytest.mark.parametrize("model", ["fast", "accurate"])
def test_shipped_readers_have_no_signed_matrix_weights(model: str) -> None:
    if model not in installed_readers():
        pytest.skip(f"the {model} reader's weights are not installed")
    graph = onnx.load(str(reader_folder(DEFAULT.reader.using(model)) / ONNX_NAME)).graph
    kinds = {t.name: t.data_type for t in graph.initializer}
    weights = [kinds.get(node.input[1]) for node in graph.node if node.op_type == "MatMulInteger"]
    assert weights and TensorProto.INT8 not in weights
