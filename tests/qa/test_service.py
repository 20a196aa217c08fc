"""The service behind `qa mcp` and `qa serve`: the CLI's JSON contract, arguments checked once, reloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import InputError, NotFoundError
from index.safe_text import safe_json
from index.update import update_index
from qa.cli import qa_main
from qa.config import DEFAULT
from qa.pipeline import Pipeline
from qa.render import result_dict
from qa.service import Service, check_query

LIMITS = DEFAULT.service


@pytest.fixture
def service(fake_index: Path, fake_embedder) -> Service:
    return Service(Pipeline(fake_index, lambda reader: fake_embedder))


def test_ask_gives_the_ask_json_object(service: Service, fake_index: Path, fake_embedder) -> None:
    expected = result_dict(Pipeline(fake_index, lambda reader: fake_embedder).ask("how many workers?", 3))
    assert service.ask("  how many   workers? ", 3) == expected
    assert [p["rank"] for p in expected["passages"]] == [1, 2, 3]  # type: ignore[index]


def test_search_gives_passages_alone_in_the_same_shape(service: Service) -> None:
    asked = service.ask("how many workers?", 4)
    found = service.search("how many workers?", 4)
    assert set(found) == {"question", "passages"}
    assert [(p["doc"], p["start"], p["end"]) for p in found["passages"]] == \
        [(p["doc"], p["start"], p["end"]) for p in asked["passages"]]  # type: ignore[union-attr]
    assert all(p["answer"] is None and set(p) == set(asked["passages"][0]) for p in found["passages"])  # type: ignore


def test_documents_are_qa_docs_json_objects(service: Service, fake_index: Path, capsys) -> None:
    assert qa_main(["docs", "--index", str(fake_index), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    page = service.documents()
    assert page["total"] == len(lines) == 7 and page["documents"] == lines
    assert service.documents(limit=2, offset=1)["documents"] == lines[1:3]
    only = service.documents(outlet=["independent"])
    assert only["total"] >= 1 and all(d["outlet"] == "The Independent" for d in only["documents"])  # type: ignore
    assert service.documents(since="2020")["total"] == 0  # the seeds state no date: a date bound leaves them out


def test_show_is_qa_show_json_with_the_passages_around(service: Service, fake_index: Path, capsys) -> None:
    source = service.ask("how many workers?", 3)["answers"][0]["sources"][0]  # type: ignore[index]
    citation = f"{source['doc']}:{source['start']}-{source['end']}"
    assert qa_main(["show", "--index", str(fake_index), "--json", citation]) == 0
    shown = service.show(citation)
    context = shown.pop("context")
    assert shown == json.loads(capsys.readouterr().out) and shown["text"] == "4,000"
    text = Path(source["doc"]).read_text(encoding="utf-8")
    assert context["start"] < source["start"] < source["end"] < context["end"]  # type: ignore[index, operator]
    assert context["text"] == text[context["start"]: context["end"]]  # type: ignore[index, misc]


def test_a_document_by_id_has_its_metadata_and_text(service: Service) -> None:
    listed = service.documents()["documents"][0]  # type: ignore[index]
    document = service.document(listed["id"])
    assert {k: v for k, v in document.items() if k != "text"} == listed
    assert document["text"] in Path(str(listed["doc"])).read_text(encoding="utf-8")
    assert "approximately 4,000 Korean workers" in document["text"]  # type: ignore[operator]
    with pytest.raises(NotFoundError):
        service.document("0" * 16 + "-0")


def test_status_names_the_index_counts_models_and_version(service: Service, fake_index: Path) -> None:
    status = service.status()
    assert status["index"] == str(fake_index) and status["documents"] == 7 and status["passages"] > 7
    assert status["model"] == "hash-384" and status["reader"] == "fast" and status["version"] == "0.1.0"
    assert str(status["updated"])[:2] == "20"  # an ISO date and time


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda s: s.ask(""), "empty"),
    (lambda s: s.ask(" \n\t "), "empty"),
    (lambda s: s.ask("w" * (LIMITS.max_question_chars + 1)), "over the 1,000"),
    (lambda s: s.ask(None), "must be text"),
    (lambda s: s.ask("how many?", 0), "k must be"),
    (lambda s: s.ask("how many?", LIMITS.max_k + 1), "from 1 to 50"),
    (lambda s: s.ask("how many?", True), "k must be"),
    (lambda s: s.ask("how many?", "5"), "k must be"),
    (lambda s: s.search("how many?", since="yesterday"), "not a date"),
    (lambda s: s.search("how many?", since="2025", until="2024"), "after"),
    (lambda s: s.ask("how many?", outlet=["Nowhere Gazette"]), "outlets here: "),
    (lambda s: s.ask("how many?", outlet=["x"] * (LIMITS.max_outlets + 1)), "outlets given"),
    (lambda s: s.ask("how many?", outlet=["x" * (LIMITS.max_filter_chars + 1)]), "at most"),
    (lambda s: s.show(""), "empty"),
    (lambda s: s.show("x" * (LIMITS.max_citation_chars + 1)), "over"),
    (lambda s: s.show("nowhere.txt:1-2"), "not in the index"),
    (lambda s: s.documents(limit=0), "limit"),
    (lambda s: s.documents(limit=LIMITS.max_documents + 1), "limit"),
    (lambda s: s.documents(offset=-1), "offset"),
    (lambda s: s.documents(outlet=["Nowhere Gazette"]), "outlets here: "),
    (lambda s: s.document("../etc/passwd"), "not a document id"),
])
def test_bad_arguments_are_input_errors_that_say_what_is_wrong(service: Service, call, fragment: str) -> None:
    with pytest.raises(InputError) as raised:
        call(service)
    assert fragment in str(raised.value)
    assert service.status()["documents"] == 7  # and the service goes on


def test_a_new_generation_is_picked_up_on_the_next_call(service: Service, fake_index: Path, seed_copy: Path,
                                                         fake_embedder) -> None:
    before = service.status()
    service.documents()  # the listing is read (and kept) for this generation
    (seed_copy / "zebras.txt").write_text("Title: Zebra count\n\nThe park counted 5,123 zebras this spring.\n",
                                          encoding="utf-8")
    update_index(fake_index, [seed_copy], fake_embedder)  # what `qa watch` beside the server does
    after = service.status()
    assert after["generation"] != before["generation"] and after["documents"] == 8
    assert any(d["doc"].endswith("zebras.txt") for d in service.documents()["documents"])  # type: ignore[union-attr]
    assert any("5,123" in p["text"] for p in service.search("how many zebras did the park count?")["passages"])  # type: ignore


def test_the_readme_states_the_limits_the_config_sets() -> None:
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    for stated in (f"a question of at most {LIMITS.max_question_chars:,} characters", f"`k` from 1 to {LIMITS.max_k}",
                   f"{LIMITS.timeout_s:g} s a request", f"at most {LIMITS.max_connections} connections",
                   f"names the newest {LIMITS.max_documents}", f"at least {LIMITS.min_token_chars} characters",
                   f"[--port {LIMITS.port}]", f"the newest {LIMITS.answer_cache_chars // 2**20} MB of them kept"):
        assert stated in readme, stated


def test_a_question_asked_again_is_not_read_again_until_the_index_changes(service: Service, fake_index: Path,
                                                                         seed_copy: Path, fake_embedder) -> None:
    reads: list[int] = []
    ask_many = service.pipeline.ask_many

    def counted(asks):  # type: ignore[no-untyped-def]
        reads.append(len(asks))
        return ask_many(asks)

    service.pipeline.ask_many = counted  # type: ignore[method-assign]
    first = service.ask("how many workers?", 3)
    assert service.ask(" how many  workers?", 3) == first  # the same checked query: kept, not read
    assert service.cached(check_query(LIMITS, "how many workers?", 3)) == safe_json(first)  # as ask --json prints it
    assert service.ask("how many workers?", 4) != first and reads == [1, 1]  # another k is another query
    [again, other] = service.ask_many([check_query(LIMITS, "how many workers?", 3),
                                       check_query(LIMITS, "who is Wi Sung Lac?", 3)])
    assert again == first and reads == [1, 1, 1]  # only the new question is read
    (seed_copy / "more.txt").write_text("Title: Workers\n\nOfficials said 9,876 workers had arrived.\n", encoding="utf-8")
    update_index(fake_index, [seed_copy], fake_embedder)
    assert service.cached(check_query(LIMITS, "how many workers?", 3)) is None  # a new generation: read again
    service.ask("how many workers?", 3)
    assert reads == [1, 1, 1, 1]
