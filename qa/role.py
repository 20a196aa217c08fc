"""Whether a name is given with the role a 'who is the X?' question asks for: 'County Auditor Nadia Fairbanks'."""

from __future__ import annotations

import re

from qa.config import DEFAULT

WORDS = DEFAULT.words

# What a question's verb says its holder is called: 'who heads the Data Protection Office?' is answered by
# 'Commissioner Helen Mahony', 'who leads the union?' by 'Tony Caruso, president of … Local 1187'.
_LEADERS = frozenset({"head", "chief", "director", "president", "chair", "chairman", "chairwoman", "chairperson",
                      "leader", "commissioner", "executive", "manager", "secretary", "superintendent"})
_TITLES_OF_VERB = {
    "leads": _LEADERS, "heads": _LEADERS, "runs": _LEADERS, "directs": _LEADERS, "manages": _LEADERS,
    "chairs": frozenset({"chair", "chairman", "chairwoman", "chairperson"}),
    "speaks": frozenset({"spokesperson", "spokesman", "spokeswoman", "press secretary"}),
}
_VERB = re.compile(r"^\s*who\s+(leads|heads|runs|directs|manages|chairs|speaks)\b", re.IGNORECASE)
# 'Who is the Brookhaven County auditor?', 'who is Crestel's chief executive?': the role is the last word
# of the noun phrase after 'is', before a preposition, a verb's -ing or the question's end.
_ROLE_NOUN = re.compile(r"^\s*(?i:who\s+(?:is|was))\s+"
                        r"(?:the\s+|(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*['’]s\s+|the\s+[a-z]+['’]s\s+)"
                        r"((?:[\w'’-]+\s+)*?[\w-]+)\s*"
                        r"(?:\?|$|\b(?:of|in|at|for|on|with|to|from|behind|during|[a-z]+ing)\b)")
_CLAUSE_END = re.compile(r"[.;:!?\"“”()\n]")


def roles_asked(question: str) -> frozenset[str]:
    """The titles that name what a 'who' question asks for (lowercase); empty when it asks for no role."""
    if verb := _VERB.match(question):
        return _TITLES_OF_VERB[verb[1].lower()]
    if noun := _ROLE_NOUN.match(question):
        return frozenset({noun[1].split()[-1].lower()})
    return frozenset()


def holds_role(roles: frozenset[str], text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is given with one of `roles`: as its title, in the words just before
    it ('director Wendell Cato', 'County Auditor Nadia Fairbanks', 'the state's emergency management director,
    Curtis Bowman'), or in the phrase set off after it ('Tony Caruso, president of …')."""
    if not roles:
        return False
    clause = _CLAUSE_END.split(text[max(0, start - 80):start])[-1]
    before = []
    # Back from the name over its title's words: capitalised ones ('County Auditor') or the role itself; a
    # comma only after the role ('… director, Curtis Bowman'), never after a place ('mayor of Brookhaven,
    # Washington').
    for word in reversed(clause.split()[-WORDS.title_distance:]):
        bare = word.rstrip(",").strip("'’").lower()
        if bare not in roles and (word.endswith(",") or not word[:1].isupper()):
            break
        before.append(bare)
    after = re.match(r",\s+([^,.;:!?\"“”()\n]{1,80})", text[end:end + 90])
    beside = before + ([word.strip("'’") for word in after[1].lower().split()[:WORDS.title_distance + 3]] if after else [])
    return any(role in beside if " " not in role else role in " ".join(beside) for role in roles)
