"""Inline, offline graph views of a corpus: citations, concept similarity, or both in one picture.

:func:`graph` (also ``corpus.graph(...)``) builds the graph and returns a
:class:`GraphView`, which draws itself in JupyterLab and Notebook 7 (and any
front end that shows HTML outputs in iframes, as VS Code does) with no internet:
the page (vis-network included) lives in an ``<iframe srcdoc>``, so several
graphs in one notebook never clash. Nothing is written to disk unless
you call :meth:`GraphView.save`, :meth:`GraphView.to_graphml` or
:meth:`GraphView.to_gexf`.

The node and edge lists are built directly as plain JSON (no pyvis ``Network``),
so big graphs render in a second; past ``max_nodes`` the view shows the papers
with the highest PageRank and says so in the picture. The caller's graph is
never changed.

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

import contextlib
import datetime as dt
import functools
import gc
import json
import math
import re
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..errors import FieldError, PaperlensError, PaperlensWarning, RecordError
from ..io.mapping import parse_date
from . import vis
from .layout import force_layout, time_layout
from .tables import esc as _esc
from .tables import safe_url

if TYPE_CHECKING:
    import networkx as nx

    from ..corpus import Corpus

__all__ = ["GraphView", "combine_graphs", "graph", "pagerank"]

KINDS = ("citation", "concept", "both")
LAYOUTS = ("force", "time", "map")
COLOR_BY = ("community", "year", "category", None)
SIZE_BY = ("pagerank", "citations", None)
OPTIONS = ("layout", "color_by", "size_by", "max_nodes", "labels", "physics", "height", "title", "seed", "highlight")
CONCEPT_OPTIONS = ("k", "min_similarity")
PAPER_COLUMNS = (
    "title",
    "abstract",
    "authors",
    "year",
    "date",
    "venue",
    "categories",
    "doi",
    "arxiv_id",
    "url",
    "citation_count",
)

MAX_NODES = 2000  # default cap: past it, the top papers by PageRank are shown
LOUVAIN_LIMIT = 3000  # above this many nodes communities come from (fast) label propagation
PHYSICS_LIMIT = 500  # above this many nodes the layout is computed in Python and physics is off
MAP_LAYOUT_MIN = 300  # from this many papers corpus.graph() places them by the field map and thins links
THIN_PER_NODE = 3  # ... keeping each paper's strongest few links

# Categorical colours (community, category); grey for "other".
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#17becf",
    "#bcbd22",
    "#8c564b",
)
OTHER = "#c4c4c4"
RAMP = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")  # viridis anchors, old -> new

# How each kind of edge is drawn; anything else is drawn as a grey "link".
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "cites": {"label": "cites", "color": "#3d4a57", "dashes": False, "arrow": True, "opacity": 0.9, "width": 1.4},
    "mentions": {
        "label": "mentions (from abstract)",
        "color": "#8e44ad",
        "dashes": [3, 3],
        "arrow": True,
        "opacity": 0.9,
        "width": 1.4,
    },
    "similar": {
        "label": "similar concepts",
        "color": "#e07b00",
        "dashes": [7, 5],
        "arrow": False,
        "opacity": 0.55,
        "width": 1.0,
    },
}
DIRECTED_KINDS = {"cites", "mentions"}
UNDIRECTED_KINDS = {"similar"}


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
        raise PaperlensError(f"{', '.join(concept_options)} only apply to kind='concept' or 'both'")
    if kind == "citation":
        shown = corpus.citation_graph()
        title = "Citations"
    elif kind == "concept":
        shown = corpus.concept_graph(**concept_options)
        title = "Concept similarity"
    else:
        shown = combine_graphs(corpus.citation_graph(), corpus.concept_graph(**concept_options))
        title = "Citations and concept similarity"
    if len(corpus) >= MAP_LAYOUT_MIN and "layout" not in options:
        # A big graph as one force layout is a hairball: place papers by the field map (clusters apart)
        # and keep each paper's strongest links (see paperlens.graphs.layout).
        from ..graphs.layout import map_positions, set_positions, spread, strongest_edges

        placed = map_positions(corpus)
        placed[["x", "y"]] = spread(placed[["x", "y"]].to_numpy())
        shown, hidden = strongest_edges(set_positions(shown.copy(), placed), THIN_PER_NODE)
        options["layout"] = "map"
        if hidden:
            title += f" (the {THIN_PER_NODE} strongest links of each paper; {_fmt(hidden)} more hidden)"
    options.setdefault("title", title)
    return GraphView.from_networkx(shown, corpus, **options)


# --------------------------------------------------------------------------- helpers


def _fmt(n: int) -> str:
    return f"{n:,}"


def _plural(n: int, word: str) -> str:
    return f"{_fmt(n)} {word}{'' if n == 1 else 's'}"


_PLAIN_CLASSES = (str, int, tuple, list, dict, dt.date)
_PLAIN_TYPES = frozenset(_PLAIN_CLASSES)  # exact types: one set lookup before the isinstance checks


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if type(value) in _PLAIN_TYPES:  # the common case first: plain values are never missing
        return False
    if value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    if isinstance(value, _PLAIN_CLASSES):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes
        return False


def _names(value: Any) -> list[str]:
    """Authors or categories given as a tuple/list or a ``"; "``-joined string."""
    if _missing(value):
        return []
    if isinstance(value, str):
        return [part for part in map(str.strip, value.split(";")) if part]
    return [str(v) for v in value if not _missing(v)]


def _as_date(value: Any) -> dt.date | None:
    """A node's date from a date, a Timestamp or ISO text; ``None`` when missing or not a date."""
    if type(value) is dt.date:
        return value
    if type(value) is str and len(value) == 10 and value[4] == value[7] == "-" and value[5:7].isdigit():
        try:  # the usual "YYYY-MM-DD", without the general parser
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if _missing(value):
        return None
    try:
        return parse_date(value)
    except RecordError:
        return None


