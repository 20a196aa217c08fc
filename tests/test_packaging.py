"""What a wheel holds: every package and subpackage, the readers' folders, the app's CSS (a plain package list
once left tui.screens and tui.widgets out of a non-editable install)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_with_code_is_found_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    include = config["packages"]["find"]["include"]
    packages = {".".join(init.parent.relative_to(ROOT).parts) for top in ("qa", "index", "tui")
                for init in (ROOT / top).rglob("__init__.py")}
    assert {"tui.screens", "tui.widgets"} <= packages
    assert all(any(fnmatchcase(name, pattern) for pattern in include) for name in packages), packages
    data = config["package-data"]
    for folder in ("qa.reader_model", "qa.reader_accurate"):
        assert data[folder] == ["*"] and (ROOT / folder.replace(".", "/") / "reader.onnx").exists()
    assert "*.tcss" in data["tui"] and "*.txt" in data["seeds"]
