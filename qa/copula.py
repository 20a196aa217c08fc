"""Whether an answer is stated as the value its question asks: 'Turnout was 54.1% …' for 'what was turnout?'."""

from __future__ import annotations

import re

# 'What was turnout in the Brookhaven election?' -> turnout; 'what is the average net price of …' -> price:
# the last word of the noun phrase after 'is'/'was', before a preposition or the question's end.
_SUBJECT = re.compile(r"^\s*(?i:what\s+(?:is|was|are|were))\s+(?:the\s+|(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*['’]s\s+)?"
                      r"((?:[\w'’-]+\s+)*?[a-z][\w-]*)\s*"
                      r"(?:\?|$|\b(?:of|in|at|for|on|with|to|from|under|after|before|during|since|by)\b)")
_HEDGE = r"(?:about|nearly|roughly|around|almost|just|only|some|more\s+than|less\s+than|fewer\s+than)\s+"


def subject_asked(question: str) -> str:
    """The noun a 'what is/was X?' question asks the value of (lowercase); '' for other questions."""
    match = _SUBJECT.match(question)
    return match[1].split()[-1].lower() if match else ""


def stated_as(subject: str, text: str, start: int) -> bool:
    """Whether text[start] opens the value of `subject` in its sentence: '… turnout was 54.1% …'."""
    if not subject:
        return False
    pattern = rf"\b{re.escape(subject)}(?:e?s)?\s+(?:is|was|are|were|stood\s+at|came\s+to)\s+(?:{_HEDGE})?$"
    return bool(re.search(pattern, text[max(0, start - 80):start], re.IGNORECASE))
