"""The concept model, the nearest-neighbour search and the concept graph.

Truth is computed independently: TF-IDF by hand from the formula, neighbours by
scikit-learn's brute-force ``NearestNeighbors`` or a dense numpy product.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import typing

import networkx as nx
import numpy as np
import pytest
from fresh_process import arrays_from_fresh_process
from scipy import sparse

import paperlens as pl
from paperlens.graphs import knn
from paperlens.graphs.concepts import ConceptModel, NotFittedError, fitted_model

LOW_RANK_TITLES = "low-rank"


@pytest.fixture(scope="module")
def sample():
    return pl.load_sample()


@pytest.fixture(scope="module")
def model(sample):
    return fitted_model(sample)


def synthetic_papers(n: int = 300, seed: int = 7) -> list[pl.Paper]:
    """Papers drawn from five topics of 40 made-up words, plus words every topic uses."""
    rng = np.random.default_rng(seed)
    topics = [[f"t{t}w{w}" for w in range(40)] for t in range(5)]
    common = [f"common{w}" for w in range(15)]
    papers = []
    for i in range(n):
        topic = topics[i % 5]
        words = list(rng.choice(topic, size=rng.integers(8, 30))) + list(rng.choice(common, size=rng.integers(2, 12)))
        if i % 7 == 0:  # a few papers borrow words from another topic
            words += list(rng.choice(topics[(i + 1) % 5], size=5))
        rng.shuffle(words)
        title = " ".join(words[:5])
        papers.append(pl.Paper.create(title=title, abstract=". ".join(words[5:]), year=2020 + i % 5))
    return papers


def brute_force(X: sparse.spmatrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's exact cosine kNN, self removed: (indices, similarities)."""
    from sklearn.neighbors import NearestNeighbors

    n = X.shape[0]
    distances, indices = (
        NearestNeighbors(n_neighbors=min(k + 1, n), metric="cosine", algorithm="brute").fit(X).kneighbors(X)
    )
    sims = 1.0 - distances
    out_i, out_s = np.full((n, k), -1), np.zeros((n, k))
    for r in range(n):
        keep = [(j, s) for j, s in zip(indices[r], sims[r], strict=True) if j != r][:k]
        for slot, (j, s) in enumerate(keep):
            out_i[r, slot], out_s[r, slot] = j, s
    return out_i, out_s


def assert_same_neighbours(X, got_i, got_s, k, *, atol=1e-5):
    """Tie-aware equality with brute force: same similarity profile, every returned row truly that close."""
    _, true_s = brute_force(X, k)
    dense = np.asarray((X @ X.T).todense())
    for r in range(X.shape[0]):
        positive = true_s[r][true_s[r] > atol]
        found = got_s[r][got_i[r] >= 0]
        assert np.allclose(np.sort(found)[::-1][: len(positive)], positive, atol=atol), r
        for j, s in zip(got_i[r], got_s[r], strict=True):
            if j >= 0:
                assert j != r
                assert math.isclose(s, dense[r, j], abs_tol=atol)


def recall(got_i, true_i, true_s, atol=1e-5):
    hits = total = 0
    for r in range(len(true_i)):
        wanted = true_s[r] > atol
        total += wanted.sum()
        hits += np.isin(true_i[r][wanted], got_i[r]).sum()
    return hits / max(total, 1)


# --------------------------------------------------------------------------- estimator contract


def test_unfitted_model_says_call_fit_first():
    model = ConceptModel()
    for use in (
        lambda: model.neighbors_,
        lambda: model.similarities_,
        lambda: model.concepts("x"),
        lambda: model.kneighbors(3),
        lambda: model.describe(["x"]),
    ):
        with pytest.raises(NotFittedError, match=r"call fit\(corpus\) first"):
            use()
    assert issubclass(NotFittedError, pl.PaperlensError)
    assert not hasattr(model, "neighbors_")  # AttributeError, like scikit-learn's check_is_fitted


