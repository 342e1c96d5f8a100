"""The compiled label propagation finds networkx's partition, node for node (graphs/propagation.py).

Truth: :func:`networkx.community.fast_label_propagation_communities` with the same
seed, on real graphs (the sample corpus's citation and concept graphs, the
OpenAlex citation sets of tests/fixtures) and random ones. The graph view's own
path (CSR arrays built from its links, no graph object) is checked against
:func:`paperlens.graphs.structure.communities` on the networkx graph of the same links.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from sources_support import CITATION_SETS, SET_NAMES

import paperlens as pl
from paperlens.display import scene
from paperlens.graphs import structure
from paperlens.graphs.propagation import csr_of, fast_label_propagation, label_propagation_csr


def partition(groups) -> list[list]:
    return sorted(sorted(map(str, group)) for group in groups)


def truth(graph: nx.Graph, weight: str | None, seed: int) -> list[list]:
    return partition(nx.community.fast_label_propagation_communities(graph, weight=weight, seed=seed))


def check(graph: nx.Graph, weight: str | None, seed: int) -> None:
    assert partition(fast_label_propagation(graph, weight=weight, seed=seed)) == truth(graph, weight, seed)


@pytest.fixture(scope="module")
def sample_graphs() -> dict[str, nx.Graph]:
    corpus = pl.load_sample()
    return {
        "citation": corpus.citation_graph().to_undirected(),
        "concept": corpus.concept_graph(),
        "donners citation": pl.load_sample("donners2021").citation_graph(mentions=False).to_undirected(),
    }


@pytest.mark.parametrize("name", ["citation", "concept", "donners citation"])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_sample_graphs(sample_graphs, name, seed):
    graph = sample_graphs[name]
    check(graph, None, seed)
    check(graph, "weight", seed)


@pytest.mark.parametrize("name", SET_NAMES)
def test_citation_sets(name):
    corpus = pl.read_openalex(CITATION_SETS / name / "works_1.zip", warn=False)
    graph = corpus.citation_graph(mentions=False).to_undirected()
    for seed in (0, 3):
        check(graph, None, seed)


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs(seed):
    rng = random.Random(seed)
    n = rng.randint(50, 3000)
    graph = nx.gnm_random_graph(n, rng.randint(n // 2, 5 * n), seed=seed)
    check(graph, None, seed)
    for u, v in graph.edges:  # weights with ties (small integers) and without (floats)
        graph[u][v]["weight"] = rng.choice([1, 2, 3]) if seed % 2 else rng.random()
    graph.add_edge(0, 0, weight=2.5)  # a self-loop counts once, as networkx counts it
    check(graph, "weight", seed)
    relabelled = nx.relabel_nodes(graph, {v: f"paper {v}" for v in graph})  # string nodes, another order
    check(relabelled, "weight", seed + 100)


def test_community_structure_graph():
    graph = nx.planted_partition_graph(20, 50, 0.3, 0.01, seed=4)
    check(graph, None, 11)


def test_the_comparison_can_fail():
    graph = nx.gnm_random_graph(500, 1500, seed=2)
    ours = partition(fast_label_propagation(graph, seed=0))
    assert ours != truth(graph, None, 1)  # another seed, another partition: the check tells them apart


def test_shuffle_and_generator_match_python():
    # The first queue is random.shuffle's: a path graph's labels flow along it from where each walk starts.
    for seed in (0, 5):
        indptr, indices = np.array([0]), np.array([], dtype=np.int64)
        assert label_propagation_csr(indptr, indices, seed=seed).tolist() == []
    graph = nx.path_graph(200)
    check(graph, None, 9)


def test_communities_numbers_match_networkx_run():
    graph = nx.gnm_random_graph(4000, 12000, seed=8)
    found = structure.communities(graph, seed=8, method="label_propagation")
    groups = sorted(
        nx.community.fast_label_propagation_communities(graph, seed=8), key=lambda g: (-len(g), min(map(str, g)))
    )
    assert found == {node: number for number, group in enumerate(groups) for node in group}


def test_graph_view_path_matches_communities():
    # Above LOUVAIN_LIMIT the graph view colours by label propagation from CSR arrays of its links.
    rng = random.Random(1)
    n = structure.LOUVAIN_LIMIT + 500
    graph = nx.DiGraph()
    graph.add_nodes_from(f"p{i}" for i in rng.sample(range(n), n))
    nodes = list(graph)
    for _ in range(4 * n):
        a, b = rng.sample(nodes, 2)
        graph.add_edge(a, b, kind="cites")
    graph.add_edge(nodes[0], nodes[1], kind="cites")
    index = {node: i for i, node in enumerate(nodes)}
    edges = scene._edges(graph, index)
    scene._PARTITIONS.clear()
    community, _, _ = scene._community_groups(len(nodes), edges, nodes, seed=0)
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(graph.edges)
    expected = structure.communities(simple, seed=0, method="auto")
    assert community.tolist() == [expected[node] for node in nodes]
    groups = sorted(nx.community.fast_label_propagation_communities(simple, seed=0), key=lambda g: (-len(g), min(g)))
    assert community.tolist() == [next(i for i, g in enumerate(groups) if v in g) for v in nodes]


def test_csr_of_follows_adjacency_order():
    graph = nx.Graph()
    graph.add_edges_from([(2, 0), (0, 1), (1, 2)])
    nodes, indptr, indices, _ = csr_of(graph)
    assert nodes == [2, 0, 1]
    assert [[nodes[j] for j in indices[indptr[i] : indptr[i + 1]]] for i in range(3)] == [list(graph[v]) for v in nodes]
