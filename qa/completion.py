"""`qa completion SHELL`: bash, zsh and fish completion for `ask` and `qa`, generated from their parsers."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

# Values that name files or folders: the shell completes paths there; other values get no guesses.
_PATHS = {"index": "folder", "batch": "file", "paths": "path", "citation": "path"}


@dataclass(frozen=True)
class Option:
    """One option of a command, as a shell needs it."""

    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]
    path: str | None  # "file", "folder" or "path" when the value names one
    repeats: bool


@dataclass(frozen=True)
class Command:
    """`ask`, `qa`, or a `qa` subcommand: its options and what its positional arguments are."""

    name: str
    help: str
    options: tuple[Option, ...]
    choices: tuple[str, ...]  # the positional argument's choices (`qa completion SHELL`)
    paths: bool  # whether positional arguments are paths (else free text, like a question)


def _short(text: str | None, most: int = 60) -> str:
    """A help text's first clause, no asides, no quoting characters: shells show it beside a candidate."""
    text = re.sub(r"\s*\([^()]*\)", "", text or "").split(";")[0]
    text = re.sub(r"[\[\]\"`$\\]", "", " ".join(text.replace("'", "\u2019").split()))
    return text if len(text) <= most else text[: text.rfind(" ", 0, most)] + "\u2026"


def _command(name: str, parser: argparse.ArgumentParser, help: str | None) -> Command:
    """What a shell needs to know of one parser."""
    options: list[Option] = []
    choices: tuple[str, ...] = ()
    paths = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if not action.option_strings:  # a positional argument
            choices, paths = tuple(action.choices or ()), paths or action.dest in _PATHS
            continue
        options.append(Option(tuple(action.option_strings), _short(action.help), action.nargs != 0,
                              tuple(str(choice) for choice in action.choices or ()), _PATHS.get(action.dest),
                              isinstance(action, argparse._AppendAction)))
    return Command(name, _short(help), tuple(options), choices, paths)


def _subcommands(parser: argparse.ArgumentParser) -> list[Command]:
    """`qa`'s subcommands, in the order `qa --help` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            return [_command(name, sub, helps.get(name)) for name, sub in action.choices.items()]
    return []


def script(shell: str, qa: argparse.ArgumentParser, ask: argparse.ArgumentParser) -> str:
    """The completion script for `shell`, covering both commands."""
    top, subs, single = _command("qa", qa, qa.description), _subcommands(qa), _command("ask", ask, ask.description)
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](single, top, subs)


def _words(items: list[str] | tuple[str, ...]) -> str:
    """Words as a shell word list."""
    return " ".join(items)


def _bash(ask: Command, qa: Command, subs: list[Command]) -> str:
    """One function for both commands: subcommand, options, choices, and paths left to bash's own completion."""
    cases, values = [], []
    for key, command in [("ask ", ask), ("qa ", qa), *((f"qa {sub.name}", sub) for sub in subs)]:
        flags = [flag for option in command.options for flag in option.flags]
        valued = [option for option in command.options if option.takes_value]
        folders = _words([flag for option in valued if option.path == "folder" for flag in option.flags])
        files = _words([flag for option in valued if option.path in ("file", "path") for flag in option.flags])
        others = _words([flag for option in valued if not option.path and not option.choices for flag in option.flags])
        cases.append(f'        "{key}") flags="{_words(flags)}" folders=" {folders} " files=" {files} " '
                     f'others=" {others} " positional="{_words(command.choices)}" paths={int(command.paths)} ;;')
        for option in command.options:
            if option.choices:
                patterns = "|".join(f'"{key} {flag}"' for flag in option.flags)
                offered = f'COMPREPLY=($(compgen -W "{_words(option.choices)}" -- "$cur")); return'
                values.append(f"        {patterns}) {offered} ;;")
    return f"""\
# bash completion for ask and qa (newsqa); in ~/.bashrc: eval "$(qa completion bash)"
_newsqa_complete() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
    local command=${{COMP_WORDS[0]##*/}} sub="" i
    COMPREPLY=()
    if [[ $command == qa ]]; then
        for ((i = 1; i < COMP_CWORD; i++)); do
            if [[ ${{COMP_WORDS[i]}} != -* ]]; then sub=${{COMP_WORDS[i]}}; break; fi
        done
        if [[ -z $sub && $cur != -* ]]; then
            COMPREPLY=($(compgen -W "{_words([sub.name for sub in subs])}" -- "$cur")); return
        fi
    fi
    local flags="" folders="" files="" others="" positional="" paths=0
    case "$command $sub" in
{chr(10).join(cases)}
        *) return ;;
    esac
    case "$command $sub $prev" in
{chr(10).join(values)}
    esac
    if [[ $folders == *" $prev "* ]]; then compopt -o dirnames; return; fi
    if [[ $files == *" $prev "* ]]; then compopt -o default; return; fi
    if [[ $others == *" $prev "* ]]; then return; fi  # a number, a date, a name: nothing to guess
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ -n $positional ]]; then
        COMPREPLY=($(compgen -W "$positional" -- "$cur"))
    elif ((paths)); then
        compopt -o default
    fi
}}
complete -F _newsqa_complete ask qa
"""