def test_init_only_stores_parameters_and_get_params_returns_them():
    odd = object()
    model = ConceptModel(min_df=odd, n_neighbors=3, method="exact")  # no validation in __init__
    assert not [name for name in vars(model) if name.endswith("_")]
    params = model.get_params()
    assert params["min_df"] is odd and params["n_neighbors"] == 3 and params["method"] == "exact"
    assert set(params) == {
        "max_features",
        "ngram_range",
        "min_df",
        "max_df",
        "stop_words",
        "title_weight",
        "sublinear_tf",
        "n_neighbors",
        "method",
        "n_jobs",
        "random_state",
    }
    assert (
        ConceptModel(**ConceptModel(n_neighbors=4).get_params()).get_params()
        == ConceptModel(n_neighbors=4).get_params()
    )
    assert model.set_params(n_neighbors=5) is model and model.n_neighbors == 5
    with pytest.raises(pl.FieldError, match="did you mean 'n_neighbors'"):
        model.set_params(n_neighbours=5)
    assert repr(ConceptModel(n_neighbors=4)) == "ConceptModel(n_neighbors=4)"


def test_fit_validates_parameters_and_sets_trailing_underscore_attributes(sample):
    with pytest.raises(pl.PaperlensError, match="method must be one of"):
        ConceptModel(method="fast").fit(sample)
    with pytest.raises(pl.PaperlensError, match="ngram_range"):
        ConceptModel(ngram_range=(2, 1)).fit(sample)
    model = ConceptModel(n_neighbors=4)
    assert model.fit(sample) is model
    for name in ("vocabulary_", "terms_", "idf_", "matrix_", "ids_", "has_text_", "corpus_"):
        assert hasattr(model, name), name
    assert model.ids_ == sample.ids
    assert model.matrix_.shape == (len(sample), len(model.terms_))
    assert all(model.terms_[j] == term for term, j in model.vocabulary_.items())
    assert model.neighbors_.shape == model.similarities_.shape == (len(sample), 4)


def test_fit_accepts_papers_and_reports_an_empty_vocabulary():
    model = ConceptModel().fit(synthetic_papers(20))
    assert len(model.ids_) == 20
    with pytest.raises(pl.PaperlensError, match="cannot fit"):
        ConceptModel().fit([pl.Paper.create(title="The and of")])


# --------------------------------------------------------------------------- text and weights


