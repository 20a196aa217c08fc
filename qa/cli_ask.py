"""The `ask` command: one question, a batch of them, or the terminal app when none is given."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from index.errors import InputError, QAError
from index.index_path import check_folder
from index.safe_text import safe_json, say
from qa.present import DEFAULT_K


def _ask_parser() -> argparse.ArgumentParser:
    from qa.cli_help import ASK_EPILOG, VersionAction

    parser = argparse.ArgumentParser(prog="ask", description="Answer a question from your news articles.",
                                     epilog=ASK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("question", nargs="*",
                        help="the question; none opens the terminal app, or reads questions piped in, one a line")
    parser.add_argument("--version", action=VersionAction)
    from qa.settings import load_settings

    settings = load_settings()  # the defaults the user chose (qa config); a bad file is one error line
    parser.add_argument("-k", type=int, default=settings.k, help=f"how many passages to show (default {settings.k})")
    parser.add_argument("--index", help="index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per question (--format json)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default=None,
                        help="text for people (default), json (the contract), or markdown with citations")
    parser.add_argument("--batch", metavar="FILE", help="answer each line of FILE ('-' for stdin)")
    parser.add_argument("--since", metavar="WHEN", help="only documents published on or after WHEN: 2025-02-09, "
                        "2025-02, 2025, or an age (7d, 2w, 3m, 1y); undated documents are left out")
    parser.add_argument("--until", metavar="WHEN", help="only documents published on or before WHEN (as --since)")
    parser.add_argument("--outlet", action="append", default=[], metavar="NAME",
                        help="only documents from this outlet (whole words, any case; repeat for several)")
    parser.add_argument("--timeline", action="store_true",
                        help="show how the answer's figure changed over time, oldest to newest, by date and outlet")
    parser.add_argument("--reader", choices=("fast", "accurate"), default=settings.reader,
                        help=f"fast: MiniLM-L6; accurate: MPNet-base, slower, when its weights are installed "
                             f"(default {settings.reader})")
    return parser


MAX_BATCH_BYTES = 16 * 2**20  # a questions file is small; /dev/zero or a wrong file must not fill memory


def _index_dir(option: str | None) -> Path:
    if option is not None:
        return _index_option(option)
    from qa.home import default_index

    return default_index()


def _index_option(option: str) -> Path:
    """An `--index` value as a path; an empty one is a mistake, not a request for the default."""
    if not option.strip():
        raise InputError("--index is empty", fix="give the index folder, or leave --index out for the default")
    try:
        folder = Path(option).expanduser()
    except RuntimeError:  # `~name` of no user
        raise InputError(f"--index names a home folder that does not exist ({option.split(os.sep)[0]})") from None
    return check_folder(folder)  # a path FAISS, SQLite or the OS cannot take: one line, before anything opens it


def _questions(batch: str) -> list[tuple[str, InputError | None]]:
    """The non-empty lines of a questions file; a line that is not UTF-8 comes with its own error."""
    try:
        if batch == "-":
            data = sys.stdin.buffer.read(MAX_BATCH_BYTES + 1)
        else:
            with open(batch, "rb") as handle:
                data = handle.read(MAX_BATCH_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read questions from {batch}: {error.strerror or error}") from error
    if len(data) > MAX_BATCH_BYTES:
        raise InputError(f"questions file {batch} is over {MAX_BATCH_BYTES // 2**20} MB",
                         fix="give one question per line")
    lines: list[tuple[str, InputError | None]] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        encoding = "utf-8-sig" if number == 1 else "utf-8"
        try:
            line, error = raw.decode(encoding).strip(), None
        except UnicodeDecodeError:
            # Shown with U+FFFD for the bad bytes, so the error line can be matched to its input line.
            line = raw.decode(encoding, "replace").strip()
            error = InputError(f"line {number} of {batch} is not valid UTF-8")
        if line:
            lines.append((line, error))
    return lines


def _argv_text(words: Sequence[str]) -> str:
    """The question from the command line; bytes that are not UTF-8 arrive as surrogates and are refused."""
    text = " ".join(words).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the question is not valid UTF-8 text", fix="check the terminal's encoding") from None
    return text


def _failure(text: str, error: QAError) -> str:
    """The JSON line of a batch question that failed."""
    return safe_json({"question": text, "error": str(error)})


def _terminal(stream: object) -> bool:
    """Whether a standard stream is a terminal (it may be closed: None)."""
    return stream is not None and stream.isatty()


def _usage(parser: argparse.ArgumentParser) -> int:
    """No question and no terminal for the app: how to give one, and exit 2."""
    parser.print_usage(sys.stderr)
    say("error: no question: give one, pipe questions in (one a line), or run ask on a terminal for the app")
    return 2


def run_ask(argv: Sequence[str]) -> int:
    parser = _ask_parser()
    args = parser.parse_args(argv)
    if args.k < 1:
        raise InputError("-k must be at least 1")
    question = _argv_text(args.question)
    piped = False
    if not question and not args.batch:
        if args.question:
            raise InputError("the question is empty")
        # The full-screen app only on a terminal both ways: into a pipe it would write escape codes,
        # and a piped question is input for a script, never the app's history.
        if _terminal(sys.stdin) and _terminal(sys.stdout):
            return _run_tui(args.index, args.k)
        if _terminal(sys.stdin) or sys.stdin is None:
            return _usage(parser)
        args.batch, piped = "-", True  # `echo q | ask`: the questions on stdin, as with --batch -
    if question and args.batch:
        raise InputError("give a question or --batch FILE, not both")
    if args.json and args.format not in (None, "json"):
        raise InputError("give --json or --format, not both")
    form = "json" if args.json else (args.format or "text")
    args.json = form == "json"
    from qa.filters import parse_filters

    filters = parse_filters(args.since, args.until, args.outlet)  # a bad date fails before the model loads
    questions = _questions(args.batch) if args.batch else [(question, None)]
    if piped and not questions:
        return _usage(parser)  # `ask </dev/null`: neither a question nor a terminal
    from qa.markdown import to_markdown
    from qa.pipeline import Pipeline
    from qa.render import to_json, to_text, wrap_line
    from index.safe_text import safe_line

    from dataclasses import replace

    from qa.config import DEFAULT
    from qa.reader import reader_folder

    config = replace(DEFAULT, reader=DEFAULT.reader.using(args.reader))
    reader_folder(config.reader)  # a reader that is not installed fails before the index and model load
    pipeline = Pipeline(_index_dir(args.index), config=config)
    if filters.active:
        pipeline.reader.scope(filters)  # an outlet no document has fails once, not once per question
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    failed = answered = 0
    for number, (text, unreadable) in enumerate(questions):
        if len(questions) > 1 and form == "text":
            print(f"{'' if number == 0 else chr(10)}{wrap_line('Q: ' + safe_line(text), '   ')}", flush=True)
        try:
            if unreadable is not None:
                raise unreadable
            result = pipeline.ask(text, args.k, filters)
            answered += bool(result.answers) and not result.low_confidence
        except QAError as error:
            if not args.batch:
                raise
            # One bad question must not cost the answers to the others: report it and go on.
            failed += 1
            if args.json:
                print(_failure(text, error), flush=True)
            else:
                say(f"error: {error}")
            continue
        if args.json:
            print(to_json(result), flush=True)
        elif form == "markdown":
            sys.stdout.write(("\n" if number else "") + to_markdown(result))
        else:
            sys.stdout.write(to_text(result, color=color, show_timeline=args.timeline))
    # As rg exits 1 when nothing matched: 1 when no answer cleared the confidence bar (in a batch: none did).
    return 2 if failed else 0 if answered else 1


def _run_tui(index: str | None, k: int = DEFAULT_K) -> int:
    from tui.app import run

    return run(_index_option(index) if index is not None else None, k)
