"""The FAISS index of a segment's passage vectors, chosen by size: exact search when small, IVF when large.

Below `IndexConfig.exact_limit` vectors an exact `IndexFlatIP` (in an `IndexIDMap2`) answers in a few ms. Above it,
an IVF index of 8-bit scalar-quantised codes (IVF-SQ8, 384 bytes a vector instead of 1,536), trained on
the segment's own vectors (from `pq_limit` on, IVF-PQ with re-scoring, below): at 1M passages its codes take 384 MB memory-mapped and a query 5.5 ms, and
the hybrid top 10 agrees with exact search on 0.995 of hits (bench/million.py). Float32 lists (IVFFlat)
would have been 1.5 GB, past the 1.5 GB a process may hold at 1M. IVF, unlike HNSW, supports
`remove_ids`; a hash-table direct map serves `reconstruct`. A segment's vectors wait in a file
(`Spool`) until it is sealed and are added to the index in chunks, so writing or merging a million
passages never holds them all in memory. Decoded vectors (a merge's input) are within one 8-bit step
of the originals.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import faiss
import numpy as np

import index.config as settings

# The tiers' sizes are IndexConfig's. From pq_limit on a segment's IVF holds product-quantised codes
# (pq_bytes a vector: 640 MB at 10M, where 8-bit codes would take 3.8 GB), and each search re-scores
# rerank× the hits wanted from float16 copies of the vectors kept on disk (RAW_NAME, rows in id order),
# which also feed merges: PQ codes are too lossy to be decoded and quantised again. 8-bit codes at 1M
# keep 0.983 of the exact top 10 (nprobe 256, bench/dense.py).
RAW_NAME = "vectors.f16.npy"
MIN_TRAIN_PER_LIST = 39  # faiss's own lower bound for a meaningful k-means
ADD_CHUNK = 65_536  # vectors added to an IVF index at a time (96 MB of float32)
# Memory-map flat codes and IVF lists alike: opening an index reads no vectors into memory.
READ_FLAGS = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY


def empty(dim: int) -> faiss.Index:
    """A new, exact, id-addressed index."""
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def lists_for(count: int) -> int:
    """IVF list count for `count` vectors: a power of two near 4·sqrt(n) (1,024 at 100k, 4,096 at 1M)."""
    lists = 2 ** round(math.log2(4 * math.sqrt(max(count, 1))))
    while lists > 1 and lists * MIN_TRAIN_PER_LIST > count:  # k-means needs points for every centroid
        lists //= 2
    return lists


def kind(index: faiss.Index) -> str:
    """'ivf' or 'exact', as stored."""
    return "ivf" if isinstance(faiss.downcast_index(index), faiss.IndexIVF) else "exact"


def chunks(index: faiss.Index) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every (ids, vectors) an index holds, a list (IVF) or `ADD_CHUNK` rows (exact) at a time."""
    # A new name, not `index =`: the caller's wrapper owns the C++ object, and rebinding would drop the
    # last reference to it when the caller passed a temporary (`contents(faiss.read_index(path))` crashed).
    typed = faiss.downcast_index(index)
    if isinstance(typed, faiss.IndexIVF):
        lists = typed.invlists
        for number in range(typed.nlist):
            size = lists.list_size(number)
            if size:
                ids = faiss.rev_swig_ptr(lists.get_ids(number), size).copy()
                codes = faiss.rev_swig_ptr(lists.get_codes(number), size * lists.code_size).copy()
                yield ids, _decode(typed, number, codes.reshape(size, lists.code_size))
        return
    ids = faiss.vector_to_array(typed.id_map).astype(np.int64)
    flat = faiss.downcast_index(typed.index)
    for start in range(0, len(ids), ADD_CHUNK):
        count = min(ADD_CHUNK, len(ids) - start)
        yield ids[start : start + count], flat.reconstruct_n(start, count)