def test_tfidf_matches_the_formula_computed_by_hand():
    papers = [
        pl.Paper.create(title="graph kernels", abstract="graph kernels compare graphs. kernel"),
        pl.Paper.create(title="graph learning", abstract=None),
        pl.Paper.create(title="protein folding", abstract="folding proteins"),
    ]
    model = ConceptModel(ngram_range=(1, 1)).fit(papers)
    # Counts: title twice + abstract; plurals folded (graphs -> graph, kernels -> kernel, proteins -> protein).
    counts = [
        {"graph": 2 + 2, "kernel": 2 + 2, "compare": 1},
        {"graph": 2, "learning": 2},
        {"protein": 2 + 1, "folding": 2 + 1},
    ]
    terms = sorted({t for c in counts for t in c})
    df = {t: sum(t in c for c in counts) for t in terms}
    for row, c in enumerate(counts):
        weights = {t: (1 + math.log(tf)) * (math.log((1 + 3) / (1 + df[t])) + 1) for t, tf in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        got = {model.terms_[j]: v for j, v in zip(model.matrix_[row].indices, model.matrix_[row].data, strict=True)}
        assert set(got) == set(weights)
        for t, w in weights.items():
            assert math.isclose(got[t], w / norm, rel_tol=1e-5), t


def test_weights_equal_scikit_learn_tfidf_with_the_same_phrases(sample, model):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = list(zip(sample.df["title"], sample.df["abstract"], strict=True))
    reference = TfidfVectorizer(analyzer=model._analyzer, sublinear_tf=True, dtype=np.float64).fit(docs)
    expected = reference.transform(docs)
    assert list(reference.get_feature_names_out()) == sorted(model._stems, key=model._stems.get)
    assert abs(model.matrix_ - expected).max() < 1e-6


def test_phrases_are_words_and_adjacent_pairs_within_a_clause():
    paper = pl.Paper.create(
        title="Low-Rank Adaptation of Model Soups",
        abstract="Semi-supervised learning, with graphs; the low rank trick.",
    )
    model = ConceptModel().fit([paper])
    terms = set(model.terms_)
    assert {"low rank", "rank adaptation", "model soups", "semi supervised", "supervised learning"} <= terms
    assert "adaptation model" not in terms  # "of" is a stop word: no pair across it
    assert "learning graph" not in terms  # no pair across a comma
    assert "graph low" not in terms  # nor across a semicolon and a stop word
    assert not [t for t in terms if t in ("of", "with", "the")]


def test_latex_markup_is_stripped():
    paper = pl.Paper.create(
        title=r"Sharp bounds for \textbf{sparse} recovery",
        abstract=r"We show that $\alpha$-stable noise and \emph{heavy tails} break $\ell_1$ recovery \cite{x}.",
    )
    other = pl.Paper.create(title="Sparse recovery with noise")
    model = ConceptModel().fit([paper, other])
    words = {w for t in model.terms_ for w in t.split()}
    assert not words & {"emph", "textbf", "alpha", "ell", "cite"}
    assert {"heavy tails", "sparse recovery", "stable noise"} <= set(model.terms_)


def test_concepts_are_weighted_phrases_of_the_paper(model, sample):
    found = model.concepts("2410.13618", 8)  # LoLDU: Low-Rank Adaptation via Lower-Diag-Upper Decomposition
    assert len(found) == 8
    phrases = [p for p, _ in found]
    assert "low rank" in phrases
    weights = [w for _, w in found]
    assert weights == sorted(weights, reverse=True)
    row = model.matrix_[sample.position("2410.13618")].toarray().ravel()
    for phrase, weight in found:
        assert math.isclose(row[model.vocabulary_[phrase]], weight, rel_tol=1e-6)
    assert sample.concepts("2410.13618", n=3) == found[:3]


def test_transform_weights_a_new_paper_with_the_fitted_vocabulary(model):
    new = pl.Paper.create(title="Low-rank adapters", abstract="A new word: zyzzyva.")
    row = model.transform([new])
    assert "zyzzyva" not in set(model.terms_[row.indices])
    assert math.isclose(float(row.multiply(row).sum()), 1.0, rel_tol=1e-5)
    assert "low rank" in dict(model.concepts(new, 5))


# --------------------------------------------------------------------------- neighbour search


def test_exact_method_equals_scikit_learn_brute_force_on_the_sample(model):
    indices, sims = model.kneighbors(10, method="exact")
    assert_same_neighbours(model.matrix_, indices, sims, 10)


def test_exact_and_approximate_equal_brute_force_on_a_synthetic_corpus():
    X = ConceptModel().fit(synthetic_papers(300)).matrix_
    for method in ("exact", "approximate", "auto"):
        indices, sims = knn.kneighbors(X, 7, method=method)
        assert_same_neighbours(X, indices, sims, 7)


@pytest.mark.parametrize("block_values", [None, 2600 * 64])
def test_exact_method_with_blocks_and_sampled_threshold_equals_numpy(monkeypatch, block_values):
    if block_values:
        monkeypatch.setattr(knn, "BLOCK_VALUES", block_values)
    # Large enough (> THRESHOLD_SAMPLE rows) to take the sampled-threshold path; frequent terms make dense rows.
    rng = np.random.default_rng(3)
    n, v = 2600, 400
    frequent = rng.random((n, 5), dtype=np.float32) * (rng.random((n, 5)) < 0.4)
    X = sparse.hstack([frequent, sparse.random(n, v, density=0.02, random_state=rng, dtype=np.float32)]).tolil()
    X[7] = 0  # a row without terms
    X = X.tocsr()
    X.eliminate_zeros()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sparse.diags(np.where(norms > 0, 1 / np.maximum(norms, 1e-12), 0)).dot(X).tocsr().astype(np.float32)
    indices, sims = knn.exact_kneighbors(X, 5)
    dense = (X @ X.T).toarray()
    np.fill_diagonal(dense, -np.inf)
    truth = -np.sort(-dense, axis=1)[:, :5]
    truth[truth <= 1e-7] = 0
    assert np.allclose(sims, truth, atol=1e-5)
    assert (indices[7] == -1).all() and (sims[7] == 0).all()
    rows = np.repeat(np.arange(n), 5)
    ok = indices.ravel() >= 0
    assert np.allclose(dense[rows[ok], indices.ravel()[ok]], sims.ravel()[ok], atol=1e-5)


@pytest.mark.parametrize("block_values", [None, 2600 * 100])  # one block, or blocks of 100 rows (< the 256 probed)
def test_approximate_method_finds_nearly_all_neighbours_with_exact_similarities(monkeypatch, block_values):
    if block_values:
        monkeypatch.setattr(knn, "BLOCK_VALUES", block_values)
    # Topic-structured papers, enough of them (> 2048) for the approximate path. Here the frequent terms
    # are the topic words themselves, so the self-check (on by default) must notice the projection falls short.
    X = ConceptModel().fit(synthetic_papers(2600)).matrix_
    df = np.bincount(X.indices, minlength=X.shape[1])
    assert (df > knn.FREQUENT_FRACTION * X.shape[0]).sum() >= 10  # the projection is used
    got_i, got_s = knn.approximate_kneighbors(X, 10)
    true_i, true_s = brute_force(X, 10)
    assert recall(got_i, true_i, true_s) >= 0.95
    pairs = got_i >= 0
    exact = knn.pair_similarities(X, np.nonzero(pairs)[0], got_i[pairs])
    assert np.allclose(exact, got_s[pairs], atol=1e-5)


def test_approximate_method_keeps_exact_similarities_on_unstructured_data():
    # Random frequent terms are the worst case for a low-rank projection: fewer neighbours found, all exact.
    rng = np.random.default_rng(5)
    n, v = 2500, 3000
    frequent = rng.random((n, 30), dtype=np.float32) * (rng.random((n, 30)) < 0.3)
    X = sparse.hstack([frequent, sparse.random(n, v, density=0.01, random_state=rng, dtype=np.float32)]).tocsr()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sparse.diags(1 / np.maximum(norms, 1e-12)).dot(X).tocsr().astype(np.float32)
    true_i, true_s = brute_force(X, 10)
    got_i, got_s = knn.approximate_kneighbors(X, 10, min_recall=None)  # no self-check: the projection as it is
    assert recall(got_i, true_i, true_s) >= 0.75
    pairs = got_i >= 0
    exact = knn.pair_similarities(X, np.nonzero(pairs)[0], got_i[pairs])
    assert np.allclose(exact, got_s[pairs], atol=1e-5)
    assert (np.diff(got_s, axis=1) <= 1e-7).all()  # best first
    checked_i, _ = knn.approximate_kneighbors(X, 10)  # the self-check raises the rank or runs the exact method
    assert recall(checked_i, true_i, true_s) >= 0.95


@pytest.mark.parametrize("chunks", [1, 3, 8])
def test_symmetric_pass_finds_every_candidate_of_the_per_row_pass(monkeypatch, chunks):
    # all_rows scores each pair past a chunk once and hands it to both ends; rows() scores every row against all.
    # Fed the same bars, the symmetric pass must find a superset: its k-th best is never worse, position by position.
    monkeypatch.setattr(knn, "BLOCK_VALUES", 2500 * 37)  # several blocks per chunk, and a partial last one
    rng = np.random.default_rng(11)
    n, v = 2500, 3000
    frequent = rng.random((n, 30), dtype=np.float32) * (rng.random((n, 30)) < 0.3)
    X = sparse.hstack([frequent, sparse.random(n, v, density=0.01, random_state=rng, dtype=np.float32)]).tocsr()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = knn._as_csr(sparse.diags(1 / np.maximum(norms, 1e-12)).dot(X))
    search = knn._Approximation(X, np.arange(30), 4, 60, 10)
    sym_i, sym_s = search.all_rows(chunks)
    per_row = [search.rows(np.arange(start, min(n, start + 300))) for start in range(0, n, 300)]
    row_i, row_s = np.vstack([p[0] for p in per_row]), np.vstack([p[1] for p in per_row])
    assert (sym_s >= row_s - 1e-6).all()
    assert (sym_i >= 0).sum() >= (row_i >= 0).sum()
    assert (sym_i != np.arange(n)[:, None]).all()  # never a row itself
    for i in range(n):  # no neighbour twice
        got = sym_i[i][sym_i[i] >= 0]
        assert len(set(got.tolist())) == len(got)
    pairs = sym_i >= 0
    assert np.allclose(knn.pair_similarities(X, np.nonzero(pairs)[0], sym_i[pairs]), sym_s[pairs], atol=1e-5)


def _frequent_random_matrix(n: int, seed: int) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    frequent = rng.random((n, 30), dtype=np.float32) * (rng.random((n, 30)) < 0.3)
    X = sparse.hstack([frequent, sparse.random(n, 3000, density=0.01, random_state=rng, dtype=np.float32)]).tocsr()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return knn._as_csr(sparse.diags(1 / np.maximum(norms, 1e-12)).dot(X))


class _SpyWorker(knn._Worker):
    made: typing.ClassVar[list] = []

    def __init__(self, *args):
        super().__init__(*args)
        self.made.append(self)


def test_work_shared_with_a_worker_process_gives_the_same_neighbours(monkeypatch):
    X = _frequent_random_matrix(2500, 12)
    search = knn._Approximation(X, np.arange(30), 8, 60, 10)
    alone_i, alone_s = search.all_rows(chunks=6, n_jobs=1)
    monkeypatch.setattr(knn, "_Worker", _SpyWorker)
    _SpyWorker.made = []
    shared_i, shared_s = search.all_rows(chunks=6, n_jobs=3)
    assert len(_SpyWorker.made) == 2 and all(worker.ran_elsewhere for worker in _SpyWorker.made)
    # The workers run one BLAS thread each, this process more: the result must not depend on it.
    assert (alone_i == shared_i).all()
    assert (alone_s == shared_s).all()
    assert (alone_i >= 0).mean() > 0.9


THREADS_SCRIPT = """\
import sys
import numpy as np
from scipy import sparse
from paperlens.graphs import knn
from paperlens.graphs.concepts import ConceptModel

sys.path.insert(0, sys.argv[2])
from test_concepts import _frequent_random_matrix, synthetic_papers

out = {}
X = _frequent_random_matrix(2500, 12)  # random frequent terms: many pairs close to their bars
for jobs in (1, 2):
    out[f"plain{jobs}_i"], out[f"plain{jobs}_s"] = knn.approximate_kneighbors(X, 10, min_recall=None, n_jobs=jobs)
topics = ConceptModel().fit(synthetic_papers(2600)).matrix_  # the self-check path of a real model
out["topics_i"], out["topics_s"] = knn.kneighbors(topics, 10, method="approximate", n_jobs=1)
np.savez(sys.argv[1], **out)
"""


def test_neighbours_do_not_depend_on_blas_threads_or_processes(tmp_path):
    # The same searches in fresh interpreters with OPENBLAS_NUM_THREADS unset, 1 and 2 (and their worker
    # processes with one thread each): identical neighbours, similarities within 1e-6.
    results = {}
    for threads in (None, "1", "2"):
        env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
        if threads:
            env["OPENBLAS_NUM_THREADS"] = threads
        results[threads] = arrays_from_fresh_process(THREADS_SCRIPT, tmp_path / f"threads_{threads}.npz", env)
    first = results[None]
    assert (first["plain1_i"] >= 0).mean() > 0.9
    for threads, got in results.items():
        for name in first:
            if name.endswith("_i"):
                assert (got[name] == first[name]).all(), (threads, name)
            else:
                assert np.abs(got[name] - first[name]).max() <= 1e-6, (threads, name)
    assert (first["plain2_i"] == first["plain1_i"]).all()  # one process or two: the same
    assert (first["plain2_s"] == first["plain1_s"]).all()


@pytest.mark.parametrize("executable", ["/nonexistent/python", "/bin/false"])
def test_a_worker_that_cannot_start_or_fails_leaves_its_share_to_this_process(monkeypatch, executable):
    X = _frequent_random_matrix(2300, 13)
    search = knn._Approximation(X, np.arange(30), 8, 60, 10)
    alone_i, _ = search.all_rows(chunks=4, n_jobs=1)
    monkeypatch.setattr(knn.sys, "executable", executable)
    monkeypatch.setattr(knn, "_Worker", _SpyWorker)
    _SpyWorker.made = []
    shared_i, _ = search.all_rows(chunks=4, n_jobs=2)
    assert (alone_i == shared_i).all()
    assert len(_SpyWorker.made) == 1 and not _SpyWorker.made[0].ran_elsewhere


KERNEL_CELL = """\
import json
import numpy as np
from scipy import sparse
from paperlens.graphs import knn

made = []
class Spy(knn._Worker):
    def __init__(self):
        super().__init__()
        made.append(self)
knn._Worker = Spy

rng = np.random.default_rng(14)
X = sparse.hstack([rng.random((2200, 30), dtype=np.float32) * (rng.random((2200, 30)) < 0.3),
                   sparse.random(2200, 3000, density=0.01, random_state=rng, dtype=np.float32)]).tocsr()
X = knn._as_csr(sparse.diags(1 / np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())).dot(X))
search = knn._Approximation(X, np.arange(30), 8, 60, 10)
alone = search.all_rows(chunks=4, n_jobs=1)[0]
shared = search.all_rows(chunks=4, n_jobs=2)[0]
print(json.dumps({"same": bool((alone == shared).all()), "ran": [w.ran_elsewhere for w in made]}))
"""


def test_worker_processes_run_from_a_jupyter_kernel(tmp_path):
    # A kernel runs cells in an unguarded __main__: where multiprocessing's spawn would re-run it, workers must not.
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(KERNEL_CELL)])
    client = nbclient.NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    printed = [o["text"] for o in notebook.cells[0].outputs if o.get("name") == "stdout"]
    assert json.loads(printed[-1]) == {"same": True, "ran": [True]}


