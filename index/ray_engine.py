"""`qa index --ray`: files read, cleaned and split by Ray Data CPU tasks, new text embedded by an actor pool.

Only `qa index --ray` imports this module, and so Ray. The driver (this process) still plans the update
(which files changed, which texts are new: `index.changes`) and writes the index (`index.update`), so
the Ray path skips the same unchanged files and already-embedded texts as the single-machine path and
builds the same index. Paths and texts cross the cluster as bytes (a text's lone surrogates kept). Every
node reads the files at the paths this machine found them (a shared file system) and has newsqa installed.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from index.embed import Embedder
from index.engine import Counted, Split, read_split
from index.errors import ClusterError

RAY_FIX = "pip install 'newsqa[ray]'"
WORKER_FIX = "see the workers' logs (/tmp/ray/session_latest/logs on each node)"
ADDRESS_FIX = "start the cluster (ray start --head, ray up cluster.yaml) or check the address: ray://HEAD:10001 or HEAD:6379"
READ_BATCH = 32  # files per read call: a Ray task costs ~1 ms to schedule, reading and splitting a file ~2-5 ms
EMBED_BATCH = 256  # texts per actor call: 4 of the model's CPU batches of 64; a GPU runs it as one
BLOCKS_PER_WORKER = 4  # enough blocks that the last ones do not leave the other workers idle
ROWS_PER_BLOCK = 4096  # and none so large that it weighs on the object store (4,096 texts: ~2 MB in, 6 MB out)
CONNECT_SECONDS = 5.0

Make = Callable[[str], Embedder]  # the model for one worker, given its device ("cpu" or "cuda")


def sentence_transformer(device: str) -> Embedder:
    """The real indexing model on one worker; larger batches where it has a GPU."""
    from index.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(batch_size=256 if device == "cuda" else 64, device=device)


@dataclass(frozen=True)
class Cluster:
    """The Ray cluster an update runs on: where it is and what it offers."""

    address: str
    cpus: int
    gpus: int


def _ray() -> ModuleType:
    """Ray and Ray Data, or the one-line fix when they are not installed."""
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise ClusterError("Ray is not installed", fix=RAY_FIX) from error
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # `qa index` shows its own progress
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.CRITICAL)  # its errors reach us as exceptions
    return ray


def _check_reachable(address: str) -> None:
    """Fail in seconds, with one line, where Ray itself would retry for a minute or more."""
    if address in ("auto", "local"):
        return
    client = address.startswith("ray://")
    host, colon, port = address.removeprefix("ray://").rpartition(":")
    if not colon:
        host, port = address.removeprefix("ray://"), "10001" if client else "6379"
    if not host or not port.isdigit():
        raise ClusterError(f"not a Ray cluster address: {address}", fix=ADDRESS_FIX)
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        raise ClusterError(f"cannot reach the Ray cluster at {address} ({error.strerror or error})",
                           fix=ADDRESS_FIX) from None


def _connect(ray: ModuleType, address: str) -> None:
    options: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if not address.startswith("ray://"):
        options["include_dashboard"] = False  # a cluster this starts is for one update: no dashboard
    try:
        # "auto": RAY_ADDRESS, else the cluster last started on this machine, else a new one on its cores.
        ray.init(address=None if address == "auto" else address, **options)
    except (ConnectionError, RuntimeError, TimeoutError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ClusterError(f"cannot use the Ray cluster at {address}: {first}", fix=ADDRESS_FIX) from None


@contextmanager
def ray_engine(address: str, make: Make | None = None, actors: int | None = None) -> Iterator[RayEngine]:
    """A `RayEngine` for the cluster at `address` ("auto" finds or starts one), disconnected after use."""
    ray = _ray()  # a missing Ray fails before any work,
    _check_reachable(address)  # and so does a cluster that is not there
    engine = RayEngine(ray, address, make or sentence_transformer, actors)
    try:
        yield engine
    finally:
        engine.close()


def _blocks(items: int, workers: int) -> int:
    """How many blocks to cut `items` rows into for `workers` parallel workers."""
    return max(1, min(items, max(workers * BLOCKS_PER_WORKER, math.ceil(items / ROWS_PER_BLOCK))))


def _read_batch(batch: dict[str, np.ndarray], max_bytes: int | None,
                fields: Mapping[str, str] | None) -> dict[str, Any]:
    """A Ray task's share of the files: each read and split, sent back pickled."""
    splits = [pickle.dumps(read_split(Path(os.fsdecode(bytes(raw))), max_bytes, fields), pickle.HIGHEST_PROTOCOL)
              for raw in batch["path"]]
    return {"i": batch["i"], "split": splits}


