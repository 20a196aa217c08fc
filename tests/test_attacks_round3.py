"""Round-three attacks on the surfaces issue 23's pass never saw: the service (MCP, HTTP), `qa show`,
ignore files and globs, settings, Markdown, disk lines of markup, exports, year-less dates and `ask`'s stdin."""

from __future__ import annotations

import io
import json
import os
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from index.errors import InputError, QAError
from qa.cli import qa_main
from qa.pipeline import Pipeline
from qa.service import Service

T = TypeVar("T")
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SEED = "000_5c5076675e67b1e5.txt"


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail, instead of hanging, if the block runs past `seconds` (regex engines stop at signals' checks)."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def finishes(seconds: float, work: Callable[[], T]) -> T:
    """`work`'s result; it fails only if interrupted at 15 × `seconds`, what a linear run needs on a busy machine.

    Not a timing assertion: these inputs take 0.4-2.7 s when linear, and hours when quadratic, so only the
    regression fails. A 4 s bound failed in a fresh-clone CI run while two benchmarks shared the two cores.
    """
    with within(int(seconds * 15)):
        return work()


def one_error(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str = "") -> str:
    """Run `qa ARGV`: it must exit non-zero with exactly one `error:` line (no traceback, no escapes)."""
    code = qa_main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code != 0 and len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0], err
    assert not ESCAPES.search(err)
    return lines[0]


@pytest.fixture
def service(fake_index: Path, fake_embedder) -> Service:
    return Service(Pipeline(fake_index, lambda reader: fake_embedder))


# --- the service, under both `qa mcp` and `qa serve` ---------------------------------------------------------

@pytest.mark.parametrize("k", [0, -1, 10**100, 1.5, True, "3", None, [3], float("nan")])
def test_service_refuses_every_k_but_a_small_whole_number(service: Service, k: object) -> None:
    with pytest.raises(InputError, match="k must be"):
        service.search("how many workers?", k)


@pytest.mark.parametrize("question", ["\ud800 workers", "a\x00b", "\u202eworkers", "\x1b]52;c;aGk=\x07 workers",
                                      "ｗｏｒｋｅｒｓ", "工人 " * 300])
def test_service_takes_hostile_questions_and_answers_in_safe_json(service: Service, question: str) -> None:
    from index.safe_text import safe_json

    found = finishes(5, lambda: service.search(question, 3))
    line = safe_json(found)
    line.encode("utf-8")  # a lone surrogate must leave as an escape, not break the encoder
    assert not ESCAPES.search(line)


@pytest.mark.parametrize("value", ["99999999-01-01", "-0001-01-01", "\x00", "2025-02-30", "9" * 5000])
def test_service_refuses_absurd_dates_in_one_typed_error(service: Service, value: str) -> None:
    with pytest.raises(QAError):
        service.search("workers", 3, since=value)


def test_service_bounds_outlets_and_their_types(service: Service) -> None:
    with pytest.raises(InputError, match="outlets given"):
        service.search("workers", 3, outlet=["x"] * 10_000)
    with pytest.raises(InputError):
        service.search("workers", 3, outlet=[7])  # type: ignore[list-item]
    with pytest.raises(InputError):
        service.search("workers", 3, outlet=["x" * 10_000])


@pytest.mark.parametrize("offset", [10**18, 10**100])
def test_documents_take_any_offset_and_give_an_empty_page(service: Service, offset: int) -> None:
    page = service.documents(offset=offset)
    assert page["documents"] == [] and page["total"] == 7


@pytest.mark.parametrize("identifier", ["../../etc/passwd", "/etc/passwd", "0" * 16 + "-0\n", {"id": 1}, 7,
                                        "0" * 16 + "-" + "9" * 100_000])
def test_document_ids_never_reach_the_disk(service: Service, identifier: object) -> None:
    with pytest.raises(InputError, match="not a document id"):
        service.document(identifier)


@pytest.mark.parametrize("citation", ["../../etc/passwd:1", "/etc/passwd:1-5", "/etc/passwd", "..", "/",
                                      "%:1", "_:1", "*:1", "\x00:1", "~root/.bashrc:1"])