def test_default_jobs_stay_in_process_for_small_matrices(monkeypatch):
    assert knn.default_jobs(knn.PARALLEL_MIN_ROWS - 1) == 1
    monkeypatch.setattr(knn.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7}, raising=False)
    assert knn.default_jobs(knn.PARALLEL_MIN_ROWS) == knn.MAX_JOBS


def test_n_jobs_is_a_search_option_that_keeps_the_fitted_model_and_the_graph(monkeypatch):
    corpus = pl.Corpus(pl.load_sample().papers)  # a fresh root: no model fitted yet
    fits = []
    real_fit = ConceptModel.fit
    monkeypatch.setattr(ConceptModel, "fit", lambda self, c: fits.append(self.get_params()) or real_fit(self, c))
    default = corpus.concept_graph(k=5)
    one = corpus.concept_graph(k=5, n_jobs=1, method="approximate")
    assert len(fits) == 1  # n_jobs and method choose the search, not another model
    assert sorted(one.edges()) == sorted(default.edges())  # 69 papers: approximate falls back to exact
    with pytest.raises(pl.FieldError, match="n_jobs"):
        corpus.concept_graph(k=5, n_job=1)


def test_kneighbors_rejects_unknown_methods():
    with pytest.raises(pl.PaperlensError, match="unknown neighbour method"):
        knn.kneighbors(sparse.csr_matrix((3, 3), dtype=np.float32), 2, method="magic")


