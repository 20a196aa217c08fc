"""Weights recovered from a shipped int8 reader: exported again, they give the very same model file."""

from __future__ import annotations

from pathlib import Path

import torch

from qa.config import DEFAULT
from qa.reader import ONNX_NAME, ReaderStamp, reader_folder
from qa.reader_export import export, training_record
from qa.reader_recover import recover
from index.onnx_embed import sha256_file


def test_the_fast_reader_recovered_and_exported_again_is_the_same_file(tmp_path: Path) -> None:
    shipped = reader_folder(DEFAULT.reader.using("fast"))
    taken = recover(shipped, tmp_path / "reader.pt")
    # Everything trained comes from the export; the frozen embeddings and the unused pooler from the backbone.
    assert all(name.startswith(("encoder.embeddings.", "encoder.pooler.")) for name in taken["kept_from_backbone"])
    stamp = export(tmp_path / "reader.pt", tmp_path / "again", int8=True)
    assert stamp.onnx_sha256 == ReaderStamp.read(shipped).onnx_sha256 == sha256_file(tmp_path / "again" / ONNX_NAME)
    # A stage started from recovered weights records the stages the export was made by.
    record = training_record(torch.load(tmp_path / "reader.pt", weights_only=False))
    assert record["config"] == ReaderStamp.read(shipped).training["config"]
    assert record["recovered_from_onnx_sha256"] == stamp.onnx_sha256
