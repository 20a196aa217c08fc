"""Retrieval: fusion of dense and lexical scores, near-duplicate folding."""

from __future__ import annotations

from index.models import Passage
from index.store import IndexReader
from qa.models import Hit
from qa.retrieve import Retriever, collapse, fuse, near_duplicates, shingles


def _hit(path: str, text: str, score: float) -> Hit:
    return Hit(Passage(path, 0, None, 0, len(text), 1, text), score, 0)


def test_fusion_rewards_agreement_between_retrievers():
    dense = {1: 0.9, 2: 0.5, 3: 0.7}
    lexical = {2: 10.0, 3: 8.0}
    fused = fuse(dense, lexical, dense_weight=0.5)
    assert fused[3] > fused[1] and fused[3] > fused[2] * 0.9
    assert fuse(dense, lexical, 1.0)[1] == max(fuse(dense, lexical, 1.0).values())
    assert fuse(dense, lexical, 0.0)[2] == max(fuse(dense, lexical, 0.0).values())


def test_near_duplicates_ignore_quote_styles_and_partial_overlap():
    a = "Pyongyang sent roughly 11,000 soldiers to help with Vladimir Putin’s war effort in November."
    b = "Some lead-in words. Pyongyang sent roughly 11,000 soldiers to help with Vladimir Putin 's war effort in November."
    assert near_duplicates(shingles(a), shingles(b))
    assert not near_duplicates(shingles(a), shingles("An entirely different sentence about the weather in Kyiv today."))


def test_collapse_folds_copies_from_other_files_and_reranks():
    story = "North Korea sent around 4,000 workers to Russia on student visas, the agency said on Sunday."
    hits = [_hit("/a.txt", story, 0.9), _hit("/b.txt", "Unrelated text about a drone attack on Kyiv overnight.", 0.8),
            _hit("/c.txt", story.replace("said", "reported"), 0.7)]
    folded = collapse(hits)
    assert [h.passage.path for h in folded] == ["/a.txt", "/b.txt"]
    assert [h.rank for h in folded] == [1, 2]
    assert [c.path for c in folded[0].duplicates] == ["/c.txt"]


def test_seed_copies_of_one_story_are_never_shown_twice(fake_index, fake_embedder):
    retriever = Retriever(IndexReader.open(fake_index), fake_embedder)
    for question in ["how many workers?", "student visas", "11,000 soldiers Kursk", "Wi Sung Lac labour shortages"]:
        hits = retriever.search(question, k=8)
        for i, first in enumerate(hits):
            for second in hits[i + 1 :]:
                assert not near_duplicates(shingles(first.passage.text), shingles(second.passage.text))


def test_lexical_query_survives_fts_syntax(fake_index, fake_embedder):
    retriever = Retriever(IndexReader.open(fake_index), fake_embedder)
    assert retriever.search('"NEAR( AND OR * workers:', k=3)


STORIES = {
    # Deep in a story its name is not repeated: the passage that answers says "the fire" only.
    "fire.txt": "The Pine Flat Fire burned 8,500 acres in Tahoma County.\n\n"
                + "Crews worked through the night on the steep ridge above the creek while more engines arrived. " * 3
                + "\n\nAbout 240 firefighters remain on the fire to patrol lines, officials said.",
    "flood.txt": "The Kessel River crested at 31.6 feet on Monday.\n\n"
                 + "About 300 firefighters remain on the flood lines to patrol levees, officials said.",
}


def _story_index(tmp_path, embedder) -> IndexReader:
    from index.update import update_index

    folder = tmp_path / "stories"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    update_index(tmp_path / "index", [folder], embedder)
    return IndexReader.open(tmp_path / "index")


def test_a_question_naming_its_story_reads_that_story_first(tmp_path, fake_embedder) -> None:
    from dataclasses import replace

    from qa.config import DEFAULT

    reader = _story_index(tmp_path, fake_embedder)
    question = "How many firefighters remain on the Pine Flat Fire lines now?"
    held = reader.held_by_documents(["pine", "flat"], [pid for pid, _ in reader.lexical_search(["firefighters"], 10)])
    assert sorted(map(sorted, held.values())) == [[], ["flat", "pine"]]  # the whole document, not the passage, holds them
    plain = Retriever(reader, fake_embedder, replace(DEFAULT.retrieval, story_weight=0.0)).search(question, k=2)
    named = Retriever(reader, fake_embedder).search(question, k=2)
    fire = [h for h in named if h.passage.path.endswith("fire.txt") and "240" in h.passage.text]
    assert fire and named[0] == fire[0]
    assert plain[0].score < named[0].score  # raised by its document's names, never lowered


def test_story_names_and_asked_days() -> None:
    from qa.question import asked_day, story_names

    assert story_names("How many firefighters were on the Pine Flat Fire on Friday, Aug. 8?") == ["pine", "flat", "fire"]
    assert story_names("What is the latest margin in Brookhaven's race?") == ["brookhaven"]
    assert story_names("How many people are in shelters now?") == []
    assert asked_day("How many firefighters were on the fire on Friday, Aug. 8?") == (8, 8)
    assert asked_day("How many spoke at the Jan. 21 hearing?") == (1, 21)
    assert asked_day("How many in May?") is None


def test_a_day_is_reported_that_day_or_the_next() -> None:
    from index.models import Meta
    from qa.retrieve import reports_on

    days = ("2025-08-08", "2025-08-09", "2025-08-10", "2025-08-07", None, "junk")
    assert [reports_on(Meta(d).day, (8, 8)) for d in days] == \
        [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
