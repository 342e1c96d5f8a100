"""Recommendations: citation evidence against networkx's graphs, text scores against scikit-learn, quality
on a real systematic review (the reviewers' decisions), determinism across BLAS threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import paperlens as pl
from paperlens.errors import PaperlensError
from paperlens.graphs.recommend import citation_evidence, recommend_table


@pytest.fixture(scope="module")
def reviewed() -> pl.Corpus:
    return pl.load_sample("donners2021")


def included(corpus: pl.Corpus) -> list[str]:
    return [p.id for p in corpus if p.extra.get("included")]


def test_citation_evidence_matches_the_networkx_graphs(reviewed):
    seeds = included(reviewed)[:4]
    rows = np.array([reviewed.position(s) for s in seeds])
    evidence = citation_evidence(reviewed, rows)
    cites = reviewed.citation_graph(mentions=False)
    coupling = reviewed.coupling_graph()
    cocitation = reviewed.cocitation_graph()
    checked = 0
    for pos, pid in enumerate(reviewed.ids):
        if pid in seeds:
            continue
        out = sum(cites.has_edge(pid, s) for s in seeds)
        into = sum(cites.has_edge(s, pid) for s in seeds)
        shared = sum(coupling.edges[pid, s]["weight"] for s in seeds if coupling.has_edge(pid, s))
        together = sum(cocitation.edges[pid, s]["weight"] for s in seeds if cocitation.has_edge(pid, s))
        assert (evidence["cites"][pos], evidence["cited_by"][pos]) == (out, into), pid
        assert evidence["coupling"][pos] == shared, pid
        assert evidence["cocitation"][pos] == together, pid
        checked += bool(out or into or shared or together)
    assert checked > 50  # the review's papers are densely linked: the test saw real links


def test_seed_only_ranking_is_cosine_similarity_to_the_seeds(reviewed):
    seeds = included(reviewed)[:2]
    table = recommend_table(reviewed, relevant=seeds, n=None, citations=False)
    X = reviewed.concept_model().matrix_.toarray().astype(np.float64)
    centroid = X[[reviewed.position(s) for s in seeds]].mean(axis=0)
    expected = X @ centroid
    assert set(table["id"]) == set(reviewed.ids) - set(seeds)
    got = table["text_score"].to_numpy()
    assert np.allclose(got, expected[[reviewed.position(i) for i in table["id"]]], atol=1e-6)
    assert np.all(np.diff(got) <= 1e-12)


def test_with_labels_the_text_score_is_a_linear_svm(reviewed):
    from sklearn.svm import LinearSVC

    relevant, irrelevant = included(reviewed)[:3], [p.id for p in reviewed if p.extra.get("included") is False][:6]
    table = recommend_table(reviewed, relevant, irrelevant, n=None, citations=False)
    X = reviewed.concept_model().matrix_
    rows = [reviewed.position(i) for i in relevant + irrelevant]
    y = [1] * 3 + [0] * 6
    weights = [1.0] * 3 + [3 / (9.8 * 6)] * 6
    svm = LinearSVC(C=0.11, random_state=0, max_iter=5000).fit(X[rows], y, sample_weight=weights)
    expected = svm.decision_function(X[[reviewed.position(i) for i in table["id"]]])
    assert np.allclose(table["text_score"].to_numpy(), expected, atol=1e-6)
    assert not set(table["id"]) & set(relevant + irrelevant)


def test_recommendations_find_the_reviewers_included_papers(reviewed):
    truth = set(included(reviewed))
    seeds = sorted(truth)[:3]
    rest = truth - set(seeds)
    base = len(rest) / (len(reviewed) - 3)  # 12 of 255: 5 %
    for citations in (False, True):
        top = reviewed.recommend(relevant=seeds, n=10, citations=citations)
        precision = len(set(top.ids) & rest) / 10
        assert precision >= 4 * base, (citations, precision)


def test_reasons_say_what_links_a_paper(reviewed):
    seeds = included(reviewed)[:4]
    cites = reviewed.citation_graph(mentions=False)
    top = reviewed.recommend(relevant=seeds, n=10)
    assert top.scores.is_monotonic_decreasing and len(top) == 10
    for pid, why in top.reasons.items():
        k = sum(cites.has_edge(pid, s) for s in seeds)
        assert (f"cites {k} of your relevant papers" in why) == (k > 0), why
        assert "shares '" in why
    quiet = recommend_table(reviewed, seeds, n=10, explain=False)
    assert quiet["id"].tolist() == top.ids and set(quiet["reasons"]) == {""}
    text_only = reviewed.recommend(relevant=seeds, n=5, citations=False)
    assert not any("cite" in why for why in text_only.reasons)
    # A filter keeps the reasons of the rows it keeps.
    assert top[2:4].reasons.tolist() == top.reasons.tolist()[2:4]


def test_corpus_labels_are_the_default_and_labelled_papers_are_never_recommended(reviewed):
    seeds = included(reviewed)[:2]
    no = [p.id for p in reviewed if p.extra.get("included") is False][:3]
    labelled = reviewed.annotate(seeds, "relevant").annotate(no, "irrelevant")
    assert labelled.recommend(n=15).ids == reviewed.recommend(seeds, no, n=15).ids
    assert not set(labelled.recommend(n=None).ids) & set(seeds + no)
    # On a filtered corpus only its own papers are candidates.
    recent = labelled.filter(year=(2019, None))
    assert set(recent.recommend(n=None).ids) <= set(recent.ids)


def test_bad_requests(reviewed):
    with pytest.raises(PaperlensError, match="needs relevant papers"):
        reviewed.recommend()
    one = included(reviewed)[0]
    with pytest.raises(PaperlensError, match="both relevant and irrelevant"):
        reviewed.recommend([one], [one])
    with pytest.raises(PaperlensError, match="relevant paper 'nope'"):
        reviewed.recommend(["nope"])


def test_on_the_arxiv_sample_without_references():
    corpus = pl.load_sample()
    top = corpus.recommend(["2410.13618"], n=3)  # LoLDU
    assert all(c == 0 for c in recommend_table(corpus, ["2410.13618"], n=3)["citation_score"])
    assert any("low rank" in why for why in top.reasons)


_RANKING = """
import json, paperlens as pl
from paperlens.graphs.recommend import recommend_table
c = pl.load_sample("donners2021")
yes = [p.id for p in c if p.extra.get("included")][:3]
no = [p.id for p in c if p.extra.get("included") is False][:20]
t = recommend_table(c, yes, no, n=None)
print(json.dumps([t["id"].tolist(), t["score"].round(12).tolist()]))
"""


def test_ranking_does_not_depend_on_blas_threads():
    results = []
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        done = subprocess.run([sys.executable, "-c", _RANKING], capture_output=True, text=True, env=env, check=True)
        results.append(json.loads(done.stdout))
    assert results[0] == results[1]
