"""`qa mcp`: the service as a Model Context Protocol server on stdio: five read-only tools, documents as resources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp_types import CallToolResult, Resource, TextContent, ToolAnnotations
from pydantic import Field

from index.errors import InputError, QAError
from index.safe_text import safe_json
from qa.config import DEFAULT
from qa.present import DEFAULT_K
from qa.service import Service, package_version

LIMITS = DEFAULT.service
DOC_URI = "newsqa://doc/{id}"
# Nothing a tool does changes the index or reaches outside it; the same call gives the same answer until it changes.
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
INSTRUCTIONS = ("newsqa answers questions from a local archive of news articles with the exact words of its sources. "
                "Quote an answer's text and cite its sources (doc, start, end); `show` prints a cited place.")

Question = Annotated[str, Field(description="the question, in plain words (e.g. 'how many workers?')")]
K = Annotated[int, Field(description=f"how many passages to return (1 to {LIMITS.max_k})")]
Since = Annotated[str | None, Field(description="only documents published on or after this: 2025-02-09, 2025-02, "
                                                 "2025, or an age (7d, 2w, 3m, 1y); undated documents are left out")]
Until = Annotated[str | None, Field(description="only documents published on or before this (as since)")]
Outlets = Annotated[list[str] | None, Field(description="only documents from these outlets (whole words, any case)")]
Limit = Annotated[int | None, Field(description=f"documents per page (1 to {LIMITS.max_documents}; "
                                                f"default {LIMITS.documents_page})")]
Output = Annotated[CallToolResult, dict[str, Any]]  # the result as built, its structured content a JSON object


def _tool(call: Callable[[], dict[str, object]]) -> CallToolResult:
    """A service call's object as structured content and as compact JSON text; a typed error as an error result."""
    try:
        data = call()
    except QAError as error:
        raise ToolError(str(error)) from error  # the SDK answers isError with the message and its fix
    # The text is `ask --json`'s own line (safe_json): the SDK's default would indent it, a third more to read.
    return CallToolResult(content=[TextContent(type="text", text=safe_json(data))],
                          structured_content=data)


def _question_tool(server: MCPServer, name: str, call: Callable[..., dict[str, object]], description: str) -> None:
    """Register `name`: a question, k and the filters, passed to `call` (ask and search take the same)."""

    def tool(question: Question, k: K = DEFAULT_K, since: Since = None, until: Until = None,
             outlet: Outlets = None) -> Output:
        """`call`'s object, or its typed error as an error result."""
        return _tool(lambda: call(question, k, since, until, outlet))

    # The SDK names the input and output schemas after the function (`askArguments`): clients see them.
    tool.__name__ = tool.__qualname__ = name
    server.tool(name=name, annotations=READ_ONLY, description=description)(tool)


class NewsServer(MCPServer):
    """An MCP server whose resources/list names the index's documents as they are now, newest first."""

    def __init__(self, service: Service) -> None:
        super().__init__(name="newsqa", title="newsqa: cited answers from local news", version=package_version(),
                         instructions=INSTRUCTIONS, log_level="WARNING")
        self.service = service

    async def list_resources(self) -> list[Resource]:
        """Each document as `newsqa://doc/{id}` (the newest `max_documents`; `documents` pages through all)."""
        page = await anyio.to_thread.run_sync(lambda: self.service.documents(limit=self.service.config.max_documents))
        about = ("outlet", "published", "format", "doc")
        return [Resource(uri=DOC_URI.format(id=d["id"]), name=str(d["id"]), title=d["title"] or str(d["doc"]),
                         description=", ".join(str(d[key]) for key in about if d[key]),
                         mime_type="application/json", _meta={"newsqa": d})
                for d in page["documents"]]  # type: ignore[union-attr]


def build_server(service: Service) -> NewsServer:
    """The MCP server over one loaded service."""
    server = NewsServer(service)

    _question_tool(server, "ask", service.ask, (
        "Answer a question from the indexed news: the exact words of the sources that state it, each source with "
        "its file and character offsets (doc, start, end), date and outlet; whether sources disagree; the ranked "
        "passages; and a timeline of dated answers. The same JSON as `ask --json`. low_confidence true means no "
        "passage answers it."))
    _question_tool(server, "search", service.search, (
        "Find the passages most relevant to a question, without reading answers from them (faster than ask): "
        "each with its text, file, character offsets, date and outlet, as in `ask --json`'s passages."))

    @server.tool(annotations=READ_ONLY, description=(
        "The text at a cited place, from the index's own copy of the file, with the passages around it "
        "(`context`). Give PATH:START-END (an answer source's doc, start and end) or PATH:LINE."))
    def show(citation: Annotated[str, Field(description="PATH:START-END or PATH:LINE")]) -> Output:
        """A citation's text with its context."""
        return _tool(lambda: service.show(citation))

    @server.tool(annotations=READ_ONLY, description=(
        "List the indexed documents, newest first: id (for the resource newsqa://doc/{id}), file, title, date, "
        "outlet, format and passages; filtered like ask; `total` counts all that match, `limit`/`offset` page."))
    def documents(since: Since = None, until: Until = None, outlet: Outlets = None,
                  undated: Annotated[bool, Field(description="only documents with no date, or with the year assumed")] = False,
                  limit: Limit = None,
                  offset: Annotated[int, Field(description="documents to skip")] = 0) -> Output:
        """The documents with date, outlet and format."""
        return _tool(lambda: service.documents(since, until, outlet, undated, limit, offset))

    @server.tool(annotations=READ_ONLY, description=(
        "The index: its folder and generation, documents, passages, segments, last update, embedding model, "
        "reader, and newsqa's version."))
    def status() -> Output:
        """The index and the server."""
        return _tool(service.status)

    @server.resource(DOC_URI, name="document", title="An indexed document", mime_type="application/json",
                     description="One document: its `documents` entry (file, title, date, outlet, format) and its text")
    def document(id: str) -> str:  # noqa: A002 (the URI template's name)
        """One document with its metadata and text."""
        try:
            return safe_json(service.document(id))
        except InputError as error:
            raise ResourceNotFoundError(str(error)) from error
        except QAError as error:
            raise ResourceError(str(error)) from error

    return server


def serve_stdio(service: Service) -> int:
    """Serve MCP on stdin/stdout until the client closes them."""
    build_server(service).run("stdio")
    return 0
