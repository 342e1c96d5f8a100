"""The structure of a corpus's graphs: communities, PageRank, co-citation, coupling, prior and derivative works.

Functions take a graph first when they work on any graph (like networkx) and a
corpus first when they build what they need from it; results are plain dicts,
networkx graphs and pandas DataFrames.

Examples
--------
>>> import paperlens as pl
>>> corpus = pl.load_sample()
>>> ranks = pagerank(corpus.citation_graph())
>>> next(iter(ranks))  # the most central paper: CLIP, cited by 7
'2103.00020'
>>> prior_works(corpus, n=2)[["reference", "count"]].values.tolist()
[['2103.00020', 7], ['2003.10555', 2]]
>>> shortest_connection(corpus, "2409.04828", "2401.02460")
[('2409.04828', None), ('2203.05482', 'cites'), ('2103.00020', 'cites'), ('2401.02460', 'cited by')]

On the OpenAlex records of a systematic review, with full reference lists:

>>> reviewed = pl.load_sample("donners2021")
>>> print(reviewed.citation_graph(mentions=False).graph["notes"])
801 of 7528 references resolve to papers of this corpus (801 citation links).
6727 point to works outside the corpus.
>>> prior_works(reviewed, n=3)[["kind", "count"]].values.tolist()
[['corpus', 86], ['corpus', 69], ['openalex', 68]]
>>> cocitation_graph(reviewed).number_of_edges()
1220
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import GraphWarning, InvalidArgumentError, PaperlensError
from .citation import node_attributes, resolve_references

if TYPE_CHECKING:
    import networkx as nx

    from ..corpus import Corpus
    from ..record import Paper

__all__ = [
    "cocitation_graph",
    "communities",
    "community_method",
    "community_numbers",
    "community_table",
    "corpus_communities",
    "coupling_graph",
    "derivative_works",
    "label_communities",
    "label_propagation_numbers",
    "louvain_numbers",
    "pagerank",
    "pagerank_arrays",
    "prior_works",
    "shortest_connection",
]

CONNECTION_KINDS = ("citation", "concept", "both")
_REVERSED = {"cites": "cited by", "mentions": "mentioned by"}


# --------------------------------------------------------------------------- communities and rank


COMMUNITY_METHODS = ("louvain", "label_propagation", "auto")
LOUVAIN_LIMIT = 3000
"""``communities(method="auto")`` uses Louvain up to this many nodes, fast label propagation beyond."""


def communities(
    graph: nx.Graph,
    resolution: float = 1.0,
    seed: int = 0,
    weight: str = "weight",
    method: str = "louvain",
    *,
    progress: bool = False,
) -> dict[Any, int]:
    """Communities of ``graph`` as ``{node: community number}`` (seeded, so repeatable).

    Direction is ignored; edge ``weight`` is used where present (1 elsewhere).
    Communities are numbered by size, largest first (ties: by smallest node), so
    the same graph always gives the same numbers. A node with no edge is a
    community of its own.

    Parameters
    ----------
    graph : networkx.Graph
        Any graph; a directed one is read as undirected.
    resolution : float
        Louvain's resolution: above 1 gives more, smaller communities.
    seed : int
        Seeds the random order of the nodes: the same seed gives the same partition on any machine.
    weight : str
        The edge attribute holding weights.
    method : {"louvain", "label_propagation", "auto"}
        networkx's Louvain (:func:`networkx.community.louvain_communities`; about
        35 s of CPU on the 330,000 links of 75,000 papers) or fast label propagation
        (:func:`networkx.community.fast_label_propagation_communities`; much faster,
        more and smaller communities, ``resolution`` unused; run compiled by
        :func:`paperlens.graphs.propagation.fast_label_propagation`, the same partition); ``"auto"``: Louvain up
        to :data:`LOUVAIN_LIMIT` nodes, label propagation beyond (see :func:`community_method`).
    progress : bool
        Show a progress bar (tqdm), one step per Louvain level.

    Examples
    --------
    >>> import paperlens as pl
    >>> found = communities(pl.load_sample().citation_graph())
    >>> found["2307.11315"] == found["2103.00020"]  # GIST cites CLIP
    True
    >>> found["2307.11315"] == found["2003.10555"]
    False
    """
    import networkx as nx

    chosen = community_method(graph, method)
    undirected = graph.to_undirected(as_view=False) if graph.is_directed() else graph
    if chosen == "label_propagation":
        given = [w for _, _, w in undirected.edges(data=weight, default=1)]
        weighted = any(w != 1 for w in given)  # unweighted runs 5x faster in networkx
        compiled = (  # the same algorithm compiled (graphs/propagation.py): the same partition, 100x faster
            not undirected.is_multigraph()
            and community_partition_compiled(seed)
            and all(type(w) in (int, float) for w in given)  # NumPy scalars would add up otherwise in Python
        )
        if compiled:
            from .propagation import csr_of

            nodes, indptr, indices, weights = csr_of(undirected, weight if weighted else None)
            numbers = label_propagation_numbers(nodes, indptr, indices, weights, seed)
            return dict(zip(nodes, numbers.tolist(), strict=True))
        else:
            groups = list(
                nx.community.fast_label_propagation_communities(
                    undirected, weight=weight if weighted else None, seed=seed
                )
            )
    else:
        compiled = (  # the same algorithm compiled (graphs/louvain.py): the same partition, 100x faster
            not undirected.is_multigraph()
            and community_partition_compiled(seed)
            and type(resolution) in (int, float)
            and all(type(w) in (int, float) for _, _, w in undirected.edges(data=weight, default=1))
        )
        if compiled:
            from .louvain import louvain_csr_of

            nodes, indptr, indices, weights = louvain_csr_of(undirected, weight)
            numbers = louvain_numbers(nodes, indptr, indices, weights, resolution, seed, progress=progress)
            return dict(zip(nodes, numbers.tolist(), strict=True))
        levels = nx.community.louvain_partitions(undirected, weight=weight, resolution=resolution, seed=seed)
        groups = [{node} for node in undirected]
        with _level_bar(undirected.number_of_nodes(), progress) as bar:
            for groups in levels:  # the last level is louvain_communities's result
                bar.set_postfix(communities=len(groups))
                bar.update(1)
    ordered = sorted(groups, key=lambda group: (-len(group), min(str(node) for node in group)))
    return {node: number for number, group in enumerate(ordered) for node in group}


def community_partition_compiled(seed: Any) -> bool:
    """Whether :func:`communities` runs label propagation compiled for this ``seed`` (an integer: networkx's
    ``random.Random(seed)`` is reproduced; ``None`` or a generator go to networkx).

    >>> community_partition_compiled(0), community_partition_compiled(None)
    (True, False)
    """
    return isinstance(seed, int) and not isinstance(seed, bool)


def _level_bar(n: int, progress: bool) -> Any:
    """The progress bar of Louvain: one step per level."""
    from tqdm.auto import tqdm

    return tqdm(desc=f"Louvain communities of {n:,} nodes", unit=" level", disable=not progress)


def louvain_numbers(
    nodes: list[Any],
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    resolution: float = 1.0,
    seed: int = 0,
    *,
    progress: bool = False,
) -> np.ndarray:
    """The community number of each node as :func:`communities` gives it with ``method="louvain"``.

    The graph is a CSR adjacency in the order networkx's Louvain reads it (see
    :func:`paperlens.graphs.louvain.louvain_levels`); communities are numbered as :func:`communities`
    numbers them. ``progress``: a progress bar, one step per level.

    >>> import networkx as nx
    >>> from paperlens.graphs.louvain import louvain_csr_of
    >>> graph = nx.karate_club_graph()
    >>> found = communities(graph, seed=1)
    >>> louvain_numbers(*louvain_csr_of(graph), seed=1).tolist() == [found[v] for v in graph]
    True
    """
    from .louvain import louvain_levels

    labels = np.arange(len(nodes))
    with _level_bar(len(nodes), progress) as bar:
        for labels in louvain_levels(indptr, indices, weights, resolution, seed=seed):
            bar.set_postfix(communities=int(labels.max(initial=-1)) + 1)
            bar.update(1)
    return community_numbers(nodes, labels, by_label=True)


def label_propagation_numbers(
    nodes: list[Any], indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, seed: int = 0
) -> np.ndarray:
    """The community number of each node as :func:`communities` gives it with ``method="label_propagation"``.

    The graph is a CSR adjacency in networkx's order (see
    :func:`paperlens.graphs.propagation.label_propagation_csr`); communities are
    numbered by size, largest first, ties by smallest ``str`` of a node, as
    :func:`communities` numbers them.

    >>> import networkx as nx
    >>> from paperlens.graphs.propagation import csr_of
    >>> graph = nx.barbell_graph(3, 0)
    >>> found = communities(graph, method="label_propagation", seed=1)
    >>> label_propagation_numbers(*csr_of(graph), seed=1).tolist() == [found[v] for v in graph]
    True
    """
    from .propagation import label_propagation_csr

    if len(nodes) == 0:
        return np.zeros(0, np.int64)
    return community_numbers(nodes, label_propagation_csr(indptr, indices, weights, seed=seed))


def community_numbers(nodes: list[Any], labels: np.ndarray, *, by_label: bool = False) -> np.ndarray:
    """Community numbers of the nodes grouped by ``labels``: by size, largest first, ties by smallest ``str``
    of a node (as :func:`communities` numbers them).

    Groups whose smallest names are equal strings (``1`` and ``"1"``) keep the order networkx lists
    them in: by first node (label propagation), or by label with ``by_label=True`` (Louvain).

    >>> community_numbers(["b", "a", "c"], np.array([7, 7, 3])).tolist()
    [0, 0, 1]
    """
    n = len(nodes)
    if n == 0:
        return np.zeros(0, np.int64)
    # Groups in the order networkx yields them, then sorted by (-size, smallest str(node)), stably.
    uniques, first, group = np.unique(labels, return_index=True, return_inverse=True)
    appearance = np.empty(len(uniques), np.int64)
    if by_label:
        appearance[:] = np.arange(len(uniques))
    else:
        appearance[np.argsort(first, kind="stable")] = np.arange(len(uniques))
    names = [str(node) for node in nodes]
    by_name = sorted(range(n), key=names.__getitem__)
    rank = np.empty(n, np.int64)
    previous, r = None, -1
    for i in by_name:  # equal strings share a rank, as min() of equal strings ties
        if names[i] != previous:
            previous, r = names[i], r + 1
        rank[i] = r
    smallest = np.full(len(uniques), n, np.int64)
    np.minimum.at(smallest, group, rank)
    sizes = np.bincount(group)
    order = np.lexsort((appearance, smallest, -sizes))
    number = np.empty(len(uniques), np.int64)
    number[order] = np.arange(len(uniques))
    return number[group]


def community_method(graph: nx.Graph | int, method: str = "auto") -> str:
    """The algorithm :func:`communities` runs on ``graph`` (or a graph of that many nodes) for ``method``
    (``"louvain"`` or ``"label_propagation"``).

    >>> import networkx as nx
    >>> community_method(nx.path_graph(10)), community_method(LOUVAIN_LIMIT + 1)
    ('louvain', 'label_propagation')
    """
    if method not in COMMUNITY_METHODS:
        raise InvalidArgumentError(f"communities method must be one of {', '.join(COMMUNITY_METHODS)}, not {method!r}")
    if method == "auto":
        nodes = graph if isinstance(graph, int) else graph.number_of_nodes()
        return "louvain" if nodes <= LOUVAIN_LIMIT else "label_propagation"
    return method


def corpus_communities(
    corpus: Corpus, kind: str = "concept", *, resolution: float = 1.0, seed: int = 0, progress: bool | None = None
) -> dict[str, int]:
    """The communities of a corpus's concept or citation graph, found once and kept with the corpus.

    This is the one partition :func:`community_table`, ``corpus.communities()``, the
    graph view's community colours and the explorer's topics all show: the same
    corpus, kind, resolution and seed give the same numbers everywhere. The graph is
    ``corpus.concept_graph()`` or ``corpus.citation_graph()`` with their defaults,
    and the partition is :func:`communities` of it (Louvain, whatever the size).

    ``progress``: show progress bars (``None``: from 20,000 papers).

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> found = corpus_communities(corpus, "citation")
    >>> found == communities(corpus.citation_graph())
    True
    >>> corpus_communities(corpus, "citation") is found  # computed once
    True
    """
    if kind not in ("concept", "citation"):
        raise InvalidArgumentError(f"communities kind must be 'concept' or 'citation', not {kind!r}")
    show = len(corpus) >= 20_000 if progress is None else bool(progress)

    def compute() -> dict[str, int]:
        if kind == "citation":
            from .citation import citation_graph

            graph = citation_graph(corpus)
        else:
            if community_partition_compiled(seed) and type(resolution) in (int, float):
                return _concept_louvain(corpus, resolution, seed, show)
            from .concepts import concept_graph

            graph = concept_graph(corpus, n_concepts=0)  # the links' shared concepts do not change the partition
        return communities(graph, resolution=resolution, seed=seed, progress=show)

    return corpus.cached(f"structure.communities:{kind}:{resolution!r}:{seed!r}", compute)


def _concept_louvain(corpus: Corpus, resolution: float, seed: int, progress: bool) -> dict[str, int]:
    """:func:`communities` of ``concept_graph(corpus, n_concepts=0)`` from its links, without the graph object.

    The links are put in the order networkx's Louvain reads them from that graph: nodes in corpus order,
    each node's links to later nodes in the order :func:`~paperlens.graphs.concepts.concept_graph` adds them.
    """
    from .concepts import concept_links
    from .louvain import csr_from_edges

    _, lo, hi, weight = concept_links(corpus)
    nodes = corpus.ids
    position = np.full(len(corpus.root), -1, np.int64)
    position[corpus.root_positions] = np.arange(len(nodes))
    a, b = position[lo], position[hi]
    first, other = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((np.arange(len(first)), first))  # G.edges(): by first node, then as added
    csr = csr_from_edges(len(nodes), first[order], other[order], weight[order].astype(np.float64))
    numbers = louvain_numbers(nodes, *csr, resolution, seed, progress=progress)
    return dict(zip(nodes, numbers.tolist(), strict=True))


def _groups(found: Mapping[Any, int] | Iterable[Iterable[Any]]) -> dict[int, list[Any]]:
    if isinstance(found, Mapping):
        groups: dict[int, list[Any]] = defaultdict(list)
        for node, number in found.items():
            groups[number].append(node)
        return {number: sorted(groups[number], key=str) for number in sorted(groups)}
    return {number: sorted(group, key=str) for number, group in enumerate(found)}


# Languages whose stop words are looked for in a corpus (names as the ``stop-words`` package spells them).
LABEL_LANGUAGES = (
    "french", "german", "spanish", "italian", "portuguese", "dutch", "russian", "ukrainian", "polish",
    "czech", "swedish", "danish", "norwegian", "finnish", "turkish", "romanian", "catalan", "hungarian",
)  # fmt: skip
# A paper is in a language when this many of its words, and this share (%) of them, are that language's
# stop words, besides English ones (the lists hold words English abstracts use too: "ai", "era", "multi").
# Measured: on 74,728 English arXiv abstracts, 2 words making 10% found 16 languages.
_LANGUAGE_MIN_WORDS = 3
_LANGUAGE_MIN_SHARE = 20
_LANGUAGE_MIN_PAPERS = 1


def _language_hits(model: Any) -> tuple[np.ndarray, list[tuple[frozenset[str], np.ndarray]]]:
    """How many single words each paper has, and for each of :data:`LABEL_LANGUAGES`, its stop words
    (besides English ones) and how many of them each paper has: ``X[:, cols].getnnz(axis=1)`` of the model's
    matrix, counted from one pass over its entries instead of column slices (each a pass holding the GIL).
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from stop_words import get_stop_words

    from ..text import STOP_WORDS

    english = STOP_WORDS | ENGLISH_STOP_WORDS
    stop_words = [frozenset({w.lower() for w in get_stop_words(language)} - english) for language in LABEL_LANGUAGES]
    column, single = model._phrase_columns(frozenset().union(*stop_words))
    X = model.matrix_.tocsr()
    n_rows, n_terms = X.shape

    def per_row(weight_of_column: np.ndarray, entries: np.ndarray) -> np.ndarray:  # sums over each row's entries
        running = np.concatenate([[0], np.cumsum(weight_of_column[entries])])
        return running[X.indptr[1:]] - running[X.indptr[:-1]]

    words_of_paper = per_row(np.bincount(single, minlength=n_terms), X.indices)  # a column counts each time
    languages = [
        (words, np.array(sorted({column[w] for w in words if w in column}), dtype=np.int64)) for words in stop_words
    ]
    wanted = np.zeros(n_terms, dtype=bool)  # the entries in a column of some language's stop words
    for _, cols in languages:
        wanted[cols] = True
    picked = np.flatnonzero(wanted[X.indices])
    rows, picked_cols = np.searchsorted(X.indptr, picked, side="right") - 1, X.indices[picked]
    hits = []
    for words, cols in languages:
        wanted[:] = False
        wanted[cols] = True
        hits.append((words, np.bincount(rows[wanted[picked_cols]], minlength=n_rows)))
    return words_of_paper, hits


