"""The FAISS index by size: exact when small, trained IVF when large, incremental updates either way."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from bench.common import HashEmbedder
from index import vectors
from index.store import IndexReader
from index.update import optimize_index, update_index
from tests.index.test_update import ARTICLE, search_paths
from dataclasses import replace
import index.config as settings


def clustered(count: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors around 40 centres: structured like text embeddings, unlike uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    points = centres[rng.integers(0, 40, count)] + 0.5 * rng.standard_normal((count, dim))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points.astype(np.float32)


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, exact_limit=3000))


def within_a_step(found: np.ndarray, expected: np.ndarray, data: np.ndarray) -> bool:
    """IVF keeps 8-bit codes: each coordinate within one step (1/255) of its dimension's trained range."""
    step = (data.max(axis=0) - data.min(axis=0)) / 255
    return bool((np.abs(found - expected) <= step).all())


def test_list_count_grows_with_the_square_root():
    assert vectors.lists_for(100_000) == 1024 and vectors.lists_for(1_000_000) == 4096
    assert vectors.lists_for(100) == 2  # never more lists than k-means can train


def test_large_index_becomes_ivf_holding_every_vector(small_limit):
    data = clustered(4000)
    ids = np.arange(100, 4100, dtype=np.int64)
    ivf = vectors.build(ids, data)
    exact = vectors.empty(64)
    exact.add_with_ids(data, ids)
    assert vectors.kind(ivf) == "ivf" and ivf.ntotal == 4000
    assert within_a_step(vectors.reconstruct(ivf, [100, 2100, 4099]), data[[0, 2000, 3999]], data)
    found, stored = vectors.contents(ivf)
    assert sorted(found) == list(ids)
    assert within_a_step(stored[np.argsort(found)], data, data)
    _, top = vectors.search(ivf, data[7], 1)
    assert top[0][0] == 107
    queries = clustered(50, seed=1)
    hits = [set(vectors.search(ivf, q, 10)[1][0]) & set(vectors.search(exact, q, 10)[1][0]) for q in queries]
    assert np.mean([len(h) for h in hits]) / 10 >= 0.9


def test_a_spool_keeps_vectors_on_disk_until_sealed_exact_or_ivf_by_size(small_limit, tmp_path):
    data = clustered(4000)
    spool = vectors.Spool(tmp_path / "big.spool", 64)
    for start in range(0, 4000, 700):
        spool.add(data[start : start + 700], np.arange(start, min(start + 700, 4000), dtype=np.int64))
    assert (tmp_path / "big.spool").stat().st_size == 4000 * 64 * 4
    ivf = spool.seal()
    assert vectors.kind(ivf) == "ivf" and ivf.ntotal == 4000 and not (tmp_path / "big.spool").exists()
    assert within_a_step(vectors.reconstruct(ivf, [3500]), data[[3500]], data)
    small = vectors.Spool(tmp_path / "small.spool", 64)
    small.add(data[:100], np.arange(100, dtype=np.int64))
    exact = small.seal()
    assert vectors.kind(exact) == "exact" and np.array_equal(exact.reconstruct(42), data[42])
    chunked = list(vectors.chunks(ivf))
    assert sum(len(ids) for ids, _ in chunked) == 4000 and all(len(ids) == len(rows) for ids, rows in chunked)


def test_stored_ivf_is_memory_mapped_and_searchable(small_limit, tmp_path):
    data = clustered(4000)
    faiss.write_index(vectors.build(np.arange(4000, dtype=np.int64), data), str(tmp_path / "v.faiss"))
    mapped = vectors.read(tmp_path / "v.faiss")
    assert vectors.kind(mapped) == "ivf"
    assert vectors.search(mapped, data[42], 1)[1][0][0] == 42
    assert within_a_step(vectors.reconstruct(mapped, [42]), data[[42]], data)