def contents(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """Every (id, vector) an index holds, as an int64 array and a float32 matrix."""
    found = list(chunks(index))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros((0, index.d), dtype=np.float32)
    return np.concatenate([ids for ids, _ in found]), np.vstack([rows for _, rows in found])


def _decode(index: faiss.IndexIVF, number: int, codes: np.ndarray) -> np.ndarray:
    """Vectors from one inverted list's codes: float32 as stored (IVFFlat), 8-bit decoded (IVF-SQ8), or
    product-quantised residuals plus the list's centroid (IVF-PQ)."""
    if isinstance(index, faiss.IndexIVFScalarQuantizer):
        return index.sq.decode(codes)
    if isinstance(index, faiss.IndexIVFPQ):
        return index.pq.decode(codes) + index.quantizer.reconstruct(number)
    return codes.view(np.float32).reshape(len(codes), index.d)


def _ivf(ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
    """An IVF index of 8-bit codes trained on a sample of the vectors, which are then added a chunk at a time."""
    dim, nlist = vectors.shape[1], lists_for(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    # Codes of the vectors themselves, not of residuals: `contents` decodes a list without its centroid.
    index.by_residual = False
    index.own_fields = True
    quantizer.this.disown()  # the IVF index frees it
    index.cp.niter = 10
    sample = min(len(vectors), settings.INDEX.train_per_list * nlist)
    chosen = np.random.default_rng(0).choice(len(vectors), sample, replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(chosen)]))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    # `vectors` may be a memory-mapped spool: chunks keep the float32 copy small whatever the segment's size.
    for start in range(0, len(vectors), ADD_CHUNK):
        index.add_with_ids(np.ascontiguousarray(vectors[start : start + ADD_CHUNK]), ids[start : start + ADD_CHUNK])
    index.nprobe = min(nlist, max(8, nlist // settings.INDEX.probe_share))
    return index


def _ivf_pq(ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
    """An IVF index of pq_bytes-byte product-quantised residuals, trained on a sample, added in chunks."""
    dim, nlist = vectors.shape[1], lists_for(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFPQ(quantizer, dim, nlist, settings.INDEX.pq_bytes, 8, faiss.METRIC_INNER_PRODUCT)
    index.own_fields = True
    quantizer.this.disown()
    index.cp.niter = 10
    sample = min(len(vectors), max(settings.INDEX.train_per_list * nlist, 256 * MIN_TRAIN_PER_LIST))
    chosen = np.random.default_rng(0).choice(len(vectors), sample, replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(chosen)]))
    # No direct map: stored vectors come from the float16 copies, and a hash table would cost ~40 bytes a
    # vector, more than half the codes themselves.
    for start in range(0, len(vectors), ADD_CHUNK):
        index.add_with_ids(np.ascontiguousarray(vectors[start : start + ADD_CHUNK]), ids[start : start + ADD_CHUNK])
    index.nprobe = min(nlist, max(8, nlist // settings.INDEX.probe_share))
    return index


def quantised(index: faiss.Index) -> bool:
    """Whether an index holds product-quantised codes, whose hits are re-scored from float16 vectors."""
    return isinstance(faiss.downcast_index(index), faiss.IndexIVFPQ)


def build(ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
    """The index to store for a segment of this size: exact when small, IVF when large, IVF-PQ when huge."""
    if len(vectors) < settings.INDEX.exact_limit:
        exact = empty(vectors.shape[1])
        if len(vectors):
            exact.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
        return exact
    return _ivf(ids, vectors) if len(vectors) < settings.INDEX.pq_limit else _ivf_pq(ids, vectors)


def write_raw(path: Path, ids: np.ndarray, vectors: np.ndarray) -> None:
    """Float16 copies of the vectors, one row per id in ascending id order, written a chunk at a time."""
    order = np.argsort(ids, kind="stable")
    raw = np.lib.format.open_memmap(path, mode="w+", dtype=np.float16, shape=vectors.shape)
    for start in range(0, len(order), ADD_CHUNK):
        rows = order[start : start + ADD_CHUNK]
        raw[start : start + len(rows)] = vectors[np.sort(rows)][np.argsort(np.argsort(rows))]
    raw.flush()
    del raw


class Spool:
    """A segment's vectors as they are added, kept in a file until sealed: a writer's memory stays flat."""

    def __init__(self, path: Path, dim: int) -> None:
        self.path, self.dim = path, dim
        self.handle = open(path, "wb")
        self.ids: list[np.ndarray] = []
        self.count = 0

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        self.handle.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
        self.ids.append(np.asarray(ids, dtype=np.int64))
        self.count += len(ids)

    def seal(self) -> faiss.Index:
        """The stored index of every vector added (and RAW_NAME beside the spool when quantised); the spool is removed."""
        self.handle.close()
        ids = np.concatenate(self.ids) if self.ids else np.zeros(0, dtype=np.int64)
        matrix = (np.memmap(self.path, dtype=np.float32, mode="r", shape=(self.count, self.dim)) if self.count
                  else np.zeros((0, self.dim), dtype=np.float32))
        try:
            index = build(ids, matrix)
            if quantised(index):
                write_raw(self.path.with_name(RAW_NAME), ids, matrix)
            return index
        finally:
            del matrix
            self.path.unlink(missing_ok=True)

    def discard(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


def read(path: Path, mapped: bool = True) -> faiss.Index:
    """Read a stored index, memory-mapped (readers) or into memory (a writer that will change it)."""
    return faiss.read_index(str(path), READ_FLAGS if mapped else 0)


def search(index: faiss.Index, vector: np.ndarray, k: int, ids: np.ndarray | None = None,
           share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Scores and ids of the k nearest vectors to one query, on one thread; only among `ids` when given.

    `share` is the part of the index `ids` make up: an IVF index probes 1/share times as many lists, so as
    many allowed vectors are compared as an unfiltered search compares (all lists at most).
    """
    # One query on two shared cores: OpenMP fan-out costs more than it saves (6 ms vs 14 ms at 100k).
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    query = vector.reshape(1, -1).astype(np.float32)
    try:
        if ids is None:
            return index.search(query, k)
        # The selector is checked inside the scan, so the k best allowed vectors come back, not k filtered afterwards.
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64))
        inner = faiss.downcast_index(index)
        if isinstance(inner, faiss.IndexIVF):
            probes = min(inner.nlist, math.ceil(inner.nprobe / max(share, 1e-9)))
            params: faiss.SearchParameters = faiss.SearchParametersIVF(sel=selector, nprobe=probes)
        else:
            params = faiss.SearchParameters(sel=selector)
        return index.search(query, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)


def reconstruct(index: faiss.Index, ids: Sequence[int]) -> np.ndarray:
    """Stored vectors of the given ids, in order."""
    if not len(ids):
        return np.zeros((0, index.d), dtype=np.float32)
    return np.vstack([index.reconstruct(int(i)) for i in ids])


def search_without(index: faiss.Index, vector: np.ndarray, k: int, dead: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`search`, leaving out the `dead` ids (a segment's tombstoned passages) inside the scan."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        inner = faiss.IDSelectorBatch(np.ascontiguousarray(dead, dtype=np.int64))
        selector = faiss.IDSelectorNot(inner)
        ivf = faiss.downcast_index(index)
        params: faiss.SearchParameters = (faiss.SearchParametersIVF(sel=selector, nprobe=ivf.nprobe)
                                          if isinstance(ivf, faiss.IndexIVF) else faiss.SearchParameters(sel=selector))
        return index.search(vector.reshape(1, -1).astype(np.float32), k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
