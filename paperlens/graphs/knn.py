"""Nearest neighbours by cosine similarity between L2-normalised sparse rows (TF-IDF).

Two methods; both return, for every row, the ``k`` most similar *other* rows and
their cosine similarities (float32, computed exactly), best first:

``"exact"`` (:func:`exact_kneighbors`)
    A compiled kernel (numba, :mod:`paperlens.graphs._knn_kernels`) walks, for
    each row, the rows after it that share each of its terms (the transposed
    matrix), accumulating their dot products into a dense accumulator, and offers
    each score to both rows' top ``k``: every pair is scored once. Rows are shared
    between numba's threads; each score is summed by one thread in a fixed order
    (the row's terms, ascending, in float64), and a top ``k`` under a total order
    does not depend on the order of the offers, so the result is the same with
    any number of threads. The same neighbours as scikit-learn's brute-force search.
``"approximate"`` (:func:`approximate_kneighbors`)
    The few frequent terms (in more than 5% of the rows: a few hundred of
    hundreds of thousands of phrases) cost most of that product, because their
    long lists of papers meet in almost every pair. So the score of a pair is
    computed exactly on all other terms, plus a rank-16 projection of the
    frequent terms (a dense BLAS product); about 80 candidates per row with the
    best scores are then re-scored exactly and the top ``k`` kept. Scores are
    symmetric, so each pair is scored about once, and from
    :data:`PARALLEL_MIN_ROWS` rows worker processes share the work. A true
    neighbour can be missed (recall@10 about 0.998 on 75k arXiv abstracts; see
    ``benchmarks/``); similarities are exact.
``"auto"``
    Exact up to :data:`AUTO_EXACT_MAX_ROWS` rows, approximate above (where
    ``benchmarks/bench_concept_graph.py`` measured the crossover).

Rows without any term have no neighbours; empty slots (also when fewer than
``k`` other rows share a term with a row) hold index ``-1`` and similarity 0.
Only rows with a positive similarity are neighbours. Equal similarities (as float32) are ordered by
the smaller row first, so ties never depend on how the work was split.

Examples
--------
>>> import numpy as np
>>> from scipy import sparse
>>> X = sparse.csr_matrix(np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 0.6, 0.8], [0, 0, 0]], dtype=np.float32))
>>> indices, similarities = kneighbors(X, 2)
>>> indices.tolist()
[[1, -1], [0, 2], [1, -1], [-1, -1]]
>>> similarities.astype(float).round(2).tolist()
[[0.8, 0.0], [0.8, 0.36], [0.36, 0.0], [0.0, 0.0]]
"""

from __future__ import annotations

import itertools
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

from ..errors import InvalidArgumentError

__all__ = [
    "AUTO_EXACT_MAX_ROWS",
    "METHODS",
    "approximate_kneighbors",
    "chosen_method",
    "default_jobs",
    "exact_kneighbors",
    "kneighbors",
    "pair_similarities",
]

METHODS = ("auto", "exact", "approximate")
AUTO_EXACT_MAX_ROWS = 100_000  # measured back to back: exact faster at 10k, 25k, 40k, 60k and 75k
# Size of one dense block of scores (rows x all rows), in float32 values (4 MB: about a core's L2 cache).
BLOCK_VALUES = 2**20
# Fewest columns sampled per row to read a threshold from.
THRESHOLD_SAMPLE = 2048
# Sampled columns come in runs of this many.
RUN = 16
# The approximate method: terms in more than this fraction of rows are "frequent" (at most MAX_FREQUENT_TERMS).
FREQUENT_FRACTION = 0.05
MAX_FREQUENT_TERMS = 1000
# The approximate method shares its work between processes from this many rows on, with at most this many.
PARALLEL_MIN_ROWS = 40_000
MAX_JOBS = 4
# The exact method adds the products of terms in more than this fraction of the rows as dense columns.
DENSE_FRACTION = 0.3


