"""Nearest neighbours by cosine similarity between L2-normalised sparse rows (TF-IDF).

Two methods; both return, for every row, the ``k`` most similar *other* rows and
their exact cosine similarities (float32), best first:

``"exact"`` (:func:`exact_kneighbors`)
    Blocks of rows are multiplied by the whole matrix in float32. The few very
    frequent terms (in more than 10% of the rows) go through a dense matrix
    product (BLAS), the long tail through a sparse one; each block keeps its top
    ``k`` by a sampled threshold instead of sorting whole rows. Exact: the same
    neighbours as scikit-learn's brute-force search, with less work per pair.
``"approximate"`` (:func:`approximate_kneighbors`)
    Candidates are scored cheaply -- exactly on the rare terms, through a
    low-rank projection on the frequent ones -- and the best ``candidates`` of
    each row are re-ranked with exact cosine similarities. Returned similarities
    are exact; a true neighbour can be missed (see ``benchmarks/``).
``"auto"``
    Exact up to :data:`AUTO_EXACT_MAX_ROWS` rows, approximate above.

Rows without any term have no neighbours; empty slots (also when fewer than
``k`` other rows share a term with a row) hold index ``-1`` and similarity 0.
Only rows with a positive similarity are neighbours.

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

import numpy as np
from scipy import sparse

from ..errors import PaperlensError

__all__ = [
    "AUTO_EXACT_MAX_ROWS",
    "METHODS",
    "approximate_kneighbors",
    "exact_kneighbors",
    "kneighbors",
    "pair_similarities",
]

METHODS = ("auto", "exact", "approximate")
AUTO_EXACT_MAX_ROWS = 20_000
# Terms in more than this fraction of rows are multiplied densely (BLAS) by the exact method.
DENSE_TERM_FRACTION = 0.1
MAX_DENSE_TERMS = 512
# Size of one dense block of scores (rows x all rows), in float32 values.
BLOCK_VALUES = 2**24
# Columns sampled per row to find a threshold below which no top-k value can lie.
THRESHOLD_SAMPLE = 2048


def _as_csr(X: sparse.spmatrix | np.ndarray) -> sparse.csr_matrix:
    X = sparse.csr_matrix(X, dtype=np.float32)
    X.sum_duplicates()
    X.sort_indices()
    return X


def _empty(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, k), -1, dtype=np.int64), np.zeros((n, k), dtype=np.float32)


def _block_size(n: int) -> int:
    return int(max(1, min(n, BLOCK_VALUES // max(n, 1))))


def _rank_in_rows(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_rows: int, k: int, out_i, out_s) -> None:
    """Write the top ``k`` of each row of a candidate list (``rows`` ascending) into the outputs.

    Ties keep the order of the input (ascending column when it comes from ``np.nonzero``).
    """
    if len(rows) == 0:
        return
    lo, hi = float(vals.min()), float(vals.max())
    spread = (vals.astype(np.float64) - lo) / (hi - lo) if hi > lo else np.zeros(len(vals))
    order = np.argsort(rows + 0.999 * (1.0 - spread), kind="stable")  # row first, then best value
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(len(rows)) - starts[rows]
    keep = rank < k
    out_i[rows[keep], rank[keep]] = cols[keep]
    out_s[rows[keep], rank[keep]] = vals[keep]


def _sample_columns(n: int, size: int) -> np.ndarray:
    return np.linspace(0, n - 1, size).astype(np.int64)


def _above(scores: np.ndarray, rank: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions whose value is at least the ``rank``-th largest of a fixed sample of ``size`` columns."""
    sampled = scores[:, _sample_columns(scores.shape[1], size)]
    threshold = np.partition(sampled, size - rank, axis=1)[:, size - rank]
    np.maximum(threshold, np.float32(1e-7), out=threshold)  # rows sharing no term (0) are not neighbours
    return np.nonzero(scores >= threshold[:, None])