def _label_skip_words(model: Any) -> frozenset[str]:
    """The stop words of the other languages found in the fitted corpus (the English model keeps them).

    A language is found when, in a paper, three or more of the words, and a
    fifth of them, are its stop words besides English ones ("der", "und", "mit";
    "les", "des", "une"); for a language of another script (Russian), one word.
    Lists from the ``stop-words`` package.
    """
    cached = model.__dict__.get("_label_skip_words")
    if cached is not None:
        return cached
    found: set[str] = set()
    words_of_paper, languages = _language_hits(model)
    for words, hits in languages:
        if not any(w.isascii() for w in words):  # another script: one word tells
            detected = hits.any()
        else:
            papers = (hits >= _LANGUAGE_MIN_WORDS) & (hits * 100 >= _LANGUAGE_MIN_SHARE * words_of_paper)
            detected = papers.sum() >= _LANGUAGE_MIN_PAPERS
        if detected:
            found |= words
    skip = frozenset(found)
    model.__dict__["_label_skip_words"] = skip
    return skip


def label_communities(
    corpus: Corpus, found: Mapping[str, int] | Iterable[Iterable[str]], n: int = 3
) -> dict[int, list[str]]:
    """The top ``n`` concepts of each community (see :meth:`ConceptModel.describe`), no two alike.

    ``found`` is what :func:`communities` returns, or a list of groups of paper ids.
    Phrases with a stop word of another language found in the corpus are left
    out ("der", "und", "les": the concept model's stop words are English). When a
    community's label equals a larger one's, its phrases already used there give way
    to its next best, so no two labels are the same (a community with nothing
    else to say keeps an empty label).

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> labels = label_communities(corpus, communities(corpus.citation_graph()))
    >>> all(len(words) <= 3 for words in labels.values())
    True
    """
    groups = _groups(found)
    model = _labelling_model(corpus)
    skip = _label_skip_words(model)
    wide = model.describe_groups(groups.values(), n=2 * n + 2, skip_words=skip)
    labels: dict[int, list[str]] = {}
    seen: set[tuple[str, ...]] = set()
    for number, ranked in zip(groups, wide, strict=True):
        label = ranked[:n]
        if tuple(label) in seen:  # keep the best phrase, the others give way to the next best
            clash = set(label)
            label = (ranked[:1] + [phrase for phrase in ranked[1:] if phrase not in clash])[:n]
            if tuple(label) in seen:
                label = []
        if label:
            seen.add(tuple(label))
        labels[number] = label
    return labels


