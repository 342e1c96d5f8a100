"""Compiled Louvain (graphs/louvain.py) against networkx's, and the arrays behind corpus.graph(kind="concept")."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

import paperlens as pl
from paperlens.graphs import layout, structure
from paperlens.graphs.concepts import concept_graph, concept_links, fitted_model, links_graph
from paperlens.graphs.louvain import csr_from_edges, louvain_communities, louvain_csr_of, louvain_levels


def canon(partition) -> list[list[str]]:
    return sorted(sorted(map(str, group)) for group in partition)


def random_graphs() -> list[nx.Graph]:
    rng = random.Random(7)
    graphs = [nx.karate_club_graph(), nx.les_miserables_graph(), nx.davis_southern_women_graph()]
    for t in range(24):
        n = rng.randint(5, 250)
        graph = nx.gnm_random_graph(n, rng.randint(n, 4 * n), seed=t)
        if t % 3 == 0:  # float weights, some equal
            for u, v in graph.edges:
                graph.edges[u, v]["weight"] = rng.choice([0.25, 0.5, rng.random()])
        if t % 4 == 1:  # string nodes, added in a shuffled order
            names = {i: f"p{rng.random():.6f}" for i in graph}
            order = list(graph)
            rng.shuffle(order)
            relabelled = nx.Graph()
            relabelled.add_nodes_from(names[i] for i in order)
            relabelled.add_edges_from((names[u], names[v], d) for u, v, d in graph.edges(data=True))
            graph = relabelled
        if t % 5 == 2:  # a self-loop and a lone node
            first = next(iter(graph))
            graph.add_edge(first, first, weight=0.7)
            graph.add_node("alone")
        if t % 6 == 3:  # integer weights
            for u, v in graph.edges:
                graph.edges[u, v]["weight"] = rng.randint(1, 4)
        graphs.append(graph)
    return graphs


@pytest.mark.parametrize("resolution", [1, 0.5, 2.0])
def test_compiled_louvain_is_networkx_louvain(resolution):
    for graph in random_graphs():
        for seed in range(4):
            expected = nx.community.louvain_communities(graph, resolution=resolution, seed=seed)
            assert canon(louvain_communities(graph, resolution=resolution, seed=seed)) == canon(expected)


def test_every_level_is_networkx_level():
    for graph in random_graphs()[:12]:
        nodes, indptr, indices, weights = louvain_csr_of(graph)
        for seed in (0, 5):
            expected = [canon(level) for level in nx.community.louvain_partitions(graph, seed=seed)]
            found = []
            for labels in louvain_levels(indptr, indices, weights, seed=seed):
                groups: dict[int, list] = {}
                for node, label in zip(nodes, labels.tolist(), strict=True):
                    groups.setdefault(label, []).append(node)
                found.append(canon(groups.values()))
            assert found == expected


def test_communities_louvain_compiled_numbers_as_networkx():
    graph = random_graphs()[5]
    truth = nx.community.louvain_communities(graph, seed=3)
    ordered = sorted(truth, key=lambda group: (-len(group), min(str(node) for node in group)))
    expected = {node: number for number, group in enumerate(ordered) for node in group}
    assert structure.communities(graph, seed=3) == expected


def test_empty_and_edgeless_graphs():
    assert structure.communities(nx.Graph()) == {}
    lonely = nx.empty_graph(["b", "a"])
    assert structure.communities(lonely) == {"a": 0, "b": 1}
    assert [level.tolist() for level in louvain_levels(*csr_from_edges(3, [], [], []))] == [[0, 1, 2]]


def test_concept_communities_from_arrays_are_networkx_louvain_of_the_concept_graph():
    corpus = pl.load_sample()
    subset = corpus[::-2]  # not in root order: the graph's node order is the subset's
    for part in (corpus, subset):
        graph = concept_graph(part, n_concepts=0)
        truth = nx.community.louvain_communities(graph, seed=0)
        ordered = sorted(truth, key=lambda group: (-len(group), min(str(node) for node in group)))
        expected = {node: number for number, group in enumerate(ordered) for node in group}
        assert structure.corpus_communities(part, "concept") == expected


def test_exact_search_cut_from_a_wider_one_is_the_narrower_search():
    papers = list(pl.load_sample().papers)
    twins = [
        pl.Paper.create(title=p.title, abstract=p.abstract, arxiv_id=f"9999.{i:05d}") for i, p in enumerate(papers)
    ]
    corpus = pl.Corpus(papers + twins)  # every similarity appears twice: ties everywhere
    fresh = pl.ConceptModel().fit(corpus)
    truth = {k: fresh.kneighbors(k, method="exact") for k in (1, 3, 10)}
    model = pl.ConceptModel().fit(corpus)
    model.kneighbors(15, method="exact")
    for k, (indices, sims) in truth.items():
        got_i, got_s = model.kneighbors(k, method="exact")
        assert np.array_equal(got_i, indices) and np.array_equal(got_s, sims)
        got_i, got_s = model.kneighbors(k)  # "auto": exact at this size, cut too
        assert np.array_equal(got_i, indices) and np.array_equal(got_s, sims)


def test_strongest_mask_is_the_node_by_node_rule():
    for graph in random_graphs():
        if any(str(a) == str(b) and a != b for a in graph for b in graph):
            continue
        for per_node in (1, 3):
            fast, hidden = layout.strongest_edges(graph, per_node)
            slow, slow_hidden = layout._strongest_edges_loop(graph, per_node, "weight")
            assert hidden == slow_hidden
            assert list(fast.nodes(data=True)) == list(slow.nodes(data=True))
            assert list(fast.edges(data=True)) == list(slow.edges(data=True))
            assert fast.graph == slow.graph


def test_thinned_concept_graph_from_arrays_is_the_thinned_concept_graph():
    from paperlens.display.graphview import THIN_PER_NODE, _strongest_concept_graph

    corpus = pl.load_sample()
    for part, options in ((corpus, {}), (corpus[::-2], {"k": 4, "min_similarity": 0.05})):
        full = concept_graph(part, n_concepts=0, **options)
        expected, hidden = layout._strongest_edges_loop(full.copy(), THIN_PER_NODE, "weight")
        got, got_hidden = _strongest_concept_graph(part, options)
        assert got_hidden == hidden
        assert list(got.nodes(data=True)) == list(expected.nodes(data=True))
        assert list(got.edges(data=True)) == list(expected.edges(data=True))
        assert got.graph == expected.graph


def test_links_graph_of_all_links_is_concept_graph():
    corpus = pl.load_sample()
    model, lo, hi, weight = concept_links(corpus, k=5)
    assert model is fitted_model(corpus)
    graph = links_graph(corpus, model, lo, hi, weight, [""] * len(lo), k=5)
    expected = concept_graph(corpus, k=5, n_concepts=0)
    assert list(graph.edges(data=True)) == list(expected.edges(data=True))
    assert graph.graph == expected.graph


def test_map_layout_is_the_same_with_umap_kernels_cached_or_compiled_afresh(tmp_path):
    import os

    from fresh_process import arrays_from_fresh_process

    script = """
import sys
import numpy as np
import paperlens as pl
from paperlens.graphs import layout
if sys.argv[3] == "fresh":
    layout._cache_umap_kernels = lambda: None  # umap-learn's own way: compiled in this process
indices, sims = pl.load_sample().concept_model().kneighbors(15)
np.savez(sys.argv[1], points=layout.map_layout(indices, sims, seed=2))
"""
    runs = {}
    for how in ("fresh", "cached", "cached"):  # the second cached run loads the code the first one kept
        out = tmp_path / f"{how}.npz"
        runs.setdefault(how, []).append(
            arrays_from_fresh_process(script.replace("sys.argv[3]", repr(how)), out, dict(os.environ))["points"]
        )
    assert np.array_equal(runs["fresh"][0], runs["cached"][0])
    assert np.array_equal(runs["cached"][0], runs["cached"][1])