def test_papers_about_low_rank_adaptation_are_each_others_neighbours(model, sample):
    low_rank = [p.id for p in sample if LOW_RANK_TITLES in p.title.lower()]
    assert len(low_rank) >= 3  # LoLDU, PELA, GaLore/WeLore
    for pid in low_rank:
        near = {model.ids_[j] for j in model.neighbors_[sample.position(pid)][:5]}
        assert set(low_rank) - {pid} <= near, pid


# --------------------------------------------------------------------------- explain, describe, similar


def test_explain_returns_concepts_present_in_both_papers(model, sample):
    a, b = "2410.13618", "2310.10700"
    ra, rb = (model.matrix_[sample.position(p)].toarray().ravel() for p in (a, b))
    shared = model.explain(a, b, 5)
    assert shared and shared[0][0] == "low rank"
    for phrase, score in shared:
        j = model.vocabulary_[phrase]
        assert ra[j] > 0 and rb[j] > 0
        assert math.isclose(score, ra[j] * rb[j], rel_tol=1e-5)
    assert sum(s for _, s in shared) <= float(ra @ rb) + 1e-6
    unrelated = model.explain("2302.08747", "2410.13618", 5)  # seismic picking vs LoLDU
    assert all(ra[model.vocabulary_[p]] > 0 for p, _ in unrelated)


