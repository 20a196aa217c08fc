"""Export trained reader weights to the ONNX model `ask` ships with (optionally int8), with its stamp.

    python -m qa.reader_export runs/reader/reader.pt              # writes qa/reader_model/
    python -m qa.reader_export runs/reader/reader.pt --float32    # keep float weights
    python -m qa.reader_export --unsigned qa/reader_accurate      # signed int8 weights -> unsigned, exactly
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import warnings
from dataclasses import asdict
from pathlib import Path

from qa.backbones import backbone
from index.onnx_embed import sha256_file
from qa.reader import MODEL_DIR, ONNX_NAME, STAMP_NAME, TOKENIZER_NAME, ReaderStamp

OPSET = 17


def export_onnx(weights: Path, path: Path) -> dict[str, object]:
    """Trace the trained reader into one ONNX graph; returns the training record of the checkpoint."""
    import torch

    from qa.reader_train import build_reader

    state = torch.load(weights, weights_only=False)
    model = build_reader(state["config"]["seed"], backbone_name(state))
    model.load_state_dict(state["model"])
    model.eval()
    ids = torch.tensor([[101, 2129, 2116, 102, 3667, 2024, 102], [101, 2129, 102, 3667, 102, 0, 0]])
    mask = (ids != 0).long()
    types = torch.tensor([[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0, 0]])
    axes = {0: "batch", 1: "tokens"}
    # MPNet has no segment embeddings: its graph takes no token_type_ids (qa.reader feeds what a graph declares).
    names = ["input_ids", "attention_mask", "token_type_ids"][: 3 if model.uses_types else 2]
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (ids, mask, types), str(path), input_names=names,
            output_names=["start_logits", "end_logits"], opset_version=OPSET, dynamo=False,
            dynamic_axes={**{name: axes for name in names}, "start_logits": axes, "end_logits": axes},
        )
    return training_record(state)


def backbone_name(state: dict) -> str:
    """The encoder a checkpoint was trained on (checkpoints from before the choice existed are MiniLM)."""
    return str(state.get("config", {}).get("backbone", "minilm"))


def training_record(state: dict) -> dict[str, object]:
    """What a checkpoint's run did, with the record of the weights it started from (a stage-2 run's stage 1)."""
    import torch

    if "record" in state:  # weights recovered from an export (qa.reader_recover): its stamp holds the stages
        return dict(state["record"])
    record = {key: state[key] for key in ("config", "examples", "steps", "seconds") if key in state}
    if "step" in state:  # a run's checkpoint, exported before its plan ended: how far it had gone
        record["steps"], record["stopped_early"] = state["step"], True
    init = state.get("config", {}).get("init")
    if init:
        record["started_from"] = training_record(torch.load(init, weights_only=False, map_location="cpu"))
    return record


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the matrix multiplications (per-channel) and the embedding tables, with
    unsigned weights (see `unsigned`)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gemm", "Gather"])
    unsigned(target, target)


def unsigned(source: Path, target: Path) -> int:
    """Signed int8 matrix weights shifted to uint8 with their zero points (b - zb is unchanged: exact).

    onnxruntime multiplies uint8 activations by signed weights with an instruction that saturates at 16
    bits on x86 CPUs without VNNI (AVX2 only): there the accurate reader's logits came out flat (SQuAD dev
    gold-paragraph F1 0.03 against 0.81 on a VNNI machine), the fast reader's off by up to 0.65. Unsigned
    by unsigned has no such path, and equals the signed model's exact result on every CPU.
    """
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    constants = {tensor.name: tensor for tensor in model.graph.initializer}
    shifted = 0
    for node in model.graph.node:
        weights = constants.get(node.input[1]) if node.op_type == "MatMulInteger" else None
        if weights is None or weights.data_type != onnx.TensorProto.INT8:
            continue
        zero = constants.get(node.input[3]) if len(node.input) > 3 else None
        for tensor in (weights, zero):
            if tensor is not None and tensor.data_type == onnx.TensorProto.INT8:
                values = numpy_helper.to_array(tensor).astype(np.int16) + 128
                tensor.CopyFrom(numpy_helper.from_array(values.astype(np.uint8), tensor.name))
        shifted += 1
    onnx.save(model, str(target))
    return shifted


def make_unsigned(folder: Path) -> ReaderStamp:
    """An exported reader folder's model made unsigned in place, its stamp saying from which file."""
    stamp = ReaderStamp.read(folder)
    scratch = folder / (ONNX_NAME + ".tmp")
    if not unsigned(folder / ONNX_NAME, scratch):
        scratch.unlink()
        return stamp
    training = {**stamp.training, "unsigned_from_onnx_sha256": stamp.onnx_sha256}
    stamp = ReaderStamp(stamp.max_length, stamp.max_question, sha256_file(scratch), stamp.tokenizer_sha256,
                        stamp.quantized, training)
    (folder / STAMP_NAME).unlink()  # no stamp while the model changes: a crash leaves damage that says so
    os.replace(scratch, folder / ONNX_NAME)
    write_stamp(folder, stamp)
    return stamp


def write_stamp(folder: Path, stamp: ReaderStamp) -> None:
    """The stamp beside the files it vouches for, written last."""
    (folder / STAMP_NAME).write_text(json.dumps(asdict(stamp), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def export(weights: Path, out: Path, int8: bool) -> ReaderStamp:
    """Write reader.onnx, tokenizer.json and stamp.json into `out`, stamp last."""
    out.mkdir(parents=True, exist_ok=True)
    scratch = out / "export.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        training = export_onnx(weights, scratch / "float.onnx")
        final = scratch / ONNX_NAME
        if int8:
            quantize(scratch / "float.onnx", final)
        else:
            os.replace(scratch / "float.onnx", final)
        shutil.copyfile(backbone(str(training["config"].get("backbone", "minilm"))).folder / "tokenizer.json",
                        scratch / TOKENIZER_NAME)
        config = training["config"]
        stamp = ReaderStamp(int(config["max_length"]), int(config["max_question"]), sha256_file(final),
                            sha256_file(scratch / TOKENIZER_NAME), int8, training)
        (out / STAMP_NAME).unlink(missing_ok=True)
        for name in (ONNX_NAME, TOKENIZER_NAME):
            os.replace(scratch / name, out / name)
        write_stamp(out, stamp)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return stamp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, nargs="?", default=Path("runs/reader/reader.pt"),
                        help="a run's reader.pt, or its checkpoint.pt to export a run stopped early")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--float32", action="store_true", help="do not quantise to int8")
    parser.add_argument("--unsigned", type=Path, metavar="FOLDER",
                        help="make an exported int8 reader's weights unsigned in place (exact; see `unsigned`)")
    args = parser.parse_args(argv)
    if args.unsigned:
        stamp = make_unsigned(args.unsigned)
        print(json.dumps({"out": str(args.unsigned), "onnx_sha256": stamp.onnx_sha256}))
        return
    stamp = export(args.weights, args.out, not args.float32)
    print(json.dumps({"out": str(args.out), "quantized": stamp.quantized, "onnx_sha256": stamp.onnx_sha256,
                      "bytes": (args.out / ONNX_NAME).stat().st_size}))


if __name__ == "__main__":
    main()
