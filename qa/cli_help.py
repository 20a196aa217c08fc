"""What `--help` shows beyond the options: examples and exit statuses; `--version`; `qa completion`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

# Every command's help ends with examples, as rg's and fzf's do: the quickest way to learn a flag.
ASK_EPILOG = """\
examples:
  ask "how many workers?"                       answer, sources and passages
  ask "how many workers?" --json | jq .answers  the JSON contract, for scripts
  ask "who is Wi Sung Lac?" -k 3 --since 2025-02 --outlet Yonhap
  ask "how many acres so far?" --timeline       how a figure changed over time
  ask --batch questions.txt --json              one JSON line per question
  printf 'how many workers?\\nwho?\\n' | ask      questions piped in, one a line
  ask                                           the terminal app

exit status:
  0  an answer cleared the confidence bar (in a batch: for some question)
  1  none did: low confidence or no passage matched (as rg finding nothing)
  2  an error (one line on stderr), or no question and no terminal
"""

QA_EPILOG = """\
examples:
  qa index ~/news && ask "how many workers?"   index a folder, then ask it
  qa index --help                              a command's options, examples
  eval "$(qa completion bash)"                 completion (also zsh, fish)
"""

EXAMPLES = {
    "index": """\
examples:
  qa index ~/news                     ~/news's own index: ask then uses it
  qa index ~/news ~/wire --index ~/idx      both folders in ~/idx
  qa index ~/news --index ~/idx --rebuild   rebuild (repairs damage)
  qa index --optimize --index ~/idx         merge the segments into one
  qa index ~/exports --fields text=copy,date=when    JSON/CSV field names
  qa index ~/news --json | jq .passages     the summary as JSON
  qa index ~/news -g '*.md' --exclude drafts/   only Markdown, drafts/ left out
  echo 'drafts/' >> ~/news/.newsqaignore    left out for good (gitignore)
""",
    "watch": """\
examples:
  qa watch ~/news                 keep ~/news's own index up to date
  qa watch ~/news --index ~/idx   the same for ~/idx (Ctrl+C stops)
  qa watch ~/news -g '!*.csv'     leave the exports out (as --exclude '*.csv')
""",
    "check": """\
examples:
  qa check                  verify the index ask opens, every byte and page
  qa check --index ~/idx    verify ~/idx
""",
    "show": """\
examples:
  qa show ~/news/story.txt:1200-1205     the cited characters, in context
  qa show ~/news/story.txt:13            line 13 of the indexed text
  qa show /abs/story.txt 1200 1205 --json    ask --json's doc, start, end
""",
    "docs": """\
examples:
  qa docs                        every document, newest first
  qa docs --undated              those with no date, or with the year assumed
  qa docs --json --index ~/idx   one JSON object per document
""",
    "tui": """\
examples:
  qa tui                     the terminal app (also: ask with no question)
  qa tui --index ~/idx -k 8  another index, 8 passages
""",
    "web": """\
examples:
  qa web                     the app in a browser: http://127.0.0.1:8000
  qa web --port 8080 --index ~/idx
""",
    "config": """\
examples:
  qa config                  the settings file's path and every setting
""",
    "mcp": """\
examples:
  qa mcp                     the MCP server on stdio, for an assistant to start
  qa mcp --index ~/idx       the same on another index
""",
    "serve": """\
examples:
  qa serve --port 8080       the HTTP JSON API on 127.0.0.1 (OpenAPI at /docs)
  curl 'http://127.0.0.1:8080/ask?question=how+many+workers%3F'
  QA_TOKEN=a-long-secret qa serve --host 0.0.0.0   others too, with a token
""",
    "completion": """\
examples:
  eval "$(qa completion bash)"     in ~/.bashrc
  eval "$(qa completion zsh)"      in ~/.zshrc, after compinit
  qa completion fish > ~/.config/fish/completions/qa.fish
  qa completion fish > ~/.config/fish/completions/ask.fish
""",
}

SHELLS = ("bash", "zsh", "fish")


def version() -> str:
    """The installed newsqa's version (looked up only when asked: `ask` starts on every call)."""
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return installed("newsqa")
    except PackageNotFoundError:
        return "unknown (not installed)"


class VersionAction(argparse.Action):
    """`--version`: the program's name and newsqa's version on stdout, then exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str = "print newsqa's version and exit") -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"{parser.prog} (newsqa) {version()}")
        parser.exit()


def finish_qa_parser(parser: argparse.ArgumentParser, commands: argparse._SubParsersAction) -> None:
    """`qa`'s parser with `--version`, `qa completion`, and examples under each command's help."""
    parser.add_argument("--version", action=VersionAction)
    completion = commands.add_parser("completion", help="print a shell completion script for ask and qa")
    completion.add_argument("shell", choices=SHELLS, help="the shell: bash, zsh or fish")
    parser.epilog, parser.formatter_class = QA_EPILOG, argparse.RawDescriptionHelpFormatter
    for name, command in commands.choices.items():
        if name in EXAMPLES:
            command.epilog, command.formatter_class = EXAMPLES[name], argparse.RawDescriptionHelpFormatter