LABEL_ROOT_LIMIT = 20_000
"""Above this many papers in the root, a subset's communities are labelled from its own papers."""


def _labelling_model(corpus: Corpus) -> Any:
    """The concept model to name communities with: the root's when it is fitted or cheap to fit, else
    one fitted on this (small) subset alone, cached on it — fitting 75,000 papers takes half a minute.
    """
    from .concepts import ConceptModel, find_fitted_model, fitted_model

    if len(corpus.root) <= LABEL_ROOT_LIMIT:
        return fitted_model(corpus)
    found = find_fitted_model(corpus)
    if found is not None:
        return found
    return corpus.cached("structure.labelling_model", lambda: ConceptModel().fit(corpus))


def community_table(
    corpus: Corpus, kind: str = "concept", *, resolution: float = 1.0, seed: int = 0, n: int = 3
) -> pd.DataFrame:
    """Communities of the concept or citation graph of ``corpus``, one row each, labelled by their concepts.

    Columns: ``community`` (number, largest first), ``size``, ``label`` (the top
    ``n`` concepts joined by ", "), ``concepts`` (list), ``ids`` (list of paper ids).
    With ``kind="citation"`` every paper without a citation link is a community of one.
    The partition is :func:`corpus_communities` (found once per corpus), the labels
    :func:`label_communities`.

    Examples
    --------
    >>> import paperlens as pl
    >>> table = community_table(pl.load_sample(), kind="citation")
    >>> int(table["size"].sum()), list(table.columns)
    (69, ['community', 'size', 'label', 'concepts', 'ids'])
    >>> "2103.00020" in table.loc[0, "ids"]  # CLIP and the papers citing it: the largest
    True
    """
    if kind not in ("concept", "citation"):
        raise InvalidArgumentError(f"community_table kind must be 'concept' or 'citation', not {kind!r}")

    def compute() -> pd.DataFrame:
        found = corpus_communities(corpus, kind, resolution=resolution, seed=seed)
        groups = _groups(found)
        labels = label_communities(corpus, groups.values(), n=n)
        rows = [
            {
                "community": number,
                "size": len(ids),
                "label": ", ".join(labels[number]),
                "concepts": labels[number],
                "ids": ids,
            }
            for number, ids in groups.items()
        ]
        return pd.DataFrame(rows, columns=["community", "size", "label", "concepts", "ids"])

    table = corpus.cached(f"structure.community_table:{kind}:{resolution!r}:{seed!r}:{n!r}", compute)
    return table.copy(deep=True)


