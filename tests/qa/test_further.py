"""A 'latest' question naming its story reads that story's newer passages ranked below those read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.update import update_index
from qa.config import DEFAULT
from qa.pipeline import Pipeline

TALKS = ("Negotiators for Port Halden's dockworkers and employers bargained past midnight on Thursday, the longest "
         "session since the strike began. Both sides described the talks as serious. A mediator shuttled between "
         "rooms at a downtown hotel while union members waited outside with coffee and signs. The employers' "
         "association said it had put a revised wage offer on the table, and the union said it was studying it. "
         "Neither side would say how much separated them on pensions, overtime and the staffing of new "
         "automated cranes, which the union calls the central question of the dispute. City officials urged a "
         "quick settlement, warning that farmers and retailers were running short of supplies.")


REPORTS = (  # one story's reports, each worded its own way (copies of one text fold into one passage)
    ("10", "Carriers have diverted four ships away from Port Halden, the port authority said on Monday."),
    ("11", "Shipping lines sent six vessels elsewhere as the Port Halden strike entered its second day."),
    ("12", "By Wednesday, nine ships had been diverted from Port Halden to ports down the coast."),
    ("13", "The port authority counted nine diverted ships at Port Halden and 23 more waiting at anchor."),
    ("14", "Twelve ships have now been diverted away from Port Halden, according to terminal data."),
    ("16", "Carriers have diverted 15 ships away from strike-bound Port Halden so far, a trade journal reported."),
    ("17", "Port Halden's backlog grew as 15 diverted ships unloaded at rival terminals instead."),
)


def _story(folder: Path) -> None:
    for day, text in REPORTS:
        (folder / f"2025-03-{day}-report.txt").write_text(
            f"Date: 2025-03-{day}\nSource: Wire {day}\n\nPort Halden strike update\n\n{text}\n", encoding="utf-8")
    (folder / "2025-03-20-talks.txt").write_text(
        f"Date: 2025-03-20\nSource: Harbor Tribune\n\nPort talks run through the night\n\n{TALKS}\n\n"
        "The number of ships diverted to other ports has reached 17, according to the port authority.\n", encoding="utf-8")
    for number, topic in enumerate(("a film festival", "rice harvests", "a chess final", "bridge repairs", "school budgets",
                                    "a mayoral debate", "river levels", "a museum opening", "bus timetables", "a tennis cup")):
        (folder / f"2025-02-{number + 10}-filler.txt").write_text(  # other news, so BM25 weighs the story's words
            f"Date: 2025-02-{number + 10}\n\nLocal news\n\nReporters wrote about {topic} this week.\n", encoding="utf-8")
    (folder / "2025-03-25-other.txt").write_text(  # another story, newer: never read for Port Halden
        "Date: 2025-03-25\nSource: Gulf Wire\n\nKessel Bay cranes idle\n\nThe number of ships diverted to other ports "
        "from Kessel Bay has reached 30, its harbour master said.\n", encoding="utf-8")


@pytest.mark.model
def test_the_story_s_newest_figure_is_read_though_ranked_below_the_passages_read(tmp_path: Path, fake_embedder) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    _story(folder)
    update_index(tmp_path / "index", [folder], fake_embedder)
    question = "How many ships have been diverted away from Port Halden so far?"
    plain = Pipeline(tmp_path / "index", lambda _: fake_embedder,
                     config=replace(DEFAULT, reader=replace(DEFAULT.reader, further_passages=0)))
    ranked = plain.search(question, 10)
    assert [h.passage.text for h in ranked].index(next(h.passage.text for h in ranked if "reached 17" in h.passage.text)) >= 5
    assert plain.ask(question).answers[0].text != "17"  # read from the five best passages only, the 17 is missed
    pipeline = Pipeline(tmp_path / "index", lambda _: fake_embedder)
    read: list[str] = []
    reader = pipeline.span_model
    pipeline.span_model = Recording(reader, read)
    result = pipeline.ask(question)
    answers = result.answers
    assert answers[0].text == "17" and answers[0].sources[0].meta.outlet == "Harbor Tribune"
    # It is shown among the five passages: passages stating the first answer come before those stating others.
    assert len(result.hits) == 5 and any(h.answer and h.answer.text == "17" for h in result.hits)
    assert any("reached 17" in text for text in read[5:])  # read after the first five
    assert not any("Kessel Bay" in text for text in read)  # newer, ranked as high, but another story's


class Recording:
    """The real reader, noting each passage it is given."""

    def __init__(self, reader, read: list[str]) -> None:
        self.reader, self.texts = reader, read

    def read_many(self, asks):
        for _, texts in asks:
            self.texts.extend(texts)
        return self.reader.read_many(asks)
