"""bench/speed.py end to end on a small corpus: one JSON line with every figure the README quotes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_speed_bench_prints_one_json_line_with_all_figures():
    proc = subprocess.run(
        [sys.executable, "-m", "bench.speed", "--sizes", "2000", "--cold-runs", "1",
         "--paragraphs", "20", "--questions", "15"],
        capture_output=True, text=True, timeout=1800, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {"cold_ask_median_s", "st_import_median_s", "cold_ratio", "warm_2k", "ann_2k", "indexing",
            "million_extrapolated", "bench_peak_rss_mb"} <= set(result)
    assert result["warm_2k"]["embedder"] == "OnnxEmbedder" and result["warm_2k"]["passages"] == 2000
    assert result["ann_2k"]["kind"] == "exact" and result["ann_2k"]["recall_at_10"] == 1.0
    assert result["indexing"]["passages"] > 0
