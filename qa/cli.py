"""Command-line entry points `ask` and `qa`: parse arguments, call the library, print."""

from __future__ import annotations

import argparse
import json
import os
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


def _index_dir(option: str | None) -> Path:
    if option:
        return Path(option).expanduser()
    from qa.home import default_index

    return default_index()


def _questions(batch: str) -> list[str]:
    try:
        text = sys.stdin.read() if batch == "-" else Path(batch).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read questions from {batch}: {error}") from error
    return [line.strip() for line in text.splitlines() if line.strip()]


def run_ask(argv: Sequence[str]) -> int:
    args = _ask_parser().parse_args(argv)
    if args.k < 1:
        raise InputError("-k must be at least 1")
    question = " ".join(args.question).strip()
    if not question and not args.batch:
        if args.question:
            raise InputError("the question is empty")
        return _run_tui(args.index)
    if question and args.batch:
        raise InputError("give a question or --batch FILE, not both")
    questions = _questions(args.batch) if args.batch else [question]
    from qa.pipeline import Pipeline
    from qa.render import to_json, to_text

    pipeline = Pipeline(_index_dir(args.index))
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for number, text in enumerate(questions):
        result = pipeline.ask(text, args.k)
        if args.json:
            print(to_json(result), flush=True)
        else:
            if len(questions) > 1:
                print(f"{'' if number == 0 else chr(10)}Q: {text}")
            sys.stdout.write(to_text(result, color=color))
    return 0


def _run_tui(index: str | None) -> int:
    from tui.app import run

    return run(Path(index).expanduser() if index else None)


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
    tui = commands.add_parser("tui", help="open the terminal app")
    tui.add_argument("--index", help="index folder")
    args = parser.parse_args(argv)
    if args.command == "tui":
        return _run_tui(args.index)
    from index.embed import SentenceTransformerEmbedder
    from qa.home import data_home

    folder = Path(args.index).expanduser() if args.index else data_home() / "seeds-index"
    if args.command == "watch":
        from index.watch import watch_paths

        return watch_paths(folder, args.paths, SentenceTransformerEmbedder(), log=_notify)
    from index.load import find_files
    from index.update import update_index

    find_files(args.paths)  # a bad path fails before the model loads
    summary = update_index(folder, args.paths, SentenceTransformerEmbedder(), rebuild=args.rebuild,
                           progress=_progress, notify=_notify)
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


def _guard(run, argv: Sequence[str] | None) -> int:
    """Run a command, turning every expected failure into one line on stderr and an exit code."""
    try:
        return run(sys.argv[1:] if argv is None else list(argv))
    except QAError as error:
        print(f"error: {error}", file=sys.stderr)
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