def test_describe_labels_a_group_with_what_sets_it_apart(model, sample):
    low_rank = (p.id for p in sample if LOW_RANK_TITLES in p.title.lower())  # any iterable
    labels = model.describe(low_rank, n=3)
    assert isinstance(labels, list) and all(isinstance(x, str) for x in labels)
    assert len(labels) == 3 and "low rank" in labels
    semi = model.describe(sample.filter(text="semi-supervised").ids, n=4)
    assert "semi supervised" in semi
    assert model.describe([], n=3) == []
    with pytest.raises(pl.PaperNotFoundError):
        model.describe(["not-a-paper"])


def test_similar_lists_the_closest_papers_with_exact_similarities(model, sample):
    table = sample.similar("2410.13618", n=4)
    assert table.columns.tolist() == ["id", "title", "similarity", "shared_concepts"]
    assert len(table) == 4 and "2410.13618" not in set(table.id)
    assert table.similarity.is_monotonic_decreasing
    dense = (model.matrix_ @ model.matrix_.T).toarray()
    me = sample.position("2410.13618")
    row = dense[me].copy()
    row[me] = -1
    assert np.allclose(table.similarity, np.sort(row)[::-1][:4], atol=1e-5)
    assert table.title.tolist() == [sample[i].title for i in table.id]
    assert all(table.shared_concepts)
    subset = sample.filter(year=(2024, None))
    inside = subset.similar("2410.13618", n=50)
    assert set(inside.id) <= set(subset.ids)