def _as_int(value: Any) -> int | None:
    if type(value) is int:
        return value
    if _missing(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text[: 2 * limit + 40].split())  # whitespace runs collapse, so twice the limit is plenty
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]).rstrip(" ,.;:") + "…"


_PLAIN = re.compile(r"[A-Za-z0-9./_-]+\Z")


def _links(info: dict[str, Any]) -> list[list[str]]:
    out: list[list[str]] = []
    arxiv_id, doi = info.get("arxiv_id"), info.get("doi")
    if arxiv_id:
        arxiv_id = str(arxiv_id)
        out.append(["arXiv", "https://arxiv.org/abs/" + (arxiv_id if _PLAIN.match(arxiv_id) else quote(arxiv_id))])
    if doi:
        out.append(["DOI", f"https://doi.org/{quote(str(doi), safe='/.()-_;:')}"])
    url = safe_url(info.get("url"))
    if url and all(url != u for _, u in out):
        out.append(["link", url])
    return out


@functools.lru_cache(maxsize=4096)
def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


@functools.lru_cache(maxsize=4096)
def _ramp(t: float) -> str:
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    return _mix(RAMP[i], RAMP[i + 1], t - i)


def _tint(color: str) -> str:
    return _mix(color, "#ffffff", 0.45)


def _darker(color: str) -> str:
    return _mix(color, "#000000", 0.35)


def _scalar(value: Any) -> Any:
    """A GraphML/GEXF-safe scalar for an attribute value, or ``None`` to leave it out."""
    if _missing(value):
        return None
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return json.dumps(dict(value), default=str, ensure_ascii=False)
    return str(value)


def _safe_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        value = _scalar(value)
        if value is not None:
            out[str(key)] = value
    return out


def _unify_types(items: list[dict[str, Any]]) -> None:
    """Give every attribute one type across items (GraphML declares one type per key)."""
    kinds: dict[str, set[type]] = {}
    for attrs in items:
        for key, value in attrs.items():
            kinds.setdefault(key, set()).add(type(value))
    for key, types in kinds.items():
        if len(types) <= 1:
            continue
        to: type = float if types <= {int, float} else str
        for attrs in items:
            if key in attrs:
                attrs[key] = to(attrs[key])


# --------------------------------------------------------------------------- the view


