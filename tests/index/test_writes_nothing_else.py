"""onnxruntime's telemetry: importing the tool and onnxruntime writes nothing under the user's cache."""

from __future__ import annotations

import os
import subprocess
import sys


def test_onnxruntime_writes_no_device_id_or_telemetry(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "ORT_DISABLE_TELEMETRY"}
    env |= {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for module in ("qa.pipeline", "index.onnx_embed", "tui.app"):
        code = f"import {module}, onnxruntime"
        subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
        assert not [p for p in tmp_path.rglob("*") if p.is_file()], module