def test_show_never_reads_outside_the_index(service: Service, citation: str) -> None:
    with pytest.raises(InputError):
        service.show(citation)


def test_show_offsets_far_out_are_one_typed_error(service: Service) -> None:
    path = SEED
    for citation in (f"{path}:0-{10**30}", f"{path}:{10**30}", f"{path}:5-2", f"{path}:0-0", f"{path}:0"):
        with pytest.raises(InputError):
            service.show(citation)


# --- qa show on the command line ---------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["²", "¹-³", "9" * 5000, "1-" + "9" * 5000, "٣"])
def test_show_odd_digits_are_one_error_line(fake_index: Path, seed_copy: Path, capsys, where: str) -> None:
    one_error(capsys, ["show", f"{SEED}:{where}", "--index", str(fake_index)])


def test_show_through_a_link_to_an_outside_file_is_refused(fake_index: Path, tmp_path: Path, capsys) -> None:
    link = tmp_path / "passwd.txt"
    link.symlink_to("/etc/passwd")
    one_error(capsys, ["show", f"{link}:1", "--index", str(fake_index)], "not in the index")


@pytest.mark.parametrize("lines", ["1000000000", str(10**30)])
def test_show_with_huge_context_is_the_whole_file_at_once(fake_index: Path, seed_copy: Path, capsys,
                                                          lines: str) -> None:
    assert finishes(5, lambda: qa_main(["show", f"{SEED}:3", "--index", str(fake_index), "-C", lines])) == 0
    assert "approximately 4,000" in capsys.readouterr().out


# --- ignore files and globs --------------------------------------------------------------------------------