def _zsh_option(option: Option) -> str:
    """An `_arguments` spec: flags, description, and what the value completes to."""
    if option.takes_value:
        if option.choices:
            value = f":{option.flags[-1].lstrip('-')}:({_words(option.choices)})"
        elif option.path == "folder":
            value = ":folder:_files -/"
        elif option.path:
            value = f":{option.path}:_files"
        else:
            value = f":{option.flags[-1].lstrip('-')}: "
    else:
        value = ""
    described = f"[{option.help.replace(':', ' -')}]{value}"
    if option.repeats:
        return f"'*{option.flags[0]}{described}'"
    if len(option.flags) == 1:
        return f"'{option.flags[0]}{described}'"
    exclusive = "(- *)" if option.flags[-1] in ("--help", "--version") else f"({' '.join(option.flags)})"
    return f"'{exclusive}'{{{','.join(option.flags)}}}'{described}'"


def _zsh_arguments(command: Command, indent: str) -> str:
    """A command's whole `_arguments` call, positional arguments last."""
    specs = [_zsh_option(option) for option in command.options]
    if command.choices:
        specs.append(f"'1:{command.name}:({_words(command.choices)})'")
    elif command.paths:
        specs.append("'*:path:_files'")
    elif command.name == "ask":
        specs.append("'*:question: '")
    return f" \\\n{indent}".join(["_arguments -s -S", *specs])


def _zsh(ask: Command, qa: Command, subs: list[Command]) -> str:
    """`_arguments` for ask; for qa, `_describe` of the subcommands, then each one's `_arguments`."""
    described = "\n".join(f"        '{sub.name}:{sub.help.replace(':', ' -')}'" for sub in subs)
    branches = "\n".join(f"                {sub.name}) {_zsh_arguments(sub, ' ' * 20)} ;;" for sub in subs)
    top = " \\\n        ".join(_zsh_option(option) for option in qa.options)
    return f"""\
#compdef ask qa
# zsh completion for ask and qa (newsqa); in ~/.zshrc, after compinit: eval "$(qa completion zsh)"
_newsqa_ask() {{
    {_zsh_arguments(ask, ' ' * 8)}
}}
_newsqa_qa() {{
    local curcontext=$curcontext state line
    local -a commands
    commands=(
{described}
    )
    _arguments -C \\
        {top} \\
        '1:command:->command' \\
        '*::argument:->argument' && return
    case $state in
        command) _describe -t commands 'qa command' commands ;;
        argument)
            case $words[1] in
{branches}
            esac ;;
    esac
}}
compdef _newsqa_ask ask
compdef _newsqa_qa qa
"""


def _fish_option(program: str, condition: str, option: Option) -> str:
    """One `complete` line for an option, under a condition (which subcommand)."""
    parts = [f"complete -c {program}{condition}"]
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.takes_value:
        if option.choices:
            parts.append(f"-x -a '{_words(option.choices)}'")
        elif option.path == "folder":
            parts.append("-x -a '(__fish_complete_directories (commandline -ct))'")
        elif option.path:
            parts.append("-r -F")
        else:
            parts.append("-x")
    parts.append(f"-d '{option.help}'")
    return " ".join(parts)


def _fish(ask: Command, qa: Command, subs: list[Command]) -> str:
    """`complete` lines: ask's options; qa's subcommands, then each one's options and arguments."""
    lines = ["# fish completion for ask and qa (newsqa): qa completion fish > ~/.config/fish/completions/qa.fish",
             "# (and the same file as ask.fish: fish loads a command's completions from the file of its name)",
             "complete -c ask -f", *(_fish_option("ask", "", option) for option in ask.options),
             "complete -c qa -f", *(_fish_option("qa", " -n __fish_use_subcommand", option) for option in qa.options)]
    for sub in subs:
        lines.append(f"complete -c qa -n __fish_use_subcommand -a {sub.name} -d '{sub.help}'")
        condition = f" -n '__fish_seen_subcommand_from {sub.name}'"
        lines.extend(_fish_option("qa", condition, option) for option in sub.options)
        if sub.choices:
            lines.append(f"complete -c qa{condition} -x -a '{_words(sub.choices)}'")
        elif sub.paths:
            lines.append(f"complete -c qa{condition} -F")
    return "\n".join(lines) + "\n"
