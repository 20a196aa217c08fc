"""What the commands say about themselves: --version, --help with examples, shell completion, `qa web`'s errors."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from qa.cli import ask_main, qa_main

BIN = Path(sys.executable).parent
COMMANDS = ["index", "watch", "check", "show", "docs", "tui", "web", "completion"]


def run(command: str, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "QA_HOME": "/nonexistent-qa-home", "NO_COLOR": "1"}
    return subprocess.run([str(BIN / command), *args], capture_output=True, text=True, env=env, timeout=120, **kw)


def help_of(main, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["ask", "qa"])
def test_version_on_both_commands(command):
    proc = run(command, "--version")
    assert proc.returncode == 0 and proc.stdout == f"{command} (newsqa) {version('newsqa')}\n", proc.stderr


def test_ask_help_has_examples_and_the_exit_statuses(capsys):
    text = help_of(ask_main, ["--help"], capsys)
    assert "examples:" in text and 'ask "how many workers?" --json' in text and "| ask" in text
    statuses = text.split("exit status:")[1]
    assert "0  an answer cleared" in statuses and "1  none did" in statuses and "2  an error" in statuses


def test_each_qa_command_has_examples(capsys):
    usage = help_of(qa_main, ["--help"], capsys).split("\n\n")[0]
    listed = " ".join(usage.split()).split("{")[1].split("}")[0].split(",")  # every command qa has
    assert set(COMMANDS) <= set(listed)
    for command in listed:
        text = help_of(qa_main, [command, "--help"], capsys)
        assert "examples:\n" in text, command
        examples = text.split("examples:\n")[1]
        assert f"qa {command}" in examples
        assert all(len(line) < 80 for line in examples.splitlines())  # laid out by hand: it must fit 80 columns


def test_qa_help_points_to_the_commands_help(capsys):
    text = help_of(qa_main, ["--help"], capsys)
    assert "examples:" in text and "qa completion bash" in text and "web" in text


def test_index_help_describes_path(capsys):
    text = help_of(qa_main, ["index", "--help"], capsys)
    described = " ".join(text.split("positional arguments:")[1].split("options:")[0].split())
    assert described.startswith("PATH a file, or a folder read recursively")
    assert all(suffix in described for suffix in (".txt", ".html", ".pdf", ".csv"))


def bash_complete(script: Path, *words: str) -> list[str]:
    """What the bash completion offers for the last of `words` (compopt, used only inside completion, echoed)."""
    line = " ".join(f"'{word}'" for word in words)
    code = (f"source {script}; compopt() {{ echo \"compopt $*\"; }}; COMP_WORDS=({line}); "
            f"COMP_CWORD={len(words) - 1}; _newsqa_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    proc = subprocess.run(["bash", "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if line]


def test_bash_completion_offers_commands_options_and_values(tmp_path):
    proc = run("qa", "completion", "bash")
    assert proc.returncode == 0, proc.stderr
    script = tmp_path / "newsqa.bash"
    script.write_text(proc.stdout)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert set(COMMANDS) <= set(bash_complete(script, "qa", ""))
    assert bash_complete(script, "qa", "index", "--re") == ["--rebuild"]
    assert bash_complete(script, "qa", "completion", "") == ["bash", "zsh", "fish"]
    assert bash_complete(script, "ask", "--for") == ["--format"]
    assert bash_complete(script, "ask", "--format", "") == ["text", "json", "markdown"]
    assert bash_complete(script, "ask", "--index", "") == ["compopt -o dirnames"]  # folders, from bash itself
    assert bash_complete(script, "qa", "index", "") == ["compopt -o default"]  # PATH: files and folders
    assert bash_complete(script, "ask", "-k", "") == []  # a number: nothing to guess
    assert "--version" in bash_complete(script, "qa", "--")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="needs zsh")
def test_zsh_completion_registers_both_commands(tmp_path):
    script = tmp_path / "newsqa.zsh"
    script.write_text(run("qa", "completion", "zsh").stdout)
    code = f"autoload -U compinit; compinit -u -D; source {script}; print $_comps[ask] $_comps[qa]"
    proc = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(["zsh", "-c", code], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert proc.stdout.split() == ["_newsqa_ask", "_newsqa_qa"], proc.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
def test_fish_completion_offers_commands_options_and_values(tmp_path):
    script = tmp_path / "newsqa.fish"
    script.write_text(run("qa", "completion", "fish").stdout)

    def offers(line: str) -> list[str]:
        proc = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
                              capture_output=True, text=True, timeout=30, env={**os.environ, "HOME": str(tmp_path)})
        assert proc.returncode == 0, proc.stderr
        return [candidate.split("\t")[0] for candidate in proc.stdout.splitlines()]

    assert "index" in offers("qa ind") and "web" in offers("qa w")
    assert offers("qa index --reb") == ["--rebuild"]
    assert sorted(offers("ask --format ")) == ["json", "markdown", "text"]
    assert sorted(offers("qa completion ")) == ["bash", "fish", "zsh"]


def test_completion_for_an_unknown_shell_is_refused():
    proc = run("qa", "completion", "powershell")
    assert proc.returncode == 2 and "invalid choice: 'powershell'" in proc.stderr and "Traceback" not in proc.stderr


def test_qa_web_without_the_extra_is_one_line_naming_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # what an environment without it imports
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert qa_main(["web"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: qa web needs textual-serve") and ".[web]" in err


def test_qa_web_on_a_busy_port_is_one_line(tmp_path):
    pytest.importorskip("textual_serve")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = run("qa", "web", "--port", str(busy.getsockname()[1]))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: cannot listen on 127.0.0.1:") and proc.stderr.count("\n") == 1, proc.stderr


def test_qa_web_on_a_missing_index_is_one_line(tmp_path):
    pytest.importorskip("textual_serve")
    proc = run("qa", "web", "--index", str(tmp_path / "none"))
    assert proc.returncode == 2 and proc.stderr.startswith("error:") and proc.stderr.count("\n") == 1, proc.stderr
