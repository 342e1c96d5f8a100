"""Positions of papers on a 2-D map of the field, and edge thinning for readable graphs.

The map places every paper by concept similarity: a UMAP embedding of the concept kNN graph that
:class:`~paperlens.graphs.concepts.ConceptModel` already computes, so the layout costs no neighbour
search of its own (``benchmarks/bench_map.py`` measures it against umap-learn's defaults, openTSNE,
PaCMAP, TruncatedSVD and a random layout). umap-learn builds the fuzzy graph; the epochs run in
paperlens's own optimiser (:mod:`~paperlens.graphs._map_kernel`: umap-learn's steps, in two fixed
blocks of papers that run in parallel without depending on the threads), from a seeded start computed
without threaded BLAS, so the same corpus and seed give the same positions on any machine and any
number of threads.

Examples
--------
>>> import paperlens as pl
>>> positions = map_positions(pl.load_sample())
>>> list(positions.columns), len(positions)
(['id', 'x', 'y', 'community'], 69)
>>> bool(positions[["x", "y"]].abs().max().max() <= 1.0)
True
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from ..corpus import Corpus

__all__ = [
    "has_map_positions",
    "knn_matrix",
    "map_layout",
    "map_links",
    "map_positions",
    "name_ranks",
    "pack_components",
    "set_positions",
    "spread",
    "strongest_edges",
    "strongest_mask",
    "umap_knn",
]

MAP_NEIGHBORS = 15
"""Neighbours per paper in the graph the map is laid out from (umap-learn's default ``n_neighbors``)."""


def knn_matrix(indices: np.ndarray, similarities: np.ndarray) -> sparse.csr_matrix:
    """The kNN graph as a sparse ``n x n`` matrix of similarities (row ``i``: the neighbours of ``i``).

    Slots with index ``-1`` or a similarity of 0 or less are left out.

    >>> m = knn_matrix(np.array([[1, -1], [0, 2], [1, -1]]), np.array([[0.5, 0], [0.5, 0.2], [0.2, 0]]))
    >>> m.toarray().tolist()
    [[0.0, 0.5, 0.0], [0.5, 0.0, 0.2], [0.0, 0.2, 0.0]]
    """
    indices = np.asarray(indices, dtype=np.int64)
    similarities = np.asarray(similarities, dtype=np.float64)
    n = len(indices)
    rows = np.repeat(np.arange(n), indices.shape[1] if indices.ndim == 2 else 0)
    keep = (indices.ravel() >= 0) & (similarities.ravel() > 0)
    return sparse.csr_matrix((similarities.ravel()[keep], (rows[keep], indices.ravel()[keep])), shape=(n, n))


def _start(graph: sparse.csr_matrix, seed: int) -> np.ndarray:
    """A deterministic starting layout: a few rounds of neighbour averaging of seeded random points.

    Sparse products in SciPy run on one thread, so this start (unlike a spectral one through threaded
    BLAS/ARPACK) is bit-for-bit the same everywhere. Averaging pulls neighbours together, which gives
    UMAP's optimiser a start with the coarse structure already in place.
    """
    rng = np.random.default_rng(seed)
    n = graph.shape[0]
    points = rng.standard_normal((n, 2))
    degree = np.asarray(graph.sum(axis=1)).ravel()
    step = sparse.diags(np.where(degree > 0, 1 / np.maximum(degree, 1e-12), 0)) @ graph
    lonely = degree == 0
    for _ in range(30):
        moved = step @ points
        moved[lonely] = points[lonely]
        moved -= moved.mean(axis=0)
        spread = moved.std(axis=0)
        points = moved / np.where(spread > 0, spread, 1)
    return points


def _fit_box(points: np.ndarray) -> np.ndarray:
    """Centred and scaled into [-1, 1] on both axes (aspect kept)."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) == 0:
        return points.reshape(0, 2)
    points = points - (points.max(axis=0) + points.min(axis=0)) / 2
    extent = np.abs(points).max()
    return points / extent if extent > 0 else points


def map_layout(
    indices: np.ndarray, similarities: np.ndarray, *, seed: int = 0, n_epochs: int | None = None, min_dist: float = 0.1
) -> np.ndarray:
    """2-D positions (``n x 2``, within [-1, 1]) from a kNN graph: UMAP with a precomputed kNN.

    ``indices`` / ``similarities`` are what :meth:`ConceptModel.kneighbors` returns (cosine
    similarities; -1: no neighbour). umap-learn's fuzzy graph (``fuzzy_simplicial_set``), curve
    (``find_ab_params``) and edge schedule (``make_epochs_per_sample``) are used as they are; the
    epochs run in :func:`paperlens.graphs._map_kernel.optimise`. Parts of the graph with no link to
    the rest (papers without neighbours among them) are packed beside the largest (:func:`pack_components`).
    ``n_epochs`` defaults to umap-learn's (200 above 10,000 points, 500 below).

    >>> import paperlens as pl
    >>> i, s = pl.load_sample().concept_model().kneighbors(15)
    >>> p = map_layout(i, s, seed=1)
    >>> p.shape, bool((map_layout(i, s, seed=1) == p).all())
    ((69, 2), True)
    """
    indices = np.asarray(indices, dtype=np.int64)
    similarities = np.asarray(similarities, dtype=np.float32)
    n = len(indices)
    if n < 4 or indices.shape[1] == 0 or not (indices >= 0).any():
        # Too few papers (or links) for an embedding: a seeded scatter in the box.
        return _fit_box(np.random.default_rng(seed).standard_normal((n, 2)))
    from umap.umap_ import find_ab_params, fuzzy_simplicial_set, make_epochs_per_sample

    from . import _map_kernel

    _cache_umap_kernels()

    k = min(indices.shape[1], n - 2)
    indices, similarities = indices[:, :k], similarities[:, :k]
    graph = knn_matrix(indices, similarities)
    knn_i, knn_d = umap_knn(indices, similarities)
    # The data are not read once the kNN graph is given: a one-column placeholder of the right length.
    fuzzy, _, _ = fuzzy_simplicial_set(
        np.zeros((n, 1), np.float32), k + 1, np.random.RandomState(seed), "cosine", knn_indices=knn_i, knn_dists=knn_d
    )
    default_epochs = 500 if n <= 10_000 else 200
    n_epochs = int(n_epochs or default_epochs)
    fuzzy = fuzzy.tocoo()
    fuzzy.sum_duplicates()
    # As umap-learn does: edges too weak to be sampled once in the epochs are left out.
    fuzzy.data[fuzzy.data < fuzzy.data.max() / (n_epochs if n_epochs > 10 else default_epochs)] = 0.0
    fuzzy.eliminate_zeros()
    fuzzy = fuzzy.tocsr().tocoo()  # edges sorted by head
    a, b = find_ab_params(1.0, min_dist)
    start = _start(graph + graph.T, seed)
    start = 10.0 * (start - start.min(axis=0)) / np.maximum(np.ptp(start, axis=0), 1e-12)  # umap-learn's scale
    points = _map_kernel.run_epochs(
        start,
        fuzzy.row,
        fuzzy.col,
        make_epochs_per_sample(fuzzy.data, n_epochs),
        a,
        b,
        n_epochs,
        seed,
        5.0,  # negative samples per pull: umap-learn's negative_sample_rate
    )
    return _fit_box(pack_components(points, graph))


def umap_knn(indices: np.ndarray, similarities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A kNN graph in umap-learn's form (its ``knn_indices`` / ``knn_dists``, ``precomputed_knn``): each point
    itself first at distance 0, then its neighbours at cosine distance ``1 - similarity`` (-1: no neighbour).

    >>> umap_knn(np.array([[1], [-1]]), np.array([[0.75], [0.0]]))[1].tolist()
    [[0.0, 0.25], [0.0, 0.0]]
    """
    indices = np.asarray(indices, dtype=np.int64)
    n = len(indices)
    knn_i = np.hstack([np.arange(n)[:, None], indices]).astype(np.int32)
    knn_d = np.hstack([np.zeros((n, 1)), np.where(indices >= 0, 1 - np.asarray(similarities), 0)]).astype(np.float32)
    knn_i[:, 1:][indices < 0] = -1
    return knn_i, knn_d


@cache
def _cache_umap_kernels() -> None:
    """Keep umap-learn's compiled fuzzy-graph kernels in numba's cache, as paperlens's own kernels are.

    umap-learn compiles its kernels (``numba.njit`` without ``cache=True``) in every new process:
    seconds before the first map of a session. With caching on, later processes load the same machine
    code (the same positions) in a fraction of a second. Where no cache directory is writable, nothing changes.
    Done once per process (umap-learn compiles none of them with a cache of its own).
    """
    import umap.umap_
    import umap.utils
    from numba.core.registry import CPUDispatcher

    for module in (umap.umap_, umap.utils):
        for kernel in list(vars(module).values()):
            if isinstance(kernel, CPUDispatcher):
                try:
                    kernel.enable_caching()
                except RuntimeError:  # "no locator available": no writable cache directory
                    return


def pack_components(points: np.ndarray, graph: sparse.spmatrix, *, gap: float = 0.15) -> np.ndarray:
    """Each connected part of ``graph`` drawn in its own box, the boxes packed in rows (largest first).

    UMAP lets parts with no link between them drift apart as far as they like: three systematic reviews
    on one map became three dots in a sea of white. Here each part keeps its own layout, scaled so its
    box's area follows its number of papers, and the boxes are set side by side in rows about as wide
    as the whole is tall (``gap``: the margin around each box, as a share of its side). One part: the
    points are returned as they are.

    >>> g = sparse.csr_matrix(([1.0, 1.0], ([0, 2], [1, 3])), shape=(4, 4))
    >>> far = np.array([[0.0, 0.0], [1.0, 0.0], [1000.0, 0.0], [1001.0, 0.0]])
    >>> packed = pack_components(far, g)
    >>> bool(np.ptp(packed[:, 0]) < 10), bool(packed[1, 0] > packed[0, 0])
    (True, True)
    """
    from scipy.sparse.csgraph import connected_components

    points = np.asarray(points, dtype=np.float64)
    count, part = connected_components(graph, directed=False)
    if count <= 1:
        return points
    sizes = np.bincount(part, minlength=count)
    first = np.full(count, len(part))
    np.minimum.at(first, part, np.arange(len(part)))
    order = np.lexsort((first, -sizes))  # largest first, ties by the part's first paper: the same everywhere
    sides = np.sqrt(sizes.astype(np.float64)) * (1 + gap)
    width = max(np.sqrt((sides**2).sum()), sides.max())
    out = np.empty_like(points)
    x = y = row_height = 0.0
    for c in order:
        side = sides[c]
        if x > 0 and x + side > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        members = part == c
        box = _fit_box(points[members]) * (side / (1 + gap) / 2)  # within [-side/2, side/2], margins left
        out[members] = box + np.array([x + side / 2, -(y + side / 2)])
        x += side
        row_height = max(row_height, side)
    return out


def _root_positions(root: Corpus, seed: int) -> pd.DataFrame:
    import pandas as pd

    from .concepts import fitted_model

    indices, sims = fitted_model(root).kneighbors(MAP_NEIGHBORS)
    points = map_layout(indices, sims, seed=seed)
    community = np.full(len(root), -1, dtype=np.int64)
    position = root.identifier_index()
    for number, ids in zip(*_community_groups(root), strict=True):
        community[[position[i] for i in ids]] = number
    return pd.DataFrame({"id": root.ids, "x": points[:, 0], "y": points[:, 1], "community": community})


COMMUNITIES_KEY = "layout.communities"
"""Where :func:`concept_communities` caches the root's community table (``corpus.root.cached_keys()`` says if found)."""


def concept_communities(corpus: Corpus) -> pd.DataFrame:
    """The concept communities of the corpus's root (:func:`~paperlens.graphs.structure.community_table`),
    found once and cached on the root: the partition the map, its labels and the glance's topics share."""
    from .structure import community_table

    root = corpus.root
    return root.cached(COMMUNITIES_KEY, lambda: community_table(root, kind="concept"))


def _community_groups(root: Corpus) -> tuple[list[int], list[list[str]]]:
    table = concept_communities(root)
    return table["community"].tolist(), table["ids"].tolist()


def community_labels(corpus: Corpus) -> dict[int, str]:
    """The label (top concepts) of each concept community of the corpus's root, by number."""
    table = concept_communities(corpus)
    return dict(zip(table["community"].tolist(), table["label"].tolist(), strict=True))


_POSITIONS_KEY = "layout.map_positions:"  # + the seed: the root corpus's cache of its map


def map_positions(corpus: Corpus, *, seed: int = 0) -> pd.DataFrame:
    """Every paper's place on the field map: a DataFrame with ``id``, ``x``, ``y`` and ``community``.

    The map is laid out once for the root corpus (a filter or search keeps every paper where it was on
    the map of everything loaded) and cached there; ``community`` is the paper's concept community
    (:func:`~paperlens.graphs.structure.community_table`, numbered by size). ``x`` and ``y`` lie in
    [-1, 1]. The same corpus and seed give the same positions on any machine.

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> subset = corpus.filter(year=2024)
    >>> whole = map_positions(corpus).set_index("id")
    >>> part = map_positions(subset).set_index("id")
    >>> bool((whole.loc[part.index] == part).all().all())
    True
    """
    seed = int(seed)
    root = corpus.root
    table = root.cached(f"{_POSITIONS_KEY}{seed}", lambda: _root_positions(root, seed))
    return table.iloc[corpus.root_positions].reset_index(drop=True)


def has_map_positions(corpus: Corpus) -> bool:
    """Whether the field map of ``corpus`` (its root's) is laid out already, for any seed (nothing is computed).

    >>> import paperlens as pl
    >>> corpus = pl.Corpus(list(pl.load_sample()))  # a corpus of its own: nothing cached yet
    >>> has_map_positions(corpus), len(map_positions(corpus)), has_map_positions(corpus.filter(year=2024))
    (False, 69, True)
    """
    return any(key.startswith(_POSITIONS_KEY) for key in corpus.root.cached_keys())


def spread(points: np.ndarray, evenness: float = 0.75) -> np.ndarray:
    """Positions spread more evenly over [-1, 1]: each axis blended with its rank (a monotone change).

    A map keeps far-apart topics far apart, which leaves each cluster a dot in a node-link picture;
    ranks give each cluster room in proportion to its papers while keeping every paper's order along
    both axes. ``evenness`` = 0 leaves the points as they are, 1 uses the ranks alone.

    >>> spread(np.array([[0.0, 0.0], [0.1, 0.1], [1.0, 1.0]]), evenness=1.0).tolist()
    [[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]
    """
    points = _fit_box(points)
    n = len(points)
    if n < 2:
        return points
    ranks = np.argsort(np.argsort(points, axis=0, kind="stable"), axis=0, kind="stable") / (n - 1) * 2 - 1
    return _fit_box((1 - evenness) * points + evenness * ranks)


def set_positions(graph: nx.Graph, positions: pd.DataFrame) -> nx.Graph:
    """Write ``x``, ``y`` (and ``community``) of ``positions`` as node attributes of ``graph`` (in place).

    Nodes not in ``positions`` are left as they are. Returns the graph.

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> g = set_positions(corpus.citation_graph(), map_positions(corpus))
    >>> sorted(k for k in g.nodes["2103.00020"] if k in ("x", "y", "community"))
    ['community', 'x', 'y']
    """
    for node, x, y, community in positions[["id", "x", "y", "community"]].itertuples(index=False):
        if node in graph:
            graph.nodes[node].update(x=float(x), y=float(y), community=int(community))
    return graph


def name_ranks(names: list[str]) -> np.ndarray:
    """Each name's place in ``str`` order (the tie-break :func:`strongest_edges` and :func:`strongest_mask` use).

    >>> name_ranks(["b", "c", "a"]).tolist()
    [1, 2, 0]
    """
    rank = np.empty(len(names), np.int64)
    rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    return rank


def strongest_mask(
    source: np.ndarray, target: np.ndarray, weight: np.ndarray, rank: np.ndarray, per_node: int = 3
) -> np.ndarray:
    """Which links :func:`strongest_edges` keeps, on arrays: link ``i`` joins nodes ``source[i]`` and ``target[i]``.

    A link stays when it is among the ``per_node`` strongest of either end: by ``weight``, ties by the
    other end's ``rank`` (smaller first: :func:`strongest_edges` ranks nodes by their ``str``). A self-loop
    counts once at its node.

    >>> a, b, w = np.array([0, 0, 0, 2]), np.array([1, 2, 3, 3]), np.array([3, 2, 1, 0.5])
    >>> strongest_mask(a, b, w, np.arange(4), per_node=1).tolist()
    [True, True, True, False]
    """
    if per_node < 1:
        raise InvalidArgumentError(f"per_node must be at least 1, not {per_node!r}")
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    rank = np.asarray(rank, dtype=np.int64)
    links = np.arange(len(source))
    other_end = source != target
    node = np.concatenate([source, target[other_end]])
    other = np.concatenate([target, source[other_end]])
    link = np.concatenate([links, links[other_end]])
    strength = np.concatenate([weight, weight[other_end]])
    order = np.lexsort((rank[other], -strength, node))
    node, link = node[order], link[order]
    start = np.searchsorted(node, node, side="left")  # where each node's run begins
    place = np.arange(len(node)) - start
    keep = np.zeros(len(source), dtype=bool)
    keep[link[place < per_node]] = True
    return keep


def strongest_edges(graph: nx.Graph, per_node: int = 3, weight: str = "weight") -> tuple[nx.Graph, int]:
    """A copy of ``graph`` keeping, for every node, only its ``per_node`` strongest edges; and how many were hidden.

    An edge stays when it is among the strongest ``per_node`` of either end (ties broken by the other
    end's id), so every node with an edge keeps at least one. Edges without ``weight`` count 1.

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_weighted_edges_from([("a", "b", 3), ("a", "c", 2), ("a", "d", 1), ("c", "d", 0.5)])
    >>> kept, hidden = strongest_edges(g, per_node=1)
    >>> sorted(kept.edges()), hidden
    ([('a', 'b'), ('a', 'c'), ('a', 'd')], 1)
    """
    if per_node < 1:
        raise InvalidArgumentError(f"per_node must be at least 1, not {per_node!r}")
    if graph.is_multigraph() or graph.is_directed():  # ties and self-loops count as the loop below counts them
        return _strongest_edges_loop(graph, per_node, weight)
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    links = list(graph.edges(data=True))
    source = np.fromiter((index[u] for u, _, _ in links), np.int64, len(links))
    target = np.fromiter((index[v] for _, v, _ in links), np.int64, len(links))
    strength = np.fromiter((float(data.get(weight, 1) or 0) for _, _, data in links), np.float64, len(links))
    names = [str(node) for node in nodes]
    if len(set(names)) < len(names):  # two nodes print alike (1 and "1"): the loop's tie-break is theirs
        return _strongest_edges_loop(graph, per_node, weight)
    keep = strongest_mask(source, target, strength, name_ranks(names), per_node)
    kept = graph.__class__()
    kept.graph.update(graph.graph)
    kept.add_nodes_from(graph.nodes(data=True))
    kept.add_edges_from(link for link, stays in zip(links, keep.tolist(), strict=True) if stays)
    hidden = int(len(links) - keep.sum())
    kept.graph["hidden_edges"] = hidden
    return kept, hidden


def _strongest_edges_loop(graph: nx.Graph, per_node: int, weight: str) -> tuple[nx.Graph, int]:
    """:func:`strongest_edges` node by node (directed graphs and multigraphs)."""
    keep: set[tuple[Any, Any]] = set()
    for node in graph.nodes:
        ranked = []
        for u, v, data in graph.edges(node, data=True) if not graph.is_directed() else _both_ways(graph, node):
            other = v if u == node else u
            ranked.append((-float(data.get(weight, 1) or 0), str(other), (u, v)))
        ranked.sort()
        keep.update(edge for _, _, edge in ranked[:per_node])
    kept = graph.copy()
    directed = graph.is_directed()
    drop = [(u, v) for u, v in graph.edges() if (u, v) not in keep and (directed or (v, u) not in keep)]
    kept.remove_edges_from(drop)
    kept.graph["hidden_edges"] = len(drop)
    return kept, len(drop)


def _both_ways(graph: nx.DiGraph, node: Any):
    yield from graph.out_edges(node, data=True)
    yield from graph.in_edges(node, data=True)


def map_links(
    corpus: Corpus, chosen: Corpus, kind: str = "citation", *, neighbourhood: bool = False, limit: int = 2000
) -> tuple[list[tuple[str, str]], int]:
    """Links to draw on a map of ``corpus``: ``(pairs of ids, how many there are in all)``.

    ``kind="citation"``: citation links of the corpus; ``"similar"``: its concept kNN links
    (:data:`MAP_NEIGHBORS` per paper). With ``neighbourhood=True`` the links touching a paper of
    ``chosen``, otherwise those with both ends in ``chosen``. The ``limit`` kept are the strongest:
    similar links by similarity, citations by how often the cited paper is cited in the corpus (ties
    by ids), so the backbone of the field stays visible.

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> pairs, total = map_links(corpus, corpus, "citation", limit=5)
    >>> len(pairs), total == corpus.citation_graph().number_of_edges()
    (5, True)
    """
    inside = set(chosen.ids)
    present = set(corpus.ids)
    scored: list[tuple[float, str, str]] = []
    if kind == "citation":
        graph = corpus.citation_graph()
        cited = dict(graph.in_degree())
        for a, b in graph.edges():
            if not (a in present and b in present):
                continue
            if (a in inside or b in inside) if neighbourhood else (a in inside and b in inside):
                scored.append((-float(cited.get(b, 0)), str(a), str(b)))
    elif kind == "similar":
        from .concepts import fitted_model

        model = fitted_model(corpus)
        indices, sims = model.kneighbors(MAP_NEIGHBORS)
        ids = model.ids_
        rows = corpus.root_positions if neighbourhood else chosen.root_positions
        member = np.zeros(len(ids), dtype=bool)
        member[corpus.root_positions] = True
        chosen_rows = np.zeros(len(ids), dtype=bool)
        chosen_rows[chosen.root_positions] = True
        seen: set[tuple[int, int]] = set()
        for i in rows.tolist():
            for j, s in zip(indices[i].tolist(), sims[i].tolist(), strict=True):
                if j < 0 or s <= 0 or not member[j]:
                    continue
                ok = (chosen_rows[i] or chosen_rows[j]) if neighbourhood else (chosen_rows[i] and chosen_rows[j])
                pair = (min(i, j), max(i, j))
                if ok and pair not in seen:
                    seen.add(pair)
                    scored.append((-float(s), ids[pair[0]], ids[pair[1]]))
    else:
        raise InvalidArgumentError(f"link kind must be 'citation' or 'similar', not {kind!r}")
    scored.sort()
    return [(a, b) for _, a, b in scored[: max(int(limit), 0)]], len(scored)
