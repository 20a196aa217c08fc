"""A crafted index (files rewritten and their checksums recorded anew) fails as damage, in one line, on `ask` and
`qa check` alike: the shapes, types and bounds of a segment's arrays and term list are checked, not trusted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bench.common import HashEmbedder
from index.checksums import generation_checksum
from index.errors import IndexDamagedError
from index.postings import OFFSETS_NAME, ROWS_NAME, TERMS_NAME
from index.segments import LENGTHS_NAME
from index.store import MANIFEST_NAME, IndexReader, current_generation
from index.words import tokens
from tests.conftest import live_segment


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user's settings or data folder reach the commands run here."""
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QA_INDEX", raising=False)


def _rows_past_the_segment(segment: Path) -> None:
    rows = np.load(segment / ROWS_NAME)
    rows[:] = 10**9
    np.save(segment / ROWS_NAME, rows)


def _offsets_out_of_range(segment: Path) -> None:
    offsets = np.load(segment / OFFSETS_NAME)
    offsets[1:-1] = 10**12  # first and last kept: the totals still agree
    np.save(segment / OFFSETS_NAME, offsets)


def _lengths(change: Callable[[np.ndarray], np.ndarray]) -> Callable[[Path], None]:
    return lambda segment: np.save(segment / LENGTHS_NAME, change(np.load(segment / LENGTHS_NAME)))


def _terms(change: Callable[[list[str]], str]) -> Callable[[Path], None]:
    return lambda segment: (segment / TERMS_NAME).write_text(
        change(json.loads((segment / TERMS_NAME).read_text(encoding="utf-8"))), encoding="utf-8")


CRAFTED = {
    "term_rows-1e9": _rows_past_the_segment,
    "term_offsets-out-of-range": _offsets_out_of_range,
    "lengths-ids-only": _lengths(lambda lengths: lengths[0]),
    "lengths-one-row": _lengths(lambda lengths: lengths[:1]),
    "lengths-short": _lengths(lambda lengths: lengths[:, :-2]),
    "lengths-floats": _lengths(lambda lengths: lengths.astype(np.float64)),
    "terms-list-of-lists": _terms(lambda terms: json.dumps([[term] for term in terms])),
    "terms-numbers": _terms(lambda terms: json.dumps(list(range(len(terms))))),
    "terms-object": _terms(lambda terms: json.dumps({term: 1 for term in terms})),
    "terms-nested-100k": _terms(lambda terms: "[" * 100_000 + "]" * 100_000),
}


def craft(index: Path, kind: str) -> None:
    """Rewrite one file of the live segment, then record its checksum as if the index had been written so."""
    segment = live_segment(index)
    CRAFTED[kind](segment)
    manifest_path = current_generation(index) / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry = next(entry for entry in manifest["segments"] if entry["name"] == segment.name)
    entry["checksums"] = {name: generation_checksum(segment / name) for name in entry["checksums"]}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def search(index: Path) -> None:
    """Open the index and search it both ways, as `ask` does."""
    reader = IndexReader.open(index)
    try:
        reader.lexical_search(tokens("how many workers are in russia and north korea"), 5)
        reader.dense_search(HashEmbedder().embed(["how many workers"])[0], 5)
    finally:
        reader.close()


@pytest.mark.parametrize("kind", sorted(CRAFTED))
def test_a_crafted_segment_is_damage_when_searched(fake_index, kind):
    craft(fake_index, kind)
    with pytest.raises(IndexDamagedError) as caught:
        search(fake_index)
    assert "\n" not in str(caught.value) and "--rebuild" in str(caught.value)


@pytest.mark.parametrize("kind", sorted(CRAFTED))
def test_qa_check_reports_a_crafted_segment_in_one_line(fake_index, kind, capsys):
    from qa.cli import qa_main

    craft(fake_index, kind)
    assert qa_main(["check", "--index", str(fake_index)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip() and line.startswith("error")]
    assert len(err) == 1 and "--rebuild" in err[0], err


@pytest.mark.parametrize("kind", ["term_rows-1e9", "lengths-ids-only", "terms-list-of-lists", "terms-nested-100k"])
def test_ask_reports_a_crafted_segment_in_one_line(fake_index, kind, capsys, monkeypatch):
    """The issue's four cases through `ask` itself, the stand-in model answering for the real one."""
    import index.onnx_embed
    from qa.cli import ask_main

    monkeypatch.setattr(IndexReader, "check_model", lambda self, name, dim: None)
    monkeypatch.setattr(index.onnx_embed.OnnxEmbedder, "open", classmethod(lambda cls, folder, threads=1: HashEmbedder()))
    craft(fake_index, kind)
    assert ask_main(["how many workers are in Russia?", "--index", str(fake_index)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: ") and "--rebuild" in err[0], err


MANIFESTS = {
    "segment-a-number": lambda manifest: {**manifest, "segments": [1]},
    "segment-outside": lambda manifest: {**manifest, "segments": [{**manifest["segments"][0], "name": "../../x"}]},
    "checksum-of-another-file": lambda manifest: {**manifest, "segments": [
        {**manifest["segments"][0], "checksums": {"../../etc/passwd": {"size": 1}}}]},
    "deleted-a-list": lambda manifest: {**manifest, "deleted": ["x"]},
    "format-a-string": lambda manifest: {**manifest, "format_version": "4\n"},
    "nested-100k": lambda manifest: "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("kind", sorted(MANIFESTS))
def test_a_crafted_manifest_is_damage_in_one_line(fake_index, kind, capsys):
    from qa.cli import qa_main

    path = current_generation(fake_index) / MANIFEST_NAME
    crafted = MANIFESTS[kind](json.loads(path.read_text(encoding="utf-8")))
    path.write_text(crafted if isinstance(crafted, str) else json.dumps(crafted), encoding="utf-8")
    with pytest.raises(IndexDamagedError, match="index manifest in .* is unreadable"):
        IndexReader.open(fake_index)
    for command in (["check"], ["docs"]):
        assert qa_main([*command, "--index", str(fake_index)]) == 2
        err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        assert len(err) == 1 and err[0].startswith("error: ") and "--rebuild" in err[0], err
