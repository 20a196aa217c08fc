"""Command-line entry points `ask` and `qa`: parse arguments, call the library, print."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import InputError, QAError
from index.safe_text import say
from qa.cli_ask import _ask_parser, _index_dir, _index_option, _run_tui, run_ask
from qa.present import DEFAULT_K

if TYPE_CHECKING:
    from qa.progress import Stages

STARTED = time.perf_counter()  # reported times are the wall clock of the whole command


def _notify(message: str) -> None:
    """A note of `qa index` on stderr (waiting for a lock), through the output boundary as every line is."""
    say(message)


def _stamped(message: str) -> None:
    """A `qa watch` log line, with the time it happened: a watch runs for hours."""
    say(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}")


def _build_target(option: str | None, paths: Sequence[str]) -> Path:
    """Where `qa index`/`qa watch` write: --index, else the paths' own index; never the seeds' demo index."""
    from qa.home import own_index, seeds_index

    if option is None:
        return own_index(paths)
    folder = _index_option(option)
    if folder.expanduser().resolve() == seeds_index().resolve():
        raise InputError(f"{folder} is the bundled seeds' index, a read-only demo",
                         fix="leave --index out to build an index of your own for these files")
    return folder


def _remember(folder: Path) -> None:
    """`ask` and `qa tui` open the index built last, unless told otherwise."""
    from qa.home import remember_last

    remember_last(folder)


def run_qa(argv: Sequence[str]) -> int:
    from index.load import ARTICLE_SUFFIXES, MAX_FILE_BYTES  # not at the top: `ask` would pay for it on every call

    parser = argparse.ArgumentParser(prog="qa", description="Build, update and explore newsqa indexes.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("index", help="build or update an index from files and folders")
    build.add_argument("paths", nargs="*", metavar="PATH",
                       help="a file, or a folder read recursively (hidden files and folders skipped), of articles: "
                            f"{', '.join(sorted(ARTICLE_SUFFIXES))}")
    build.add_argument("--index", help="index folder (default: one of its own for these PATHs, in the data folder)")
    build.add_argument("--optimize", action="store_true",
                       help="merge the index's segments into one, dropping deleted passages (after updating, "
                            "if PATHs are given)")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--rebuild", action="store_true", help="rebuild from scratch (repairs a damaged index)")
    build.add_argument("--checksum", action="store_true",
                       help="read and hash every file, not only those whose size or modification time changed")
    build.add_argument("--ray", metavar="auto|ADDRESS",
                       help="read and embed on a Ray cluster: auto (RAY_ADDRESS, else the one started on this "
                            "machine, else a new local one) or its address (ray://HEAD:10001)")
    watch = commands.add_parser("watch", help="keep an index up to date as files change")
    watch.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder of articles, as qa index reads it")
    watch.add_argument("--index", help="index folder (default: the one qa index PATH... builds)")
    for command in (build, watch):
        command.add_argument("--follow-links", action="store_true",
                             help="index links that lead outside the given folders (skipped by default)")
        command.add_argument("--max-file-mb", type=float, default=MAX_FILE_BYTES / 2**20, metavar="MB",
                             help=f"skip files larger than this (default {MAX_FILE_BYTES // 2**20})")
        command.add_argument("-g", "--glob", action="append", default=[], metavar="GLOB",
                             help="read only files matching GLOB, gitignore syntax, relative to each folder; "
                                  "'!GLOB' leaves matches out (as rg -g); repeatable. Each folder's .newsqaignore "
                                  "(gitignore syntax) is honoured too. Example: -g '*.md' -g '!drafts/'")
        command.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                             help="leave out files and folders matching GLOB (as -g '!GLOB'); repeatable")
        command.add_argument("--fields", metavar="ROLE=NAME,...",
                             help="field names of JSON/CSV exports, e.g. text=story,date=pubDate (roles: title, "
                                  "text, date, url, outlet, author); pass --rebuild when changing them")
    check = commands.add_parser("check", help="verify an index in full (every byte, every page)")
    check.add_argument("--index", help="index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)")
    show = commands.add_parser("show", help="print a cited place (PATH:START-END or PATH:LINE) or a whole document from the index")
    show.add_argument("citation", nargs="+", help="PATH:START-END, PATH:LINE, PATH START END (ask --json's doc, start, end), "
                                                  "or PATH alone for the whole document")
    show.add_argument("-C", "--context", type=int, metavar="N", help="also N lines before and after, the cited words stressed (as rg -C)")
    show.add_argument("--index", help="index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    docs = commands.add_parser("docs", help="list the indexed documents: date, outlet, format, passages")
    docs.add_argument("--index", help="index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)")
    docs.add_argument("--undated", action="store_true", help="only the documents whose date could not be read or whose year was assumed")
    docs.add_argument("--json", action="store_true", help="one JSON object per document")
    tui = commands.add_parser("tui", help="open the terminal app")
    tui.add_argument("--index", help="index folder (default: $QA_INDEX, else the last one qa index built, else the bundled seeds)")
    from qa.settings import load_settings

    k = load_settings().k
    tui.add_argument("-k", type=int, default=k, help=f"passages to show (default {k}; + and - change it)")
    commands.add_parser("config", help="show the settings file's path and every setting: theme, k, index, "
                                       "export folder, reader")
    from qa.cli_serve import add_commands, run_serving

    add_commands(commands)  # qa mcp, qa serve
    from qa.cli_help import finish_qa_parser
    from tui.web import add_command as add_web

    add_web(commands)  # qa web
    finish_qa_parser(parser, commands)  # --version, qa completion, examples in every command's help
    args = parser.parse_args(argv)
    if args.command == "completion":
        from qa.completion import script

        sys.stdout.write(script(args.shell, parser, _ask_parser()))
        return 0
    if args.command == "web":
        from tui.web import serve

        return serve(_index_option(args.index) if args.index is not None else None, args.k, args.host, args.port)
    if args.command in ("mcp", "serve"):
        return run_serving(args)
    if args.command == "config":
        from qa.settings import run_config

        return run_config()
    if args.command == "tui":
        if args.k < 1:
            raise InputError("-k must be at least 1")
        if not (sys.stdin and sys.stdin.isatty() and sys.stdout and sys.stdout.isatty()):
            raise InputError("qa tui needs a terminal: its stdin or stdout is a pipe or a file",
                             fix="run it in a terminal, or use ask QUESTION, or qa web")
        return _run_tui(args.index, args.k)
    if args.command == "show":
        from qa.show import run_show

        return run_show(args.citation, _index_dir(args.index), args.json, args.context)
    if args.command == "check":
        return _check(args.index)
    if args.command == "docs":
        from qa.docs import run_docs
        from qa.home import chosen_index, seeds_index

        return run_docs(_index_option(args.index) if args.index is not None else (chosen_index() or seeds_index()),
                        args.undated, args.json)
    if args.max_file_mb <= 0:
        raise InputError("--max-file-mb must be positive")
    max_bytes = int(args.max_file_mb * 2**20)
    from index.extract_records import parse_fields
    from index.ignore import Selection
    fields, select = parse_fields(args.fields), Selection.of(args.glob, args.exclude)

    if args.command == "index" and not args.paths:
        if not args.optimize:
            raise InputError("give the files or folders to index", fix="qa index PATH... (or qa index --optimize)")
        folder = _index_dir(args.index)
        from qa.home import seeds_index

        if folder.expanduser().resolve() == seeds_index().resolve():
            raise InputError(f"{folder} is the bundled seeds' index, a read-only demo", fix="give --index DIR")
        return _optimize(folder)
    folder = _build_target(args.index, args.paths)
    if args.command == "watch":
        from index.embed import SentenceTransformerEmbedder
        from index.watch import watch_paths

        _remember(folder)
        return watch_paths(folder, args.paths, SentenceTransformerEmbedder(), log=_stamped,
                           follow_links=args.follow_links, max_file_bytes=max_bytes, fields=fields, select=select)
    from index.load import find_files
    from index.owned import check_target
    from index.update import update_index
    from qa.progress import READING, LazyEmbedder, Stages

    files = find_files(args.paths, args.follow_links, select)  # a bad path fails before the model loads
    check_target(folder)  # and so does a target that is not an index
    if not files:
        say(f"warning: nothing to index in {', '.join(args.paths)}: no readable article files found")
        if args.index is None and not (folder / "CURRENT").exists():
            return 0  # an empty index of its own would only clutter the data folder
    with Stages(began=STARTED) as stages, ExitStack() as on_ray:
        progress, engine = stages, None
        if args.ray is not None:
            from index.ray_engine import ray_engine  # imports Ray: only with --ray

            engine = on_ray.enter_context(ray_engine(args.ray))  # connects when there is work for it
            progress = _counted_embedding(stages)
        stages.stage(READING, total=len(files), counted=True)
        summary = update_index(folder, args.paths, LazyEmbedder(stages), rebuild=args.rebuild,
                               progress=progress, notify=_notify, follow_links=args.follow_links,
                               max_file_bytes=max_bytes, fields=fields, checksum=args.checksum, engine=engine,
                               select=select)
        seconds = round(stages.seconds(), 3)  # the wall clock, model loading included
    if summary.documents:
        _remember(folder)
    for warning in summary.warnings:  # they name files: `say` shows a name's escapes, never sends them
        say(f"warning: {warning}")
    if summary.documents == 0 and files:
        say("warning: the index holds no documents; questions will find nothing")
    from qa.summary import report_index

    report_index(folder, summary, seconds, args.json)  # per format, this run's files, the undated documents
    return _optimize(folder) if args.optimize else 0


def _optimize(folder: Path) -> int:
    """`qa index --optimize`: every segment merged into one, deleted passages dropped."""
    from index.update import optimize_index
    from qa.present import display_path, plural

    done = optimize_index(folder, notify=_notify)
    say(f"{display_path(str(folder))}: {plural(done.before, 'segment')} → {done.after}, "
        f"{plural(done.passages, 'passage')} ({done.seconds:.1f} s)", sys.stdout)
    return 0


def _counted_embedding(stages: Stages) -> Callable[[str, int, int], None]:
    """Progress for `--ray`: the cluster reports embedded passages as counts, not through `LazyEmbedder`."""
    from qa.progress import EMBEDDING

    return lambda stage, done, total: stages(EMBEDDING if stage == "embedding" else stage, done, total)


def _check(index: str | None) -> int:
    """`qa check`: hash every file whole and check every page; one line either way."""
    from index.check import check_index
    from qa.home import chosen_index, seeds_index

    folder = _index_option(index) if index is not None else (chosen_index() or seeds_index())
    from qa.progress import Stages

    with Stages() as stages:
        report = check_index(folder, progress=stages)
    model = "query model verified" if report.query_model else "no query model"
    say(f"{folder}: intact ({report.documents} documents, {report.passages} passages, "
        f"{report.bytes_hashed / 2**20:.1f} MB hashed in full, SQLite pages checked; {model})", sys.stdout)
    return 0


def _guard(run, argv: Sequence[str] | None) -> int:
    """Run a command, turning every expected failure into one line on stderr and an exit code."""
    try:
        return run(sys.argv[1:] if argv is None else list(argv))
    except QAError as error:
        say(f"error: {error}")  # messages quote file names and citations: made safe on the way out
        return 2
    except sqlite3.DatabaseError as error:
        # SQLite finds damaged pages only when a query reads them; `ask` checks the rest (README, Safety).
        say(f"error: the index is damaged ({error}); run: qa check, then qa index --rebuild PATH...")
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except BrokenPipeError:
        return 0


def ask_main(argv: Sequence[str] | None = None) -> int:
    return _guard(run_ask, argv)


def qa_main(argv: Sequence[str] | None = None) -> int:
    return _guard(run_qa, argv)


if __name__ == "__main__":
    sys.exit(ask_main())
