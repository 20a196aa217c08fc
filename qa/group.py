"""When two answer spans say the same thing: normalised keys for figures, dates and names."""

from __future__ import annotations

import re

from qa.config import DEFAULT
from qa.question import AnswerType

WORDS = DEFAULT.words

NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
     "half": 0.5, "third": 1 / 3, "quarter": 0.25, "dozen": 12, "twice": 2, "double": 2, "triple": 3}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
           "trillion": 1e12}
_HEDGES = re.compile(
    r"^(?:approximately|approx\.|about|around|roughly|nearly|almost|over|more than|less than|fewer than|"
    r"at least|at most|up to|some|an estimated|estimated|close to|just over|just under|as many as|"
    r"as much as|as few as|upwards of)\s+",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?)(?:\s?(hundred|thousand|million|mn|billion|bn|trillion)\b)?",
    re.IGNORECASE,
)


def strip_hedge(text: str) -> str:
    """A figure without the hedge before it: 'around 4,000' becomes '4,000'."""
    return _HEDGES.sub("", text.strip())


def _number(token: str) -> float | None:
    """The value of one number token ('4,000', 'twenty-one', 'threefold'), None if it is no number."""
    token = token.lower()
    if not token:
        return None  # "fold" alone: nothing before the suffix
    if token[0].isdigit():
        return float(token.replace(",", ""))
    if token.endswith("fold"):
        return _number(token[:-4])
    parts = token.split("-")
    if all(part in NUMBER_WORDS for part in parts):
        return float(sum(NUMBER_WORDS[part] for part in parts))
    return None


def figures(text: str) -> tuple[float, ...]:
    """The numeric values a quantity span states: '2.3 million' is (2300000.0,), ranges give two."""
    values = []
    for match in _VALUE.finditer(strip_hedge(text)):
        value = _number(match.group(1))
        if value is None:
            continue
        if match.group(2):
            value *= _SCALES[match.group(2).lower()]
        values.append(round(value, 6))
    return tuple(values)


def answer_key(text: str, kind: AnswerType) -> tuple[object, ...]:
    """Spans with equal keys state the same answer ('11,000' = '11000', 'around 4,000' = '4,000')."""
    flat = " ".join(text.split())
    if kind is AnswerType.QUANTITY:
        values = figures(flat)
        if values:
            unit = "$" if "$" in flat else "£" if "£" in flat else "€" if "€" in flat else ""
            percent = "%" in flat or "percent" in flat.lower() or "per cent" in flat.lower()
            fold = "fold" in flat.lower()
            return ("quantity", values, unit, percent, fold)
    lowered = re.sub(r"^(?:the|on|in)\s+", "", flat.lower())
    return (kind.value, re.sub(r"[^\w]+", " ", lowered.replace("'s", "")).strip())


def shared_text(texts: list[str], kind: AnswerType) -> str:
    """The words that show a group as one answer: every span's common words, or a name or day whole."""
    flat = [" ".join(text.split()) for text in texts]
    if kind in (AnswerType.PERSON, AnswerType.DATE):
        # A name or a day is shown whole when one span holds every other: 'Samuel Pike' over 'Pike',
        # 'Monday evening' over 'evening'.
        whole = [candidate for candidate in flat if all(other in candidate for other in flat)
                 and (kind is AnswerType.DATE or _name_like(candidate))]
        if whole:
            return max(whole, key=len)
    for candidate in sorted(set(flat), key=len):
        if all(candidate in other for other in flat):
            return candidate
    if kind is AnswerType.QUANTITY:
        cores = [strip_hedge(text) for text in flat]
        for candidate in sorted(set(cores), key=len):
            if all(candidate in other for other in flat):
                return candidate
    # No wording in every span ('Mr Zelensky' beside 'Volodymyr Zelensky'): the one most of them state.
    return max(flat, key=lambda candidate: sum(candidate in other for other in flat))


def _name_like(text: str) -> bool:
    """Whether a span reads as one name ('Dr. Samuel Pike'), not a name with a clause ('Crestel Mobile, a …')."""
    return "," not in text and len(text.split()) <= WORDS.name_words


def like_keys(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """Whether two answer keys are the same kind of answer: two counts, two amounts of money (in any currency:
    a ransom in euros, reported by another outlet in dollars), two percentages; never an amount and a count."""
    if a[0] != b[0]:
        return False
    if len(a) > 2 and len(b) > 2:
        return bool(a[2]) == bool(b[2]) and a[3:] == b[3:]
    return True
