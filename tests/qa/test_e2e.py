"""End to end on the real model and the bundled seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.group import figures
from qa.pipeline import Pipeline
from qa.retrieve import near_duplicates, shingles
from tests.qa.test_cli import run

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pipeline(real_index, real_embedder):
    return Pipeline(real_index, lambda reader: real_embedder)


def test_how_many_workers_puts_a_4000_passage_in_the_top_3(pipeline):
    hits = pipeline.ask("how many workers?", k=5).hits
    assert any("4,000" in hit.passage.text for hit in hits[:3])


def test_the_same_story_from_two_outlets_is_shown_once(pipeline):
    for question in ["how many workers?", "how many soldiers did Pyongyang send?", "what did Mr Wi say?"]:
        hits = pipeline.ask(question, k=8).hits
        grams = [shingles(hit.passage.text) for hit in hits]
        assert not any(near_duplicates(a, b) for i, a in enumerate(grams) for b in grams[i + 1 :])
        assert any(hit.duplicates for hit in hits)


def test_appended_stories_are_cited_as_their_own_documents(pipeline):
    hits = pipeline.ask("how many people were killed in the drone attack on Kyiv?", k=3).hits
    top = hits[0].passage
    assert top.path.endswith("003_ea055f40b69adf91.txt") and top.part > 0
    assert top.title and "North Korea" not in top.title


def test_first_ask_builds_the_default_seed_index(tmp_path):
    proc = run("ask", "how many workers?", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "building the index of the bundled seed articles" in proc.stderr
    assert "4,000" in proc.stdout
    assert (tmp_path / "seeds-index" / "CURRENT").exists()


def _checks_out(answer) -> bool:
    for source in answer.sources:
        with open(source.path, encoding="utf-8") as handle:
            if " ".join(handle.read()[source.start:source.end].split()) != answer.text:
                return False
    return True


def test_how_many_workers_answers_4000_credited_to_the_three_articles(pipeline):
    result = pipeline.ask("how many workers?", k=5)
    top = result.answers[0]
    assert top.text == "4,000"
    assert {source.path.rsplit("/", 1)[1][:3] for source in top.sources} == {"000", "001", "003"}
    assert top.independent == 2  # seeds 001 and 003 are one story from two outlets
    assert _checks_out(top)
    assert not result.low_confidence
    # Russia's labour shortage of 1.5 million answers something else: no disagreement is shown.
    assert not any(figures(answer.text) for answer in result.answers[1:])


def test_the_troops_question_shows_both_figures_with_their_sources(pipeline):
    result = pipeline.ask("how many troops did North Korea send to Russia?", k=5)
    texts = [answer.text for answer in result.answers]
    assert "11,000" in texts[:2]
    assert any(figures(text) == (10000.0, 12000.0) for text in texts), texts
    eleven = result.answers[texts.index("11,000")]
    assert len({source.path for source in eleven.sources}) >= 3
    assert all(_checks_out(answer) for answer in result.answers)


@pytest.mark.parametrize("question", [
    "What is the capital of France?", "who won the 2018 world cup?", "how do I bake bread?",
    "Who is the CEO of Apple?",
])
def test_off_topic_questions_are_flagged(pipeline, question):
    assert pipeline.ask(question, k=5).low_confidence


@pytest.mark.parametrize("question", [
    "how many workers?", "when were the troops withdrawn?", "who is Wi Sung Lac?",
    "how much are the North Korean workers paid?", "which UN resolution bans work permits?",
    "how many drones did Russia fire at Ukraine?",
])
def test_on_topic_questions_are_not_flagged(pipeline, question):
    result = pipeline.ask(question, k=5)
    assert not result.low_confidence and result.answers


def test_typed_answers_on_the_seeds(pipeline):
    assert pipeline.ask("how much are the North Korean workers paid?").answers[0].text.startswith("$800")
    assert any("January" in a.text for a in pipeline.ask("when were the North Korean troops withdrawn?").answers)
    assert "Zelensky" in pipeline.ask("who said the troops were back on the frontline?").answers[0].text


def test_ask_json_fills_the_answer_fields(tmp_path):
    import json

    proc = run("ask", "how many workers?", "--json", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    top = data["answers"][0]
    assert set(top) == {"text", "score", "context", "sources", "resolved"} and top["text"] == "4,000"
    assert top["resolved"] is None  # a figure, no relative date
    assert all(set(source) >= {"doc", "start", "end", "line", "title", "published", "outlet", "author", "url"}
               for source in top["sources"])
    spans = [p["answer"] for p in data["passages"] if p["answer"]]
    assert spans and all(set(span) == {"text", "start", "end"} for span in spans)
    assert spans[0]["text"] == "4,000"
    human = run("ask", "how many workers?", home=tmp_path).stdout
    assert human.splitlines()[1].strip().startswith("4,000") and "«4,000»" in human


def test_a_mixed_folder_answers_once_with_every_format_cited(tmp_path, real_embedder):
    # Issue 10's figure: the seeds as text, the same stories as saved pages with chrome, a feed and a PDF.
    import json
    import shutil

    from index.update import update_index
    from tests.conftest import SEEDS

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
    folder = tmp_path / "news"
    folder.mkdir()
    for path in [*SEEDS.glob("*.txt"), *fixtures.glob("*.html"), fixtures / "nk-watch.rss", fixtures / "briefing.pdf"]:
        shutil.copy(path, folder / path.name)
    index = tmp_path / "index"
    update_index(index, [folder], real_embedder)
    proc = run("ask", "how many workers?", "--json", "--index", str(index), home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    answers = json.loads(proc.stdout)["answers"]
    assert answers[0]["text"] == "4,000" and len(answers) == 1
    sources = answers[0]["sources"]
    assert {Path(s["doc"]).suffix for s in sources} >= {".txt", ".html", ".rss", ".pdf"}
    for source in sources:  # every citation, shown back from the index, holds the answer
        shown = run("qa", "show", "--index", str(index), f"{source['doc']}:{source['start']}-{source['end']}", home=tmp_path)
        assert shown.returncode == 0 and "4,000" in shown.stdout, shown.stderr