def _as_csr(X: sparse.spmatrix | np.ndarray) -> sparse.csr_matrix:
    X = sparse.csr_matrix(X, dtype=np.float32)
    X.sum_duplicates()
    X.sort_indices()
    return X


def _empty(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, k), -1, dtype=np.int64), np.zeros((n, k), dtype=np.float32)


def _start(X: sparse.spmatrix | np.ndarray, k: int) -> tuple[sparse.csr_matrix, int, int, tuple | None]:
    """The matrix as CSR, its rows, ``k`` as an int, and the answer already when there is nothing to search."""
    X = _as_csr(X)
    n, k = X.shape[0], int(k)
    return X, n, k, (_empty(n, k) if n < 2 or k <= 0 else None)


def _block_size(n: int) -> int:
    return int(max(1, min(n, BLOCK_VALUES // max(n, 1))))


def _csr_arrays(X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, indices, data)`` of a CSR matrix as the kernels take them (int64, int32, float32)."""
    return (
        np.asarray(X.indptr, dtype=np.int64),
        np.asarray(X.indices, dtype=np.int32),
        np.asarray(X.data, dtype=np.float32),
    )


def _product_into(A: sparse.csr_matrix, BT: sparse.csr_matrix, out: np.ndarray) -> np.ndarray:
    """``out[...] = A @ BT`` as a dense array (both CSR, float32), rows shared between numba's threads.

    Each row is summed by one thread in a fixed order (see :mod:`paperlens.graphs._knn_kernels`).
    """
    from ._knn_kernels import product_into

    return product_into(*_csr_arrays(A), *_csr_arrays(BT), out)


def _add_product(out: np.ndarray, E_rows: np.ndarray, E: np.ndarray) -> None:
    """``out += E_rows @ E.T`` in place (BLAS ``sgemm`` with ``beta=1`` on the transposed views)."""
    from scipy.linalg import blas

    result = blas.sgemm(1.0, E.T, E_rows.T, trans_a=True, beta=1.0, c=out.T, overwrite_c=True)
    if not np.shares_memory(result, out):  # pragma: no cover - BLAS made a copy after all
        out[...] = result.T


def _rank_in_rows(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, k: int, out_i, out_s) -> None:
    """Write the top ``k`` of each row of a candidate list into the outputs: best value first, equal values
    by ascending column, so the result never depends on the order of the list (how the work was split).
    """
    positive = vals > 1e-7  # rows sharing no term (0), the row itself (-inf): not neighbours
    rows, cols, vals = rows[positive], cols[positive], vals[positive]
    if len(rows) == 0:
        return
    order = np.lexsort((cols, -vals, rows))  # row, then best value, then column
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(len(rows)) - starts[rows]
    keep = rank < k
    out_i[rows[keep], rank[keep]] = cols[keep]
    out_s[rows[keep], rank[keep]] = vals[keep]


def _sample_runs(n: int, size: int) -> np.ndarray:
    """About ``size`` of the ``n >= 16`` columns as disjoint runs of 16 spread evenly: a ``(runs, 16)`` array.

    Runs read less memory than scattered columns, and a run's maximum stands for it.
    """
    runs = max(1, min(size, n) // RUN)
    return (np.arange(runs) * (n // runs))[:, None] + np.arange(RUN)


def _nonzero_rows(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a sparse boolean block, 8 columns at a time (its width must be a multiple of 8)."""
    b, width = mask.shape
    rows, words = np.nonzero(mask.view(np.uint64) != 0)  # boolean nonzero has numpy's fast path
    hits, offset = np.nonzero(mask.reshape(b, width // 8, 8)[rows, words])
    return rows[hits], words[hits] * 8 + offset


def _bars(scores: np.ndarray, runs: np.ndarray, rank: int) -> np.ndarray:
    """Per row, the ``rank``-th largest of the maxima of the sampled ``runs`` of columns (at least a tiny positive
    number: sharing no term is no neighbour).

    The maxima of ``rank`` disjoint runs are ``rank`` different values of the row,
    so the bar never exceeds the row's ``rank``-th largest value.
    """
    return _bars_of_sample(scores[:, runs.T.ravel()], rank)


def _bars_of_sample(sampled: np.ndarray, rank: int) -> np.ndarray:
    """:func:`_bars` of scores already gathered position by position (``runs.T.ravel()``)."""
    # So gathered, the run maxima are a reduction over a short outer axis: fast and contiguous.
    b, count = sampled.shape[0], sampled.shape[1] // RUN
    maxima = sampled.reshape(b, RUN, count).max(axis=1)
    rank = min(rank, count)
    bars = np.partition(maxima, count - rank, axis=1)[:, count - rank]
    return np.maximum(bars, np.float32(1e-7))


def _at_least(scores: np.ndarray, bars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (rows, columns) where ``scores >= bars`` (a column of row bars or a row of column bars)."""
    b, n = scores.shape
    mask = np.empty((b, -(-n // 8) * 8), dtype=bool)
    mask[:, n:] = False
    np.greater_equal(scores, bars, out=mask[:, :n])
    return _nonzero_rows(mask)


def _either_at_least(scores: np.ndarray, row_bars: np.ndarray, col_bars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions where ``scores`` reach the bar of their row or the bar of their column."""
    b, n = scores.shape
    mask = np.empty((b, -(-n // 8) * 8), dtype=bool)
    mask[:, n:] = False
    np.greater_equal(scores, row_bars, out=mask[:, :n])
    mask[:, :n] |= scores >= col_bars
    return _nonzero_rows(mask)


def _above(scores: np.ndarray, rank: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions whose value reaches the bar of its row read from about ``size`` sampled columns (see :func:`_bars`)."""
    return _at_least(scores, _bars(scores, _sample_runs(scores.shape[1], size), rank)[:, None])


def _top_k_dense(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest positive values of each row of a dense block, best first (exact).

    Instead of partitioning whole rows, a threshold is read from a sample of
    1/16 of the columns (:func:`_bars`: the ``k``-th largest maximum of sampled
    runs of columns), which cannot exceed the ``k``-th largest value of the row,
    so every top-``k`` value passes it, and only a few times ``16 k`` values per
    row are left to sort.
    """
    b, n = scores.shape
    out_i, out_s = _empty(b, k)
    if b == 0 or n == 0 or k == 0:
        return out_i, out_s
    size = max(THRESHOLD_SAMPLE, n // 16)
    if n <= max(size, 4 * k):
        kk = min(k, n)
        part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        vals = np.take_along_axis(scores, part, axis=1)
        rows = np.repeat(np.arange(b), kk)
        _rank_in_rows(rows, part.ravel(), vals.ravel(), b, k, out_i, out_s)
        return out_i, out_s
    rows, cols = _above(scores, k, size)
    _rank_in_rows(rows, cols, scores[rows, cols], b, k, out_i, out_s)
    return out_i, out_s


def exact_kneighbors(X: sparse.spmatrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``k`` nearest rows by cosine similarity (rows must be L2-normalised).

    Returns ``(indices, similarities)``, two ``(n_rows, k)`` arrays, best first.

    >>> from scipy import sparse
    >>> X = sparse.csr_matrix([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> exact_kneighbors(X, 1)[0].ravel().tolist()
    [1, 2, 1]
    """
    from ._knn_kernels import chunks_for

    X, n, k, empty = _start(X, k)
    if empty is not None:
        return empty
    return _symmetric_top_k(X, k, chunks_for(n, k))


def _symmetric_top_k(X: sparse.csr_matrix, k: int, chunks: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exact_kneighbors` of a CSR matrix (float32, sorted indices) with ``chunks`` top-``k`` lists per row.

    Terms in more than :data:`DENSE_FRACTION` of the rows are added to the kernel's accumulator as dense
    columns (see :func:`paperlens.graphs._knn_kernels.symmetric_top_k`).
    """
    from ._knn_kernels import dense_columns, symmetric_top_k, transpose

    n, n_terms = X.shape
    indptr, indices, data = _csr_arrays(X)
    t_indptr, t_rows, t_data, after = transpose(indptr, indices, data, n_terms)
    terms = np.flatnonzero(np.diff(t_indptr) > DENSE_FRACTION * n)
    slot = np.full(n_terms, -1, dtype=np.int64)
    slot[terms] = np.arange(len(terms))
    dense = dense_columns(t_indptr, t_rows, t_data, terms, n)
    return symmetric_top_k(indptr, indices, data, t_indptr, t_rows, t_data, after, slot, dense, k, chunks)


def pair_similarities(X: sparse.spmatrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Exact dot products ``X[rows[p]] . X[cols[p]]`` for every pair ``p`` (float32).

    >>> from scipy import sparse
    >>> X = sparse.csr_matrix([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> pair_similarities(X, [0, 1], [1, 2]).astype(float).round(2).tolist()
    [0.6, 0.8]
    """
    X = _as_csr(X)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    out = np.zeros(len(rows), dtype=np.float32)
    chunk = 200_000
    for start in range(0, len(rows), chunk):
        a, b = X[rows[start : start + chunk]], X[cols[start : start + chunk]]
        out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


def _projection(Xf: sparse.csr_matrix, rank: int) -> np.ndarray:
    """Coordinates of the rows of ``Xf`` on its top ``rank`` right singular vectors, on a grid that makes
    every later product of them exact.

    ``E @ E.T`` is then (nearly) the best rank-``rank`` approximation of ``Xf @ Xf.T``.
    ``Xf`` has few columns (the frequent terms), so its Gram matrix is small and is
    diagonalised directly, in double precision and one BLAS thread.

    Which pairs become candidates is decided on scores that include ``E @ E.T``, so
    those products must come out the same whatever BLAS computes them, with however
    many threads, in whatever order. They do, because nothing is rounded in them:

    - the singular vectors get a fixed sign (largest entry positive) and are rounded
      to multiples of ``2**-12``, so the tiny differences between LAPACK builds vanish;
    - the coordinates (a sparse product: SciPy's own loop, in double precision) are
      rounded to multiples of ``2**-11``. A row of ``Xf`` has norm at most 1 (else the grid is coarser), so each
      coordinate is a whole number of at most about ``2**11`` steps, any product of
      two is a whole number of ``2**-22`` below ``2**22`` of them, and by
      Cauchy-Schwarz so is every partial sum of a dot product: all exactly
      representable in float32 (24-bit significand). Any order of summation, any
      kernel, any threads give the same bits.
    """
    from scipy.linalg import eigh
    from threadpoolctl import threadpool_limits

    gram = (Xf.T @ Xf).toarray().astype(np.float64)
    m = gram.shape[0]
    rank = max(1, min(rank, m))
    with threadpool_limits(1):
        _, vectors = eigh(gram, subset_by_index=[m - rank, m - 1])  # the top ``rank`` only
    vectors = vectors[:, ::-1]
    peak = np.argmax(np.abs(vectors), axis=0)
    vectors = vectors * np.where(vectors[peak, np.arange(rank)] < 0, -1.0, 1.0)
    vectors = np.rint(vectors * 2.0**12) / 2.0**12
    coordinates = np.asarray(Xf.astype(np.float64) @ vectors)
    # Rows are L2-normalised (norm <= 1); a longer one takes a coarser grid, so that the bound still holds.
    longest = float(np.sqrt(Xf.multiply(Xf).sum(axis=1).max())) if Xf.nnz else 0.0
    step = 2.0 ** (-11 + max(0, int(np.ceil(np.log2(max(longest, 1.0))))))
    return np.ascontiguousarray(np.rint(coordinates / step) * step, dtype=np.float32)


def _tie_recall(got_i: np.ndarray, got_s: np.ndarray, true_s: np.ndarray) -> float:
    """Share of the true neighbours (similarity > 0) matched by as good a returned neighbour."""
    wanted = (true_s > 1e-7).sum(axis=1)
    kth = np.where(wanted > 0, true_s[np.arange(len(true_s)), np.maximum(wanted - 1, 0)], np.inf)
    good = ((got_i >= 0) & (got_s >= kth[:, None] - 1e-6)).sum(axis=1)
    return float(np.minimum(good, wanted).sum() / max(int(wanted.sum()), 1))


class _Approximation:
    """The pieces of the approximate search for one matrix and one projection rank."""

    def __init__(self, X: sparse.csr_matrix, frequent: np.ndarray, rank: int, candidates: int, k: int) -> None:
        n = X.shape[0]
        others = np.ones(X.shape[1], dtype=bool)
        others[frequent] = False
        self.Xo = X[:, np.flatnonzero(others)].tocsr()
        self.XoT = self.Xo.T.tocsr()
        self.Xf = X[:, frequent].tocsr()
        self.E = _projection(self.Xf, rank)
        self.F = self.Xf.toarray()  # the frequent terms, dense: a few hundred columns
        self.k = k
        # A pair is a candidate when its approximate score reaches the bar of its row, read from a fixed sample
        # of columns so that about ``candidates`` columns per row pass it.
        self.runs = _sample_runs(n, max(THRESHOLD_SAMPLE, n // 16))
        self.quantile = max(1, round(max(int(candidates), 1) * self.runs.size / n))

    def __getstate__(self) -> dict[str, object]:
        """What a worker process needs; what can be rebuilt from it is not sent."""
        return {name: value for name, value in vars(self).items() if name not in ("XoT", "F")}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self.XoT = self.Xo.T.tocsr()
        self.F = self.Xf.toarray()

    def _rescore(self, rows: np.ndarray, cols: np.ndarray, approximate: np.ndarray) -> np.ndarray:
        """Exact similarities: the exact part on the other terms (the score minus its projection part)
        plus the exact part on the frequent terms."""
        return (approximate - _pair_dots(self.E, rows, cols)) + _pair_dots(self.F, rows, cols)

    def rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Neighbours of the rows ``ids`` against all rows (a few hundred of them): the self-check."""
        b, n = len(ids), self.Xo.shape[0]
        scores = _product_into(self.Xo[ids], self.XoT, np.empty((b, n), dtype=np.float32))
        _add_product(scores, self.E[ids], self.E)
        scores[np.arange(b), ids] = -np.inf
        rows, cols = _at_least(scores, _bars(scores, self.runs, self.quantile)[:, None])
        out_i, out_s = _empty(b, self.k)
        _rank_in_rows(rows, cols, self._rescore(ids[rows], cols, scores[rows, cols]), b, self.k, out_i, out_s)
        return out_i, out_s

    def bars(self) -> np.ndarray:
        """The candidate bar of every row, from its scores against the sampled columns only."""
        n = self.Xo.shape[0]
        columns = self.runs.T.ravel()
        sampled_T = self.Xo[columns].T.tocsr()
        sampled_E = np.ascontiguousarray(self.E[columns])
        place = np.full(n, -1, dtype=np.int64)
        place[columns] = np.arange(len(columns))
        bars = np.empty(n, dtype=np.float32)
        step = _block_size(len(columns))
        buffer = np.empty((step, len(columns)), dtype=np.float32)
        for start in range(0, n, step):
            stop = min(n, start + step)
            scores = _product_into(self.Xo[start:stop], sampled_T, buffer[: stop - start])
            _add_product(scores, self.E[start:stop], sampled_E)
            own = np.flatnonzero(place[start:stop] >= 0)  # a row is never its own candidate
            scores[own, place[start + own]] = -np.inf
            bars[start:stop] = _bars_of_sample(scores, self.quantile)
        return bars

    def all_rows(self, chunks: int = 8, n_jobs: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Neighbours of every row, computing each pair's score about once instead of twice.

        Scores are symmetric. The rows are cut into ``chunks``; a block of rows of a
        chunk is scored against the columns from the chunk's start on only. Inside
        the chunk, a pair passing its row's bar is a candidate of the row (each
        ordered pair is scored in its own row's block). Past the chunk each pair is
        scored once: passing the bar of either end makes each end a candidate of the
        other. So every candidate :meth:`rows` finds is found, with about
        (1 + 1/chunks)/2 of the work. With ``n_jobs > 1`` the chunks are shared
        between this process and ``n_jobs - 1`` worker processes.
        """
        n = self.Xo.shape[0]
        bounds = np.unique(np.linspace(0, n, max(chunks, 2 * n_jobs) + 1).astype(np.int64)).tolist()
        shares = _shares(list(itertools.pairwise(bounds)), n, n_jobs)
        workers: list[_Worker] = []
        try:
            workers += [_Worker() for _ in shares[1:]]  # they start up while the bars are computed
            bars = self.bars()
            for worker, share in zip(workers, shares[1:], strict=True):
                worker.send((self, bars, share))
            if workers:  # one BLAS thread per process, or the processes' BLAS threads fight over the cores
                from threadpoolctl import threadpool_limits

                with threadpool_limits(1):
                    own = self.scan(bars, shares[0])
            else:
                own = self.scan(bars, shares[0])
            results = [own] + [worker.result() for worker in workers]
        finally:  # interrupted: no worker is left waiting to hand over its result
            for worker in workers:
                worker.stop()
        # Every row belongs to one share; elsewhere a result holds empty slots (-1, 0).
        out_i = np.maximum.reduce([result[0] for result in results])
        out_s = np.maximum.reduce([result[1] for result in results])
        rows, cols, exact = (np.concatenate(parts) for parts in zip(*(result[2] for result in results), strict=True))
        # A row past a chunk never scores the pairs handed to it by the chunk's rows: merge them with its own,
        # keeping only those better than its own k-th.
        better = exact > out_s[rows, -1]
        own = np.nonzero(out_i >= 0)
        rows = np.concatenate([own[0], rows[better]])
        cols = np.concatenate([out_i[own], cols[better]])
        exact = np.concatenate([out_s[own], exact[better]])
        out_i, out_s = _empty(n, self.k)
        _rank_in_rows(rows, cols, exact, n, self.k, out_i, out_s)
        return out_i, out_s

    def scan(
        self, bars: np.ndarray, share: list[tuple[int, int]]
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The chunks ``share`` of :meth:`all_rows`: the top ``k`` of their rows' own candidates (other rows left
        empty) and the pairs handed to rows past each chunk, as ``(rows, cols, similarities)``."""
        n = self.Xo.shape[0]
        buffer = np.empty(BLOCK_VALUES, dtype=np.float32)
        out_i, out_s = _empty(n, self.k)
        handed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [(np.zeros(0, np.int64),) * 2 + (_NO_VALUES,)]
        for lo, hi in share:
            width, inside = n - lo, hi - lo
            later_T = self.XoT[:, lo:]  # column j is row lo + j
            later_E = self.E[lo:]
            step = max(1, min(inside, BLOCK_VALUES // width))
            for a in range(lo, hi, step):
                b = min(hi, a + step)
                scores = _product_into(self.Xo[a:b], later_T, buffer[: (b - a) * width].reshape(b - a, width))
                _add_product(scores, self.E[a:b], later_E)
                scores[np.arange(b - a), np.arange(a - lo, b - lo)] = -np.inf
                r1, c1 = _at_least(scores[:, :inside], bars[a:b, None])
                r2, c2 = _either_at_least(scores[:, inside:], bars[a:b, None], bars[None, hi:])
                rows, cols = np.concatenate([r1, r2]), np.concatenate([c1 + lo, c2 + hi])
                exact = self._rescore(rows + a, cols, np.concatenate([scores[r1, c1], scores[r2, c2 + inside]]))
                _rank_in_rows(rows, cols, exact, b - a, self.k, out_i[a:b], out_s[a:b])
                past = len(r1)
                handed.append((cols[past:], rows[past:] + a, exact[past:]))
        rows, cols, exact = (np.concatenate(parts) for parts in zip(*handed, strict=True))
        return out_i, out_s, (rows, cols, exact)


_NO_VALUES = np.zeros(0, dtype=np.float32)


_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


def _worker_environment() -> dict[str, str]:
    """This process's environment, with one BLAS thread and this copy of paperlens first on the path."""
    here = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(part for part in (here, os.environ.get("PYTHONPATH")) if part)
    return {**os.environ, **{name: "1" for name in _THREAD_VARIABLES}, "PYTHONPATH": path}


class _Worker:
    """A share of :meth:`_Approximation.scan` in another process (``python -m paperlens.graphs._knn_worker``).

    If that process cannot be started or fails, the share is scanned here instead: the result never depends
    on it.
    """

    def __init__(self) -> None:
        self.task: tuple | None = None
        self.process: subprocess.Popen | None = None
        self.ran_elsewhere = False
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "paperlens.graphs._knn_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_worker_environment(),
            )
        except Exception:  # no processes here (a browser-based Python, a locked-down server): scan in-process
            self.process = None

    def send(self, task: tuple) -> None:
        """Hand the worker its ``(search, bars, share)``."""
        self.task = task
        if self.process is not None:
            try:
                with self.process.stdin as pipe:
                    pickle.dump(task, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # the worker died at start-up
                self.stop()

    def stop(self) -> None:
        """End the worker process if it still runs."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def result(self) -> tuple:
        if self.process is not None:
            try:
                with self.process.stdout as pipe:
                    out = pickle.load(pipe)
                if self.process.wait() == 0:
                    self.ran_elsewhere = True
                    return out
            except Exception:  # the worker failed: its share is scanned here
                pass
            self.stop()
        assert self.task is not None, "send() the task first"
        return _scan_share(*self.task)


def _scan_share(search: _Approximation, bars: np.ndarray, share: list[tuple[int, int]]) -> tuple:
    """:meth:`_Approximation.scan` in a worker process."""
    return search.scan(bars, share)


def _shares(chunks: list[tuple[int, int]], n: int, jobs: int) -> list[list[tuple[int, int]]]:
    """The chunks dealt to ``jobs`` processes, the biggest first to the least loaded (a chunk's work is its rows
    times the columns from its start on), each share in row order.

    >>> _shares([(0, 25), (25, 50), (50, 75), (75, 100)], 100, 2)
    [[(0, 25), (75, 100)], [(25, 50), (50, 75)]]
    """
    loads = [0] * max(1, jobs)
    shares: list[list[tuple[int, int]]] = [[] for _ in loads]
    for lo, hi in sorted(chunks, key=lambda chunk: -(chunk[1] - chunk[0]) * (n - chunk[0])):
        least = loads.index(min(loads))
        shares[least].append((lo, hi))
        loads[least] += (hi - lo) * (n - lo)
    return [sorted(share) for share in shares if share]


def default_jobs(rows: int) -> int:
    """Processes the approximate search uses by default: 1 below :data:`PARALLEL_MIN_ROWS` rows (a worker
    takes about 1.5 s to start, more than it saves on smaller matrices), else the CPUs this process may
    use, at most :data:`MAX_JOBS`."""
    if rows < PARALLEL_MIN_ROWS:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def approximate_kneighbors(
    X: sparse.spmatrix,
    k: int,
    *,
    candidates: int = 80,
    rank: int = 16,
    frequent_fraction: float = FREQUENT_FRACTION,
    min_recall: float | None = 0.97,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``k`` nearest rows by cosine similarity, with exact similarities.

    Terms in more than ``frequent_fraction`` of the rows are "frequent". The
    score of a pair is its exact dot product on all other terms plus a
    rank-``rank`` projection of its frequent-term part; about ``candidates``
    rows per row with the best scores (a threshold read from a sample of
    columns) are re-scored exactly, and the top ``k`` kept.

    This works when the frequent terms are generic words, as in any large
    corpus. When they carry what tells papers apart (a small vocabulary, a
    narrow field), a low-rank projection misses neighbours; so first, with
    ``min_recall`` set, the method is tried on 256 rows against their exact
    neighbours: if it finds fewer than ``min_recall`` of them, it is tried with
    a 4 times larger rank, and if that also falls short the exact method runs.

    ``n_jobs`` processes share the work (this one and ``n_jobs - 1`` workers);
    ``None`` picks :func:`default_jobs`. The result does not depend on it.

    >>> from scipy import sparse
    >>> indices, _ = approximate_kneighbors(sparse.csr_matrix([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]), 1)
    >>> indices.ravel().tolist()
    [1, 2, 1]
    """
    X, n, k, empty = _start(X, k)
    if empty is not None:
        return empty
    df = np.bincount(X.indices, minlength=X.shape[1])
    frequent = np.flatnonzero(df > frequent_fraction * n)
    if len(frequent) > MAX_FREQUENT_TERMS:
        frequent = frequent[np.argsort(-df[frequent], kind="stable")[:MAX_FREQUENT_TERMS]]
    if len(frequent) == 0 or n <= THRESHOLD_SAMPLE:
        return exact_kneighbors(X, k)
    search = None
    if min_recall is None:
        search = _Approximation(X, frequent, rank, candidates, k)
    else:
        probe = np.unique(np.linspace(0, n - 1, min(n, 256)).astype(np.int64))
        truth = _product_into(X[probe], X.T.tocsr(), np.empty((len(probe), n), dtype=np.float32))
        truth[np.arange(len(probe)), probe] = -np.inf
        _, true_s = _top_k_dense(truth, k)
        del truth
        for tried in (rank, 4 * rank):
            attempt = _Approximation(X, frequent, tried, candidates, k)
            got_i, got_s = attempt.rows(probe)
            if _tie_recall(got_i, got_s, true_s) >= min_recall:
                search = attempt
                break
        if search is None:
            return exact_kneighbors(X, k)
    return search.all_rows(n_jobs=default_jobs(n) if n_jobs is None else max(1, int(n_jobs)))


def _pair_dots(F: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``F[left[p]] . F[right[p]]`` for every pair ``p`` of rows of a dense array, a chunk of pairs at a time."""
    out = np.empty(len(left), dtype=np.float32)
    chunk = max(1, 2**22 // max(F.shape[1], 1))  # two gathered chunks of about 16 MB each
    for lo in range(0, len(left), chunk):
        hi = lo + chunk
        out[lo:hi] = np.einsum("ij,ij->i", F[left[lo:hi]], F[right[lo:hi]])
    return out


def chosen_method(method: str, n_rows: int) -> str:
    """The search :func:`kneighbors` runs for ``method`` on ``n_rows`` rows: ``"exact"`` or ``"approximate"``.

    >>> chosen_method("auto", 10_000), chosen_method("auto", 10**6), chosen_method("exact", 10**6)
    ('exact', 'approximate', 'exact')
    """
    if method not in METHODS:
        raise InvalidArgumentError(f"unknown neighbour method {method!r}; use one of {', '.join(METHODS)}")
    if method == "auto":
        return "exact" if n_rows <= AUTO_EXACT_MAX_ROWS else "approximate"
    return method


def kneighbors(
    X: sparse.spmatrix,
    k: int,
    *,
    method: str = "auto",
    random_state: int | None = 0,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar other rows of each row: ``(indices, similarities)``, best first.

    ``method`` is ``"exact"``, ``"approximate"`` or ``"auto"`` (exact up to
    :data:`AUTO_EXACT_MAX_ROWS` rows). See the module docstring. Both methods are
    deterministic; ``random_state`` is accepted for API symmetry and unused.
    ``n_jobs`` is for the approximate method (see :func:`approximate_kneighbors`).
    """
    method = chosen_method(method, X.shape[0])
    if int(k) < 0:
        raise InvalidArgumentError(f"k must be a positive number of neighbours, not {k!r}")
    if method == "exact":
        return exact_kneighbors(X, k)
    return approximate_kneighbors(X, k, n_jobs=n_jobs)