class GraphView:
    """A graph of papers that draws itself inline, offline, and exports to HTML, GraphML and GEXF.

    Build one with :func:`graph` / ``corpus.graph(...)``, or from any networkx
    graph whose nodes are paper ids with :meth:`from_networkx`.

    Parameters
    ----------
    graph : a networkx graph (Graph, DiGraph or a multigraph); never modified.
        Edge attribute ``kind`` picks the drawing: ``"cites"`` and ``"mentions"``
        are arrows, ``"similar"`` an undirected dashed line (``weight`` sets its width).
    corpus : where titles, abstracts and links of the papers come from (node
        attributes are used for papers not in it).
    layout : ``"force"`` (linked papers close together), ``"time"`` (x follows the
        publication date; papers without a date stand in a column on the left) or ``"map"``
        (the nodes' own ``x``, ``y`` attributes, e.g. from :func:`paperlens.graphs.layout.set_positions`;
        :func:`graph` uses it from 300 papers, with the field map's positions and thinned links).
    color_by : ``"community"``, ``"year"``, ``"category"`` or ``None``.
    size_by : ``"pagerank"``, ``"citations"`` or ``None``.
    max_nodes : show at most this many papers, those with the highest PageRank
        (``None``: all); the picture says how many were left out.
    labels : how many of the largest papers carry a short title on the canvas.
    physics : let vis-network move the nodes (default: only for force layouts of
        at most 500 papers; bigger layouts are computed in Python).
    height : pixels of the whole picture (legend, graph and details line).
    title : the heading shown above the legend.
    seed : fixes the layout and the communities.
    highlight : a paper id (or ids) to mark with a red ring and a label; its card opens below.

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
            raise PaperlensError(f"GraphView needs a networkx graph, not {type(graph).__name__}")
        if layout not in LAYOUTS:
            raise FieldError(str(layout), LAYOUTS, what="layout")
        if color_by not in COLOR_BY:
            raise FieldError(str(color_by), [c for c in COLOR_BY if c], what="color_by")
        if size_by not in SIZE_BY:
            raise FieldError(str(size_by), [s for s in SIZE_BY if s], what="size_by")
        if max_nodes is not None and int(max_nodes) < 1:
            raise PaperlensError(f"max_nodes must be at least 1 (or None for all), not {max_nodes!r}")
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
        with _gc_paused():
            self._built = _Builder(self, graph).build()
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
    def networkx(self) -> nx.Graph:
        """The graph shown (after the ``max_nodes`` cap), with GraphML-safe attributes.

        Nodes carry the paper fields plus ``community``, ``pagerank``, ``color``,
        ``size``, ``x`` and ``y`` as drawn; edges their ``kind`` and attributes.
        A new copy each time: change it freely.
        """
        if self._export is None:
            self._export = _export(self._built["parts"])
        return self._export.copy()

    @property
    def note(self) -> str | None:
        """What the picture leaves out, if anything (e.g. "showing 2,000 of 75,000 papers, ...")."""
        return self._built["note"]

    # ------------------------------------------------------------------ output

    def to_html(self) -> str:
        """The standalone offline page (what :meth:`save` writes): vis-network inline, no remote resources."""
        built = self._built
        with _gc_paused():
            return vis.document(built["data"], title=built["title"], head_html=built["head"])

    def _repr_html_(self) -> str:
        try:
            return vis.iframe(self.to_html(), height=self.height, title=self._built["title"])
        except Exception as exc:  # a repr must never break the notebook: show what went wrong
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return f"<pre>{_esc(repr(self))}\n(paperlens could not draw the graph: {_esc(last)})</pre>"

    def embed_html(self) -> str:
        """The ``<iframe srcdoc>`` markup shown in notebooks (e.g. for an ``ipywidgets.HTML``)."""
        return vis.iframe(self.to_html(), height=self.height, title=self._built["title"])

    def save(self, path: str | Path) -> Path:
        """Write the picture as one standalone HTML file that works offline; returns the path."""
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def to_graphml(self, path: str | Path) -> Path:
        """Write the graph shown as GraphML (for Gephi, Cytoscape, yEd, networkx); returns the path."""
        import networkx as nx

        path = Path(path)
        nx.write_graphml(self.networkx, path)
        return path

    def to_gexf(self, path: str | Path) -> Path:
        """Write the graph shown as GEXF, with colours, sizes and positions for Gephi; returns the path."""
        import networkx as nx

        path = Path(path)
        shown = self.networkx
        for _, attrs in shown.nodes(data=True):
            color = attrs.get("color", OTHER)
            attrs["viz"] = {
                "color": {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16), "a": 1.0},
                "size": float(attrs.get("size", 10.0)),
                "position": {"x": float(attrs.get("x", 0.0)), "y": -float(attrs.get("y", 0.0)), "z": 0.0},
            }
        nx.write_gexf(shown, path)
        return path

    def __repr__(self) -> str:
        built = self._built
        kinds = ", ".join(f"{n} {k}" for k, n in built["edge_counts"].items())
        edges = sum(built["edge_counts"].values())
        return (
            f"<GraphView: {_plural(built['n_shown'], 'paper')}, {_plural(edges, 'link')}"
            f"{f' ({kinds})' if kinds else ''}, layout={self.layout}, color_by={self.color_by}, "
            f"size_by={self.size_by}>"
        )


# --------------------------------------------------------------------------- the work


class _Builder:
    """Turns a graph and a view's options into the page data, the legend and what the export needs."""

    def __init__(self, view: GraphView, graph: nx.Graph) -> None:
        self.view = view
        self.source = graph  # the caller's graph: only read, never changed
        self.community_method = "Louvain"

    # ---- structure

    @staticmethod
    def is_arrow(graph: nx.Graph, kind: Any) -> bool:
        if kind in DIRECTED_KINDS:
            return True
        if kind in UNDIRECTED_KINDS:
            return False
        return graph.is_directed()

    def rank(self, index: dict[Any, int], src: np.ndarray, dst: np.ndarray, arrow: np.ndarray) -> dict[Any, float]:
        """PageRank of every node of the whole graph: arrows as given, undirected links both ways."""
        loop = src == dst
        back = ~arrow & ~loop
        scores = pagerank(
            len(index),
            np.concatenate([src[~loop], dst[back]]),
            np.concatenate([dst[~loop], src[back]]),
        )
        return dict(zip(index, scores.tolist(), strict=True))

    def communities(self, shown: nx.Graph) -> tuple[list[set[Any]], list[str] | None]:
        """Communities of the graph shown (largest first) and, when they can be found, their concepts.

        Louvain (:func:`paperlens.graphs.structure.communities`) up to ``LOUVAIN_LIMIT``
        papers, fast label propagation beyond; direction is ignored, weights are used.
        """
        import networkx as nx

        simple = nx.Graph()
        simple.add_nodes_from(shown)
        for u, v, weight in shown.edges(data="weight"):
            if u == v:
                continue
            weight = float(weight) if isinstance(weight, (int, float)) and not _missing(weight) else 1.0
            if simple.has_edge(u, v):  # a citation and a similarity link between the same papers
                simple[u][v]["weight"] += weight
            else:
                simple.add_edge(u, v, weight=weight)
        structure = _structure()
        fast = getattr(nx.community, "fast_label_propagation_communities", None)
        groups: list[set[Any]]
        if simple.number_of_nodes() > LOUVAIN_LIMIT and fast is not None:
            # Louvain takes many seconds here; label propagation finds communities as good in well under one.
            weighted = any(w != 1.0 for _, _, w in simple.edges(data="weight"))  # unweighted runs 5x faster
            groups = [set(g) for g in fast(simple, weight="weight" if weighted else None, seed=self.view.seed)]
            self.community_method = "label propagation"
        elif structure is not None:
            found = structure.communities(simple, seed=self.view.seed)
            groups = [set() for _ in range(max(found.values(), default=-1) + 1)]
            for node, number in found.items():
                groups[number].add(node)
        else:
            groups = [set(g) for g in nx.community.louvain_communities(simple, seed=self.view.seed)]
        groups.sort(key=lambda g: (-len(g), min(str(n) for n in g)))
        labels = None
        if structure is not None and self.view._corpus is not None:
            labels = _community_labels(structure, groups, self.view._corpus)
        return groups, labels

    # ---- papers

    def paper_info(self, shown: nx.Graph, nodes: list[Any]) -> list[dict[str, Any]]:
        """Title, authors, dates, links... for each node: the corpus first, node attributes for the rest."""
        corpus = self.view._corpus
        rows: dict[str, dict[str, Any]] = {}
        if corpus is not None and len(corpus):
            position = {pid: i for i, pid in enumerate(corpus.ids)}
            wanted = [position[str(n)] for n in nodes if str(n) in position]
            if wanted:
                frame = corpus.subset(wanted).df[["id", *PAPER_COLUMNS]]  # copies the shown rows only
                rows = {row["id"]: row for row in frame.to_dict("records")}
        infos = []
        for node in nodes:
            attrs = shown.nodes[node]
            row = rows.get(str(node))
            if row is None:
                info = {name: attrs.get(name) for name in PAPER_COLUMNS}
            else:
                info = {}
                for name in PAPER_COLUMNS:
                    value = row[name]
                    info[name] = attrs.get(name) if _missing(value) or value == () else value
            date = _as_date(info["date"])
            year = _as_int(info["year"])
            info.update(
                id=str(node),
                title=str(info["title"] or node),
                authors=_names(info["authors"]),
                categories=_names(info["categories"]),
                date=date,
                year=year if year is not None or date is None else date.year,
                citation_count=_as_int(info["citation_count"]),
            )
            infos.append(info)
        return infos

    # ---- the whole picture

    def build(self) -> dict[str, Any]:
        view, source = self.view, self.source
        total = source.number_of_nodes()
        index = {node: i for i, node in enumerate(source)}
        # One pass over the edges: endpoints as integers, kinds as small integers.
        records = list(source.edges(keys=True, data=True) if source.is_multigraph() else source.edges(data=True))
        kind_names: list[str] = []
        kind_index: dict[str, int] = {}
        codes = np.empty(len(records), dtype=np.int64)
        src = np.empty(len(records), dtype=np.int64)
        dst = np.empty(len(records), dtype=np.int64)
        for i, edge in enumerate(records):
            kind = edge[-1].get("kind")
            kind = str(kind) if kind else "link"
            code = kind_index.get(kind)
            if code is None:
                code = kind_index[kind] = len(kind_names)
                kind_names.append(kind)
            codes[i] = code
            src[i] = index[edge[0]]
            dst[i] = index[edge[1]]
        arrows = [
            EDGE_STYLES[kind]["arrow"] if kind in EDGE_STYLES else self.is_arrow(source, kind) for kind in kind_names
        ]
        arrow = np.array(arrows, dtype=bool)[codes] if records else np.zeros(0, dtype=bool)

        capped = view.max_nodes is not None and total > view.max_nodes
        rank = self.rank(index, src, dst, arrow) if view.size_by == "pagerank" or capped else {}
        note = None
        if capped:
            order = sorted(index, key=lambda n: -rank[n])  # stable: ties keep graph order
            kept = np.zeros(total, dtype=bool)
            kept[[index[n] for n in order[: view.max_nodes]]] = True
            nodes = [n for n in source if kept[index[n]]]
            shown = source.subgraph(nodes)  # a read-only view
            inside = np.flatnonzero(kept[src] & kept[dst])
            records = [records[i] for i in inside]
            codes, src, dst = codes[inside], src[inside], dst[inside]
            position = np.full(total, -1, dtype=np.int64)
            position[kept] = np.arange(len(nodes))
            src, dst = position[src], position[dst]
            note = (
                f"showing {_fmt(view.max_nodes)} of {_fmt(total)} papers, the top by PageRank "
                f"(max_nodes={view.max_nodes:,}; max_nodes=None shows all)"
            )
        else:
            shown, nodes = source, list(index)
        infos = self.paper_info(shown, nodes)
        n = len(nodes)

        # edges: [from, to, kind, width(, tooltip)]
        counts = np.bincount(codes, minlength=len(kind_names)) if len(codes) else np.zeros(len(kind_names), int)
        edge_counts = {kind: int(c) for kind, c in zip(kind_names, counts, strict=True) if c}
        widths = [EDGE_STYLES.get(kind, {}).get("width", 1.0) for kind in kind_names]
        similar = kind_index.get("similar", -1)
        weights = np.ones(len(records))
        edge_rows: list[list[Any]] = [
            [a, b, code, width]
            for a, b, code, width in zip(
                src.tolist(), dst.tolist(), codes.tolist(), np.array(widths)[codes].tolist(), strict=True
            )
        ]
        for i in np.flatnonzero(codes == similar).tolist():  # similarity: width and tooltip from the weight
            attrs = records[i][-1]
            weight = attrs.get("weight")
            weight = float(weight) if isinstance(weight, (int, float)) and not _missing(weight) else None
            if weight is not None:
                edge_rows[i][3] = round(0.6 + 2.4 * min(max(weight, 0.0), 1.0), 2)
                weights[i] = 0.5 + max(weight, 0.0)
            edge_rows[i].append(self.edge_tip(weight, attrs, infos[edge_rows[i][0]], infos[edge_rows[i][1]]))
        edge_kinds = [
            {
                "name": kind,
                "color": EDGE_STYLES.get(kind, {}).get("color", "#7f7f7f"),
                "dashes": EDGE_STYLES.get(kind, {}).get("dashes", False),
                "arrow": arrows[code],
                "opacity": EDGE_STYLES.get(kind, {}).get("opacity", 0.8),
            }
            for code, kind in enumerate(kind_names)
        ]
        links = src != dst
        src, dst, w = src[links], dst[links], weights[links]

        # colours and sizes
        colors, color_legend, community_of = self.colors(shown, nodes, infos)
        sizes, size_legend = self.sizes(nodes, infos, rank, shown)

        # positions
        physics = view.physics if view.physics is not None else (view.layout == "force" and n <= PHYSICS_LIMIT)
        axis = None
        undated = 0
        if view.layout == "time":
            positions, axis, undated = self.time_positions(infos, src, dst, w)
            physics = False
        elif view.layout == "map":  # given x, y node attributes (the field map), nodes without them at 0
            positions = np.array(
                [[float(shown.nodes[node].get(axis, 0.0) or 0.0) for axis in ("x", "y")] for node in nodes]
            ).reshape(-1, 2) * (25.0 * math.sqrt(max(n, 1)))
            physics = False
        else:
            # Without physics this is the layout; with physics, a good start that the browser polishes.
            positions = force_layout(n, src, dst, w, seed=view.seed) * self.spacing(n)

        # labels: the largest papers
        shown_index = index if not capped else {node: i for i, node in enumerate(nodes)}
        marked = [shown_index[node] for node in view.highlight if node in shown_index]
        labelled = set(sorted(range(n), key=lambda i: -sizes[i])[: max(view.labels, 0)]) | set(marked)
        node_rows = []
        for i, info in enumerate(infos):
            row = {"id": i, "size": sizes[i], "color": colors[i], "border": _darker(colors[i])}
            if i in labelled:
                row["label"] = _shorten(info["title"], 28)
            row["x"] = round(float(positions[i, 0]), 1)
            row["y"] = round(float(positions[i, 1]), 1)
            node_rows.append(row)

        data = {
            "nodes": node_rows,
            "edges": edge_rows,
            "edge_kinds": edge_kinds,
            "papers": [self.paper_json(info) for info in infos],
            "options": self.vis_options(physics=bool(physics), big=n > PHYSICS_LIMIT),
            "axis": axis,
            "highlight": marked,
        }
        title = view.title or "Papers"
        head = self.head_html(title, n, edge_counts, edge_kinds, color_legend, size_legend, note, undated)
        parts = {
            "graph_class": type(source),
            "graph_attrs": dict(source.graph),
            "nodes": nodes,
            "node_attrs": [dict(shown.nodes[node]) for node in nodes],
            "infos": infos,
            "colors": colors,
            "sizes": sizes,
            "rank": rank,
            "community_of": community_of,
            "positions": positions,
            "edges": [(edge[0], edge[1], edge[2] if len(edge) == 4 else None, dict(edge[-1])) for edge in records],
        }
        return {
            "data": data,
            "head": head,
            "title": title,
            "note": note,
            "n_shown": n,
            "n_total": total,
            "edge_counts": edge_counts,
            "parts": parts,
        }

    @staticmethod
    def spacing(n: int) -> float:
        """Pixels per layout unit: about 45 px between neighbours, a bit tighter for big graphs."""
        return 45.0 if n <= PHYSICS_LIMIT else 30.0

    @staticmethod
    def edge_tip(weight: float | None, attrs: dict[str, Any], a: dict, b: dict) -> str:
        """Plain text (vis-network shows strings as text) for a similarity edge's tooltip."""
        concepts = _names(attrs.get("concepts"))[:6]
        parts = [f"similar: {_shorten(a['title'], 40)} — {_shorten(b['title'], 40)}"]
        if weight is not None:
            parts.append(f"cosine {weight:.2f}")
        if concepts:
            parts.append("shared concepts: " + ", ".join(concepts))
        return "\n".join(parts)

    @staticmethod
    def paper_json(info: dict[str, Any]) -> dict[str, Any]:
        authors = info["authors"]
        shown = ", ".join(authors[:5]) + (f" +{len(authors) - 5} more" if len(authors) > 5 else "")
        when = info["date"].isoformat() if info["date"] else (str(info["year"]) if info["year"] else "no date")
        out = {"id": info["id"], "title": info["title"], "authors": shown, "when": when}
        if info["venue"]:
            out["venue"] = str(info["venue"])
        if info["categories"]:
            out["categories"] = ", ".join(info["categories"][:4])
        abstract = info["abstract"]
        if isinstance(abstract, str) and abstract and not abstract.isspace():
            out["abstract"] = _shorten(abstract, 320)
        links = _links(info)
        if links:
            out["links"] = links
        return out

    def colors(
        self, shown: nx.Graph, nodes: list[Any], infos: list[dict[str, Any]]
    ) -> tuple[list[str], str, dict[Any, int]]:
        by = self.view.color_by
        community_of: dict[Any, int] = {}
        if by is None or not nodes:
            return [PALETTE[0]] * len(nodes), "", community_of
        if by == "community":
            groups, labels = self.communities(shown)
            for number, group in enumerate(groups):
                for node in group:
                    community_of[node] = number
            linked = sum(1 for g in groups if len(g) > 1)  # groups are sorted: the linked ones come first
            top = min(linked, len(PALETTE))
            # The biggest communities get their own colour; smaller ones repeat the colours in a lighter tint.
            palette = [PALETTE[i] if i < top else _tint(PALETTE[i % len(PALETTE)]) for i in range(linked)]
            colors = [palette[c] if 0 <= (c := community_of.get(node, -1)) < linked else OTHER for node in nodes]
            items = []
            for number in range(top):
                name = labels[number] if labels and number < len(labels) else f"community {number + 1}"
                items.append((PALETTE[number], f"{_shorten(name, 40)} ({_fmt(len(groups[number]))})"))
            if linked > top:
                papers = sum(len(groups[i]) for i in range(top, linked))
                items.append(
                    (palette[top], f"{_fmt(linked - top)} smaller communities, {_fmt(papers)} papers (colours repeat)")
                )
            unlinked = len(nodes) - sum(len(groups[i]) for i in range(linked))
            if unlinked:
                items.append((OTHER, f"unlinked papers ({_fmt(unlinked)})"))
            heading = f"colour: community ({self.community_method})"
            return colors, self.swatches(heading, items), community_of
        if by == "year":
            years = [info["year"] for info in infos if info["year"] is not None]
            if not years:
                return [OTHER] * len(nodes), self.swatches("colour: year", [(OTHER, "no year")]), community_of
            low, high = min(years), max(years)
            colors = [
                OTHER if info["year"] is None else _ramp((info["year"] - low) / (high - low) if high > low else 1.0)
                for info in infos
            ]
            ramp = ", ".join(_ramp(i / 8) for i in range(9))
            legend = (
                "<span class='pl-group'><b>colour: year</b><span class='pl-item'>"
                f"{low}<span class='pl-ramp' style='background:linear-gradient(to right, {ramp})'></span>{high}"
                "</span>"
            )
            missing = len(nodes) - len(years)
            if missing:
                legend += f"<span class='pl-item'>{self.dot(OTHER)}no year ({_fmt(missing)})</span>"
            return colors, legend + "</span>", community_of
        # category: the first (primary) category of each paper
        counts: dict[str, int] = {}
        for info in infos:
            if info["categories"]:
                counts[info["categories"][0]] = counts.get(info["categories"][0], 0) + 1
        ranked = sorted(counts, key=lambda c: (-counts[c], c))[: len(PALETTE)]
        palette = {c: PALETTE[i] for i, c in enumerate(ranked)}
        colors = [palette.get(info["categories"][0], OTHER) if info["categories"] else OTHER for info in infos]
        items = [(palette[c], f"{c} ({counts[c]})") for c in ranked]
        rest = sum(1 for color in colors if color == OTHER)
        if rest:
            items.append((OTHER, f"other or none ({rest})"))
        return colors, self.swatches("colour: primary category", items), community_of

    def sizes(
        self, nodes: list[Any], infos: list[dict[str, Any]], rank: dict[Any, float], shown: nx.Graph
    ) -> tuple[list[float], str]:
        n = len(nodes)
        low, high = (7.0, 30.0) if n <= PHYSICS_LIMIT else (4.0, 22.0)
        by = self.view.size_by
        if by is None or not n:
            return [round((low + high) / 3, 1)] * n, ""
        if by == "pagerank":
            values = [rank.get(node, 0.0) for node in nodes]
            what = "size: PageRank"
        else:
            counts = [info["citation_count"] for info in infos]
            if any(c is not None for c in counts):
                values = [float(c or 0) for c in counts]
                unknown = sum(c is None for c in counts)
                what = "size: citations" + (f" (unknown for {_fmt(unknown)}: smallest)" if unknown else "")
            else:
                values = [float(self.cited_in_corpus(shown, node)) for node in nodes]
                what = "size: citations within this graph (no citation counts loaded)"
        top = max(values) if values else 0.0
        bottom = min(values) if values else 0.0
        if top <= bottom:
            return [round((low + high) / 2.5, 1)] * n, f"<span class='pl-group'><b>{_esc(what)}</b></span>"
        sizes = [round(low + (high - low) * math.sqrt((v - bottom) / (top - bottom)), 1) for v in values]
        return sizes, f"<span class='pl-group'><b>{_esc(what)}</b></span>"

    @staticmethod
    def cited_in_corpus(shown: nx.Graph, node: Any) -> int:
        if not shown.is_directed():
            return 0
        return sum(1 for _, _, attrs in shown.in_edges(node, data=True) if attrs.get("kind", "cites") == "cites")

    def time_positions(
        self, infos: list[dict[str, Any]], src: np.ndarray, dst: np.ndarray, w: np.ndarray
    ) -> tuple[np.ndarray, dict[str, Any] | None, int]:
        """x from the publication date (undated papers in a column on the left), y from the forces."""
        n = len(infos)
        if n == 0:
            return np.zeros((0, 2)), None, 0
        when = []
        for info in infos:
            if info["date"] is not None:
                d = info["date"]
                when.append(d.year + (d.timetuple().tm_yday - 0.5) / 366.0)
            elif info["year"] is not None:
                when.append(info["year"] + 0.5)
            else:
                when.append(None)
        dated = [t for t in when if t is not None]
        undated = n - len(dated)
        first = math.floor(min(dated)) if dated else 0
        last = math.floor(max(dated)) + 1 if dated else 1
        years = max(last - first, 1)
        width = max(3.0 * math.sqrt(n), 8.0)  # layout units across the dated papers
        per_year = width / years
        gap = max(per_year, width * 0.08)
        x = np.array([(t - first) * per_year if t is not None else -gap for t in when])
        # Weaker pulls than in the force layout: with x pinned, linked papers would end on one line.
        pos = time_layout(x, src, dst, 0.25 * w, seed=self.view.seed)
        scale = self.spacing(n) * 1.2
        pos = pos * scale
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if years / s <= 14)
        # A line where each year starts, its label in the middle of the year.
        lines = [round((year - first) * per_year * scale, 1) for year in range(first, last + 1)]
        labels = [
            [round((year + 0.5 - first) * per_year * scale, 1), str(year)]
            for year in range(first, last)
            if year % step == 0
        ]
        columns = []
        if undated:
            columns.append([round(-gap * scale, 1), f"no date ({_fmt(undated)})", round(gap * scale / 2, 1)])
        axis = {"lines": lines if dated else [], "labels": labels if dated else [], "columns": columns}
        return pos, axis, undated

    # ---- the page around the graph

    @staticmethod
    def dot(color: str) -> str:
        return f"<span class='pl-swatch' style='background:{color}'></span>"

    def swatches(self, heading: str, items: list[tuple[str, str]]) -> str:
        inner = "".join(f"<span class='pl-item'>{self.dot(color)}{_esc(text)}</span>" for color, text in items)
        return f"<span class='pl-group'><b>{_esc(heading)}</b>{inner}</span>"

    @staticmethod
    def edge_symbol(kind: dict[str, Any]) -> str:
        color = kind["color"]
        dash = f" stroke-dasharray='{kind['dashes'][0]} {kind['dashes'][1]}'" if kind["dashes"] else ""
        head = f"<polygon points='26,1 34,6 26,11' fill='{color}'/>" if kind["arrow"] else ""
        end = 26 if kind["arrow"] else 34
        return (
            f"<svg width='34' height='12' aria-hidden='true'><line x1='0' y1='6' x2='{end}' y2='6' "
            f"stroke='{color}' stroke-width='2'{dash}/>{head}</svg>"
        )

    def head_html(
        self,
        title: str,
        n: int,
        edge_counts: dict[str, int],
        edge_kinds: list[dict[str, Any]],
        color_legend: str,
        size_legend: str,
        note: str | None,
        undated: int,
    ) -> str:
        links = sum(edge_counts.values())
        summary = f"{_plural(n, 'paper')}, {_plural(links, 'link')}"
        parts = [f"<span class='pl-heading'>{_esc(title)}</span><span class='pl-summary'>{_esc(summary)}</span>"]
        if note:
            parts.append(f"<div class='pl-note' role='note'>{_esc(note)}</div>")
        notes = self.source.graph.get("notes")
        if isinstance(notes, str) and notes.strip() and not edge_counts.get("cites"):
            # Why there are no citation links (e.g. no references loaded), as the citation graph tells it.
            parts.append(f"<div class='pl-why'>{_esc(notes.strip().splitlines()[0])}</div>")
        legend = []
        if edge_kinds:
            items = "".join(
                f"<span class='pl-item'>{self.edge_symbol(k)}"
                f"{_esc(EDGE_STYLES.get(k['name'], {}).get('label', k['name']))} ({_fmt(edge_counts[k['name']])})"
                "</span>"
                for k in edge_kinds
            )
            legend.append(f"<span class='pl-group'><b>links</b>{items}</span>")
        if color_legend:
            legend.append(color_legend)
        if size_legend:
            legend.append(size_legend)
        if self.view.layout == "time":
            where = f"; {_fmt(undated)} without a date in the left column" if undated else ""
            legend.append(f"<span class='pl-group'><b>x: publication date{_esc(where)}</b></span>")
        parts.append(f"<div class='pl-legend'>{''.join(legend)}</div>")
        return "".join(parts)

    def vis_options(self, *, physics: bool, big: bool) -> dict[str, Any]:
        options: dict[str, Any] = {
            "autoResize": True,
            "layout": {"randomSeed": self.view.seed, "improvedLayout": False},
            "nodes": {
                "font": {"size": 14 if not big else 12, "face": "system-ui, DejaVu Sans, sans-serif", "strokeWidth": 3},
                "scaling": {"label": {"enabled": False}},
            },
            "edges": {"smooth": False if big else {"type": "continuous", "roundness": 0.2}, "selectionWidth": 2},
            "interaction": {
                "hover": True,
                "tooltipDelay": 150,
                "hideEdgesOnDrag": big,
                "hideEdgesOnZoom": big,
                "multiselect": False,
            },
        }
        if physics:
            options["physics"] = {
                "enabled": True,
                "solver": "forceAtlas2Based",
                "forceAtlas2Based": {
                    "gravitationalConstant": -45,
                    "centralGravity": 0.015,
                    "springLength": 70,
                    "springConstant": 0.06,
                    "avoidOverlap": 0.3,
                },
                "stabilization": {"enabled": True, "iterations": 300, "fit": True},
                "minVelocity": 1.0,
            }
        else:
            options["physics"] = {"enabled": False}
        return options