def test_updates_cross_the_threshold_both_ways(small_limit, monkeypatch, tmp_path: Path, seed_copy: Path):
    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, exact_limit=40))
    index_dir = tmp_path / "index"
    embedder = HashEmbedder()
    for number in range(8):
        (seed_copy / f"zebra{number}.txt").write_text(ARTICLE.replace("300", str(500 + number)), encoding="utf-8")
    update_index(index_dir, [seed_copy], embedder)
    reader = IndexReader.open(index_dir)
    assert [s.kind() for s in reader.segments] == ["ivf"] and reader.vector_count == reader.manifest.passages
    reader.close()
    dense, lexical = search_paths(index_dir, embedder, "glowing zebrafinch colony harbour cranes")
    assert any("zebra" in path for path in dense) and any("zebra" in path for path in lexical)

    for path in seed_copy.glob("0*.txt"):
        path.unlink()
    summary = update_index(index_dir, [seed_copy], embedder)
    optimize_index(index_dir)  # deletes are tombstones; the merge rewrites the segment at its new size
    reader = IndexReader.open(index_dir)
    try:
        assert summary.removed == 5 and reader.vector_count == reader.manifest.passages
        assert [s.kind() for s in reader.segments] == ["exact" if summary.passages < 40 else "ivf"]
    finally:
        reader.close()
    dense, _ = search_paths(index_dir, embedder, "glowing zebrafinch colony harbour cranes")
    assert dense and all("zebra" in path for path in dense)


def test_contents_of_an_index_nothing_else_holds(tmp_path: Path):
    # contents() once rebound its argument to a downcast view and dropped the only owner: a segfault,
    # so this runs in a child process and checks its exit.
    import subprocess
    import sys

    index = vectors.empty(4)
    index.add_with_ids(np.eye(4, dtype=np.float32), np.arange(10, 14, dtype=np.int64))
    path = tmp_path / "v.faiss"
    faiss.write_index(index, str(path))
    code = ("import sys, faiss; from index import vectors; "
            f"ids, rows = vectors.contents(faiss.read_index({str(path)!r})); "
            "assert list(ids) == [10, 11, 12, 13] and rows.shape == (4, 4), ids; print('ok')")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           cwd=Path(__file__).resolve().parents[2])
    assert child.returncode == 0 and child.stdout.strip() == "ok", (child.returncode, child.stderr[-300:])


@pytest.fixture
def tiny_pq(monkeypatch):
    """Product quantisation from 200 passages on (4M in use), 16-byte codes for the stand-in model's 384 dims."""
    monkeypatch.setattr(settings, "INDEX", replace(settings.INDEX, exact_limit=100, pq_limit=200, pq_bytes=16))


def test_a_huge_segment_is_product_quantised_and_reranked_from_float16_copies(tiny_pq, tmp_path: Path):
    from index.check import check_index
    from index.errors import IndexDamagedError
    from tests.conftest import live_segment
    from tests.index.test_segments import questions, write_corpus

    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, files=150)
    index_dir = tmp_path / "index"
    embedder = HashEmbedder()
    update_index(index_dir, [corpus], embedder)
    reader = IndexReader.open(index_dir)
    (segment,) = reader.segments
    assert vectors.quantised(segment.index()) and segment.raw is not None and segment.live >= 200
    ids = np.asarray(segment.ids)
    exact = vectors.empty(embedder.dim)
    exact.add_with_ids(np.asarray(segment.raw, dtype=np.float32), ids)
    agree = []
    for question in questions(40):
        vector = embedder.embed([question])[0]
        found = [pid for pid, _ in reader.dense_search(vector, 10)]
        truth = vectors.search(exact, vector, 10)[1][0].tolist()
        agree.append(len(set(found) & set(truth)) / 10)
    # The float16 copies rank: the hybrid's dense side stays within a rounding of exact search.
    assert np.mean(agree) >= 0.98
    assert np.allclose(reader.vectors_of(ids[:3].tolist()), embedder.embed([p.text for p in reader.passages(
        ids[:3].tolist()).values()]), atol=2e-3)
    reader.close()

    paths[0].unlink()
    update_index(index_dir, [corpus], embedder)
    optimize_index(index_dir)  # the merge reads the float16 copies, not the lossy codes
    reader = IndexReader.open(index_dir)
    (merged,) = reader.segments
    kept = np.asarray(merged.ids)
    assert vectors.quantised(merged.index()) and len(kept) == reader.manifest.passages < len(ids)
    assert np.array_equal(np.asarray(merged.raw), np.asarray(segment.raw)[np.searchsorted(ids, kept)])
    reader.close()
    check_index(index_dir)
    raw = live_segment(index_dir) / vectors.RAW_NAME
    raw.write_bytes(raw.read_bytes()[:-64])
    with pytest.raises(IndexDamagedError):
        check_index(index_dir)