def _articles(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text("Workers were released on Friday after a week.\n" * 3, encoding="utf-8")
    return folder


@pytest.mark.parametrize("pattern", ["[z-a]", "[[:alpha:]]", "\\", "a\\"])
def test_a_bad_glob_is_one_error_line(tmp_path: Path, capsys, pattern: str) -> None:
    folder = _articles(tmp_path / "news")
    code = qa_main(["index", str(folder), "--index", str(tmp_path / "ix"), "--exclude", pattern, "--json"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "FutureWarning" not in err
    assert all(line.startswith(("error:", "warning:")) for line in err.splitlines() if line.strip()), err
    if code != 0:
        assert err.startswith("error:") and not (tmp_path / "ix" / "CURRENT").exists()


@pytest.mark.parametrize("content", [b"[z-a]\n", b"\xff\xfe\x00*.txt\n", b"\x00" * 1000])
def test_a_pathological_ignore_file_is_one_line(tmp_path: Path, capsys, content: bytes) -> None:
    folder = _articles(tmp_path / "news")
    (folder / ".newsqaignore").write_bytes(content)
    code = qa_main(["index", str(folder), "--index", str(tmp_path / "ix")])
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(line.startswith(("error:", "warning:")) for line in err.splitlines()), err
    assert code in (0, 2)


def test_an_ignore_file_that_is_a_fifo_does_not_hang(tmp_path: Path, capsys) -> None:
    folder = _articles(tmp_path / "news")
    os.mkfifo(folder / ".newsqaignore")
    finishes(20, lambda: one_error(capsys, ["index", str(folder), "--index", str(tmp_path / "ix")], ".newsqaignore"))


def test_an_ignore_file_linked_to_dev_zero_does_not_fill_memory(tmp_path: Path, capsys) -> None:
    folder = _articles(tmp_path / "news")
    (folder / ".newsqaignore").symlink_to("/dev/zero")
    finishes(20, lambda: one_error(capsys, ["index", str(folder), "--index", str(tmp_path / "ix")], ".newsqaignore"))


def test_an_ignore_file_of_100k_patterns_is_refused_quickly(tmp_path: Path, capsys) -> None:
    folder = _articles(tmp_path / "news")
    (folder / ".newsqaignore").write_text("".join(f"dir{i}/*.txt\n" for i in range(100_000)), encoding="utf-8")
    finishes(5, lambda: one_error(capsys, ["index", str(folder), "--index", str(tmp_path / "ix")], "patterns"))


def test_deep_double_stars_match_in_linear_time() -> None:
    from index.ignore import Rules, _spec

    rules = Rules(_spec(["**/" * 50 + "x", "a*" * 50 + "b"], "test"), None)
    assert not finishes(2, lambda: rules.skips("a/" * 200 + "c.txt", False))


# --- settings ----------------------------------------------------------------------------------------------

def test_settings_that_are_a_folder_are_one_error_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("QA_CONFIG", str(tmp_path))
    one_error(capsys, ["config"], "settings")


def test_settings_that_are_a_fifo_do_not_hang(tmp_path: Path, monkeypatch, capsys) -> None:
    os.mkfifo(tmp_path / "config.toml")
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "config.toml"))
    finishes(10, lambda: one_error(capsys, ["config"], "settings"))


def test_settings_of_dev_zero_do_not_fill_memory(monkeypatch, capsys) -> None:
    monkeypatch.setenv("QA_CONFIG", "/dev/zero")
    finishes(10, lambda: one_error(capsys, ["config"], "settings"))


@pytest.mark.parametrize("content", [b"\x00\x01\xff", b"k = 9223372036854775807\n", b"k = 1e9\n",
                                     b'theme = "\\u001b]52;c;aGk=\\u0007"\n', b'index = "\\u202etxt.exe"\n',
                                     b"[[index]]\n", b"k = " + b"[" * 5000 + b"]" * 5000 + b"\n",
                                     b'reader = "fast"\n' * 3])
def test_hostile_settings_are_refused_or_shown_safely(own_settings: Path, capsys, content: bytes) -> None:
    own_settings.write_bytes(content)
    code = qa_main(["config"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and not ESCAPES.search(out + err), (out, err)
    assert code == 0 or (code == 2 and err.startswith("error:") and len(err.splitlines()) == 1), err


def test_settings_k_beyond_the_service_limit_is_refused(own_settings: Path, capsys) -> None:
    own_settings.write_text("k = 9223372036854775807\n", encoding="utf-8")
    one_error(capsys, ["config"], "k must be")


def test_settings_pointing_the_index_at_root_write_nothing_there(own_settings: Path, tmp_path: Path,
                                                                 monkeypatch, capsys) -> None:
    own_settings.write_text('index = "/"\n', encoding="utf-8")
    monkeypatch.delenv("QA_INDEX", raising=False)
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    before = sorted(os.listdir("/"))
    one_error(capsys, ["docs"])
    assert sorted(os.listdir("/")) == before


# --- Markdown ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["*a " * 40_000, "**a " * 40_000, "a _b" * 40_000, "[a" * 40_000,
                                  "![a](" * 40_000, "`a" * 40_000, "[^a" * 40_000, "~~a " * 40_000,
                                  "|---" * 40_000 + "x", "* " * 40_000 + "x", ">" * 100_000 + "x",
                                  "<a " * 40_000, "http://a" * 20_000, "\\*" * 40_000])
def test_markdown_stripping_is_linear_on_a_long_hostile_line(line: str) -> None:
    from index.markdown_text import plain_markdown

    text = f"# Title\n\n{line}\r\nafter\n"
    plain = finishes(4, lambda: plain_markdown(text))
    assert len(plain) == len(text) and plain.count("\n") == text.count("\n")


def test_markdown_with_an_unterminated_fence_and_crlf_keeps_offsets() -> None:
    from index.markdown_text import plain_markdown

    text = "Intro **bold**\r\n```python\r\ncode *kept*\r\n" + "x\r\n" * 50_000
    plain = finishes(4, lambda: plain_markdown(text))
    assert len(plain) == len(text) and "code *kept*" in plain


# --- disk lines of web pages, feeds and exports --------------------------------------------------------------

@pytest.mark.parametrize("markup_text", ["<!--" * 60_000, "<script>" * 40_000, "<head>" * 40_000,
                                         "<" * 400_000, "<style x" * 40_000, "&#" * 200_000])
def test_markup_lines_are_linear_on_unterminated_tags(markup_text: str) -> None:
    from index.disk_lines import markup

    page = finishes(4, lambda: markup(f"<p>Workers</p>\n{markup_text}\n<p>released</p>\n"))
    assert page.line(page.text.find("Workers")) == 1


def test_markup_lines_keep_what_a_terminated_comment_and_script_hide() -> None:
    from index.disk_lines import markup

    page = markup("<p>one</p>\n<!-- x\ny -->\n<script>\nvar a = '<p>';\n</script >\n<p>two &amp; three</p>\n")
    assert page.text == "onetwo&three" and page.line(page.text.find("two")) == 7


def test_a_page_of_many_repeated_paragraphs_is_located_in_linear_time(tmp_path: Path) -> None:
    from index.disk_lines import markup, paragraph_lines

    raw = "<html><body>" + "<p>The same paragraph about workers, again and again here.</p>\n" * 20_000
    body = "\n\n".join(["The same paragraph about workers, again and again here."] * 20_000)
    page = markup(raw)
    found, first = finishes(4, lambda: paragraph_lines(page, body))
    assert len(found) == 20_000 and found[-1][1] == 20_000


def test_paragraphs_missing_from_the_page_cost_linear_time() -> None:
    from index.disk_lines import markup, paragraph_lines

    page = markup("<p>" + "word " * 200_000 + "</p>")
    body = "\n\n".join(f"missing paragraph number {n} that the page never states at all" for n in range(3_000))
    finishes(4, lambda: paragraph_lines(page, body))


def test_an_export_of_many_records_is_located_in_linear_time(tmp_path: Path) -> None:
    from index.extract_records import _json_located, _Unread

    records = [{"title": f"Story {n}", "text": "Workers were released. " * 3} for n in range(40_000)]
    text = json.dumps({"meta": {"a": 1}, "items": records}, indent=1)
    located = finishes(4, lambda: list(_json_located(text, _Unread())))
    assert len(located) == 40_000 and located[-1][1] > located[0][1]


# --- year-less dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("month,day,clues", [
    ("Feb", "29", {"name": "2023/story.txt"}), ("Feb", "29", {"name": "2100-03-01-story.txt"}),
    ("Feb", "29", {"container": "1801-03-01"}), ("Feb", "30", {"name": "2024/x.txt"}),
    ("Feb", "29", {"mtime": 1e12}), ("Feb", "29", {"mtime": -1e12}), ("Jan", "1", {"mtime": float("nan")}),
    ("Dec", "31", {"mtime": 253402300800.0}), ("Feb", "0", {"name": "2024/x.txt"}),
    ("Feb", "99", {"container": "2024-01-01"}), ("Foo", "1", {"name": "2024/x.txt"})])