def _top_k_dense(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest positive values of each row of a dense block, best first (exact).

    Instead of partitioning whole rows, a threshold is read from a sample of
    1/16 of the columns: the ``k``-th largest sampled value cannot exceed the
    ``k``-th largest of the row, so every top-``k`` value passes it, and only
    about ``16 k`` values per row are left to sort.
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
        cols, vals = part.ravel(), vals.ravel()
        ok = vals > 1e-7
        _rank_in_rows(rows[ok], cols[ok], vals[ok], b, k, out_i, out_s)
        return out_i, out_s
    rows, cols = _above(scores, k, size)
    _rank_in_rows(rows, cols, scores[rows, cols], b, k, out_i, out_s)
    return out_i, out_s


def _split_terms(X: sparse.csr_matrix, dense_terms: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray | None]:
    """The matrix without ``dense_terms`` (sparse) and those terms' columns as a dense array."""
    if len(dense_terms) == 0:
        return X, None
    keep = np.ones(X.shape[1], dtype=bool)
    keep[dense_terms] = False
    return X[:, np.flatnonzero(keep)].tocsr(), X[:, dense_terms].toarray()


def exact_kneighbors(X: sparse.spmatrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``k`` nearest rows by cosine similarity (rows must be L2-normalised).

    Returns ``(indices, similarities)``, two ``(n_rows, k)`` arrays, best first.

    >>> from scipy import sparse
    >>> X = sparse.csr_matrix([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> exact_kneighbors(X, 1)[0].ravel().tolist()
    [1, 2, 1]
    """
    X = _as_csr(X)
    n = X.shape[0]
    k = int(k)
    out_i, out_s = _empty(n, k)
    if n < 2 or k <= 0:
        return out_i, out_s
    df = np.bincount(X.indices, minlength=X.shape[1])
    dense_terms = np.flatnonzero(df > DENSE_TERM_FRACTION * n) if n >= 1000 else np.empty(0, np.int64)
    if len(dense_terms) > MAX_DENSE_TERMS:
        dense_terms = dense_terms[np.argsort(-df[dense_terms], kind="stable")[:MAX_DENSE_TERMS]]
    Xs, Xd = _split_terms(X, dense_terms)
    XsT = Xs.T.tocsr()
    step = _block_size(n)
    for start in range(0, n, step):
        stop = min(n, start + step)
        scores = (Xs[start:stop] @ XsT).toarray()
        if Xd is not None:
            scores += Xd[start:stop] @ Xd.T
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        out_i[start:stop], out_s[start:stop] = _top_k_dense(scores, k)
    return out_i, out_s


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


def _orthonormal(Y: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns of a tall matrix (Cholesky QR, twice for accuracy)."""
    for _ in range(2):
        gram = Y.T @ Y
        gram[np.diag_indices_from(gram)] += 1e-10 * max(float(np.trace(gram)), 1e-30)
        Y = np.linalg.solve(np.linalg.cholesky(gram), Y.T).T
    return Y


def _low_rank(X: sparse.csr_matrix, rank: int, random_state: int | None) -> np.ndarray:
    """Row coordinates ``U * s`` of a rank-``rank`` SVD of ``X``, so that ``E @ E.T`` approximates ``X @ X.T``.

    A randomized range finder (Halko, Martinsson and Tropp, 2011) with two power iterations.
    """
    n, v = X.shape
    rank = min(rank, n - 1, v - 1)
    if rank < 1 or X.nnz == 0:
        return np.zeros((n, 1), dtype=np.float32)
    rng = np.random.default_rng(random_state)
    width = min(rank + 10, n, v)
    X64 = X.astype(np.float64)
    XT = X64.T.tocsr()
    basis = X64 @ rng.standard_normal((v, width))
    for _ in range(2):
        basis = X64 @ _orthonormal(XT @ _orthonormal(basis))
    basis = _orthonormal(basis)
    small = np.asarray((XT @ basis).T)
    u, s, _ = np.linalg.svd(small, full_matrices=False)
    return np.ascontiguousarray((basis @ u[:, :rank]) * s[:rank], dtype=np.float32)


def approximate_kneighbors(
    X: sparse.spmatrix,
    k: int,
    *,
    candidates: int = 150,
    rank: int = 64,
    rare_df: int | None = None,
    random_state: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``k`` nearest rows by cosine similarity, with exact similarities.

    Terms are split by document frequency. Rare terms (in at most ``rare_df``
    rows; default ``max(50, 0.4% of rows)``) carry most of what makes two
    papers alike and cost little: their contribution is computed exactly
    (sparse product). Frequent terms are few but appear everywhere: their
    contribution is approximated by a rank-``rank`` SVD projection. The
    ``candidates`` best rows by this score are then re-ranked by their exact
    cosine similarity, and the top ``k`` kept.

    >>> from scipy import sparse
    >>> X = sparse.csr_matrix([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> approximate_kneighbors(X, 1)[0].ravel().tolist()
    [1, 2, 1]
    """
    X = _as_csr(X)
    n = X.shape[0]
    k = int(k)
    out_i, out_s = _empty(n, k)
    if n < 2 or k <= 0:
        return out_i, out_s
    candidates = max(int(candidates), k)
    df = np.bincount(X.indices, minlength=X.shape[1])
    limit = rare_df if rare_df is not None else max(50, int(0.004 * n))
    rare = df <= limit
    Xr = X[:, np.flatnonzero(rare)].tocsr()
    Xc = X[:, np.flatnonzero(~rare)].tocsr()
    XrT = Xr.T.tocsr()
    E = _low_rank(Xc, rank, random_state)
    step = _block_size(n)
    size = min(n, max(THRESHOLD_SAMPLE, n // 16))
    quantile = min(size, max(1, round(candidates * size / n)))
    for start in range(0, n, step):
        stop = min(n, start + step)
        b = stop - start
        rare_part = (Xr[start:stop] @ XrT).tocsr()
        rare_rows = np.repeat(np.arange(b), np.diff(rare_part.indptr))
        scores = E[start:stop] @ E.T
        scores[rare_rows, rare_part.indices] += rare_part.data
        scores[np.arange(b), np.arange(start, stop)] = -np.inf
        # About ``candidates`` best rows by the approximate score (a sampled quantile, not an exact top).
        rows, cols = _above(scores, quantile, size)
        # The exact rare-term part of a candidate's score is its score minus the projection part.
        projected = np.einsum("ij,ij->i", E[start + rows], E[cols])
        exact = (scores[rows, cols] - projected) + _frequent_values(Xc, start, rows, cols)
        del scores
        _rank_in_rows(rows, cols, exact, b, k, out_i[start:stop], out_s[start:stop])
    return out_i, out_s


def _frequent_values(Xc: sparse.csr_matrix, start: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products of rows ``start + rows`` with rows ``cols`` of ``Xc`` (``rows`` ascending).

    The query rows are made dense a few at a time, so they stay in the CPU
    cache while the candidates' sparse rows are read against them.
    """
    out = np.zeros(len(rows), dtype=np.float32)
    if len(rows) == 0 or Xc.shape[1] == 0:
        return out
    sub = 64
    bounds = np.searchsorted(rows, np.arange(0, int(rows[-1]) + sub + 1, sub))
    for lo, hi in itertools.pairwise(bounds):
        if hi <= lo:
            continue
        first = int(rows[lo])
        queries = Xc[start + first : start + int(rows[hi - 1]) + 1].toarray()
        gathered = Xc[cols[lo:hi]]
        pair = np.repeat(np.arange(hi - lo), np.diff(gathered.indptr))
        products = gathered.data * queries[rows[lo:hi][pair] - first, gathered.indices]
        out[lo:hi] = np.bincount(pair, weights=products, minlength=hi - lo)
    return out


def kneighbors(
    X: sparse.spmatrix,
    k: int,
    *,
    method: str = "auto",
    random_state: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar other rows of each row: ``(indices, similarities)``, best first.

    ``method`` is ``"exact"``, ``"approximate"`` or ``"auto"`` (exact up to
    :data:`AUTO_EXACT_MAX_ROWS` rows). See the module docstring.
    """
    if method not in METHODS:
        raise PaperlensError(f"unknown neighbour method {method!r}; use one of {', '.join(METHODS)}")
    if int(k) < 0:
        raise PaperlensError(f"k must be a positive number of neighbours, not {k!r}")
    n = X.shape[0]
    if method == "auto":
        method = "exact" if n <= AUTO_EXACT_MAX_ROWS else "approximate"
    if method == "exact":
        return exact_kneighbors(X, k)
    return approximate_kneighbors(X, k, random_state=random_state)