def _export(parts: dict[str, Any]) -> nx.Graph:
    """The graph shown, with GraphML-safe attributes: the paper fields plus what the picture shows."""
    out = parts["graph_class"]()
    out.graph.update(_safe_attrs(parts["graph_attrs"]))
    node_attrs = []
    for i, node in enumerate(parts["nodes"]):
        info = parts["infos"][i]
        attrs = _safe_attrs(parts["node_attrs"][i])
        for key in ("title", "abstract", "venue", "doi", "arxiv_id", "url", "year", "citation_count"):
            value = _scalar(info[key])
            if value is not None:
                attrs.setdefault(key, value)
        if info["date"] is not None:
            attrs.setdefault("date", info["date"].isoformat())
        for key in ("authors", "categories"):
            if info[key]:
                attrs.setdefault(key, "; ".join(info[key]))
        attrs["color"] = parts["colors"][i]
        attrs["size"] = float(parts["sizes"][i])
        if parts["rank"]:
            attrs["pagerank"] = float(parts["rank"][node])
        if parts["community_of"]:
            attrs["community"] = int(parts["community_of"].get(node, -1))
        attrs["x"] = round(float(parts["positions"][i, 0]), 1)
        attrs["y"] = round(float(parts["positions"][i, 1]), 1)
        node_attrs.append(attrs)
    _unify_types(node_attrs)
    out.add_nodes_from(zip(parts["nodes"], node_attrs, strict=True))
    edges = [(u, v, key, _safe_attrs(attrs)) for u, v, key, attrs in parts["edges"]]
    _unify_types([edge[3] for edge in edges])
    if out.is_multigraph():
        out.add_edges_from(edges)
    else:
        out.add_edges_from((u, v, attrs) for u, v, _, attrs in edges)
    return out