# --------------------------------------------------------------------------- the graph


def test_concept_graph_edges_nodes_and_k(model, sample):
    k = 4
    graph = sample.concept_graph(k=k, min_similarity=0.05)
    assert isinstance(graph, nx.Graph) and not graph.is_directed()
    assert set(graph.nodes) == set(sample.ids)
    dense = (model.matrix_ @ model.matrix_.T).toarray()
    np.fill_diagonal(dense, -1)
    pos = {pid: i for i, pid in enumerate(model.ids_)}
    for a, b, data in graph.edges(data=True):
        assert set(data) == {"weight", "concepts", "kind"} and data["kind"] == "similar"
        assert isinstance(data["weight"], float) and 0 < data["weight"] <= 1 + 1e-6
        assert math.isclose(data["weight"], dense[pos[a], pos[b]], abs_tol=1e-5)
        assert data["weight"] >= 0.05
        assert data["concepts"]
        for phrase in data["concepts"].split("; "):
            j = model.vocabulary_[phrase]
            assert model.matrix_[pos[a], j] > 0 and model.matrix_[pos[b], j] > 0
        top_a = np.argsort(-dense[pos[a]])[:k]
        top_b = np.argsort(-dense[pos[b]])[:k]
        kth_a, kth_b = dense[pos[a], top_a[-1]], dense[pos[b], top_b[-1]]
        assert dense[pos[a], pos[b]] >= min(kth_a, kth_b) - 1e-6  # b near a, or a near b
    for pid in sample.ids:  # each paper is linked to its k nearest (above the threshold)
        i = pos[pid]
        for j in np.argsort(-dense[i])[:k]:
            if dense[i, j] >= 0.05 + 1e-6:
                assert graph.has_edge(pid, model.ids_[j])
    node = graph.nodes["2410.13618"]
    paper = sample["2410.13618"]
    assert node["title"] == paper.title and node["year"] == paper.year
    assert node["authors"] == "; ".join(paper.authors) and node["categories"] == "; ".join(paper.categories)
    assert graph.nodes["2203.05482"]["year"] == 2022  # the year its arXiv id encodes (no date given)
    assert graph.graph["kind"] == "concept" and "5" not in graph.graph["notes"][:1]


