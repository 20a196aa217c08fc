"""`qa mcp` end to end under the MCP Inspector's CLI from npm; skipped where node, npx or the package is absent.

The package is not fetched here (`npx --no`): fetch it once with
`npx -y @modelcontextprotocol/inspector@2.12.0 --cli true --method tools/list` (it runs on node 20 with engine warnings).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.qa.test_cli import BIN

INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"

pytestmark = pytest.mark.model


def inspector(index: Path, home: Path, *method: str) -> subprocess.CompletedProcess:
    """The Inspector's CLI running `qa mcp --index INDEX` and one method on it."""
    command = ["npx", "--no", "--", INSPECTOR, "--cli", str(BIN / "qa"), "mcp", "--index", str(index), *method]
    env = {**os.environ, "QA_HOME": str(home), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_the_inspector_lists_the_tools_and_asks(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if shutil.which("node") is None or shutil.which("npx") is None:
        pytest.skip("node and npx are not installed")
    probe = inspector(tmp_path / "none", tmp_path, "--method", "tools/list")
    if "missing packages" in probe.stderr:
        pytest.skip(f"{INSPECTOR} is not in npx's cache (see this module's docstring)")
    index = request.getfixturevalue("real_index")  # built only when the Inspector can run
    listed = inspector(index, tmp_path, "--method", "tools/list")
    assert listed.returncode == 0, listed.stderr
    assert {tool["name"] for tool in json.loads(listed.stdout)["tools"]} == {"ask", "search", "show", "documents", "status"}
    asked = inspector(index, tmp_path, "--method", "tools/call", "--tool-name", "ask", "--tool-arg", "question=how many workers?")
    assert asked.returncode == 0, asked.stderr
    result = json.loads(asked.stdout)
    assert not result.get("isError") and result["structuredContent"]["answers"][0]["text"] == "4,000"
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]
