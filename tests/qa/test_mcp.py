"""`qa mcp` under the MCP SDK's own client, over stdio, on the seeds indexed with the real model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.qa.test_cli import BIN, run

TOOLS = {"ask", "search", "show", "documents", "status"}


@asynccontextmanager
async def connected(index: Path, home: Path) -> AsyncIterator[object]:
    """A client session with a fresh `qa mcp --index INDEX` (its stderr kept in home/server.log)."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    server = StdioServerParameters(command=str(BIN / "qa"), args=["mcp", "--index", str(index)],
                                   env={"QA_HOME": str(home), "HF_HUB_OFFLINE": "1"})
    with open(home / "server.log", "w", encoding="utf-8") as log:
        async with stdio_client(server, errlog=log) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


def payload(result) -> dict:
    """A tool result's object: its structured content, which its text repeats as one JSON line."""
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


@pytest.mark.model
async def test_tools_are_listed_and_ask_answers_4000_with_its_citation(real_index: Path, tmp_path: Path) -> None:
    async with connected(real_index, tmp_path) as session:
        tools = (await session.list_tools()).tools
        assert {tool.name for tool in tools} == TOOLS
        assert all(tool.annotations.read_only_hint and tool.description for tool in tools)
        ask = next(tool for tool in tools if tool.name == "ask")
        assert set(ask.input_schema["properties"]) == {"question", "k", "since", "until", "outlet"}
        data = payload(await session.call_tool("ask", {"question": "how many workers?"}))
        top = data["answers"][0]
        assert top["text"] == "4,000" and not data["low_confidence"]
        assert {Path(s["doc"]).name[:3] for s in top["sources"]} == {"000", "001", "003"}
        for source in top["sources"]:  # each citation holds the answer in the file itself
            assert Path(source["doc"]).read_text(encoding="utf-8")[source["start"]: source["end"]] == "4,000"
        # The same object `ask --json` prints, key for key.
        cli = run("ask", "how many workers?", "--json", "--index", str(real_index), home=tmp_path)
        assert cli.returncode == 0, cli.stderr
        assert data == json.loads(cli.stdout)
        source = top["sources"][0]
        shown = payload(await session.call_tool("show", {"citation": f"{source['doc']}:{source['start']}-{source['end']}"}))
        assert shown["text"] == "4,000" and "4,000" in shown["context"]["text"]
        found = payload(await session.call_tool("search", {"question": "how many workers?", "k": 3}))
        assert len(found["passages"]) == 3 and any("4,000" in p["text"] for p in found["passages"])


@pytest.mark.model
async def test_bad_arguments_are_errors_and_the_server_goes_on(real_index: Path, tmp_path: Path) -> None:
    from mcp.shared.exceptions import MCPError

    bad = [("ask", {"question": ""}, "empty"), ("ask", {"question": "how many?", "k": 0}, "from 1 to 50"),
           ("ask", {"question": "how many?", "k": 51}, "from 1 to 50"), ("ask", {"question": "how many?", "k": "many"}, "k"),
           ("ask", {}, "question"), ("ask", {"question": "q" * 1001}, "over the 1,000"),
           ("ask", {"question": "how many?", "since": "yesterday"}, "not a date"),
           ("ask", {"question": "how many?", "outlet": ["Nowhere Gazette"]}, "outlets here"),
           ("search", {"question": "how many?", "k": -3}, "from 1 to 50"),
           ("show", {"citation": "nowhere.txt:1-5"}, "not in the index"),
           ("documents", {"limit": 100000}, "limit"), ("no-such-tool", {}, "no-such-tool")]
    async with connected(real_index, tmp_path) as session:
        for tool, arguments, fragment in bad:
            result = await session.call_tool(tool, arguments)
            assert result.is_error and fragment in result.content[0].text, (tool, arguments, result.content)
        with pytest.raises(MCPError, match="not a document id"):
            await session.read_resource("newsqa://doc/not-an-id")
        status = payload(await session.call_tool("status", {}))  # still serving
    assert status["documents"] == 7
    assert "Traceback" not in (tmp_path / "server.log").read_text(encoding="utf-8")


@pytest.mark.model
async def test_documents_are_resources_and_status_describes_the_index(real_index: Path, tmp_path: Path) -> None:
    async with connected(real_index, tmp_path) as session:
        listed = payload(await session.call_tool("documents", {}))
        resources = (await session.list_resources()).resources
        templates = (await session.list_resource_templates()).resource_templates
        first = json.loads((await session.read_resource(resources[0].uri)).contents[0].text)
        status = payload(await session.call_tool("status", {}))
    assert listed["total"] == 7 and {d["format"] for d in listed["documents"]} == {"text"}
    assert [str(r.uri) for r in resources] == [f"newsqa://doc/{d['id']}" for d in listed["documents"]]
    assert [t.uri_template for t in templates] == ["newsqa://doc/{id}"]
    assert {k: v for k, v in first.items() if k != "text"} == listed["documents"][0]
    assert first["text"] and first["text"] in Path(first["doc"]).read_text(encoding="utf-8")
    assert status["index"] == str(real_index) and status["documents"] == 7 and status["passages"] == listed_passages(listed)
    assert status["model"] == "sentence-transformers/all-MiniLM-L6-v2" and status["version"] == "0.1.0"


def listed_passages(listed: dict) -> int:
    return sum(d["passages"] for d in listed["documents"])


def test_qa_mcp_without_the_sdk_names_the_extra(monkeypatch, capsys) -> None:
    import importlib.util

    from qa.cli import qa_main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mcp" else real(name, *a))
    assert qa_main(["mcp"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "pip install -e '.[mcp]'" in lines[0]
