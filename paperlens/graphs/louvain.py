"""Louvain communities compiled with numba: the same partition as networkx's, node for node.

:func:`networkx.community.louvain_partitions` takes about 35 s of Python on the 330,000 links of the
concept graph of 75,000 papers. This module runs the very same algorithm on CSR arrays in compiled code:
CPython's random generator is reproduced (``random.Random(seed).shuffle`` of the nodes at each level, as
:mod:`paperlens.graphs.propagation` does), nodes are visited and their neighbours and neighbouring
communities read in networkx's order, and every sum and modularity gain is computed with the same
floating-point operations in the same order, so for an integer seed each level's partition is
identical to networkx's, not merely as good.

The order that matters is that of the graph networkx builds inside ``louvain_partitions``
(``add_weighted_edges_from(G.edges(data=weight))``: each node's neighbours in the order its links are
first listed by ``G.edges()``); :func:`louvain_csr_of` reads it from a networkx graph and
:func:`csr_from_edges` builds it from a list of links. One difference is left: whether a level gained
more modularity than ``threshold`` networkx decides on sums taken in the order of Python sets, here in
node order; the two can differ in the last bits, which changes the result only if a level's gain is
within about 1e-16 of the threshold.

Examples
--------
>>> import networkx as nx
>>> graph = nx.karate_club_graph()
>>> found = louvain_communities(graph, seed=3)
>>> expected = nx.community.louvain_communities(graph, seed=3)
>>> sorted(map(sorted, found)) == sorted(map(sorted, expected))
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["csr_from_edges", "louvain_communities", "louvain_csr_of", "louvain_levels"]


def csr_from_edges(
    n: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, indices, weights)`` of the undirected graph of ``n`` nodes whose links are added in this order.

    Link ``i`` joins ``source[i]`` and ``target[i]`` (node numbers); each node's neighbours are listed in
    the order of its links, as networkx lists them after ``add_weighted_edges_from`` (a self-loop once).

    >>> indptr, indices, weights = csr_from_edges(3, np.array([1, 0]), np.array([2, 1]), np.array([0.5, 2.0]))
    >>> indptr.tolist(), indices.tolist(), weights.tolist()
    ([0, 1, 3, 4], [1, 2, 0, 1], [2.0, 0.5, 2.0, 0.5])
    """
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    loop = source == target
    ends = np.column_stack([source, target]).ravel()  # link i: its entry at source, then at target
    others = np.column_stack([target, source]).ravel()
    weights = np.repeat(weight, 2)
    keep = np.ones(len(ends), dtype=bool)
    keep[1::2] = ~loop
    ends, others, weights = ends[keep], others[keep], weights[keep]
    order = np.argsort(ends, kind="stable")
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=indptr[1:])
    return indptr, others[order], weights[order]


def louvain_csr_of(
    graph: nx.Graph, weight: str | None = "weight"
) -> tuple[list[Any], np.ndarray, np.ndarray, np.ndarray]:
    """``(nodes, indptr, indices, weights)`` of the graph ``louvain_partitions`` works on, in its order.

    ``graph`` is a simple undirected networkx graph; weights are the edge attribute ``weight`` (1 where
    missing, or everywhere when ``weight`` is None).

    >>> import networkx as nx
    >>> nodes, indptr, indices, weights = louvain_csr_of(nx.path_graph(3))
    >>> indptr.tolist(), indices.tolist(), weights.tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1], [1.0, 1.0, 1.0, 1.0])
    """
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    links = list(graph.edges(data=weight, default=1))
    source = np.fromiter((index[u] for u, _, _ in links), np.int64, len(links))
    target = np.fromiter((index[v] for _, v, _ in links), np.int64, len(links))
    weights = np.fromiter((w for _, _, w in links), np.float64, len(links))
    return nodes, *csr_from_edges(len(nodes), source, target, weights)


def louvain_levels(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    resolution: float = 1.0,
    threshold: float = 0.0000001,
    seed: int = 0,
) -> Iterator[np.ndarray]:
    """The community of each node at each level of Louvain, as :func:`networkx.community.louvain_partitions`
    yields its partitions (the last one is ``louvain_communities``'s result).

    ``indptr``/``indices``/``weights`` describe the graph in networkx's order (:func:`louvain_csr_of`,
    :func:`csr_from_edges`). Each level is an array of community numbers ``0, 1, ...`` (nodes with the same
    number form a community).

    >>> indptr, indices, weights = csr_from_edges(4, np.array([0, 2]), np.array([1, 3]), np.ones(2))
    >>> [level.tolist() for level in louvain_levels(indptr, indices, weights)]
    [[0, 0, 1, 1]]
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    n = len(indptr) - 1
    if len(indices) == 0:  # no links: every node alone (networkx's nx.is_empty case)
        yield np.arange(n)
        return
    from ._louvain_kernel import aggregate, degrees, modularity, one_level, renumber

    state = random.Random(seed).getstate()[1]  # one generator for every level, as py_random_state gives
    mt = np.array(state[:624], dtype=np.uint32)
    pos = np.array([state[624]], dtype=np.int64)
    m = sum(degrees(indptr, indices, weights).tolist()) / 2  # graph.size(weight="weight")
    two_m2 = 2 * m**2
    mod = modularity(indptr, indices, weights, np.arange(n), n, resolution)
    node2com, _ = one_level(indptr, indices, weights, m, two_m2, resolution, mt, pos)
    improvement = True
    member = np.arange(n)
    while improvement:
        group, k = renumber(node2com)
        member = group[member]
        yield member.copy()
        new_mod = modularity(indptr, indices, weights, group, k, resolution)
        if new_mod - mod <= threshold:
            return
        mod = new_mod
        indptr, indices, weights = aggregate(indptr, indices, weights, group, k)
        node2com, improvement = one_level(indptr, indices, weights, m, two_m2, resolution, mt, pos)


def louvain_communities(
    graph: nx.Graph,
    weight: str | None = "weight",
    resolution: float = 1.0,
    threshold: float = 0.0000001,
    seed: int = 0,
) -> list[set[Any]]:
    """The communities :func:`networkx.community.louvain_communities` finds, as a list of sets.

    Same arguments and the same partition (for an integer ``seed``), compiled: a simple undirected graph
    only (:class:`networkx.Graph`) with numeric weights.

    >>> import networkx as nx
    >>> [sorted(group) for group in louvain_communities(nx.barbell_graph(3, 0), seed=1)]
    [[0, 1, 2], [3, 4, 5]]
    """
    if graph.is_directed() or graph.is_multigraph():
        raise TypeError("louvain_communities takes a simple undirected graph (networkx.Graph)")
    nodes, indptr, indices, weights = louvain_csr_of(graph, weight)
    *_, labels = louvain_levels(indptr, indices, weights, resolution, threshold, seed)  # the last level
    groups: dict[int, set[Any]] = {}
    for node, label in zip(nodes, labels.tolist(), strict=True):
        groups.setdefault(label, set()).add(node)
    return list(groups.values())