def test_mutual_graph_respects_k_and_min_similarity_prunes(sample):
    mutual = sample.concept_graph(k=3, min_similarity=0.0, mutual=True)
    assert max(d for _, d in mutual.degree()) <= 3
    union = sample.concept_graph(k=3, min_similarity=0.0)
    assert set(map(frozenset, mutual.edges)) <= set(map(frozenset, union.edges))
    strict = sample.concept_graph(k=3, min_similarity=0.15)
    assert all(w >= 0.15 for _, _, w in strict.edges(data="weight"))
    assert strict.number_of_edges() < union.number_of_edges()


def test_graph_exports_to_graphml_and_gexf(sample):
    graph = sample.concept_graph(k=3)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert back.number_of_edges() == graph.number_of_edges()
    nx.write_gexf(graph, io.BytesIO())


def test_papers_without_text_are_nodes_without_edges():
    papers = [*synthetic_papers(12), pl.Paper.create(title="The", year=2020)]
    corpus = pl.Corpus(papers)
    graph = corpus.concept_graph(k=3, min_similarity=0.0)
    silent = corpus.ids[-1]
    assert silent in graph and graph.degree(silent) == 0
    assert graph.graph["papers_without_text"] == 1
    assert "1 paper has no text" in graph.graph["notes"]


def test_a_subset_reuses_the_root_model_and_keeps_its_neighbours_inside(sample, model):
    subset = sample.filter(year=(2023, None))
    assert fitted_model(subset) is model
    graph = subset.concept_graph(k=3, min_similarity=0.0)
    assert set(graph.nodes) == set(subset.ids)
    rows = subset.root_positions
    X = model.matrix_[rows]
    dense = (X @ X.T).toarray()
    np.fill_diagonal(dense, -1)
    for i, pid in enumerate(subset.ids):
        for j in np.argsort(-dense[i])[:3]:
            if dense[i, j] > 1e-6:
                assert graph.has_edge(pid, subset.ids[j])
    local_i, local_s = model.kneighbors(3, rows=rows, method="exact")
    assert_same_neighbours(X, local_i, local_s, 3)


def test_model_cache_is_per_parameter_set(sample):
    assert fitted_model(sample, min_df=2) is fitted_model(sample, min_df=2)
    assert fitted_model(sample, min_df=2) is not fitted_model(sample)
    assert sample.concept_model(min_df=2) is fitted_model(sample.head(10), min_df=2)
    with pytest.raises(pl.FieldError):
        sample.concept_graph(k=3, n_neighbours=4)


def test_importing_the_concept_module_does_not_import_scikit_learn():
    code = (
        "import sys, json, paperlens, paperlens.graphs.concepts, paperlens.graphs.knn\n"
        "print(json.dumps('sklearn' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False