def pagerank(n: int, sources: np.ndarray, targets: np.ndarray, alpha: float = 0.85, tol: float = 1e-10) -> np.ndarray:
    """PageRank of ``n`` nodes linked ``sources[i] -> targets[i]`` (repeated links count once).

    The same definition as :func:`networkx.pagerank` (dangling nodes spread their
    rank evenly), on sparse arrays, so it needs no graph object.

    >>> import numpy as np
    >>> pagerank(3, np.array([0, 1]), np.array([2, 2])).round(3).tolist()
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


def _community_labels(structure: Any, groups: list[set[Any]], corpus: Corpus) -> list[str] | None:
    """Names for the communities shown in the legend: their top concepts (``structure.label_communities``)."""
    ids = set(corpus.ids)
    named = [sorted(map(str, g)) for g in groups[: len(PALETTE)] if len(g) > 1]
    if not named or not all(node in ids for group in named for node in group):
        return None
    try:
        words = structure.label_communities(corpus, named, n=3)
    except Exception as exc:  # labels are a nicety: a failing concept model must not stop the picture
        warnings.warn(
            f"communities are numbered, not named: labelling them failed ({type(exc).__name__}: {exc})",
            PaperlensWarning,
            stacklevel=2,
        )
        return None
    return [", ".join(words.get(i) or []) or f"community {i + 1}" for i in range(len(named))]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small objects are built (it costs a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _structure() -> Any:
    """``paperlens.graphs.structure`` if it is there (communities and their labels), else ``None``."""
    import importlib

    try:
        return importlib.import_module("paperlens.graphs.structure")
    except ModuleNotFoundError as exc:
        if exc.name != "paperlens.graphs.structure":
            raise
        return None