def test_assumed_dates_never_raise(month: str, day: str, clues: dict) -> None:
    from index.year import Clues, assumed_date

    found = assumed_date(month, day, Clues(**clues))
    assert found is None or 1800 <= int(found[:4]) <= 2100


def test_a_yearless_file_with_an_absurd_mtime_is_still_indexed(tmp_path: Path, fake_embedder) -> None:
    from index.update import update_index

    folder = tmp_path / "news"
    folder.mkdir()
    story = folder / "story.txt"
    story.write_text("SEOUL, Feb 29 (Yonhap) -- Workers were released on Friday after a week.\n", encoding="utf-8")
    os.utime(story, (1e12, 1e12))
    report = update_index(tmp_path / "ix", [folder], fake_embedder)
    assert report.documents == 1, report


# --- ask's questions on stdin ------------------------------------------------------------------------------

@pytest.mark.parametrize("data,expected", [
    (b"how many\x00 workers?\n", 1), (b"\xff\xfe bad\nhow many workers?\n", 2),
    (b"q" * 2**20 + b"\n", 1), (b"\r\n" * 100_000 + b"workers\n", 1), (b"\xef\xbb\xbfworkers\n", 1)])
def test_questions_from_stdin_are_read_line_by_line(monkeypatch, data: bytes, expected: int) -> None:
    from qa.cli_ask import _questions

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    questions = finishes(4, lambda: _questions("-"))
    assert len(questions) == expected
    assert all(text and "\ufeff" not in text for text, _ in questions)


