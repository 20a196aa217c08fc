"""A name given with the asked role, a value stated as what is asked, a share with what it is of, a date for its event."""

from __future__ import annotations

from dataclasses import replace

from index.models import Passage
from qa.answer import read_answers
from qa.config import ReaderConfig
from qa.copula import stated_as, subject_asked
from qa.fit import completed
from qa.models import Hit
from qa.question import AnswerType
from qa.reader import SpanScore
from qa.role import holds_role, roles_asked

TEXT = ("Carl Whitfield led on election night. County Auditor Nadia Fairbanks said turnout rose. Tony Caruso, "
        "president of Local 1187, spoke. The race for mayor of Brookhaven, Washington, tightened. The state's "
        "emergency management director, Curtis Bowman, said 18 were missing.")


def _holds(roles: frozenset[str], name: str) -> bool:
    return holds_role(roles, TEXT, TEXT.index(name), TEXT.index(name) + len(name))


def test_the_role_a_who_question_asks_for() -> None:
    assert roles_asked("Who is the Brookhaven County auditor?") == {"auditor"}
    assert roles_asked("Who is the transit authority's chief executive?") == {"executive"}
    assert roles_asked("Who is the president of the dockworkers' union?") == {"president"}
    assert "president" in roles_asked("Who leads the union at the Brightwell plant?")
    assert "chair" in roles_asked("Who chairs the board?") and "president" not in roles_asked("Who chairs the board?")
    assert roles_asked("Who is running the shelter?") == frozenset()  # a verb, no role noun
    assert roles_asked("Who won the race?") == frozenset()


def test_a_name_holds_the_role_given_as_its_title_or_beside_it() -> None:
    assert _holds(frozenset({"auditor"}), "Nadia Fairbanks")  # its title: 'County Auditor'
    assert not _holds(frozenset({"auditor"}), "Carl Whitfield")
    assert _holds(roles_asked("Who leads the union?"), "Tony Caruso")  # set off after it: ', president of …'
    assert _holds(frozenset({"director"}), "Curtis Bowman")  # before it, behind a comma: '… director, Curtis Bowman'
    assert not _holds(frozenset({"mayor"}), "Washington")  # 'mayor of Brookhaven,' is a place's, not a title
    assert not holds_role(frozenset(), TEXT, 0, 14)


def test_a_who_question_puts_the_name_holding_its_role_first() -> None:
    hit = Hit(Passage("/news/a.txt", 0, "T", 0, len(TEXT), 1, TEXT), 0.8, 1, 0.6, 10.0)
    spans = [SpanScore(0, TEXT.index("Carl Whitfield"), TEXT.index("Carl Whitfield") + 14, 9.0, 0.0),
             SpanScore(0, TEXT.index("Nadia Fairbanks"), TEXT.index("Nadia Fairbanks") + 15, 7.0, 0.0)]
    asked = read_answers("Who is the Brookhaven County auditor?", [hit], spans, ReaderConfig())
    assert asked.answers[0].text == "Nadia Fairbanks"
    other = read_answers("Who led on election night?", [hit], spans, ReaderConfig())
    assert other.answers[0].text == "Carl Whitfield"  # no role asked: the reader's order stands
    further = [spans[0], replace(spans[1], rival_only=True)]  # proposed only as a further place of its window
    assert read_answers("Who is the Brookhaven County auditor?", [hit], further, ReaderConfig()).answers[0].text == \
        "Nadia Fairbanks"
    assert read_answers("Who led on election night?", [hit], further, ReaderConfig()).answers[0].text == \
        "Carl Whitfield"


def test_a_value_stated_as_what_is_asked_goes_first() -> None:
    assert subject_asked("What was turnout in the Brookhaven election?") == "turnout"
    assert subject_asked("What is the average net price of a Respivane inhaler?") == "price"
    assert subject_asked("How many votes?") == ""
    text = "Whitfield's lead was 2,140 votes. Turnout was 54.1% of registered voters."
    assert stated_as("turnout", text, text.index("54.1%")) and not stated_as("turnout", text, text.index("2,140"))
    hit = Hit(Passage("/news/a.txt", 0, "T", 0, len(text), 1, text), 0.8, 1, 0.6, 10.0)
    spans = [SpanScore(0, text.index("2,140 votes"), text.index("2,140 votes") + 11, 9.0, 0.0),
             SpanScore(0, text.index("54.1%"), text.index("54.1%") + 5, 7.0, 0.0)]
    assert read_answers("What was turnout?", [hit], spans, ReaderConfig()).answers[0].text.startswith("54.1%")


def test_a_share_is_shown_with_what_it_is_of_unless_the_question_says() -> None:
    text = "It can fine up to 4% of a company's annual global turnover for breaches. The levy got 58% of the vote."
    def done(question: str, figure: str) -> str:
        at = text.index(figure)
        return text[slice(*completed(question, text, at, at + len(figure), AnswerType.QUANTITY))]
    assert done("How much can the regulator fine Crestel?", "4%") == "4% of a company's annual global turnover"
    assert done("What share of the vote did the levy get?", "58%") == "58%"
    assert done("What percentage did the levy get?", "58%") == "58%"  # asked as a percentage: the bare figure


def test_a_date_is_read_for_the_event_its_own_clause_names() -> None:
    from qa.clause import clause_says, dates_another, event_words

    words = event_words("When did Crestel detect the intrusion?")
    assert words == {"detect", "intrusion"}  # the name is the story's, not the event
    text = ("Crestel notified the regulator on Sept. 5, three days after the company says it detected the intrusion. "
            "The company detected the intrusion on Sept. 2. Its patents run until 2031.")
    def at(date: str) -> tuple[int, int]:
        return text.index(date), text.index(date) + len(date)
    assert clause_says(words, text, *at("Sept. 2")) and not clause_says(words, text, *at("Sept. 5"))
    assert dates_another(words, text, *at("Sept. 5"))  # the notice's date, its sentence dating the detection apart
    assert not dates_another(words, text, *at("Sept. 2")) and not dates_another(words, text, *at("2031"))
    hit = Hit(Passage("/news/a.txt", 0, "T", 0, len(text), 1, text), 0.8, 1, 0.6, 10.0)
    spans = [SpanScore(0, *at("Sept. 5"), 9.0, 0.0), SpanScore(0, *at("Sept. 2"), 8.5, 0.0)]
    result = read_answers("When did Crestel detect the intrusion?", [hit], spans, ReaderConfig())
    assert [a.text for a in result.answers] == ["Sept. 2"] and not result.disagree