def _embedding_actor(make: Make, device: str) -> type:
    """The actor class of the embedding pool, with its model factory and device built in."""

    class Embed:
        def __init__(self) -> None:
            self.model = make(device)

        def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
            texts = [bytes(raw).decode("utf-8", "surrogatepass") for raw in batch["text"]]
            return {"i": batch["i"], "vector": self.model.embed(texts)}

    return Embed


class RayEngine:
    """Reads and splits files in Ray Data tasks and embeds texts in a pool of model actors (one per GPU, else CPU)."""

    def __init__(self, ray: ModuleType, address: str, make: Make, actors: int | None = None) -> None:
        self.ray, self.address, self.make, self.wanted = ray, address, make, actors
        self._cluster: Cluster | None = None
        self._started = False

    def cluster(self) -> Cluster:
        """The cluster, connected on first use: an update with nothing to read or embed never starts Ray."""
        if self._cluster is None:
            if not self.ray.is_initialized():  # a test's or a notebook's own session is used as it is
                _connect(self.ray, self.address)
                self._started = True
            resources = self.ray.cluster_resources()
            self._cluster = Cluster(self.address, int(resources.get("CPU", 0)), int(resources.get("GPU", 0)))
        return self._cluster

    @property
    def gpu(self) -> bool:
        return self.cluster().gpus > 0

    @property
    def actors(self) -> int:
        """Embedding actors: one per GPU where the cluster has GPUs, else one per CPU."""
        cluster = self.cluster()
        return self.wanted or max(1, cluster.gpus if self.gpu else cluster.cpus)

    def close(self) -> None:
        """Shut down the Ray session this engine started, if it did."""
        if self._started:
            self.ray.shutdown()
            self._started, self._cluster = False, None

    def read(self, paths: Sequence[Path], max_bytes: int | None, fields: Mapping[str, str] | None,
             done: Counted | None) -> Iterator[Split]:
        if not paths:
            return iter(())
        rows = [{"i": i, "path": os.fsencode(path)} for i, path in enumerate(paths)]
        dataset = self.ray.data.from_items(rows, override_num_blocks=_blocks(len(rows), max(1, self.cluster().cpus)))
        dataset = dataset.map_batches(_read_batch, batch_size=READ_BATCH, batch_format="numpy", num_cpus=1,
                                      fn_kwargs={"max_bytes": max_bytes, "fields": dict(fields) if fields else None})
        splits: list[Split | None] = [None] * len(paths)
        count = 0
        for batch in self._results(dataset):
            for i, blob in zip(batch["i"], batch["split"]):
                splits[int(i)] = pickle.loads(bytes(blob))
            count += len(batch["i"])
            if done:
                done(count)
        return iter([split for split in splits if split is not None])

    def embed(self, texts: Sequence[str], done: Counted | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        # Texts go longest first (as `embed_new` orders them), so each batch pads to similar lengths.
        rows = [{"i": i, "text": text.encode("utf-8", "surrogatepass")} for i, text in enumerate(texts)]
        blocks = _blocks(len(rows), self.actors)
        dataset = self.ray.data.from_items(rows, override_num_blocks=blocks)
        dataset = dataset.map_batches(
            _embedding_actor(self.make, "cuda" if self.gpu else "cpu"), batch_size=EMBED_BATCH,
            batch_format="numpy", compute=self.ray.data.ActorPoolStrategy(size=min(self.actors, blocks)),
            num_cpus=1, num_gpus=1 if self.gpu else 0,
        )
        vectors: np.ndarray | None = None
        count = 0
        for batch in self._results(dataset):
            if vectors is None:
                vectors = np.zeros((len(texts), batch["vector"].shape[1]), dtype=np.float32)
            vectors[batch["i"].astype(np.int64)] = batch["vector"]
            count += len(batch["i"])
            if done:
                done(count)
        assert vectors is not None and count == len(texts), "every text comes back embedded once"
        return vectors

    def _results(self, dataset: Any) -> Iterator[dict[str, np.ndarray]]:
        """A dataset's output batches as they finish; a worker's failure as one line."""
        try:
            yield from dataset.iter_batches(batch_format="numpy", batch_size=None)
        except self.ray.exceptions.RayError as error:
            raise ClusterError(f"a Ray worker failed: {_last_line(error)}", fix=WORKER_FIX) from error


def _last_line(error: BaseException) -> str:
    """What a remote failure comes to: the last line of its traceback ("ModelError: the model package ...")."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    last = lines[-1] if lines else type(error).__name__
    name, colon, message = last.partition(": ")
    return f"{name.rsplit('.', 1)[-1]}: {message}" if colon and " " not in name else last