def pagerank(graph: nx.Graph, alpha: float = 0.85, weight: str = "weight") -> dict[Any, float]:
    """PageRank of every node, highest first (edge ``weight`` used where present).

    On a citation graph rank flows from citing to cited papers.

    >>> import paperlens as pl
    >>> ranks = pagerank(pl.load_sample().citation_graph())
    >>> round(sum(ranks.values()), 6)
    1.0
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    ranks = nx.pagerank(graph, alpha=alpha, weight=weight)
    return dict(sorted(ranks.items(), key=lambda item: (-item[1], str(item[0]))))


def pagerank_arrays(
    n: int, sources: np.ndarray, targets: np.ndarray, alpha: float = 0.85, tol: float = 1e-10
) -> np.ndarray:
    """PageRank of ``n`` nodes linked ``sources[i] -> targets[i]`` (repeated links count once).

    The same definition as :func:`networkx.pagerank` without weights (dangling nodes
    spread their rank evenly), on sparse arrays, so it needs no graph object: the
    graph view ranks tens of thousands of papers with it in milliseconds.

    >>> import numpy as np
    >>> pagerank_arrays(3, np.array([0, 1]), np.array([2, 2])).round(3).tolist()
    [0.213, 0.213, 0.574]
    """
    import scipy.sparse as sp

    if n == 0:
        return np.zeros(0)
    keys = np.unique(np.asarray(sources, dtype=np.int64) * n + np.asarray(targets, dtype=np.int64))
    rows, cols = keys // n, keys % n
    links = sp.csr_array((np.ones(len(keys)), (rows, cols)), shape=(n, n))
    out_degree = np.bincount(rows, minlength=n).astype(float)
    dangling = out_degree == 0
    inverse = np.divide(1.0, out_degree, out=np.zeros(n), where=~dangling)
    rank = np.full(n, 1.0 / n)
    for _ in range(1000):
        previous = rank
        rank = alpha * ((rank * inverse) @ links + rank[dangling].sum() / n) + (1.0 - alpha) / n
        if np.abs(rank - previous).sum() < n * tol:
            break
    return rank / rank.sum()


# --------------------------------------------------------------------------- co-citation and coupling


def _cited(corpus: Corpus) -> list[set[str]]:
    """For each paper, the other corpus papers it cites."""
    return [{r.target for r in row if r.status == "resolved"} for row in resolve_references(corpus)]  # type: ignore[misc]


NORMALIZATIONS = (None, "association")


def _weighted_graph(
    corpus: Corpus,
    weights: Counter[tuple[str, str]],
    kind: str,
    min_weight: float = 1,
    normalize: str | None = None,
) -> nx.Graph:
    """The graph of ``weights`` (raw counts), links below ``min_weight`` dropped, optionally normalised.

    ``normalize="association"`` is the association strength of van Eck & Waltman (2009, "How to
    normalize cooccurrence data? An analysis of some well-known similarity measures", JASIST 60(8),
    1635-1651), in the form VOSviewer uses (Waltman, van Eck & Noyons 2010, "A unified approach to
    mapping and clustering of bibliometric networks", J. Informetrics 4(4), 629-635, eq. 2):
    ``s_ij = 2m c_ij / (c_i c_j)``, with ``c_ij`` the count of the link, ``c_i`` the total count of
    the links of ``i`` and ``m`` the total count of all links (so 1 is the count expected if links
    formed at random, given each paper's total). Totals are of the links kept by ``min_weight``, as
    VOSviewer normalises the network it maps. The raw count stays in the ``count`` attribute.
    """
    import networkx as nx

    if normalize not in NORMALIZATIONS:
        raise InvalidArgumentError(f"normalize must be None or 'association', not {normalize!r}")
    kept = {pair: w for pair, w in weights.items() if w >= min_weight}
    graph = nx.Graph(kind=kind, normalize=normalize or "none", min_weight=min_weight)
    for node, attrs in node_attributes(corpus).items():
        graph.add_node(node, **attrs)
    total: Counter[str] = Counter()
    for (a, b), count in kept.items():
        total[a] += count
        total[b] += count
    m = sum(kept.values())
    for (a, b), count in sorted(kept.items()):
        weight = 2 * m * count / (total[a] * total[b]) if normalize == "association" else count
        graph.add_edge(a, b, weight=weight, count=count, kind=kind)
    return graph


def cocitation_graph(corpus: Corpus, *, min_weight: float = 1, normalize: str | None = None) -> nx.Graph:
    """Co-citation: two corpus papers are linked when corpus papers cite both; weight = how many do.

    ``min_weight`` drops links cited together fewer times; ``normalize="association"`` weighs
    links by association strength (VOSviewer's normalisation, see ``_weighted_graph``), the
    raw count kept as ``count``.

    References are resolved as in :func:`paperlens.graphs.citation.citation_graph`
    (inferred mentions are not citations and do not count). Every paper is a node.

    Examples
    --------
    >>> import paperlens as pl
    >>> graph = cocitation_graph(pl.load_sample())
    >>> list(graph.edges(data="weight"))  # 2401.02460 cites both
    [('2006.10029', '2103.00020', 1)]
    """
    weights: Counter[tuple[str, str]] = Counter()
    for cited in _cited(corpus):
        weights.update(combinations(sorted(cited), 2))
    return _weighted_graph(corpus, weights, "cocitation", min_weight, normalize)


def _reference_keys(corpus: Corpus) -> list[set[tuple[str, str]]]:
    """Each paper's references as normalised keys: a corpus paper's id, else the identifier or folded title."""
    return [{r.key for r in row if r.key[1]} for row in resolve_references(corpus)]


def coupling_graph(corpus: Corpus, *, min_weight: float = 1, normalize: str | None = None) -> nx.Graph:
    """Bibliographic coupling: two corpus papers are linked when they share references; weight = how many.

    ``min_weight`` drops links sharing fewer references; ``normalize="association"`` weighs
    links by association strength, ``s_ij = 2m c_ij / (c_i c_j)`` (van Eck & Waltman 2009, as
    VOSviewer computes it), the raw count kept as ``count``.

    Every reference counts, in or outside the corpus, compared by normalised
    identifier (DOI, arXiv id, OpenAlex id, S2 id, else the folded title; a
    reference to a corpus paper by any of its identifiers is that paper). Two
    identifiers of one outside work (its DOI and its arXiv id) count as two.

    Examples
    --------
    >>> import paperlens as pl
    >>> graph = coupling_graph(pl.load_sample())
    >>> graph.edges["2112.07869", "2302.09268"]["weight"]  # both cite ELECTRA
    1
    >>> graph.number_of_edges()  # 7 papers citing CLIP make 21 pairs, plus that one
    22
    """
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper_id, keys in zip(corpus.ids, _reference_keys(corpus), strict=True):
        for key in keys:
            holders[key].append(paper_id)
    weights: Counter[tuple[str, str]] = Counter()
    for ids in holders.values():
        if len(ids) > 1:
            weights.update(combinations(sorted(ids), 2))
    return _weighted_graph(corpus, weights, "coupling", min_weight, normalize)


# --------------------------------------------------------------------------- prior and derivative works


def prior_works(
    corpus: Corpus, n: int | None = 20, *, fetch: bool = False, progress: bool | None = None
) -> pd.DataFrame:
    """The works the corpus cites most, in or outside it.

    Columns: ``reference`` (the normalised identifier, a corpus paper's id, or the
    reference text), ``kind`` (``"corpus"`` for a corpus paper, else ``doi``,
    ``arxiv``, ``openalex``, ``s2``, ``title``), ``count`` (corpus papers citing it),
    ``id`` (the corpus paper's id, or the reference's own identifier; empty for a
    reference given only as text) and ``title`` (of the corpus paper, the text of a
    text reference, or of an outside work once looked up; else ``None``).
    Most cited first; ``n=None`` returns all.

    ``fetch=True`` looks up the titles of the outside works shown (DOIs, arXiv and
    OpenAlex ids) on OpenAlex, 100 a request through the shared cached session; the
    titles found are kept with the corpus, so later calls show them without fetching.

    Examples
    --------
    >>> import paperlens as pl
    >>> table = prior_works(pl.load_sample(), n=3)
    >>> table[["reference", "kind", "count"]].head(1).values.tolist()
    [['2103.00020', 'corpus', 7]]
    >>> table.loc[0, "title"][:8]
    'Learning'
    """
    counts: Counter[tuple[str, str]] = Counter()
    text: dict[tuple[str, str], str] = {}
    for row in resolve_references(corpus):
        seen = set()
        for item in row:
            if item.key[1] and item.key not in seen:
                seen.add(item.key)
                counts[item.key] += 1
                text.setdefault(item.key, item.reference)
    titles = dict(zip(corpus.ids, corpus.column("title").tolist(), strict=True))
    looked_up: dict[tuple[str, str], str] = corpus.root.cached("structure.reference_titles", dict)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1] if kv[0][0] != "title" else text[kv[0]]))
    shown = ranked[:n] if n is not None else ranked
    if fetch:
        _fetch_titles([key for key, _ in shown if key not in looked_up], looked_up, progress)
    rows = []
    for (kind, value), count in shown:
        in_corpus = kind == "paper"
        if in_corpus:
            title = titles[value]
        elif kind == "title":
            title = text[(kind, value)]
        else:
            title = looked_up.get((kind, value))
        rows.append(
            {
                "reference": value if kind != "title" else text[(kind, value)],
                "kind": "corpus" if in_corpus else kind,
                "count": count,
                "id": "" if kind == "title" else value,
                "title": title,
            }
        )
    return pd.DataFrame(rows, columns=["reference", "kind", "count", "id", "title"])


def _fetch_titles(keys: list[tuple[str, str]], found: dict[tuple[str, str], str], progress: bool | None) -> None:
    """Look up the titles of outside references on OpenAlex (by DOI, arXiv DOI or OpenAlex id) into ``found``."""
    from ..sources.openalex import arxiv_doi, lookup_works
    from ..text import normalize_space, strip_markup

    by_kind: dict[str, dict[str, tuple[str, str]]] = {"doi": {}, "openalex": {}}
    for kind, value in keys:
        if kind == "doi":
            by_kind["doi"][value] = (kind, value)
        elif kind == "arxiv":
            by_kind["doi"][arxiv_doi(value)] = (kind, value)
        elif kind == "openalex":
            by_kind["openalex"][value] = (kind, value)
    for kind, wanted in by_kind.items():
        if not wanted:
            continue
        result = lookup_works(list(wanted), kind, select=("id", "doi", "title", "display_name"), progress=progress)
        for value, work in result.found.items():
            title = work.get("title") or work.get("display_name")
            if isinstance(title, str) and title.strip():
                found[wanted[value]] = strip_markup(normalize_space(title))
        if result.failed:
            warnings.warn(
                f"prior_works: {len(result.failed)} look-up(s) failed, e.g. {next(iter(result.failed.values()))}",
                GraphWarning,
                stacklevel=3,
            )


def derivative_works(corpus: Corpus, n: int | None = 20) -> pd.DataFrame:
    """The corpus papers that cite the most other corpus papers: works building on the corpus.

    Only citations inside the corpus are known here. Works outside the corpus that
    cite it need their citing lists from a service: enrich the corpus (OpenAlex
    ``cited_by``) or load the citing works and merge them in first.

    Columns: ``id``, ``title``, ``year``, ``cites`` (corpus papers it cites),
    ``share`` (of the other corpus papers), ``cited_ids`` (list). Papers citing none
    are left out; ``n=None`` returns all.

    Examples
    --------
    >>> import paperlens as pl
    >>> table = derivative_works(pl.load_sample(), n=2)
    >>> table[["id", "cites", "cited_ids"]].head(1).values.tolist()
    [['2401.02460', 2, ['2006.10029', '2103.00020']]]
    """
    others = max(len(corpus) - 1, 1)
    rows = []
    for paper, cited in zip(corpus, _cited(corpus), strict=True):
        if cited:
            rows.append(
                {
                    "id": paper.id,
                    "title": paper.title,
                    "year": paper.year,
                    "cites": len(cited),
                    "share": len(cited) / others,
                    "cited_ids": sorted(cited),
                }
            )
    table = pd.DataFrame(rows, columns=["id", "title", "year", "cites", "share", "cited_ids"])
    table["year"] = table["year"].astype("Int64")
    table = table.sort_values(["cites", "id"], ascending=[False, True], kind="stable")
    table = table.head(n) if n is not None else table
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------- connections


def _connection_graph(corpus: Corpus, kind: str) -> nx.Graph:
    """An undirected graph whose edges remember their kind and direction; citations preferred on ties."""
    import networkx as nx

    graph = nx.Graph(notes="")
    graph.add_nodes_from(corpus.ids)
    if kind in ("citation", "both"):
        from .citation import citation_graph

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GraphWarning)  # told in the error, if no chain is found
            citations = citation_graph(corpus)
        if citations.graph["references_resolved"] == 0:
            graph.graph["notes"] = citations.graph["notes"]
        for source, target, edge_kind in citations.edges(data="kind"):
            if not graph.has_edge(source, target):
                graph.add_edge(source, target, kind=edge_kind, source=source, cost=1.0)
    if kind in ("concept", "both"):
        from .concepts import concept_graph

        for a, b in concept_graph(corpus, n_concepts=0).edges():  # links only, no shared concepts needed
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, kind="similar", source=None, cost=1.001)
    return graph


def shortest_connection(
    corpus: Corpus, a: str | Paper, b: str | Paper, kind: str = "citation"
) -> list[tuple[str, str | None]]:
    """The shortest chain of links between two papers, direction ignored.

    Parameters
    ----------
    a, b : papers given by id, any identifier form, title, or :class:`Paper`.
    kind : ``"citation"`` (citations and inferred mentions), ``"concept"``
        (concept-similarity links) or ``"both"`` (fewest steps; citations preferred
        among equally short chains).

    Returns
    -------
    list of (paper id, step kind)
        Starts with ``(a, None)``; each further step says how the previous paper
        relates to this one: ``"cites"``, ``"cited by"``, ``"mentions"``,
        ``"mentioned by"`` or ``"similar"``.

    Raises
    ------
    PaperNotFoundError : a paper is not in the corpus.
    PaperlensError : no chain links them, or ``kind`` is unknown.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> shortest_connection(corpus, "2112.07869", "2302.09268")
    [('2112.07869', None), ('2003.10555', 'cites'), ('2302.09268', 'cited by')]
    >>> shortest_connection(corpus, "2112.07869", "2103.00020")
    Traceback (most recent call last):
    ...
    paperlens.errors.PaperlensError: no citation links connect 2112.07869 and 2103.00020 ...
    """
    import networkx as nx

    if kind not in CONNECTION_KINDS:
        raise InvalidArgumentError(
            f"shortest_connection kind must be one of {', '.join(CONNECTION_KINDS)}, not {kind!r}"
        )
    ids = corpus.ids
    start, end = ids[corpus.position(a)], ids[corpus.position(b)]
    graph = _connection_graph(corpus, kind)
    try:
        path = nx.shortest_path(graph, start, end, weight="cost")
    except nx.NetworkXNoPath:
        what = {"citation": "citation links", "concept": "concept links", "both": "citation or concept links"}[kind]
        hint = "" if kind == "both" else "; try kind='both'"
        notes = f" {graph.graph['notes']}" if graph.graph["notes"] else ""
        raise PaperlensError(
            f"no {what} connect {start} and {end} in this corpus ({len(corpus)} papers){hint}.{notes}"
        ) from None
    steps: list[tuple[str, str | None]] = [(start, None)]
    for previous, current in pairwise(path):
        edge = graph.edges[previous, current]
        step = edge["kind"]
        if edge["source"] is not None and edge["source"] != previous:
            step = _REVERSED.get(step, step)
        steps.append((current, step))
    return steps
