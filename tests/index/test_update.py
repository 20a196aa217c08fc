"""Incremental updates: only new text is embedded, unchanged files cost nothing, deletes go everywhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.common import HashEmbedder
from index.split import split_file
from index.store import MANIFEST_NAME, POINTER_NAME, IndexReader, text_hash
from index.update import update_index
from index.words import tokens

ARTICLE = """Glowing zebrafinch colony found in Lisbon harbour

LISBON (Reuters) - Marine biologists said on Tuesday they had found a colony of glowing zebrafinch
birds nesting under the old harbour cranes, the first such colony recorded in Europe.

The zebrafinch colony numbers about 300 birds, according to Ana Ferreira, who leads the survey team
at the University of Lisbon. She said the birds glow faintly because of a pigment in the algae they eat.

Harbour officials said the cranes would not be moved while the birds were nesting there, and that
visitors would be kept away from the quay until the end of the breeding season in September.

The discovery surprised ornithologists across the continent, who had believed the species could not
survive the cold Atlantic winters. Several teams from Spain and France are expected to visit the site
next month to take samples and to count the nests with thermal cameras mounted on small drones.

Local fishermen told reporters they had noticed a faint green light under the cranes for years but had
assumed it came from the ships. One of them, Joaquim Santos, said his grandfather used to call the
glow the harbour ghost and warned children not to go near the water after dark.

