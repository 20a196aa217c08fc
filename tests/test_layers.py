"""Floors: index/ at the bottom, qa/ above it, tui/ and the CLI on top; no import goes up a floor."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = {"index": 0, "qa": 1, "tui": 2}
TOP = {"qa/cli.py", "qa/cli_ask.py"}  # the CLI stands beside tui/: it starts the app


def floor_of(relative: str) -> int:
    return 2 if relative in TOP else FLOOR[relative.split("/")[0]]


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports, at any depth (imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_no_module_imports_a_higher_floor() -> None:
    upward = []
    for package in FLOOR:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            mine = floor_of(relative)
            for target in imported_packages(path) & set(FLOOR):
                if FLOOR[target] > mine:
                    upward.append(f"{relative} imports {target}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from qa.config import DEFAULT\n    return DEFAULT\n", encoding="utf-8")
    assert imported_packages(module) == {"qa"}
