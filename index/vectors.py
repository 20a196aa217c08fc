"""The FAISS index of passage vectors, chosen by size: exact search when small, IVF when large.

Below `EXACT_LIMIT` vectors an exact `IndexFlatIP` (in an `IndexIDMap2`) answers in a few ms. Above
it an `IndexIVFFlat` trained on the index's own vectors keeps a query near 1 ms at 100k and a few ms
at 1M, with recall@10 >= 0.99 of exact search (bench/speed.py). IVF, unlike HNSW, supports
`remove_ids`, so incremental updates keep working; a hash-table direct map serves `reconstruct`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

EXACT_LIMIT = 50_000
EXACT_AGAIN = EXACT_LIMIT // 2  # hysteresis: an IVF index shrinks back to exact only well below the limit
MIN_TRAIN_PER_LIST = 39  # faiss's own lower bound for a meaningful k-means
TRAIN_PER_LIST = 64  # k-means sample: enough points per centroid, bounded cost at 1M
PROBE_SHARE = 16  # probe 1/16 of the lists: recall@10 >= 0.99 on SQuAD questions (bench/speed.py)
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


def contents(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """Every (id, vector) an index holds, as an int64 array and a float32 matrix."""
    # A new name, not `index =`: the caller's wrapper owns the C++ object, and rebinding would drop the
    # last reference to it when the caller passed a temporary (`contents(faiss.read_index(path))` crashed).
    typed = faiss.downcast_index(index)
    if isinstance(typed, faiss.IndexIVF):
        lists = typed.invlists
        ids, rows = [], []
        for number in range(typed.nlist):
            size = lists.list_size(number)
            if size:
                ids.append(faiss.rev_swig_ptr(lists.get_ids(number), size).copy())
                codes = faiss.rev_swig_ptr(lists.get_codes(number), size * lists.code_size).copy()
                rows.append(_decode(typed, codes.reshape(size, lists.code_size)))
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros((0, typed.d), dtype=np.float32)
        return np.concatenate(ids), np.vstack(rows)
    ids = faiss.vector_to_array(typed.id_map).astype(np.int64)
    return ids, faiss.downcast_index(typed.index).reconstruct_n(0, typed.ntotal)


def _decode(index: faiss.IndexIVF, codes: np.ndarray) -> np.ndarray:
    """Vectors from one inverted list's codes: float32 as stored (IVFFlat) or 8-bit decoded (IVF-SQ8)."""
    if isinstance(index, faiss.IndexIVFScalarQuantizer):
        return index.sq.decode(codes)
    return codes.view(np.float32).reshape(len(codes), index.d)


def _ivf(ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
    """An IVF index of 8-bit codes trained on (a sample of) the vectors it then holds."""
    dim, nlist = vectors.shape[1], lists_for(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    # Codes of the vectors themselves, not of residuals: `contents` decodes a list without its centroid.
    index.by_residual = False
    index.own_fields = True
    quantizer.this.disown()  # the IVF index frees it
    index.cp.niter = 10
    sample = min(len(vectors), TRAIN_PER_LIST * nlist)
    chosen = np.random.default_rng(0).choice(len(vectors), sample, replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(chosen)]))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    index.add_with_ids(vectors, ids)
    index.nprobe = min(nlist, max(8, nlist // PROBE_SHARE))
    return index


def fit(index: faiss.Index) -> faiss.Index:
    """The index to store for its current size: kept as is, or rebuilt exact or (re)trained IVF."""
    count, current = index.ntotal, kind(index)
    if current == "exact" and count < EXACT_LIMIT:
        return index
    if current == "ivf" and count >= EXACT_AGAIN:
        nlist = faiss.downcast_index(index).nlist
        if lists_for(count) // 2 <= nlist <= lists_for(count) * 2:
            return index  # retrain only once the size moved by about 4x since training
    ids, vectors = contents(index)
    if count < EXACT_LIMIT:
        exact = empty(index.d)
        exact.add_with_ids(vectors, ids)
        return exact
    return _ivf(ids, vectors)


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


def reconstruct_many(index: faiss.Index, ids: np.ndarray) -> np.ndarray:
    """Stored vectors of many ids, in order: one pass over the index's contents when there are many."""
    if len(ids) <= 1000:  # a lookup each is cheaper than reading every list
        return reconstruct(index, ids.tolist())
    stored, matrix = contents(index)
    order = np.argsort(stored)
    return matrix[order[np.searchsorted(stored, ids, sorter=order)]]


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
