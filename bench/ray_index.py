"""Indexing on Ray (`qa index --ray`) against the in-process path, on the same corpus and machine.

The corpus is SQuAD v1.1 dev paragraphs, one .txt file each (the first `--files`). Each build is a
fresh process (imports and model loading included) that makes a new index with the real model, timed
end to end: reading, splitting, embedding, writing. The builds run Ray, in-process, in-process, Ray,
so load that drifts during the run weighs on both; a local Ray instance is started once before them
(timed on its own, as a cluster is up before a job). Neither way exports the query model. The steady
rate runs from the first vectors back to the last, so start-up is left out; Ray's steady rate over its
workers projects 10M articles of ~6 passages each. The first index of each way are compared: same
passages and offsets, and the largest vector difference. Prints one JSON line.
Run: `.venv/bin/python -m bench.ray_index` from the repository root (`pip install -e '.[ray]'`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.common import DATA, OUT, ROOT, load, module_command
from index.engine import Named
from index.store import IndexReader
from index.update import update_index

ARTICLES = 10_000_000
PASSAGES_PER_ARTICLE = 6


class Unexported:
    """The real model without its ONNX export, so neither timed build pays for the query model."""

    def __init__(self) -> None:
        from index.embed import SentenceTransformerEmbedder

        self.model = SentenceTransformerEmbedder()
        self.name, self.dim = self.model.name, self.model.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.embed(texts)


class Clock:
    """Progress callback that stamps each embedding count, for the steady rate."""

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self.marks: list[tuple[float, int]] = []
        self.read_at: float | None = None  # seconds from the start to the last file read

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "reading" and done == total:
            self.read_at = self.read_at or time.perf_counter() - self.began
        if stage == "embedding" and done > 0:
            self.marks.append((time.perf_counter(), done))

    def phases(self) -> dict[str, float | None]:
        """When reading ended and the first vectors came back, in seconds from the start."""
        first = round(self.marks[0][0] - self.began, 1) if self.marks else None
        return {"files_read_s": round(self.read_at, 1) if self.read_at else None, "first_vectors_s": first}

    def steady(self) -> float | None:
        """Passages per second from the first count after the first batch to the last."""
        if len(self.marks) < 2:
            return None
        (t0, n0), (t1, n1) = self.marks[0], self.marks[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else None


def rows_and_vectors(folder: Path) -> tuple[list[tuple], dict[int, np.ndarray]]:
    reader = IndexReader.open(folder)
    try:
        rows = sorted(reader.db.execute("SELECT id, path, part, start, end, line, text, raw, page FROM passages"))
        ids = [row[0] for row in rows]
        return rows, dict(zip(ids, reader.vectors_of(ids)))
    finally:
        reader.close()


def build(way: str, docs: Path, index: Path, address: str) -> None:
    """One timed build in this (fresh) process, printed as one JSON line for `main` to collect."""
    began = time.perf_counter()
    clock = Clock()
    if way == "ray":
        from index.embed import MODEL_DIM, MODEL_NAME
        from index.ray_engine import ray_engine

        with ray_engine(address) as engine:
            summary = update_index(index, [docs], Named(MODEL_NAME, MODEL_DIM), progress=clock, engine=engine)
            workers = engine.actors
    else:
        import torch

        summary = update_index(index, [docs], Unexported(), progress=clock)
        workers = torch.get_num_threads()
    seconds = time.perf_counter() - began
    print(json.dumps({"way": way, "seconds": seconds, "embedded": summary.embedded, "passages": summary.passages,
                      "steady": clock.steady(), "workers": workers, **clock.phases()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2067, help="SQuAD dev paragraphs, one file each (default all)")
    parser.add_argument("--build", nargs=4, metavar=("WAY", "DOCS", "INDEX", "ADDRESS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        way, docs, index, address = args.build
        return build(way, Path(docs), Path(index), address)

    paragraphs, _ = load(DATA)
    root = OUT / f"ray-{args.files}"
    shutil.rmtree(root, ignore_errors=True)
    docs = root / "docs"
    docs.mkdir(parents=True)
    for number, text in enumerate(paragraphs[: args.files]):
        (docs / f"p{number:05d}.txt").write_text(text + "\n", encoding="utf-8")
    old = time.time() - 3600
    for path in docs.iterdir():
        os.utime(path, (old, old))

    import ray

    began = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    cluster_start = time.perf_counter() - began
    address = ray.get_runtime_context().gcs_address
    runs: dict[str, list[dict]] = {"ray": [], "here": []}
    try:
        # Ray, here, here, Ray: a machine whose load drifts during the run weighs on both ways alike.
        for number, way in enumerate(("ray", "here", "here", "ray")):
            child = subprocess.run(module_command("bench.ray_index", "--build", way, str(docs),
                                                  str(root / f"index-{number}"), address),
                                   cwd=ROOT, capture_output=True, text=True, check=True)
            runs[way].append(json.loads(child.stdout.strip().splitlines()[-1]))
    finally:
        ray.shutdown()

    rows_ray, vectors_ray = rows_and_vectors(root / "index-0")
    rows_here, vectors_here = rows_and_vectors(root / "index-1")
    same = rows_ray == rows_here and vectors_ray.keys() == vectors_here.keys()
    worst = max(float(np.abs(vectors_ray[i] - vectors_here[i]).max()) for i in vectors_here) if same else None

    def rate(way: str) -> float:
        return sum(r["embedded"] for r in runs[way]) / sum(r["seconds"] for r in runs[way])

    steady = [r["steady"] for r in runs["ray"] if r["steady"]]
    workers = runs["ray"][0]["workers"]
    per_worker = (sum(steady) / len(steady) if steady else rate("ray")) / workers
    total = ARTICLES * PASSAGES_PER_ARTICLE
    print(json.dumps({
        "files": args.files,
        "passages": runs["here"][0]["passages"],
        "cpus": os.cpu_count(),
        "torch_threads_in_process": runs["here"][0]["workers"],
        "ray_workers": workers,
        "ray_cluster_start_s": round(cluster_start, 1),
        "ray_s": [round(r["seconds"], 1) for r in runs["ray"]],
        "in_process_s": [round(r["seconds"], 1) for r in runs["here"]],
        "ray_passages_per_s": round(rate("ray"), 1),
        "in_process_passages_per_s": round(rate("here"), 1),
        "ratio": round(rate("ray") / rate("here"), 3),
        "ray_steady_passages_per_s": [round(r["steady"], 1) if r["steady"] else None for r in runs["ray"]],
        "in_process_steady_passages_per_s": [round(r["steady"], 1) if r["steady"] else None for r in runs["here"]],
        "per_worker_passages_per_s": round(per_worker, 1),
        "ray_first_vectors_s": [r["first_vectors_s"] for r in runs["ray"]],
        "in_process_first_vectors_s": [r["first_vectors_s"] for r in runs["here"]],
        "same_passages_and_offsets": same,
        "max_vector_diff": worst,
        "projection_10M_articles": {
            "passages": total,
            "days_one_worker": round(total / per_worker / 86400, 1),
            "hours_64_workers": round(total / per_worker / 64 / 3600, 1),
            "hours_512_workers": round(total / per_worker / 512 / 3600, 1),
        },
    }))


if __name__ == "__main__":
    main()
