"""SQuAD questions turned into reader training windows: answer spans and 'no answer' negatives."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from qa.reader_news import dress
from qa.reader_windows import Tokenizer, Window, context_budget, make_window, special_ids, tokenize, token_span
from index.words import content_words


@dataclass(frozen=True)
class SquadQuestion:
    """One SQuAD question with its paragraph, the other paragraphs of its article and its answers."""

    id: str
    question: str
    context: str
    answers: tuple[tuple[int, str], ...]  # (answer_start, text)
    article: int
    paragraph: int


@dataclass(frozen=True)
class Example:
    """A training window and where its answer lies in it (0, 0 = no answer: the [CLS] token)."""

    window: Window
    start: int
    end: int
    question: str  # what was asked, and the text the window's character offsets point into (a teacher reads both)
    context: str


def load_squad(path: Path) -> tuple[list[SquadQuestion], list[list[str]]]:
    """Questions and each article's paragraphs from a SQuAD v1.1 file (.json or .json.gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)["data"]
    questions: list[SquadQuestion] = []
    articles: list[list[str]] = []
    for a, article in enumerate(data):
        articles.append([p["context"] for p in article["paragraphs"]])
        for p, paragraph in enumerate(article["paragraphs"]):
            for qa in paragraph["qas"]:
                answers = tuple((ans["answer_start"], ans["text"]) for ans in qa["answers"])
                questions.append(SquadQuestion(qa["id"], qa["question"], paragraph["context"], answers, a, p))
    return questions, articles


@lru_cache(maxsize=4096)
def _word_set(paragraph: str) -> frozenset[str]:
    return frozenset(content_words(paragraph))


def nearest_other_paragraph(question: SquadQuestion, articles: list[list[str]]) -> str | None:
    """The article's other paragraph sharing most content words with the question and lacking its answers.

    This stands in for a retrieved passage that does not hold the answer: same topic, wrong place.
    """
    asked = set(content_words(question.question))
    answers = [text.lower() for _, text in question.answers]
    best, best_overlap = None, -1
    for p, paragraph in enumerate(articles[question.article]):
        if p == question.paragraph or any(a in paragraph.lower() for a in answers):
            continue
        overlap = len(asked & _word_set(paragraph))
        if overlap > best_overlap:
            best, best_overlap = paragraph, overlap
    return best


def positive(
    tokenizer: Tokenizer, question: SquadQuestion, rng: random.Random, max_length: int, max_question: int,
    news: bool = False,
) -> Example | None:
    """A window of the question's paragraph that holds its first answer, placed at random around it.

    With `news`, the paragraph first gets a header, dateline or footer around it (qa.reader_news).
    """
    char_start, text = question.answers[0]
    context = question.context
    if news:
        dressed = dress(context, rng)
        context, char_start = dressed.text, char_start + dressed.shift
    q, c = tokenize(tokenizer, question.question), tokenize(tokenizer, context)
    span = token_span(c, char_start, char_start + len(text))
    if span is None:
        return None
    budget = context_budget(q, max_length, max_question)
    if span[1] - span[0] + 1 > budget:
        return None
    lowest, highest = max(0, span[1] - budget + 1), min(span[0], max(0, len(c.ids) - budget))
    first = rng.randint(lowest, highest) if len(c.ids) > budget else 0
    window = make_window(q, c, first, min(len(c.ids), first + budget), special_ids(tokenizer), max_question)
    offset = window.context_from - first
    return Example(window, span[0] + offset, span[1] + offset, question.question, context)


def negative(
    tokenizer: Tokenizer, question: SquadQuestion, context: str, rng: random.Random, max_length: int, max_question: int,
    news: bool = False,
) -> Example:
    """A window of a paragraph without the answer, labelled 'no answer' (dressed as news with `news`)."""
    if news:
        context = dress(context, rng).text
    q, c = tokenize(tokenizer, question.question), tokenize(tokenizer, context)
    budget = context_budget(q, max_length, max_question)
    first = rng.randint(0, len(c.ids) - budget) if len(c.ids) > budget else 0
    window = make_window(q, c, first, min(len(c.ids), first + budget), special_ids(tokenizer), max_question)
    return Example(window, 0, 0, question.question, context)


def training_examples(
    tokenizer: Tokenizer,
    questions: list[SquadQuestion],
    articles: list[list[str]],
    seed: int,
    count: int,
    negative_every: int,
    max_length: int,
    max_question: int,
    skip: int = 0,
    news_every: int = 0,
) -> Iterator[Example]:
    """`count` questions after the first `skip` of a seeded order, each as a positive; every `negative_every`-th adds a negative.

    Every `news_every`-th question (0: none) has its windows dressed as a news story.
    """
    order = list(range(len(questions)))
    random.Random(seed).shuffle(order)
    rng = random.Random(seed + 1 + skip)
    for n, index in enumerate(order[skip : skip + count]):
        question = questions[index]
        news = bool(news_every) and n % news_every == 0
        example = positive(tokenizer, question, rng, max_length, max_question, news)
        if example is not None:
            yield example
        if negative_every and n % negative_every == 0:
            other = nearest_other_paragraph(question, articles)
            if other is not None:
                yield negative(tokenizer, question, other, rng, max_length, max_question, news)



@dataclass(frozen=True)
class ExampleSettings:
    """What decides a run's examples: a training run and the teacher labelling it must agree on all of it."""

    seed: int
    questions: int
    skip_questions: int
    negative_every: int
    news_every: int
    max_length: int
    max_question: int

    @classmethod
    def of(cls, config: object) -> ExampleSettings:
        """The settings a config holding these fields (a TrainConfig) makes its examples with."""
        return cls(**{field.name: getattr(config, field.name) for field in fields(cls)})


def examples_for(tokenizer: Tokenizer, settings: ExampleSettings, squad: Path) -> list[Example]:
    """Every example of a run, in the order they are made (before training shuffles them)."""
    questions, articles = load_squad(squad)
    return list(training_examples(tokenizer, questions, articles, settings.seed, settings.questions,
                                  settings.negative_every, settings.max_length, settings.max_question,
                                  skip=settings.skip_questions, news_every=settings.news_every))
