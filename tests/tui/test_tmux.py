"""The real app in a real terminal (tmux), on the real model: run by hand or with `-m slow`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_check.sh")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_real_terminal_shows_4000_and_the_source(tmp_path):
    run = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "home")], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4,000" in run.stdout and run.stdout.rstrip().endswith("ok")