The city council has promised a small grant to the university to continue the survey, and the port
authority said it would install new lighting that does not disturb the birds during the night.
Tourism officials hope the colony will draw visitors in the quieter winter months, though the
biologists asked that nobody try to feed or handle the animals.
"""


def distinct_passages(path: Path) -> int:
    """How many distinct passage texts a file splits into: what indexing it must embed."""
    _, passages = split_file(str(path.resolve()), path.read_text(encoding="utf-8"))
    return len({text_hash(p.text) for p in passages})


def indexed_paths(index: Path) -> set[str]:
    reader = IndexReader.open(index)
    try:
        return {row[0] for row in reader.db.execute("SELECT path FROM files")}
    finally:
        reader.close()


def search_paths(index: Path, embedder: HashEmbedder, text: str, k: int = 50) -> tuple[set[str], set[str]]:
    """Files found by dense and by lexical search for `text`."""
    reader = IndexReader.open(index)
    try:
        dense = [i for i, _ in reader.dense_search(embedder.embed([text])[0], k)]
        lexical = [i for i, _ in reader.lexical_search(tokens(text), k)]
        found = reader.passages(dense + lexical)
        return {found[i].path for i in dense}, {found[i].path for i in lexical}
    finally:
        reader.close()


def test_first_build_embeds_every_distinct_passage(tmp_path, seed_copy):
    embedder = HashEmbedder()
    summary = update_index(tmp_path / "index", [seed_copy], embedder)
    files = sorted(seed_copy.glob("*.txt"))
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (len(files), 0, 0, 0)
    assert summary.embedded == embedder.embedded > 0
    assert summary.passages >= summary.embedded


def test_adding_one_file_embeds_only_its_passages(fake_index, seed_copy):
    new = seed_copy / "zebrafinch.txt"
    new.write_text(ARTICLE, encoding="utf-8")
    embedder = HashEmbedder()
    summary = update_index(fake_index, [seed_copy], embedder)
    assert (summary.added, summary.changed, summary.removed) == (1, 0, 0)
    assert summary.unchanged == len(list(seed_copy.glob("*.txt"))) - 1
    assert summary.embedded == embedder.embedded == distinct_passages(new)
    dense, lexical = search_paths(fake_index, embedder, "glowing zebrafinch colony Lisbon harbour")
    assert str(new.resolve()) in dense and str(new.resolve()) in lexical


def test_unchanged_folder_embeds_nothing_and_writes_no_generation(fake_index, seed_copy):
    before = (fake_index / POINTER_NAME).read_text()
    generations = sorted(p.name for p in fake_index.glob("gen-*"))
    embedder = HashEmbedder()
    summary = update_index(fake_index, [seed_copy], embedder)
    assert (summary.added, summary.changed, summary.removed, summary.embedded) == (0, 0, 0, 0)
    assert summary.unchanged == len(list(seed_copy.glob("*.txt")))
    assert embedder.embedded == 0
    assert (fake_index / POINTER_NAME).read_text() == before
    assert sorted(p.name for p in fake_index.glob("gen-*")) == generations
    assert summary.passages > 0 and summary.documents > 0


def test_changed_file_reuses_vectors_of_unchanged_passages(fake_index, seed_copy):
    target = seed_copy / "zebrafinch.txt"
    target.write_text(ARTICLE, encoding="utf-8")
    update_index(fake_index, [seed_copy], HashEmbedder())
    edited = ARTICLE.replace("about 300 birds", "about 450 birds")
    target.write_text(edited, encoding="utf-8")
    embedder = HashEmbedder()
    summary = update_index(fake_index, [seed_copy], embedder)
    assert (summary.added, summary.changed, summary.removed) == (0, 1, 0)
    assert distinct_passages(target) >= 3
    assert 0 < summary.embedded < distinct_passages(target)  # only the passage holding the edit
    reader = IndexReader.open(fake_index)
    try:
        texts = [row[0] for row in reader.db.execute("SELECT text FROM passages WHERE path = ?",
                                                    (str(target.resolve()),))]
    finally:
        reader.close()
    assert any("450" in t for t in texts) and not any("300 birds" in t for t in texts)


def test_deleted_file_leaves_dense_and_lexical_results(fake_index, seed_copy):
    target = seed_copy / "zebrafinch.txt"
    target.write_text(ARTICLE, encoding="utf-8")
    update_index(fake_index, [seed_copy], HashEmbedder())
    target.unlink()
    embedder = HashEmbedder()
    summary = update_index(fake_index, [seed_copy], embedder)
    assert (summary.added, summary.changed, summary.removed, summary.embedded) == (0, 0, 1, 0)
    assert str(target.resolve()) not in indexed_paths(fake_index)
    dense, lexical = search_paths(fake_index, embedder, "glowing zebrafinch colony Lisbon harbour")
    assert str(target.resolve()) not in dense | lexical
    reader = IndexReader.open(fake_index)
    try:
        assert reader.vector_count == reader.count("passages")
        assert reader.lexical_search(tokens("zebrafinch"), 10) == []
    finally:
        reader.close()


def test_rename_reuses_every_vector(fake_index, seed_copy):
    first = sorted(seed_copy.glob("*.txt"))[0]
    renamed = first.with_name("renamed-" + first.name)
    first.rename(renamed)
    embedder = HashEmbedder()
    summary = update_index(fake_index, [seed_copy], embedder)
    assert (summary.added, summary.removed, summary.embedded) == (1, 1, 0)
    paths = indexed_paths(fake_index)
    assert str(renamed.resolve()) in paths and str(first.resolve()) not in paths


def test_emptied_file_is_removed(fake_index, seed_copy):
    target = sorted(seed_copy.glob("*.txt"))[0]
    target.write_text("", encoding="utf-8")
    summary = update_index(fake_index, [seed_copy], HashEmbedder())
    assert summary.removed == 1
    assert str(target.resolve()) not in indexed_paths(fake_index)


def test_files_of_other_roots_are_kept(tmp_path, seed_copy):
    other = tmp_path / "other"
    other.mkdir()
    (other / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    index = tmp_path / "index"
    update_index(index, [seed_copy], HashEmbedder())
    summary = update_index(index, [other], HashEmbedder())
    assert (summary.added, summary.removed) == (1, 0)
    assert len(indexed_paths(index)) == len(list(seed_copy.glob("*.txt"))) + 1


def test_counts_stay_consistent_over_many_updates(fake_index, seed_copy):
    """Document, passage, vector and full-text counts agree after adds, edits and deletes."""
    for round_ in range(4):
        (seed_copy / f"extra{round_}.txt").write_text(ARTICLE.replace("300", str(round_)), encoding="utf-8")
        if round_ % 2:
            (seed_copy / f"extra{round_ - 1}.txt").unlink()
        update_index(fake_index, [seed_copy], HashEmbedder())
    fresh = HashEmbedder()
    rebuilt = update_index(fake_index.parent / "fresh", [seed_copy], fresh)
    reader = IndexReader.open(fake_index)
    try:
        passages = reader.count("passages")
        searchable = sum(segment.live for segment in reader.segments)  # rows of the postings' lengths, less the dead
        assert passages == searchable == reader.vector_count == rebuilt.passages
        assert reader.manifest.documents == rebuilt.documents
    finally:
        reader.close()
    assert len(list(fake_index.glob("gen-*"))) <= 2  # old generations are pruned


def test_rebuild_embeds_everything_again(fake_index, seed_copy):
    embedder = HashEmbedder()
    summary = update_index(fake_index, [seed_copy], embedder, rebuild=True)
    assert summary.added == len(list(seed_copy.glob("*.txt"))) and summary.embedded == embedder.embedded > 0


def test_cli_json_summary_counts(tmp_path, seed_copy, monkeypatch, capsys):
    """`qa index --json` reports the update counts (model swapped for the fake one)."""
    import index.embed
    from qa.cli import qa_main

    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)
    index_dir = tmp_path / "index"
    assert qa_main(["index", str(seed_copy), "--index", str(index_dir), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    (seed_copy / "zebrafinch.txt").write_text(ARTICLE, encoding="utf-8")
    shutil.copy(seed_copy / "zebrafinch.txt", seed_copy / "copy.txt")
    sorted(seed_copy.glob("0*.txt"))[0].unlink()
    assert qa_main(["index", str(seed_copy), "--index", str(index_dir), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["added"] == first["documents"] or first["added"] > 0
    assert (second["added"], second["changed"], second["removed"]) == (2, 0, 1)
    assert second["embedded"] == distinct_passages(seed_copy / "copy.txt")  # identical copies embed once
    assert set(second) >= {"documents", "added", "changed", "removed", "unchanged", "passages", "embedded"}


def test_index_folder_holds_only_live_and_previous(fake_index, seed_copy):
    for round_ in range(3):
        (seed_copy / f"n{round_}.txt").write_text(ARTICLE.replace("300", str(round_ + 7)), encoding="utf-8")
        update_index(fake_index, [seed_copy], HashEmbedder())
    generations = sorted(fake_index.glob("gen-*"))
    assert len(generations) == 2
    assert (fake_index / POINTER_NAME).read_text().strip() == generations[-1].name
    assert all((g / MANIFEST_NAME).exists() for g in generations)