def test_a_megabyte_question_is_answered_quickly_or_refused(fake_index: Path, fake_embedder) -> None:
    pipeline = Pipeline(fake_index, lambda reader: fake_embedder)
    try:
        finishes(5, lambda: pipeline.search("workers " * 130_000, 3))
    except InputError:
        pass


# --- HTTP ----------------------------------------------------------------------------------------------------

@pytest.fixture
def client(service: Service) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from qa.http_api import create_app

    with TestClient(create_app(service)) as test_client:
        yield test_client


@pytest.mark.parametrize("query", ["/search?question=workers&k=99999999999999999999999999",
                                   "/search?question=workers&k=1e3", "/search?question=workers&k=-1",
                                   "/search?question=%FF%FE", "/search?question=" + "w" * 30_000,
                                   "/search?" + "&".join(["outlet=x"] * 5_000) + "&question=w",
                                   "/documents?offset=-1", "/documents?limit=0", "/documents?undated=maybe",
                                   "/documents/..%2F..%2Fetc%2Fpasswd", "/documents/%00",
                                   "/show?citation=..%2F..%2Fetc%2Fpasswd%3A1", "/show?citation=%2Fetc%2Fpasswd",
                                   "/show?citation=x%3A1-" + "9" * 5000, "/search?question=%1B%5D52%3Bc%3Ba%07"])
def test_http_answers_hostile_requests_in_one_json_error_or_safely(client, query: str) -> None:
    response = finishes(5, lambda: client.get(query))
    assert response.status_code in (200, 400, 404), response.text
    assert not ESCAPES.search(response.text)
    body = response.json()
    assert response.status_code == 200 or set(body) == {"error"}


def test_http_offsets_far_out_give_an_empty_page(client) -> None:
    response = client.get("/documents", params={"offset": str(10**30)})
    assert response.status_code == 200 and response.json()["documents"] == []


# --- MCP -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tool,arguments", [
    ("search", {"question": 7}), ("search", {"question": None}), ("search", {"question": ["a"]}),
    ("search", {"question": "workers", "k": 10**30}), ("search", {"question": "workers", "k": "all"}),
    ("search", {"question": "workers", "k": 2.5}), ("search", {"question": "w" * 1_000_000}),
    ("search", {"question": "workers", "outlet": "x" * 100_000}), ("search", {"question": "workers", "since": 2025}),
    ("show", {}), ("show", {"citation": "../../etc/passwd:1"}), ("show", {"citation": "/etc/passwd"}),
    ("show", {"citation": "x:1-" + "9" * 5000}), ("documents", {"offset": -5}), ("documents", {"limit": "ten"}),
    ("documents", {"undated": "perhaps"}), ("search", {"question": "workers", "extra": {"a": [1] * 10_000}})])
async def test_mcp_tool_calls_with_wrong_arguments_are_error_results(service: Service, tool: str,
                                                                     arguments: dict) -> None:
    from mcp.server.mcpserver.exceptions import ToolError

    from qa.mcp_server import build_server

    server = build_server(service)
    try:
        result = await server.call_tool(tool, arguments)
    except ToolError as error:
        assert not ESCAPES.search(str(error)) and "Traceback" not in str(error)
        return
    if result.is_error:
        return
    assert tool == "search" and "extra" in arguments  # an unknown argument is ignored, the call answers


@pytest.mark.parametrize("uri", ["newsqa://doc/../../etc/passwd", "newsqa://doc/%2e%2e%2fetc%2fpasswd",
                                 "newsqa://doc/" + "0" * 16 + "-0/../x", "newsqa://doc/" + "a" * 100_000,
                                 "file:///etc/passwd", "newsqa://doc/%00"])
async def test_mcp_resource_uris_with_traversal_are_not_found(service: Service, uri: str) -> None:
    from mcp.server.mcpserver.exceptions import ResourceError

    from qa.mcp_server import build_server

    server = build_server(service)
    with pytest.raises(ResourceError) as raised:
        await server.read_resource(uri)
    assert "root:" not in str(raised.value)
