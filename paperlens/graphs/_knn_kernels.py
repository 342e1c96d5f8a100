"""Compiled kernels of the neighbour search (numba), imported on first use by :mod:`paperlens.graphs.knn`.

Every score is computed by one thread in a fixed order (the terms of the
earlier row, ascending), so no result depends on how many threads run
(``NUMBA_NUM_THREADS``) or on how the rows are shared between them: the
parallel loops only decide *who* computes a value, never *how*.

``cache=True`` keeps the machine code in numba's cache (``__pycache__`` beside
this file, or ``NUMBA_CACHE_DIR``): the first call on a machine compiles for a
few seconds, later processes load the code in a fraction of a second.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

# Similarities at or below this are no neighbours (sharing no term); the same floor as the rest of knn.py.
FLOOR = np.float32(1e-7)


@njit(cache=True, nogil=True, inline="always")
def _offer(vals, idx, v, j, k):  # pragma: no cover - compiled
    """Put ``(v, j)`` into a best-first top ``k`` (``vals``, ``idx``) if it belongs there.

    The order is total: larger value first, equal values by smaller index. So
    the top ``k`` of a set of offers does not depend on the order of the offers.
    Empty slots hold ``FLOOR`` and ``-1``; only values above ``FLOOR`` are offered.
    """
    last = k - 1
    if v < vals[last] or (v == vals[last] and j > idx[last]):
        return
    s = last
    while s > 0 and (vals[s - 1] < v or (vals[s - 1] == v and idx[s - 1] > j)):
        vals[s] = vals[s - 1]
        idx[s] = idx[s - 1]
        s -= 1
    vals[s] = v
    idx[s] = j


@njit(cache=True, nogil=True)
def transpose(indptr, indices, data, n_terms):  # pragma: no cover - compiled
    """The transpose of a CSR matrix (sorted indices) as ``(t_indptr, t_rows, t_data, after)``.

    ``t_*`` is the CSR of the columns (for each term, the rows that have it,
    ascending; rows as ``uint32``, which indexes without a negative-index check).
    ``after[p]`` is where, in the transposed arrays, the rows after the row of entry
    ``p`` begin in the list of its term: the entry's own place plus one.
    """
    n = len(indptr) - 1
    t_indptr = np.zeros(n_terms + 1, dtype=np.int64)
    for p in range(len(indices)):
        t_indptr[indices[p] + 1] += 1
    for t in range(n_terms):
        t_indptr[t + 1] += t_indptr[t]
    cursor = t_indptr[:-1].copy()
    t_rows = np.empty(len(indices), dtype=np.uint32)
    t_data = np.empty(len(indices), dtype=np.float32)
    after = np.empty(len(indices), dtype=np.int64)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            t = indices[p]
            q = cursor[t]
            t_rows[q] = i
            t_data[q] = data[p]
            after[p] = q + 1
            cursor[t] = q + 1
    return t_indptr, t_rows, t_data, after


@njit(cache=True, nogil=True)
def dense_columns(t_indptr, t_rows, t_data, terms, n):  # pragma: no cover - compiled
    """The columns ``terms`` of the matrix as a dense ``(len(terms), n)`` float32 array (zeros elsewhere)."""
    out = np.zeros((len(terms), n), dtype=np.float32)
    for d in range(len(terms)):
        t = terms[d]
        for q in range(t_indptr[t], t_indptr[t + 1]):
            out[d, t_rows[q]] = t_data[q]
    return out


@njit(parallel=True, cache=True, nogil=True)
def symmetric_top_k(
    indptr, indices, data, t_indptr, t_rows, t_data, after, slot, dense, k, chunks
):  # pragma: no cover - compiled
    """The ``k`` best other rows of every row of a CSR matrix by dot product, best first.

    ``t_indptr, t_rows, t_data, after`` come from :func:`transpose`. Each pair
    ``i < j`` is scored once, by row ``i``: the terms of ``i`` in ascending order,
    each adding its products with the rows after ``i`` that share it into a dense
    float64 accumulator (products of two float32 values are exact in float64), read
    back as float32. A term ``t`` with ``slot[t] >= 0`` (one in many rows) adds its
    column ``dense[slot[t]]`` to the whole accumulator instead (zeros add nothing:
    the same sums). The score is offered to both rows' top ``k``, kept per chunk of
    rows (rows ``c``, ``c + chunks``, ...), with the ``k``-th value of every row at
    hand (``bars``) so that most scores are turned away by one comparison; the
    chunks' lists are merged at the end. Top ``k`` under a total order
    (:func:`_offer`) is a function of the set of offers, so neither the chunks nor
    the threads change the result.
    """
    n = len(indptr) - 1
    vals = np.full((chunks, n, k), FLOOR, dtype=np.float32)
    idx = np.full((chunks, n, k), -1, dtype=np.int32)
    bars = np.full((chunks, n), FLOOR, dtype=np.float32)
    last = k - 1
    for c in prange(chunks):
        acc = np.zeros(n, dtype=np.float64)
        chunk_vals = vals[c]
        chunk_idx = idx[c]
        chunk_bars = bars[c]
        for i in range(c, n, chunks):
            lo, hi = indptr[i], indptr[i + 1]
            if lo == hi:
                continue
            later = acc[i + 1 :]
            for p in range(lo, hi):
                t = indices[p]
                w = np.float64(data[p])
                d = slot[t]
                if d >= 0:
                    column = dense[d, i + 1 :]
                    for j in range(len(later)):
                        later[j] += w * np.float64(column[j])
                else:
                    rows = t_rows[after[p] : t_indptr[t + 1]]
                    values = t_data[after[p] : t_indptr[t + 1]]
                    for q in range(len(rows)):
                        acc[rows[q]] += w * np.float64(values[q])
            bar = chunk_bars[i]
            later_bars = chunk_bars[i + 1 :]
            for j in range(len(later)):
                if later[j] != 0.0:
                    v = np.float32(later[j])
                    later[j] = 0.0
                    if v >= bar:
                        _offer(chunk_vals[i], chunk_idx[i], v, i + 1 + j, k)
                        bar = chunk_vals[i, last]
                    if v >= later_bars[j]:
                        _offer(chunk_vals[i + 1 + j], chunk_idx[i + 1 + j], v, i, k)
                        later_bars[j] = chunk_vals[i + 1 + j, last]
            chunk_bars[i] = bar
    out_s = np.full((n, k), FLOOR, dtype=np.float32)
    out_i = np.full((n, k), -1, dtype=np.int64)
    for i in prange(n):
        for c in range(chunks):
            for s in range(k):
                j = idx[c, i, s]
                if j < 0:
                    break
                _offer(out_s[i], out_i[i], vals[c, i, s], j, k)
        for s in range(k):
            if out_i[i, s] < 0:
                out_s[i, s] = 0.0
    return out_i, out_s


@njit(parallel=True, cache=True, nogil=True)
def product_into(a_indptr, a_indices, a_data, b_indptr, b_indices, b_data, out):  # pragma: no cover - compiled
    """``out[...] = A @ B`` for CSR ``A`` (rows x terms) and CSR ``B`` (terms x columns), float32.

    Each row of ``out`` is computed by one thread: zeroed, then the terms of the
    row in ascending order each add their products into it (a Gustavson product
    with a dense accumulator, the order scikit-learn's ``sparse_matmul_to_dense`` uses).
    """
    rows, width = out.shape
    for r in prange(rows):
        row = out[r]
        for j in range(width):
            row[j] = 0.0
        for p in range(a_indptr[r], a_indptr[r + 1]):
            t = a_indices[p]
            w = a_data[p]
            for q in range(b_indptr[t], b_indptr[t + 1]):
                row[b_indices[q]] += w * b_data[q]
    return out


def chunks_for(n: int, k: int, budget_bytes: int = 256 * 2**20) -> int:
    """How many per-chunk top-``k`` lists :func:`symmetric_top_k` keeps: one per thread (numba's parallel loop
    gives each thread an equal share of the chunks, so more chunks per thread only fill more lists more slowly
    and merge more: four per thread were 12-30% slower at 10k-75k papers, beside a CPU-bound process too),
    fewer when ``n`` rows' lists would pass ``budget_bytes``. The result never depends on it."""
    per_chunk = max(1, n * max(k, 1) * 8)
    return int(max(1, min(get_num_threads(), budget_bytes // per_chunk)))


@njit(parallel=True, cache=True, nogil=True)
def pair_top_products(indptr, indices, data, a, b, m):  # pragma: no cover - compiled
    """For each pair ``(a[p], b[p])`` of rows of a CSR matrix (sorted indices), the ``m`` largest nonzero
    products ``X[a, t] * X[b, t]`` (float32) of their shared terms: ``(counts, terms, products)``, each pair's
    best first, equal products by the smaller term (the order of a stable sort of the products).
    """
    pairs = len(a)
    counts = np.zeros(pairs, dtype=np.int64)
    terms = np.full((pairs, m), -1, dtype=np.int32)
    products = np.zeros((pairs, m), dtype=np.float32)
    for p in prange(pairs):
        x, y = a[p], b[p]
        i, i_end = indptr[x], indptr[x + 1]
        j, j_end = indptr[y], indptr[y + 1]
        vals = products[p]
        cols = terms[p]
        for s in range(m):
            vals[s] = 0.0
        filled = 0
        while i < i_end and j < j_end:
            ti, tj = indices[i], indices[j]
            if ti < tj:
                i += 1
            elif tj < ti:
                j += 1
            else:
                v = np.float32(data[i] * data[j])
                i += 1
                j += 1
                if v == 0:
                    continue
                # Terms come in ascending order: a later equal product goes after the earlier ones.
                if filled == m and v <= vals[m - 1]:
                    continue
                s = filled if filled < m else m - 1
                while s > 0 and vals[s - 1] < v:
                    vals[s] = vals[s - 1]
                    cols[s] = cols[s - 1]
                    s -= 1
                vals[s] = v
                cols[s] = ti
                if filled < m:
                    filled += 1
        counts[p] = filled
    return counts, terms, products
