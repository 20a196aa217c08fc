"""Command-line entry points `ask` and `qa`: parse arguments, call the library, print."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from index.errors import InputError, QAError


def _ask_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ask", description="Answer a question from your news articles.")
    parser.add_argument("question", nargs="*", help="the question; none opens the terminal app")
    parser.add_argument("-k", type=int, default=5, help="how many passages to show (default 5)")
    parser.add_argument("--index", help="index folder (default: the bundled seed articles)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per question")
    parser.add_argument("--batch", metavar="FILE", help="answer each line of FILE ('-' for stdin)")
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
        raise InputError("--index is empty", fix="give the index folder, or leave --index out for the seeds")
    return Path(option).expanduser()


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
    return json.dumps({"question": text, "error": str(error)}, ensure_ascii=False)


def run_ask(argv: Sequence[str]) -> int:
    args = _ask_parser().parse_args(argv)
    if args.k < 1:
        raise InputError("-k must be at least 1")
    question = _argv_text(args.question)
    if not question and not args.batch:
        if args.question:
            raise InputError("the question is empty")
        return _run_tui(args.index)
    if question and args.batch:
        raise InputError("give a question or --batch FILE, not both")
    questions = _questions(args.batch) if args.batch else [(question, None)]
    from qa.pipeline import Pipeline
    from qa.render import to_json, to_text
    from qa.terminal import safe_line

    pipeline = Pipeline(_index_dir(args.index))
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    failed = 0
    for number, (text, unreadable) in enumerate(questions):
        if len(questions) > 1 and not args.json:
            print(f"{'' if number == 0 else chr(10)}Q: {safe_line(text)}", flush=True)
        try:
            if unreadable is not None:
                raise unreadable
            result = pipeline.ask(text, args.k)
        except QAError as error:
            if not args.batch:
                raise
            # One bad question must not cost the answers to the others: report it and go on.
            failed += 1
            if args.json:
                print(_failure(text, error), flush=True)
            else:
                print(f"error: {safe_line(str(error))}", file=sys.stderr, flush=True)
            continue
        if args.json:
            print(to_json(result), flush=True)
        else:
            sys.stdout.write(to_text(result, color=color))
    return 2 if failed else 0


def _run_tui(index: str | None) -> int:
    from tui.app import run

    return run(_index_option(index) if index is not None else None)


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{stage} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_qa(argv: Sequence[str]) -> int:
    from index.load import MAX_FILE_BYTES  # not at the top: `ask` would pay for it on every call

    parser = argparse.ArgumentParser(prog="qa", description="Build, update and explore newsqa indexes.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("index", help="build or update an index from files and folders")
    build.add_argument("paths", nargs="+", metavar="PATH")
    build.add_argument("--index", help="index folder (default: the bundled seeds' index)")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--rebuild", action="store_true", help="rebuild from scratch (repairs a damaged index)")
    watch = commands.add_parser("watch", help="keep an index up to date as files change")
    watch.add_argument("paths", nargs="+", metavar="PATH")
    watch.add_argument("--index", help="index folder")
    for command in (build, watch):
        command.add_argument("--follow-links", action="store_true",
                             help="index links that lead outside the given folders (skipped by default)")
        command.add_argument("--max-file-mb", type=float, default=MAX_FILE_BYTES / 2**20, metavar="MB",
                             help=f"skip files larger than this (default {MAX_FILE_BYTES // 2**20})")
    check = commands.add_parser("check", help="verify an index in full (every byte, every page)")
    check.add_argument("--index", help="index folder (default: the bundled seeds' index)")
    tui = commands.add_parser("tui", help="open the terminal app")
    tui.add_argument("--index", help="index folder")
    args = parser.parse_args(argv)
    if args.command == "tui":
        return _run_tui(args.index)
    if args.command == "check":
        return _check(args.index)
    if args.max_file_mb <= 0:
        raise InputError("--max-file-mb must be positive")
    max_bytes = int(args.max_file_mb * 2**20)
    from index.embed import SentenceTransformerEmbedder
    from qa.home import data_home

    folder = _index_option(args.index) if args.index is not None else data_home() / "seeds-index"
    if args.command == "watch":
        from index.watch import watch_paths

        return watch_paths(folder, args.paths, SentenceTransformerEmbedder(), log=_notify,
                           follow_links=args.follow_links, max_file_bytes=max_bytes)
    from index.load import find_files
    from index.owned import check_target
    from index.update import update_index

    find_files(args.paths)  # a bad path fails before the model loads
    check_target(folder)  # and so does a target that is not an index
    summary = update_index(folder, args.paths, SentenceTransformerEmbedder(), rebuild=args.rebuild,
                           progress=_progress, notify=_notify, follow_links=args.follow_links,
                           max_file_bytes=max_bytes)
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        data = asdict(summary)
        data.pop("warnings")
        print(json.dumps(data))
    else:
        print(f"{folder}: {summary.documents} documents, {summary.passages} passages "
              f"(added {summary.added}, changed {summary.changed}, removed {summary.removed}, "
              f"unchanged {summary.unchanged}; embedded {summary.embedded} passages in {summary.seconds:.1f} s)")
    return 0


def _check(index: str | None) -> int:
    """`qa check`: hash every file whole and check every page; one line either way."""
    from index.check import check_index
    from qa.home import data_home

    folder = _index_option(index) if index is not None else data_home() / "seeds-index"
    report = check_index(folder, progress=_progress)
    model = "query model verified" if report.query_model else "no query model"
    print(f"{folder}: intact ({report.documents} documents, {report.passages} passages, "
          f"{report.bytes_hashed / 2**20:.1f} MB hashed in full, SQLite pages checked; {model})")
    return 0


def _guard(run, argv: Sequence[str] | None) -> int:
    """Run a command, turning every expected failure into one line on stderr and an exit code."""
    try:
        return run(sys.argv[1:] if argv is None else list(argv))
    except QAError as error:
        from qa.terminal import safe_line

        print(f"error: {safe_line(str(error))}", file=sys.stderr)  # messages quote file names
        return 2
    except sqlite3.DatabaseError as error:
        # SQLite finds damaged pages only when a query reads them; `ask` checks the rest (README, Safety).
        print(f"error: the index is damaged ({error}); run: qa check, then qa index --rebuild PATH...",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def ask_main(argv: Sequence[str] | None = None) -> int:
    return _guard(run_ask, argv)


def qa_main(argv: Sequence[str] | None = None) -> int:
    return _guard(run_qa, argv)


if __name__ == "__main__":
    sys.exit(ask_main())
