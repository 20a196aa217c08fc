"""Pilot tests: ask, read the answers and passages, open sources, keys, history, clipboard."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from textual.widgets import Input, OptionList

from bench.common import HashEmbedder
from qa.pipeline import Pipeline
from index.update import update_index
from qa import present
from qa.present import DEFAULT_K
from qa.present import full_citation, sentence_around
from tests.tui.conftest import PinnedAnswers, fake_pipeline, settle
from tests.tui.running import asked
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.source import SourceScreen
from tui.widgets.answers import MAX_CARDS, AnswersPanel
from tui.widgets.columns import cut_middle
from tui.widgets.detail import DetailPane
from tui.widgets.document import DocumentView
from tui.widgets.passages import PassagesTable
from tui.widgets.question import QuestionInput
from tui.widgets.status import StatusBar

QUESTION = "how many workers?"


def expected(index: Path, question: str = QUESTION, k: int = 8):
    """What the library answers, to compare the screen with."""
    pipeline = Pipeline(index, embedder_factory=lambda reader: HashEmbedder())
    try:
        return pipeline.ask(question, k)
    finally:
        pipeline.close()


def text_of(widget) -> str:
    return str(widget.render())


async def test_question_shows_passages_answers_and_detail(fake_index, make_app):
    result = expected(fake_index)
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        table = app.screen.query_one(PassagesTable)
        assert table.row_count == len(result.hits) > 0
        keys = [str(column.key.value) for column in table.ordered_columns]
        for row, hit in enumerate(result.hits):
            cells = {key: str(cell) for key, cell in zip(keys, table.get_row_at(row))}
            assert cells["rank"] == str(hit.rank)
            assert cells["score"] == f"{hit.dense:.2f}"  # the cosine: comparable across questions
            name = f"{os.path.basename(hit.passage.path)}:{hit.passage.line}"
            width = table.columns[table.ordered_columns[keys.index("file")].key].width
            assert cells["file"] == cut_middle(name, width) and cells["file"].endswith(f":{hit.passage.line}")
        panel = app.screen.query_one(AnswersPanel)
        sources = panel.query_one("#answer-sources", OptionList)
        shown = () if result.low_confidence else result.answers  # a low-confidence answer is none, as in `ask`
        assert sources.option_count == sum(len(a.sources) for a in shown)
        cards = [text_of(card) for card in panel.query(".answer-card")]
        assert len(cards) == min(len(shown), MAX_CARDS)
        for answer, card in zip(shown, cards):
            assert card.startswith(answer.text[:20])
        detail = text_of(app.screen.query_one("#detail-text"))
        assert " ".join(result.hits[0].passage.text.split()) == detail
        assert app.screen.focused is table  # the user waited: the passages take the keys
        status = text_of(app.screen.query_one("#index-info"))
        assert "7 documents" in status and "updated just now" in status


async def test_input_usable_while_the_model_loads_and_queued_question_answered(fake_index, make_app):
    release = threading.Event()

    def slow(index_dir: Path):
        release.wait(10)
        return fake_pipeline(index_dir)

    app = make_app(fake_index, factory=slow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        field = app.screen.query_one(QuestionInput)
        assert field.has_focus
        assert "loading" in text_of(app.screen.query_one("#activity"))
        await pilot.press(*QUESTION, "enter")
        await pilot.pause()
        assert field.value == QUESTION
        assert app.screen.query_one(PassagesTable).loading  # a loading indicator, not a frozen screen
        assert "waiting for the model" in text_of(app.screen.query_one("#activity"))
        release.set()
        await settle(pilot)
        assert app.screen.query_one(PassagesTable).row_count > 0
        assert not app.screen.query_one(PassagesTable).loading


async def test_enter_opens_the_source_at_the_cited_place_and_escape_returns(fake_index, make_app):
    result = expected(fake_index)
    deep = next(row for row, hit in enumerate(result.hits) if hit.passage.line > 10)
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        for _ in range(deep):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SourceScreen)
        passage = result.hits[deep].passage
        assert screen.place.citation.path == passage.path and screen.place.citation.start == passage.start
        document = screen.query_one(DocumentView)
        assert document.cited_lines[0] == passage.line
        assert screen.text is not None and passage.text.split()[0] in screen.text[passage.start:passage.end]
        body, top = screen.query_one("#source-body"), document.cited.virtual_region.y
        assert body.scroll_y > 0  # scrolled down to the passage, not left at the top
        assert body.scroll_y <= top < body.scroll_y + body.size.height
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(PassagesTable).cursor_row == deep


async def test_o_opens_an_answer_source_at_its_span(fake_index, make_app):
    pinned = PinnedAnswers(fake_index)
    result = pinned.ask(QUESTION, 8)  # eight passages hold two sources of the answer
    pinned.close()
    async with asked(make_app, fake_index, QUESTION, factory=PinnedAnswers, k=8) as (app, pilot):
        app.screen.query_one("#answer-sources").focus()
        await pilot.press("down")
        source = result.answers[0].sources[1]
        facts = str(app.screen.query_one(DetailPane).query_one("#detail-facts").render())
        assert os.path.basename(source.path) in facts  # the passage pane follows the answer source
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen)
        assert (app.screen.place.citation.path, app.screen.place.span) == (source.path, (source.start, source.end))
        assert app.screen.text[source.start:source.end] == "4,000"
        await pilot.press("escape")
        await pilot.press("enter")  # Enter on an answer source opens it too
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen) and app.screen.place.span == (source.start, source.end)


async def test_copies_expand_and_open(fake_index, make_app):
    result = expected(fake_index)
    row = next(i for i, hit in enumerate(result.hits) if hit.duplicates)
    copy = result.hits[row].duplicates[0]
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        table = app.screen.query_one(PassagesTable)
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("space")
        assert table.row_count == len(result.hits) + len(result.hits[row].duplicates)
        assert "also in" in str(table.get_row_at(row + 1)[2])
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen)
        assert (app.screen.place.citation.path, app.screen.place.citation.start) == (copy.path, copy.start)
        await pilot.press("escape", "space")
        assert table.row_count == len(result.hits)


async def test_history_walks_earlier_questions(fake_index, make_app):
    async with asked(make_app, fake_index, "who is Wi Sung Lac?", QUESTION) as (app, pilot):
        await pilot.press("slash")
        field = app.screen.query_one(QuestionInput)
        assert field.has_focus
        field.value = "draft"
        await pilot.press("up")
        assert field.value == QUESTION
        await pilot.press("up")
        assert field.value == "who is Wi Sung Lac?"
        await pilot.press("up", "down")
        assert field.value == QUESTION
        await pilot.press("down")
        assert field.value == "draft"


async def test_ctrl_y_copies_citation_and_quote(fake_index, make_app):
    result = expected(fake_index)
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        await pilot.press("ctrl+y")
        passage, span = result.hits[0].passage, result.hits[0].answer
        quote = (sentence_around(passage.exact, passage.start, (span.start, span.end)) if span
                 else " ".join(passage.exact.split()))
        # One line (a newline pasted into a shell would run what came before it): the citation; the quote.
        assert app.clipboard == f"{full_citation(passage.citation)}; “{quote}”"
        assert passage.path in app.clipboard  # the absolute path, which a reader can check
        if span:  # the whole sentence, the answer marked in it
            assert f"«{' '.join(span.text.split())}»" in quote and quote.endswith((".", "»", "”", "\"", "?", "!"))


async def test_help_opens_and_closes_and_ctrl_q_quits(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("tab")  # away from the input, where ? and q are just letters
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+q")  # q itself is a letter of the next question in a list
        await pilot.pause()
    assert app.return_code == 0


async def test_keys_typed_in_the_question_are_text(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"q? co")
        assert app.screen.query_one(Input).value == "q? co"
        assert isinstance(app.screen, MainScreen) and app.is_running


async def test_ctrl_c_quits(fake_index, make_app):
    app = make_app(fake_index)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0


async def test_tab_moves_between_panes_and_detail_follows(fake_index, make_app):
    result = expected(fake_index)
    async with asked(make_app, fake_index, QUESTION) as (app, pilot):
        await pilot.press("down")
        detail = text_of(app.screen.query_one("#detail-text"))
        assert detail == " ".join(result.hits[1].passage.text.split())
        seen = set()
        for _ in range(4):
            await pilot.press("tab")
            seen.add(type(app.screen.focused).__name__)
        assert {"QuestionInput", "PassagesTable", "DetailPane"} <= seen
        await pilot.press("escape")
        assert isinstance(app.screen.focused, QuestionInput)


async def test_status_shows_counts_and_layout_fits_80x24(fake_index, make_app):
    async with asked(make_app, fake_index, QUESTION, size=(80, 24)) as (app, pilot):
        screen = app.screen
        for selector in ("#status", "#question", "#answers", "#passages", "#detail", "Footer"):
            region = screen.query_one(selector).region
            assert region.height >= 1 and region.bottom <= 24 and region.right <= 80, selector
        assert screen.query_one(DetailPane).region.height >= 5
        info = screen.query_one(StatusBar).info
        assert (info.documents, info.passages) == (7, 35) or info.documents > 0


async def test_many_answers_show_three_cards_and_all_their_sources(fake_index, make_app):
    words = ("4,000", "thousands", "$800", "13,221")
    async with asked(make_app, fake_index, QUESTION,
                     factory=lambda folder: PinnedAnswers(folder, words)) as (app, pilot):
        panel = app.screen.query_one(AnswersPanel)
        shown = present.answers_by_support(app.screen.result)[:MAX_CARDS]  # the best-backed first
        assert [str(card.render()).split(" ·")[0] for card in panel.query(".answer-card")] == [a.text for a in shown]
        assert str(panel.query_one(".answer-more").render()).startswith("+1 more")
        assert {place.quote for place in panel.places} == set(words)


async def test_disagreeing_answers_are_marked_most_sources_and_newest(tmp_path, make_app):
    news = tmp_path / "news"
    news.mkdir()
    for name, day, figure in (("a", "2025-03-10", "4,200"), ("b", "2025-03-10", "2,900"), ("c", "2025-03-10", "2,900"),
                              ("d", "2025-03-11", "2,900")):
        (news / f"{name}.txt").write_text(f"Date: {day}\nSource: Wire {name}\n\nStrike {name}\n\nThe union said "
                                          f"{figure} dockworkers walked out at the port of {name}.\n", encoding="utf-8")
    update_index(tmp_path / "index", [news], HashEmbedder())
    async with asked(make_app, tmp_path / "index", "how many dockworkers walked out?",
                     factory=lambda folder: PinnedAnswers(folder, ("4,200", "2,900"))) as (app, pilot):
        assert app.screen.result.disagree
        cards = [str(card.render()) for card in app.screen.query(".answer-card")]
        assert cards == ["2,900 · 3 sources · most sources · newest", "4,200 · 1 source"]
