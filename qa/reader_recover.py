"""Float weights recovered from an exported int8 reader, so a further training stage starts from what ships.

    python -m qa.reader_recover qa/reader_accurate --out runs/accurate2/reader.pt
    python -m qa.reader_train --backbone mpnet --init runs/accurate2/reader.pt --skip-questions 22000 ...

Checkpoints live on the machine that trained them; the shipped int8 ONNX is what every later session has.
Each quantised matrix is dequantised per channel ((q - zero point) * scale); LayerNorms and biases are
float in the export already. Weights the export does not hold (the frozen embeddings, the unused pooler)
come from the backbone, which is where training took them from.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from qa.reader import ONNX_NAME, ReaderStamp


def onnx_weights(model_path: Path) -> dict[str, np.ndarray]:
    """Every trained weight the export holds, named as in the torch reader, matrices dequantised to float32."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(model_path)).graph
    constants = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    weights = {name: array.astype(np.float32) for name, array in constants.items()
               if array.dtype == np.float32 and (name.endswith(".bias") or name.endswith(".weight"))}
    for name in constants:
        if name.endswith(".weight_quantized"):  # tables read by Gather keep their torch name
            base = name.removesuffix("_quantized")
            weights[base] = dequantize(constants, base, axis=0)
    for node in graph.node:
        if node.op_type != "MatMulInteger" or not node.input[1].endswith("_quantized"):
            continue
        # The output is named after the Linear module: '/encoder/encoder/layer.0/attention/attn/q/MatMul_output_0_...'.
        module = node.output[0].lstrip("/").split("/MatMul_output")[0].replace("/", ".")
        # ONNX multiplies by W transposed ([in, out]); torch's Linear keeps [out, in], the channel axis first.
        weights[f"{module}.weight"] = dequantize(constants, node.input[1].removesuffix("_quantized"), axis=1).T.copy()
    return weights


def dequantize(constants: dict[str, np.ndarray], base: str, axis: int) -> np.ndarray:
    """(q - zero point) * scale, per channel along `axis` when the scale is a vector."""
    values = constants[f"{base}_quantized"].astype(np.float32)
    zero = constants[f"{base}_zero_point"].astype(np.float32)
    scale = constants[f"{base}_scale"].astype(np.float32)
    if scale.ndim:
        shape = [1] * values.ndim
        shape[axis] = -1
        zero, scale = zero.reshape(shape), scale.reshape(shape)
    return (values - zero) * scale


def recover(folder: Path, out: Path) -> dict[str, object]:
    """Write a reader.pt for `qa.reader_train --init` from an exported reader folder; returns what was taken."""
    import torch

    from qa.reader_train import build_reader

    stamp = ReaderStamp.read(folder)
    config = dict(stamp.training["config"])
    model = build_reader(int(config["seed"]), str(config.get("backbone", "minilm")))
    state = model.state_dict()
    recovered = onnx_weights(folder / ONNX_NAME)
    taken, kept = [], []
    for name in state:
        source = recovered.get(name)
        if source is not None and name.startswith("encoder.embeddings."):
            source = None  # frozen in training: the backbone's float table, not its int8 copy
        if source is None:
            kept.append(name)
            continue
        if tuple(source.shape) != tuple(state[name].shape):
            raise SystemExit(f"error: {name} is {source.shape} in {folder} but {tuple(state[name].shape)} in the reader")
        state[name] = torch.from_numpy(source)
        taken.append(name)
    unused = sorted(set(recovered) - set(state))
    if unused or not any(name.startswith("encoder.encoder.layer.") for name in taken):
        raise SystemExit(f"error: {folder} does not match the {config.get('backbone', 'minilm')} reader ({unused[:3]})")
    out.parent.mkdir(parents=True, exist_ok=True)
    # training_record (qa.reader_export) reads the stamp's record through "record": the stages before.
    torch.save({"config": config, "model": state, "record": {**stamp.training, "recovered_from_onnx_sha256": stamp.onnx_sha256}}, out)
    return {"out": str(out), "taken": len(taken), "kept_from_backbone": kept}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="an exported reader (reader.onnx + stamp.json)")
    parser.add_argument("--out", type=Path, required=True, help="the reader.pt to write")
    args = parser.parse_args(argv)
    print(json.dumps(recover(args.folder, args.out)))


if __name__ == "__main__":
    main()
