"""The compiled kernels of the neighbour search (paperlens.graphs._knn_kernels).

Truth is independent: scikit-learn's brute-force ``NearestNeighbors`` and its
``sparse_matmul_to_dense``, and a dense numpy product ranked by the documented
tie rule (larger similarity first, equal similarities by smaller row).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from fresh_process import arrays_from_fresh_process
from scipy import sparse

import paperlens as pl
from paperlens.graphs import _knn_kernels, knn
from paperlens.graphs.concepts import ConceptModel

sys.path.insert(0, str(Path(__file__).parent))
from test_concepts import brute_force, synthetic_papers


@pytest.fixture(scope="module")
def sample_matrix():
    return ConceptModel().fit(pl.load_sample()).matrix_


@pytest.fixture(scope="module")
def topic_matrix():
    return ConceptModel().fit(synthetic_papers(1500)).matrix_


def ranked_truth(X: sparse.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The documented result from a dense float64 product: the k best other rows with similarity > 1e-7,
    larger first, equal float32 similarities by smaller row; empty slots -1 and 0."""
    dense = (X.astype(np.float64) @ X.T.astype(np.float64)).toarray().astype(np.float32)
    n = X.shape[0]
    out_i, out_s = np.full((n, k), -1), np.zeros((n, k), dtype=np.float32)
    for r in range(n):
        cols = np.flatnonzero((dense[r] > 1e-7) & (np.arange(n) != r))
        order = cols[np.lexsort((cols, -dense[r, cols]))][:k]
        out_i[r, : len(order)], out_s[r, : len(order)] = order, dense[r, order]
    return out_i, out_s


@pytest.mark.parametrize("k", [1, 5, 10])
def test_exact_kernel_equals_the_dense_product_ranked_by_the_tie_rule(sample_matrix, topic_matrix, k):
    for X in (sample_matrix, topic_matrix):
        got_i, got_s = knn.exact_kneighbors(X, k)
        true_i, true_s = ranked_truth(X, k)
        assert (got_i == true_i).all()
        assert np.abs(got_s - true_s).max() <= 1e-6


def test_exact_kernel_equals_scikit_learn_brute_force_on_a_real_matrix(sample_matrix, topic_matrix):
    for X in (sample_matrix, topic_matrix):
        got_i, got_s = knn.exact_kneighbors(X, 10)
        true_i, true_s = brute_force(X, 10)
        assert np.allclose(got_s, true_s, atol=1e-5)
        # Where scikit-learn's k-th similarity is not tied with the next one, the very same rows.
        for r in range(X.shape[0]):
            wanted = true_s[r] > 1e-5
            untied = wanted & ~np.isclose(true_s[r], true_s[r][wanted][-1] if wanted.any() else -1, atol=1e-5)
            assert set(true_i[r][untied]) <= set(got_i[r].tolist()), r


def test_exact_kernel_breaks_ties_by_the_smaller_row():
    # Rows 1..6 are copies: every row ties with all the others, and row 0 shares a term with all of them.
    base = np.array([[1.0, 0.0, 0.0]] + [[0.6, 0.8, 0.0]] * 6 + [[0.0, 0.0, 1.0]], dtype=np.float32)
    indices, sims = knn.exact_kneighbors(sparse.csr_matrix(base), 3)
    assert indices.tolist() == [[1, 2, 3], [2, 3, 4], [1, 3, 4], [1, 2, 4], [1, 2, 3], [1, 2, 3], [1, 2, 3], [-1] * 3]
    assert sims[7].tolist() == [0, 0, 0]
    assert np.allclose(sims[1], 1.0) and np.allclose(sims[0], 0.6)


def test_product_kernel_equals_scikit_learn_bit_for_bit(topic_matrix):
    from sklearn.utils.sparsefuncs import sparse_matmul_to_dense

    X = knn._as_csr(topic_matrix)
    XT = X.T.tocsr()
    ours = knn._product_into(X[100:400], XT, np.empty((300, X.shape[0]), dtype=np.float32))
    theirs = sparse_matmul_to_dense(X[100:400], XT, out=np.empty((300, X.shape[0]), dtype=np.float32))
    assert (ours == theirs).all()
    assert np.allclose(ours, (X[100:400] @ XT).toarray(), atol=1e-6)


def test_chunks_only_change_memory_not_the_result(topic_matrix):
    X = knn._as_csr(topic_matrix)
    first_i, first_s = knn._symmetric_top_k(X, 10, 1)
    for chunks in (2, 7, 64):
        got_i, got_s = knn._symmetric_top_k(X, 10, chunks)
        assert (got_i == first_i).all() and (got_s == first_s).all()


THREADS_SCRIPT = """\
import sys
import numpy as np
import paperlens as pl
from paperlens.graphs import knn
from paperlens.graphs.concepts import ConceptModel

sys.path.insert(0, sys.argv[2])
from test_concepts import synthetic_papers

out = {}
for name, X in (("sample", ConceptModel().fit(pl.load_sample()).matrix_),
                ("topics", ConceptModel().fit(synthetic_papers(2600)).matrix_)):
    for method in ("exact", "approximate"):
        out[f"{name}_{method}_i"], out[f"{name}_{method}_s"] = knn.kneighbors(X, 10, method=method, n_jobs=1)
np.savez(sys.argv[1], **out)
"""


def test_neighbours_do_not_depend_on_numba_or_blas_threads(tmp_path):
    # Fresh interpreters with NUMBA_NUM_THREADS and OPENBLAS_NUM_THREADS at 1 and 2: bit-identical output.
    results = {}
    for numba_threads, blas_threads in (("1", "1"), ("2", "2"), ("2", "1"), ("1", "2")):
        env = {**os.environ, "NUMBA_NUM_THREADS": numba_threads, "OPENBLAS_NUM_THREADS": blas_threads}
        path = tmp_path / f"threads_{numba_threads}_{blas_threads}.npz"
        results[(numba_threads, blas_threads)] = arrays_from_fresh_process(THREADS_SCRIPT, path, env)
    first = results[("1", "1")]
    assert (first["topics_exact_i"] >= 0).mean() > 0.9
    for threads, got in results.items():
        for name in first:
            assert (got[name] == first[name]).all(), (threads, name)


def test_pair_products_kernel_equals_scipy_sorted_stably(topic_matrix):
    # The shared concepts of an edge come from the best products of the two rows' shared phrases.
    X = knn._as_csr(topic_matrix)
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, X.shape[0], 400), rng.integers(0, X.shape[0], 400)
    counts, cols, vals = _knn_kernels.pair_top_products(*knn._csr_arrays(X), a, b, 12)
    products = X[a].multiply(X[b]).tocsr()
    products.eliminate_zeros()
    for p in range(len(a)):
        lo, hi = products.indptr[p], products.indptr[p + 1]
        row_cols, row_vals = products.indices[lo:hi], products.data[lo:hi]
        order = np.argsort(-row_vals, kind="stable")[:12]
        assert counts[p] == len(order)
        assert cols[p, : counts[p]].tolist() == row_cols[order].tolist()
        assert (vals[p, : counts[p]] == row_vals[order]).all()
