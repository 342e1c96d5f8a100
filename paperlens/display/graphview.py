"""Inline, offline graph views of a corpus: citations, concept similarity, or both in one picture.

:func:`graph` (also ``corpus.graph(...)``) builds the graph and returns a
:class:`GraphView`, which draws itself in JupyterLab and Notebook 7 (and any
front end that shows HTML outputs in iframes, as VS Code does) with no internet:
the page (vis-network included) lives in an ``<iframe srcdoc>``, so several
graphs in one notebook never clash. Nothing is written to disk unless
you call :meth:`GraphView.save`, :meth:`GraphView.to_graphml` or
:meth:`GraphView.to_gexf`.

A view is a :class:`~paperlens.display.scene.Scene` (what is shown: nodes,
edges, legend groups, notes, positions, built by pure functions from the graph
and the analysis in :mod:`paperlens.graphs.structure`) drawn by
:func:`paperlens.display.vis.document`; :mod:`paperlens.display.graph_export`
writes it as networkx / GraphML / GEXF, and :meth:`GraphView.to_pyvis` hands it
to pyvis. The node and edge lists are built directly as plain JSON (no pyvis
``Network``), so big graphs render in a second; past ``max_nodes`` the view
shows the papers with the highest PageRank and says so in the picture. The
caller's graph is never changed.

Examples
--------
>>> import paperlens as pl
>>> import networkx as nx
>>> corpus = pl.load_sample()
>>> g = nx.DiGraph()
>>> g.add_edge("2203.05482", "2103.00020", kind="cites")
>>> view = pl.GraphView.from_networkx(g, corpus, layout="time", color_by="year")
>>> view
<GraphView: 2 papers, 1 link (1 cites), layout=time, color_by=year, size_by=pagerank>
>>> html = view._repr_html_()
>>> html.startswith('<div class="paperlens-graph"><iframe'), "https://cdn" in html
(True, False)
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._gc import gc_paused
from ..errors import FieldError, InvalidArgumentError
from ..graphs.structure import LOUVAIN_LIMIT
from ..graphs.structure import pagerank_arrays as pagerank
from . import graph_export, scene, vis
from .scene import (
    DIRECTED_KINDS,
    EDGE_STYLES,
    MAX_NODES,
    OTHER,
    PALETTE,
    PAPER_COLUMNS,
    PHYSICS_LIMIT,
    RAMP,
    UNDIRECTED_KINDS,
    Scene,
    build_scene,
)
from .tables import esc as _esc

if TYPE_CHECKING:
    import networkx as nx
    import pyvis.network

    from ..corpus import Corpus

__all__ = ["GraphView", "combine_graphs", "graph", "pagerank"]
# Styling and limits live with the scene; named here too, where users found them.
_REEXPORTED = (DIRECTED_KINDS, EDGE_STYLES, LOUVAIN_LIMIT, MAX_NODES, OTHER, PALETTE, PAPER_COLUMNS, PHYSICS_LIMIT)
_REEXPORTED += (RAMP, UNDIRECTED_KINDS)

KINDS = ("citation", "concept", "both")
LAYOUTS = ("force", "time", "map")
MAP_LAYOUT_MIN = 300  # from this many papers corpus.graph() places them by the field map and thins links
THIN_PER_NODE = 3  # ... keeping each paper's strongest few links
COLOR_BY = ("community", "year", "category", None)
SIZE_BY = ("pagerank", "citations", None)
OPTIONS = ("layout", "color_by", "size_by", "max_nodes", "labels", "physics", "height", "title", "seed", "highlight")
CONCEPT_OPTIONS = ("k", "min_similarity")
# --------------------------------------------------------------------------- building graphs


def combine_graphs(citations: nx.DiGraph, similarity: nx.Graph) -> nx.MultiDiGraph:
    """Citations and concept similarity in one graph (new objects; the inputs are not changed).

    Citation edges keep their direction and ``kind``; similarity edges get
    ``kind="similar"`` and are stored once, in an arbitrary direction (they
    are drawn without arrows). Node attributes are merged, citation graph first.

    >>> import networkx as nx
    >>> c = nx.DiGraph([("a", "b")], kind="x")
    >>> s = nx.Graph()
    >>> s.add_edge("a", "b", weight=0.5)
    >>> both = combine_graphs(c, s)
    >>> sorted((u, v, d["kind"]) for u, v, d in both.edges(data=True))
    [('a', 'b', 'cites'), ('a', 'b', 'similar')]
    """
    import networkx as nx

    both = nx.MultiDiGraph()
    both.graph.update(similarity.graph)
    both.graph.update(citations.graph)
    for source in (similarity, citations):
        for node, attrs in source.nodes(data=True):
            if node in both:
                both.nodes[node].update({k: v for k, v in attrs.items() if k not in both.nodes[node]})
            else:
                both.add_node(node, **attrs)
    for u, v, attrs in citations.edges(data=True):
        both.add_edge(u, v, key=attrs.get("kind") or "cites", **{**attrs, "kind": attrs.get("kind") or "cites"})
    for u, v, attrs in similarity.edges(data=True):
        both.add_edge(u, v, key="similar", **{**attrs, "kind": "similar"})
    return both


def graph(corpus: Corpus, kind: str = "both", **options: Any) -> GraphView:
    """A drawable graph of ``corpus``: ``"citation"``, ``"concept"`` similarity, or ``"both"`` in one picture.

    Parameters
    ----------
    corpus : the papers.
    kind : ``"citation"`` (arrows: who cites or names whom), ``"concept"``
        (undirected lines between papers on the same concepts) or ``"both"``.
    k, min_similarity : passed to :meth:`Corpus.concept_graph` (concept and both).
    **options : how to draw it; see :class:`GraphView` (``layout``, ``color_by``,
        ``size_by``, ``max_nodes``, ``labels``, ``physics``, ``height``, ``title``, ``seed``).

    Examples
    --------
    >>> import paperlens as pl
    >>> view = pl.load_sample().graph("citation", layout="time", color_by="category")
    >>> view.networkx.number_of_nodes()
    69
    """
    if kind not in KINDS:
        raise FieldError(str(kind), KINDS, what="graph kind")
    for name in options:
        if name not in OPTIONS + CONCEPT_OPTIONS:
            raise FieldError(name, OPTIONS + CONCEPT_OPTIONS, what="graph option")
    concept_options = {name: options.pop(name) for name in CONCEPT_OPTIONS if name in options}
    if concept_options and kind == "citation":
        raise InvalidArgumentError(f"{', '.join(concept_options)} only apply to kind='concept' or 'both'")
    # Similarity links get their shared concepts below, for the links shown only (at 75,000 papers the graph
    # has 500,000 links and the picture a few thousand): concept_graph(n_concepts=0) leaves them empty.
    on_map = len(corpus) >= MAP_LAYOUT_MIN and "layout" not in options
    if on_map and kind != "citation" and corpus.root is corpus:
        _search_once(corpus, concept_options)
    if kind == "citation":
        shown = corpus.citation_graph()
        title = "Citations"
    elif kind == "concept":
        shown = None if on_map else corpus.concept_graph(n_concepts=0, **concept_options)
        title = "Concept similarity"
    else:
        shown = combine_graphs(corpus.citation_graph(), corpus.concept_graph(n_concepts=0, **concept_options))
        title = "Citations and concept similarity"
    if on_map:
        # A big graph as one force layout is a hairball: place papers by the field map (clusters apart,
        # spread by rank so each gets room) and keep each paper's strongest links (paperlens.graphs.layout).
        from ..graphs.layout import map_positions, set_positions, spread, strongest_edges

        placed = map_positions(corpus)
        placed[["x", "y"]] = spread(placed[["x", "y"]].to_numpy())
        if shown is None:  # the concept graph's strongest links only, from arrays: no graph of all its links
            shown, hidden = _strongest_concept_graph(corpus, concept_options)
            set_positions(shown, placed)
        else:
            shown, hidden = strongest_edges(set_positions(shown.copy(), placed), THIN_PER_NODE)
        options["layout"] = "map"
        if hidden:
            title += f" (the {THIN_PER_NODE} strongest links of each paper; {hidden:,} more hidden)"
    options.setdefault("title", title)
    if kind != "citation":
        _label_shown_links(shown, corpus, options.get("max_nodes", MAX_NODES))
    return GraphView.from_networkx(shown, corpus, **options)


def _search_once(corpus: Corpus, concept_options: dict[str, Any]) -> None:
    """Search the neighbours the concept graph and the field map need at once, at the larger ``k``.

    The map wants :data:`~paperlens.graphs.layout.MAP_NEIGHBORS` per paper, the graph ``k``; the exact
    search's first ``k`` of a wider search are the narrower one (:meth:`ConceptModel.kneighbors
    <paperlens.graphs.concepts.ConceptModel.kneighbors>` cuts it), so one search serves both.
    """
    from ..graphs.concepts import fitted_model
    from ..graphs.layout import MAP_NEIGHBORS, has_map_positions

    if has_map_positions(corpus):
        return  # the map is laid out already
    k = int(concept_options.get("k", 10))
    fitted_model(corpus).kneighbors(max(k, MAP_NEIGHBORS))


def _strongest_concept_graph(corpus: Corpus, concept_options: dict[str, Any]) -> tuple[nx.Graph, int]:
    """``strongest_edges(corpus.concept_graph(n_concepts=0, **concept_options), THIN_PER_NODE)``, from the
    links as arrays (the same graph: nodes, links in the same order, attributes; one graph object built)."""
    from ..graphs.concepts import concept_links, links_graph
    from ..graphs.layout import name_ranks, strongest_mask

    k = concept_options.get("k", 10)
    min_similarity = concept_options.get("min_similarity", 0.1)
    model, lo, hi, weight = concept_links(corpus, k, min_similarity)
    keep = strongest_mask(lo, hi, weight, name_ranks([str(i) for i in model.ids_]), THIN_PER_NODE)
    kept = int(keep.sum())
    graph = links_graph(
        corpus, model, lo[keep], hi[keep], weight[keep], [""] * kept, k=k, min_similarity=min_similarity
    )
    hidden = len(lo) - kept
    graph.graph["hidden_edges"] = hidden
    return graph, hidden


def _label_shown_links(graph: nx.Graph, corpus: Corpus, max_nodes: int | None) -> None:
    """Put the shared concepts on the similarity links of ``graph`` the picture will show (in place).

    The papers shown are chosen as :func:`~paperlens.display.scene.build_scene` chooses
    them (the top ``max_nodes`` by PageRank, ties in graph order), so every link drawn
    has its concepts, as if the whole graph had them.
    """
    from ..graphs.concepts import shared_concepts

    total = graph.number_of_nodes()
    index = {node: i for i, node in enumerate(graph)}
    edges = scene._edges(graph, index)
    kept = np.ones(total, dtype=bool)
    if max_nodes is not None and total > int(max_nodes):
        rank = scene.rank_of(total, edges)
        kept[:] = False
        kept[np.argsort(-rank, kind="stable")[: int(max_nodes)]] = True
    inside = np.flatnonzero(kept[edges.src] & kept[edges.dst]).tolist()
    similar = [edges.records[i] for i in inside if edges.records[i][-1].get("kind") == "similar"]
    labels = shared_concepts(corpus, [(record[0], record[1]) for record in similar])
    for record, label in zip(similar, labels, strict=True):
        record[-1]["concepts"] = label


# --------------------------------------------------------------------------- helpers


def _fmt(n: int) -> str:
    return f"{n:,}"


def _plural(n: int, word: str) -> str:
    return f"{_fmt(n)} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- the view


class GraphView:
    """A graph of papers that draws itself inline, offline, and exports to HTML, GraphML and GEXF.

    Build one with :func:`graph` / ``corpus.graph(...)``, or from any networkx
    graph whose nodes are paper ids with :meth:`from_networkx`.

    Parameters
    ----------
    graph : networkx.Graph
        A Graph, DiGraph or multigraph of paper ids; never modified. Edge attribute
        ``kind`` picks the drawing: ``"cites"`` and ``"mentions"`` are arrows,
        ``"similar"`` an undirected dashed line (``weight`` sets its width).
    corpus : Corpus, optional
        Where titles, abstracts and links of the papers come from (node attributes
        are used for papers not in it).
    layout : {"force", "time", "map"}, default "force"
        ``"force"``: linked papers close together; ``"time"``: x follows the
        publication date, papers without a date stand in a column on the left;
        ``"map"``: the nodes' own ``x``, ``y`` attributes, e.g. from
        :func:`paperlens.graphs.layout.set_positions` (:func:`graph` uses it from 300
        papers, with the field map's positions and thinned links).
    color_by : {"community", "year", "category", None}, default "community"
        What colours the nodes.
    size_by : {"pagerank", "citations", None}, default "pagerank"
        What sizes the nodes.
    max_nodes : int or None, default 2000
        Show at most this many papers, those with the highest PageRank (``None``:
        all); the picture says how many were left out.
    labels : int, default 15
        How many of the largest papers carry a short title on the canvas.
    physics : bool, optional
        Let vis-network move the nodes (default: only for force layouts of at most
        500 papers; bigger layouts are computed in Python).
    height : int, default 620
        Pixels of the whole picture (legend, graph and details line).
    title : str, optional
        The heading shown above the legend.
    seed : int, default 0
        Fixes the layout and the communities.
    highlight : str or sequence of str, optional
        A paper id (or ids) to mark with a red ring and a label; its card opens below.

    Examples
    --------
    >>> import paperlens as pl
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("2203.05482", "2103.00020", kind="similar", weight=0.4)
    >>> view = pl.GraphView.from_networkx(g, pl.load_sample())
    >>> view.networkx.nodes["2103.00020"]["title"][:8]
    'Learning'
    >>> g.nodes["2103.00020"]  # the caller's graph is left as it was
    {}
    """

    def __init__(
        self,
        graph: nx.Graph,
        corpus: Corpus | None = None,
        *,
        layout: str = "force",
        color_by: str | None = "community",
        size_by: str | None = "pagerank",
        max_nodes: int | None = MAX_NODES,
        labels: int = 15,
        physics: bool | None = None,
        height: int = 620,
        title: str | None = None,
        seed: int = 0,
        highlight: str | tuple[str, ...] | list[str] | None = None,
    ) -> None:
        import networkx as nx

        if not isinstance(graph, nx.Graph):
            raise InvalidArgumentError(f"GraphView needs a networkx graph, not {type(graph).__name__}")
        if layout not in LAYOUTS:
            raise FieldError(str(layout), LAYOUTS, what="layout")
        if color_by not in COLOR_BY:
            raise FieldError(str(color_by), [c for c in COLOR_BY if c], what="color_by")
        if size_by not in SIZE_BY:
            raise FieldError(str(size_by), [s for s in SIZE_BY if s], what="size_by")
        if max_nodes is not None and int(max_nodes) < 1:
            raise InvalidArgumentError(f"max_nodes must be at least 1 (or None for all), not {max_nodes!r}")
        self.layout = layout
        self.color_by = color_by
        self.size_by = size_by
        self.max_nodes = None if max_nodes is None else int(max_nodes)
        self.labels = int(labels)
        self.physics = physics
        self.height = int(height)
        self.title = title
        self.seed = int(seed)
        self.highlight = (highlight,) if isinstance(highlight, str) else tuple(highlight or ())
        self._corpus = corpus
        # Everything is computed now, from the graph as it is: later changes by the caller do not leak in.
        with gc_paused():
            self._scene = build_scene(
                graph,
                corpus,
                layout=layout,
                color_by=color_by,
                size_by=size_by,
                max_nodes=self.max_nodes,
                labels=self.labels,
                physics=physics,
                title=title,
                seed=self.seed,
                highlight=self.highlight,
            )
        self._export: nx.Graph | None = None

    @classmethod
    def from_networkx(cls, graph: nx.Graph, corpus: Corpus | None = None, **options: Any) -> GraphView:
        """A view of any prepared networkx graph (nodes are paper ids); options as for :class:`GraphView`.

        >>> import networkx as nx
        >>> import paperlens as pl
        >>> pl.GraphView.from_networkx(nx.path_graph(["a", "b", "c"]), color_by=None).networkx.number_of_edges()
        2
        """
        return cls(graph, corpus, **options)

    @property
    def scene(self) -> Scene:
        """What the picture shows, as data (:class:`~paperlens.display.scene.Scene`; treat it as read-only)."""
        return self._scene

    @property
    def networkx(self) -> nx.Graph:
        """The graph shown (after the ``max_nodes`` cap), with GraphML-safe attributes.

        Nodes carry the paper fields plus ``community``, ``pagerank``, ``color``,
        ``size``, ``x`` and ``y`` as drawn; edges their ``kind`` and attributes.
        A new copy each time: change it freely.
        """
        if self._export is None:
            self._export = graph_export.to_networkx(self._scene)
        return self._export.copy()

    @property
    def note(self) -> str | None:
        """What the picture leaves out, if anything (e.g. "showing 2,000 of 75,000 papers, ...")."""
        return self._scene.notes[0] if self._scene.notes else None

    # ------------------------------------------------------------------ output

    def to_html(self) -> str:
        """The standalone offline page (what :meth:`save` writes): vis-network inline, no remote resources."""
        with gc_paused():
            return vis.document(self._scene)

    def _repr_html_(self) -> str:
        try:
            return self.embed_html()
        except Exception as exc:  # a repr must never break the notebook: show what went wrong
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return f"<pre>{_esc(repr(self))}\n(paperlens could not draw the graph: {_esc(last)})</pre>"

    def embed_html(self) -> str:
        """The ``<iframe srcdoc>`` markup shown in notebooks (e.g. for an ``ipywidgets.HTML``)."""
        return vis.iframe(self.to_html(), height=self.height, title=self._scene.title)

    def save(self, path: str | Path) -> Path:
        """Write the picture as one standalone HTML file that works offline; returns the path."""
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def to_graphml(self, path: str | Path) -> Path:
        """Write the graph shown as GraphML (for Gephi, Cytoscape, yEd, networkx); returns the path."""
        return graph_export.write_graphml(self.networkx, path)

    def to_gexf(self, path: str | Path) -> Path:
        """Write the graph shown as GEXF, with colours, sizes and positions for Gephi; returns the path."""
        return graph_export.write_gexf(self.networkx, path)

    def to_pyvis(self, **network_options: Any) -> pyvis.network.Network:
        """The picture as a ready :class:`pyvis.network.Network`, to customise and show the pyvis way.

        Nodes keep the view's colours, sizes, positions (``x``/``y``, physics off past 500
        papers as here), canvas labels and a plain-text tooltip (title, authors, date); edges
        their direction, colour, dashes and width. The lists are set directly, in one pass
        (``Network.add_edge`` scans every edge added so far, which is quadratic).
        ``network_options`` go to ``Network(...)``; by default ``directed`` follows the graph,
        ``height`` the view and ``cdn_resources="in_line"`` (vis-network inlined). Note that
        pyvis's own page template still links Bootstrap from a CDN (styling only: the graph
        draws offline); paperlens's own pages (:meth:`to_html`, the notebook view) load nothing.

        >>> import paperlens as pl
        >>> net = pl.load_sample().graph("citation").to_pyvis()
        >>> len(net.nodes), net.directed, net.edges[0]["arrows"]
        (69, True, 'to')
        >>> net.toggle_physics(False)  # customise, then net.show("papers.html") or net.generate_html()
        """
        from pyvis.network import Network

        scene = self._scene
        options = {"directed": scene.directed, "height": f"{self.height}px", "cdn_resources": "in_line"}
        net = Network(**{**options, **network_options})
        cards = vis.paper_cards(scene.papers)
        nodes = []
        for i, (node, card) in enumerate(zip(scene.nodes, cards, strict=True)):
            tip = "\n".join(x for x in (card["title"], card["authors"], card["when"], card.get("venue")) if x)
            item = {
                "id": node,
                "label": scene.labels.get(i, ""),
                "title": tip,
                "shape": "dot",
                "color": scene.colors[i],
                "size": scene.sizes[i],
                "x": float(scene.x[i]),
                "y": float(scene.y[i]),
            }
            nodes.append(item)
        edges = []
        for j, (a, b, code, width) in enumerate(
            zip(
                scene.edge_src.tolist(),
                scene.edge_dst.tolist(),
                scene.edge_kind.tolist(),
                scene.edge_width,
                strict=True,
            )
        ):
            kind = scene.edge_kinds[code]
            edge = {
                "from": scene.nodes[a],
                "to": scene.nodes[b],
                "width": width,
                "color": kind.color,
                "dashes": kind.dashes,
                "title": scene.edge_tips.get(j, kind.label),
            }
            if kind.arrow:
                edge["arrows"] = "to"
            edges.append(edge)
        net.nodes, net.edges = nodes, edges
        net.node_ids = list(scene.nodes)
        net.node_map = {item["id"]: item for item in nodes}
        if not scene.physics:
            net.toggle_physics(False)
        return net

    def __repr__(self) -> str:
        counts = self._scene.edge_counts
        kinds = ", ".join(f"{n} {k}" for k, n in counts.items())
        return (
            f"<GraphView: {_plural(len(self._scene.nodes), 'paper')}, {_plural(sum(counts.values()), 'link')}"
            f"{f' ({kinds})' if kinds else ''}, layout={self.layout}, color_by={self.color_by}, "
            f"size_by={self.size_by}>"
        )
