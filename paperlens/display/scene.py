"""What a graph picture shows, as data: a :class:`Scene` of nodes, edges, legend groups, notes and positions.

:func:`build_scene` turns a networkx graph (nodes are paper ids) and the drawing
options into a :class:`Scene` with pure functions: which papers are shown (the
top by PageRank past ``max_nodes``), their paper fields (from the corpus, node
attributes for the rest), colours and sizes with their legend groups, and
positions (the force layout, or x from the publication date). The analysis comes
from :mod:`paperlens.graphs.structure` (PageRank, communities and their labels);
nothing here draws. A scene is renderer-agnostic: :func:`paperlens.display.vis.document`
draws it with vis-network, :mod:`paperlens.display.graph_export` writes it as a
networkx graph / GraphML / GEXF, and another view (a map) can fill the same
fields with its own positions.

Per-paper work is done per column (one list per field) rather than per paper
dictionary, so 10,000 papers cost a few list comprehensions.

Examples
--------
>>> import paperlens as pl
>>> corpus = pl.load_sample()
>>> scene = build_scene(corpus.citation_graph(), corpus, color_by="year", layout="time")
>>> len(scene.ids) == len(corpus), scene.papers["title"][scene.ids.index("2203.05482")][:11]
(True, 'Model soups')
>>> [group.heading for group in scene.legend][:3]
['links', 'colour: year', 'size: PageRank']
>>> scene.legend[3].heading  # every sample paper has a date (some read from the arXiv id)
'x: publication date'
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import PaperlensWarning, RecordError
from ..graphs import structure
from ..io.mapping import parse_date
from ..text import plural, readable
from .layout import force_layout, time_layout

if TYPE_CHECKING:
    import networkx as nx

    from ..corpus import Corpus

__all__ = ["EdgeKind", "LegendGroup", "Scene", "build_scene"]

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
PHYSICS_LIMIT = 500  # above this many nodes the layout is computed in Python and physics is off

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
_METHOD_NAMES = {"louvain": "Louvain", "label_propagation": "label propagation"}


# --------------------------------------------------------------------------- the scene


@dataclass(frozen=True)
class EdgeKind:
    """How one kind of edge is drawn, and how many edges of it are shown."""

    name: str
    label: str
    color: str
    dashes: Any
    arrow: bool
    opacity: float
    count: int


@dataclass(frozen=True)
class LegendGroup:
    """One group of the legend: a heading and ``(colour, text)`` items, or a colour ramp from ``low`` to ``high``.

    ``edges`` groups list the edge kinds (drawn as line symbols); ``ramp`` groups a gradient.
    """

    heading: str
    items: tuple[tuple[str, str], ...] = ()
    ramp: tuple[str, ...] = ()
    low: str = ""
    high: str = ""
    edges: tuple[EdgeKind, ...] = ()


@dataclass
class Scene:
    """Everything a picture of a graph of papers shows, renderer-agnostic.

    Node ``i`` is ``nodes[i]`` (its key in the source graph; ``ids[i]`` as text), drawn at
    ``(x[i], y[i])`` with ``colors[i]`` and ``sizes[i]``; ``papers[field][i]`` holds its paper
    fields (title, authors and categories as lists, date, year...). Edge ``j`` goes from node
    ``edge_src[j]`` to ``edge_dst[j]``, of kind ``edge_kinds[edge_kind[j]]``.
    """

    title: str
    nodes: list[Any]
    ids: list[str]
    papers: dict[str, list[Any]]
    x: np.ndarray
    y: np.ndarray
    colors: list[str]
    sizes: list[float]
    labels: dict[int, str]
    edge_src: np.ndarray
    edge_dst: np.ndarray
    edge_kind: np.ndarray
    edge_width: list[float]
    edge_tips: dict[int, str]
    edge_kinds: list[EdgeKind]
    legend: list[LegendGroup]
    notes: list[str] = field(default_factory=list)  # what the picture leaves out (shown prominently)
    why: str | None = None  # why a kind of link is missing (e.g. no references loaded)
    highlight: list[int] = field(default_factory=list)
    axis: dict[str, Any] | None = None  # time layout: year lines, labels, the undated column
    physics: bool = False
    seed: int = 0
    n_total: int = 0
    rank: np.ndarray | None = None  # PageRank of each node shown (when computed)
    community: np.ndarray | None = None  # community number of each node shown (colour by community)
    # What an export needs to rebuild the graph shown, as plain data.
    directed: bool = False
    multigraph: bool = False
    graph_attrs: dict[str, Any] = field(default_factory=dict)
    node_attrs: list[dict[str, Any]] = field(default_factory=list)
    edge_records: list[tuple[Any, Any, Any, dict[str, Any]]] = field(default_factory=list)

    @property
    def edge_counts(self) -> dict[str, int]:
        """Edges shown per kind name."""
        return {kind.name: kind.count for kind in self.edge_kinds if kind.count}

    @property
    def big(self) -> bool:
        """Too many papers for the browser's physics (drawn with lighter settings)."""
        return len(self.nodes) > PHYSICS_LIMIT


# --------------------------------------------------------------------------- value helpers


def fmt(n: int) -> str:
    return f"{n:,}"


_PLAIN_CLASSES = (str, int, tuple, list, dict, dt.date)
_PLAIN_TYPES = frozenset(_PLAIN_CLASSES)  # exact types: one set lookup before the isinstance checks


def missing(value: Any) -> bool:
    """Whether ``value`` is a missing-value marker (None, NaN, NaT, NA)."""
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


def names(value: Any) -> list[str]:
    """Authors or categories given as a tuple/list or a ``"; "``-joined string."""
    if type(value) is tuple:
        return [str(v) for v in value if not missing(v)]
    if missing(value):
        return []
    if isinstance(value, str):
        return [part for part in map(str.strip, value.split(";")) if part]
    return [str(v) for v in value if not missing(v)]


def _as_date(value: Any) -> dt.date | None:
    """A node's date from a date, a Timestamp or ISO text; ``None`` when missing or not a date."""
    if type(value) is dt.date:
        return value
    if type(value) is str and len(value) == 10 and value[4] == value[7] == "-" and value[5:7].isdigit():
        try:  # the usual "YYYY-MM-DD", without the general parser
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if missing(value):
        return None
    try:
        return parse_date(value)
    except RecordError:
        return None


def _as_int(value: Any) -> int | None:
    if type(value) is int:
        return value
    if missing(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def shorten(text: str, limit: int) -> str:
    """``text`` with whitespace collapsed, cut at a word boundary to at most ``limit`` characters (+ "…").

    >>> shorten("  a   b  c ", 10), shorten("one two three four", 12)
    ('a b c', 'one two…')
    """
    # Every white space but " " is unprintable (checked over all of Unicode), so printable text without double,
    # leading or trailing spaces has nothing to collapse. When the first limit + 1 characters are such text, the
    # collapsed text starts with them (their last word goes on): only they are checked, and the cut is made there.
    head = text[: limit + 1]
    if len(head) > limit and head[:1] != " " and head[-1:] != " " and head.isprintable() and "  " not in head:
        text = head
    else:  # whitespace runs collapse, so twice the limit is plenty
        text = text[: 2 * limit + 40]
        if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        if len(text) <= limit:
            return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]).rstrip(" ,.;:") + "…"


@functools.lru_cache(maxsize=4096)
def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


@functools.lru_cache(maxsize=4096)
def ramp(t: float) -> str:
    """The colour at ``t`` (0 to 1) of the year ramp."""
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    return _mix(RAMP[i], RAMP[i + 1], t - i)


def tint(color: str) -> str:
    return _mix(color, "#ffffff", 0.45)


def darker(color: str) -> str:
    return _mix(color, "#000000", 0.35)


def _weight(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not missing(value) else None


# --------------------------------------------------------------------------- edges


@dataclass
class _Edges:
    records: list[tuple[Any, ...]]
    src: np.ndarray
    dst: np.ndarray
    codes: np.ndarray
    kind_names: list[str]
    arrows: list[bool]


def _is_arrow(graph: nx.Graph, kind: str) -> bool:
    if kind in EDGE_STYLES:
        return bool(EDGE_STYLES[kind]["arrow"])
    if kind in DIRECTED_KINDS:
        return True
    if kind in UNDIRECTED_KINDS:
        return False
    return graph.is_directed()


def _edges(graph: nx.Graph, index: dict[Any, int]) -> _Edges:
    """One pass over the edges: endpoints as integers, kinds as small integers (in order of first use)."""
    records = list(graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True))
    kinds = [str(kind) if (kind := edge[-1].get("kind")) else "link" for edge in records]
    codes, uniques = pd.factorize(pd.Series(kinds, dtype=object), sort=False)
    kind_names = [str(kind) for kind in uniques]
    src = np.fromiter((index[edge[0]] for edge in records), np.int64, len(records))
    dst = np.fromiter((index[edge[1]] for edge in records), np.int64, len(records))
    arrows = [_is_arrow(graph, kind) for kind in kind_names]
    return _Edges(records, src, dst, codes.astype(np.int64), kind_names, arrows)


def rank_of(n: int, edges: _Edges) -> np.ndarray:
    """PageRank of every node (:func:`paperlens.graphs.structure.pagerank_arrays`): arrows as given,
    undirected links both ways."""
    arrow = np.array(edges.arrows, dtype=bool)[edges.codes] if len(edges.codes) else np.zeros(0, dtype=bool)
    loop = edges.src == edges.dst
    back = ~arrow & ~loop
    return structure.pagerank_arrays(
        n,
        np.concatenate([edges.src[~loop], edges.dst[back]]),
        np.concatenate([edges.dst[~loop], edges.src[back]]),
    )


# --------------------------------------------------------------------------- papers


def paper_columns(graph: nx.Graph, nodes: list[Any], corpus: Corpus | None) -> dict[str, list[Any]]:
    """The paper fields of each node, one list per field: the corpus first, node attributes for the rest.

    ``authors`` and ``categories`` become lists of strings, ``date`` a :class:`datetime.date`
    or ``None``, ``year`` and ``citation_count`` ints or ``None`` (the year from the date when
    only that is known), ``title`` falls back to the node id.
    """
    ids = [str(node) for node in nodes]
    attrs = [graph.nodes[node] for node in nodes]
    raw = {name: [a.get(name) for a in attrs] for name in PAPER_COLUMNS}
    if corpus is not None and len(corpus):
        position = {pid: i for i, pid in enumerate(corpus.ids)}
        slots = [(k, position[i]) for k, i in enumerate(ids) if i in position]
        if slots:
            frame = corpus.subset([p for _, p in slots]).df  # copies the shown rows only
            for name in PAPER_COLUMNS:
                column = raw[name]
                for (k, _), value in zip(slots, frame[name].tolist(), strict=True):
                    if not (missing(value) or value == ()):
                        column[k] = value
    dates = [_as_date(v) for v in raw["date"]]
    years = [_as_int(v) for v in raw["year"]]
    return {
        "id": ids,
        "title": [str(t) if not missing(t) and t != "" else i for t, i in zip(raw["title"], ids, strict=True)],
        "authors": [names(v) for v in raw["authors"]],
        "categories": [names(v) for v in raw["categories"]],
        "date": dates,
        "year": [y if y is not None or d is None else d.year for y, d in zip(years, dates, strict=True)],
        "citation_count": [_as_int(v) for v in raw["citation_count"]],
        **{name: raw[name] for name in ("abstract", "venue", "doi", "arxiv_id", "url")},
    }


# --------------------------------------------------------------------------- colours


# The partitions of the last few graphs drawn, by content: redrawing the same papers and links (the explorer
# after a click, another colouring and back, a notebook re-run) reuses the communities instead of finding them again.
_PARTITIONS: dict[bytes, np.ndarray] = {}
_PARTITIONS_KEPT = 8


def _partition_key(
    nodes: list[Any], src: np.ndarray, dst: np.ndarray, weights: np.ndarray, seed: int, method: str
) -> bytes:
    """A digest of everything the partition depends on: node ids in order, links, weights, seed, method."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{method}|{seed}|{structure.LOUVAIN_LIMIT}|".encode())
    digest.update("\x1f".join(map(repr, nodes)).encode("utf-8", "surrogatepass"))
    for array in (src, dst, weights):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.digest()


def _community_groups(n: int, edges: _Edges, nodes: list[Any], seed: int) -> tuple[np.ndarray, list[np.ndarray], str]:
    """Community number of each node (largest first), members per community, and the method used.

    :func:`paperlens.graphs.structure.communities` (``method="auto"``) on the simple undirected
    graph of the links shown: direction ignored, a citation and a similarity link between the
    same two papers add up their weights (an edge's ``weight``, 1 where it has none).
    """
    import networkx as nx

    src, dst = edges.src, edges.dst
    given = [record[-1].get("weight") for record in edges.records]
    if given.count(None) == len(given):  # no weights at all (a citation graph): skip the checks
        weights = np.ones(len(given))
    else:
        weights = np.array([1.0 if (w := _weight(v)) is None else w for v in given], dtype=float)
    keep = np.flatnonzero(src != dst)
    pair = np.minimum(src, dst)[keep] * max(n, 1) + np.maximum(src, dst)[keep]
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    summed = np.bincount(inverse, weights=weights[keep], minlength=len(first))
    order = np.argsort(first, kind="stable")  # edges in the order they first appear, as networkx would add them
    where = keep[first[order]]
    method = structure.community_method(n, "auto")
    key = _partition_key(nodes, src[where], dst[where], summed[order], seed, method)
    community = _PARTITIONS.get(key)
    if community is None and method == "label_propagation" and structure.community_partition_compiled(seed):
        # The graph networkx would build, as CSR arrays: each link both ways, a node's links in the order added.
        a, b = src[where], dst[where]
        ends = np.concatenate([np.stack([a, b], 1), np.stack([b, a], 1)], axis=1).reshape(-1, 2)
        row = np.argsort(ends[:, 0], kind="stable")
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(ends[:, 0], minlength=n), out=indptr[1:])
        community = structure.label_propagation_numbers(
            nodes, indptr, ends[row, 1], np.repeat(summed[order], 2)[row], seed
        )
        community.flags.writeable = False
        _PARTITIONS[key] = community
    if community is None:
        simple = nx.Graph()
        simple.add_nodes_from(nodes)
        simple.add_weighted_edges_from(
            zip(
                [nodes[i] for i in src[where].tolist()],
                [nodes[i] for i in dst[where].tolist()],
                summed[order].tolist(),
                strict=True,
            )
        )
        found = structure.communities(simple, seed=seed, method="auto")  # numbered by size, largest first
        community = np.fromiter((found[node] for node in nodes), np.int64, n)
        community.flags.writeable = False
        _PARTITIONS[key] = community
    while len(_PARTITIONS) > _PARTITIONS_KEPT:
        _PARTITIONS.pop(next(iter(_PARTITIONS)))
    if not n:
        return community, [], _METHOD_NAMES[method]
    members = np.argsort(community, kind="stable")
    bounds = np.cumsum(np.bincount(community))[:-1]
    return community, np.split(members, bounds), _METHOD_NAMES[method]


def _community_labels(groups: list[np.ndarray], ids: list[str], corpus: Corpus) -> list[str] | None:
    """Names for the communities shown in the legend: their top concepts (``structure.label_communities``)."""
    known = set(corpus.ids)
    named = [sorted(ids[i] for i in g) for g in groups[: len(PALETTE)] if len(g) > 1]
    if not named or not all(node in known for group in named for node in group):
        return None
    try:
        words = structure.label_communities(corpus, named, n=3)
    except Exception as exc:  # labels are a nicety: a failing concept model must not stop the picture
        warnings.warn(
            f"communities are numbered, not named: labelling them failed ({type(exc).__name__}: {exc})",
            PaperlensWarning,
            stacklevel=3,
        )
        return None
    return [", ".join(words.get(i) or []) or f"community {i + 1}" for i in range(len(named))]


def color_by_community(
    edges: _Edges, nodes: list[Any], ids: list[str], corpus: Corpus | None, seed: int
) -> tuple[list[str], LegendGroup, np.ndarray]:
    n = len(nodes)
    community, groups, method = _community_groups(n, edges, nodes, seed)
    linked = sum(1 for g in groups if len(g) > 1)  # groups are sorted: the linked ones come first
    top = min(linked, len(PALETTE))
    labels = _community_labels(groups, ids, corpus) if corpus is not None else None
    # The biggest communities get their own colour; smaller ones repeat the colours in a lighter tint.
    palette = np.array([PALETTE[i] if i < top else tint(PALETTE[i % len(PALETTE)]) for i in range(linked)] + [OTHER])
    colors = palette[np.where(community < linked, community, linked)].tolist()
    items = []
    for number in range(top):
        name = labels[number] if labels and number < len(labels) else f"community {number + 1}"
        items.append((PALETTE[number], f"{shorten(name, 40)} ({fmt(len(groups[number]))})"))
    if linked > top:
        papers = sum(len(groups[i]) for i in range(top, linked))
        smaller = plural(linked - top, "smaller community", "smaller communities", digits=",")
        items.append((palette[top], f"{smaller}, {plural(papers, 'paper', digits=',')} (colours repeat)"))
    unlinked = n - sum(len(groups[i]) for i in range(linked))
    if unlinked:
        items.append((OTHER, f"unlinked papers ({fmt(unlinked)})"))
    return colors, LegendGroup(f"colour: community ({method})", tuple(items)), community


def color_by_year(years: list[int | None]) -> tuple[list[str], LegendGroup]:
    known = [y for y in years if y is not None]
    if not known:
        return [OTHER] * len(years), LegendGroup("colour: year", ((OTHER, "no year"),))
    low, high = min(known), max(known)
    span = high - low
    colors = [OTHER if y is None else ramp((y - low) / span if span else 1.0) for y in years]
    absent = len(years) - len(known)
    items = ((OTHER, f"no year ({fmt(absent)})"),) if absent else ()
    stops = tuple(ramp(i / 8) for i in range(9))
    return colors, LegendGroup("colour: year", items, ramp=stops, low=str(low), high=str(high))


def palette_color(rank: int) -> str:
    """The colour of the ``rank``-th largest group (from 0): the palette, then the palette again lighter.

    >>> palette_color(0) == PALETTE[0], palette_color(len(PALETTE)) == tint(PALETTE[0])
    (True, True)
    """
    return PALETTE[rank] if rank < len(PALETTE) else tint(PALETTE[rank % len(PALETTE)])


def color_by_name(
    names: Sequence[str | None], heading: str, *, rest: str = "other or none", tint_rest: bool = False
) -> tuple[list[str], LegendGroup, dict[str, str]]:
    """Colour each item by its name: the most frequent names get the palette's colours (ties by name).

    The rest are grey (``OTHER``), or with ``tint_rest`` the palette again in a lighter tint (as the
    graph's smaller communities). ``None`` is always grey. Returns the colours, the legend group and the
    name -> colour mapping (what the map hands its widget, so a paper has one colour in both views).

    >>> colors, legend, mapping = color_by_name(["cs.LG", "cs.CL", "cs.LG", None], "colour: category")
    >>> colors == [PALETTE[0], PALETTE[1], PALETTE[0], OTHER], legend.items[0]
    (True, ('#4e79a7', 'cs.LG (2)'))
    """
    counts = pd.Series([c for c in names if c is not None], dtype=object).value_counts(sort=False)
    ranked = sorted(counts.index, key=lambda c: (-counts[c], c))
    top = ranked[: len(PALETTE)]
    mapping = {c: palette_color(i) for i, c in enumerate(ranked if tint_rest else top)}
    colors = [mapping.get(c, OTHER) if c is not None else OTHER for c in names]
    items = [(mapping[c], f"{shorten(str(c), 40)} ({fmt(counts[c])})") for c in top]
    if tint_rest and len(ranked) > len(top):
        more = len(ranked) - len(top)
        papers = int(sum(counts[c] for c in ranked[len(top) :]))
        items.append((tint(PALETTE[0]), f"{fmt(more)} more, {plural(papers, 'paper', digits=',')} (colours repeat)"))
    grey = sum(1 for color in colors if color == OTHER)
    if grey:
        items.append((OTHER, f"{rest} ({fmt(grey)})"))
    return colors, LegendGroup(heading, tuple(items)), mapping


def color_by_category(categories: list[list[str]]) -> tuple[list[str], LegendGroup]:
    """Colour by the first (primary) category of each paper, the most frequent ones in the legend."""
    colors, legend, _ = color_by_name([c[0] if c else None for c in categories], "colour: primary category")
    return colors, legend


# --------------------------------------------------------------------------- sizes


def sizes_of(
    size_by: str | None,
    rank: np.ndarray | None,
    citation_counts: list[int | None],
    cited_here: np.ndarray,
) -> tuple[list[float], LegendGroup | None]:
    n = len(citation_counts)
    low, high = (7.0, 30.0) if n <= PHYSICS_LIMIT else (4.0, 22.0)
    if size_by is None or not n:
        return [round((low + high) / 3, 1)] * n, None
    if size_by == "pagerank":
        values = np.asarray(rank, dtype=float)
        what = "size: PageRank"
    elif any(c is not None for c in citation_counts):
        values = np.array([float(c or 0) for c in citation_counts])
        unknown = sum(c is None for c in citation_counts)
        what = "size: citations" + (f" (unknown for {fmt(unknown)}: smallest)" if unknown else "")
    else:
        values = cited_here.astype(float)
        what = "size: citations within this graph (no citation counts loaded)"
    top, bottom = float(values.max()), float(values.min())
    if top <= bottom:
        return [round((low + high) / 2.5, 1)] * n, LegendGroup(what)
    sizes = np.round(low + (high - low) * np.sqrt((values - bottom) / (top - bottom)), 1)
    return sizes.tolist(), LegendGroup(what)


# --------------------------------------------------------------------------- positions


def spacing(n: int) -> float:
    """Pixels per layout unit: about 45 px between neighbours, a bit tighter for big graphs."""
    return 45.0 if n <= PHYSICS_LIMIT else 30.0


def time_positions(
    dates: list[dt.date | None], years: list[int | None], src: np.ndarray, dst: np.ndarray, w: np.ndarray, seed: int
) -> tuple[np.ndarray, dict[str, Any] | None, int]:
    """x from the publication date (undated papers in a column on the left), y from the forces."""
    n = len(dates)
    if n == 0:
        return np.zeros((0, 2)), None, 0
    when: list[float | None] = [
        d.year + (d.timetuple().tm_yday - 0.5) / 366.0 if d is not None else (y + 0.5 if y is not None else None)
        for d, y in zip(dates, years, strict=True)
    ]
    dated = [t for t in when if t is not None]
    undated = n - len(dated)
    first = math.floor(min(dated)) if dated else 0
    last = math.floor(max(dated)) + 1 if dated else 1
    span = max(last - first, 1)
    width = max(3.0 * math.sqrt(n), 8.0)  # layout units across the dated papers
    per_year = width / span
    gap = max(per_year, width * 0.08)
    x = np.array([(t - first) * per_year if t is not None else -gap for t in when])
    # Weaker pulls than in the force layout: with x pinned, linked papers would end on one line.
    pos = time_layout(x, src, dst, 0.25 * w, seed=seed)
    scale = spacing(n) * 1.2
    pos = pos * scale
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= 14)
    # A line where each year starts, its label in the middle of the year.
    lines = [round((year - first) * per_year * scale, 1) for year in range(first, last + 1)]
    labels = [
        [round((year + 0.5 - first) * per_year * scale, 1), str(year)]
        for year in range(first, last)
        if year % step == 0
    ]
    columns = []
    if undated:
        columns.append([round(-gap * scale, 1), f"no date ({fmt(undated)})", round(gap * scale / 2, 1)])
    axis = {"lines": lines if dated else [], "labels": labels if dated else [], "columns": columns}
    return pos, axis, undated


# --------------------------------------------------------------------------- the whole scene


def build_scene(
    graph: nx.Graph,
    corpus: Corpus | None = None,
    *,
    layout: str = "force",
    color_by: str | None = "community",
    size_by: str | None = "pagerank",
    max_nodes: int | None = MAX_NODES,
    labels: int = 15,
    physics: bool | None = None,
    title: str | None = None,
    seed: int = 0,
    highlight: tuple[str, ...] = (),
) -> Scene:
    """The scene of ``graph`` (never changed) as :class:`~paperlens.display.graphview.GraphView` draws it.

    Options as for :class:`~paperlens.display.graphview.GraphView` (validated there).
    """
    total = graph.number_of_nodes()
    index = {node: i for i, node in enumerate(graph)}
    edges = _edges(graph, index)
    capped = max_nodes is not None and total > max_nodes
    rank = rank_of(total, edges) if size_by == "pagerank" or capped else None
    notes = []
    if capped:
        assert rank is not None
        kept = np.zeros(total, dtype=bool)
        kept[np.argsort(-rank, kind="stable")[:max_nodes]] = True  # stable: ties keep graph order
        nodes = [node for node, keep in zip(graph, kept.tolist(), strict=True) if keep]
        inside = np.flatnonzero(kept[edges.src] & kept[edges.dst])
        position = np.full(total, -1, dtype=np.int64)
        position[kept] = np.arange(len(nodes))
        edges = _Edges(
            [edges.records[i] for i in inside.tolist()],
            position[edges.src[inside]],
            position[edges.dst[inside]],
            edges.codes[inside],
            edges.kind_names,
            edges.arrows,
        )
        rank = rank[kept]
        notes.append(
            f"showing {fmt(max_nodes)} of {fmt(total)} papers, the top by PageRank "
            f"(max_nodes={max_nodes:,}; max_nodes=None shows all)"
        )
    else:
        nodes = list(index)
    n = len(nodes)
    papers = paper_columns(graph, nodes, corpus)

    # edges: kinds, widths, similarity tooltips
    counts = np.bincount(edges.codes, minlength=len(edges.kind_names))
    edge_kinds = [
        EdgeKind(
            name=kind,
            label=EDGE_STYLES.get(kind, {}).get("label", kind),
            color=EDGE_STYLES.get(kind, {}).get("color", "#7f7f7f"),
            dashes=EDGE_STYLES.get(kind, {}).get("dashes", False),
            arrow=edges.arrows[code],
            opacity=EDGE_STYLES.get(kind, {}).get("opacity", 0.8),
            count=int(counts[code]),
        )
        for code, kind in enumerate(edges.kind_names)
    ]
    widths = np.array([EDGE_STYLES.get(kind, {}).get("width", 1.0) for kind in edges.kind_names])
    edge_width = widths[edges.codes].tolist() if len(edges.codes) else []
    weights = np.ones(len(edges.codes))
    tips: dict[int, str] = {}
    if "similar" in edges.kind_names:
        titles = papers["title"]
        for i in np.flatnonzero(edges.codes == edges.kind_names.index("similar")).tolist():
            attrs = edges.records[i][-1]
            weight = _weight(attrs.get("weight"))
            if weight is not None:
                edge_width[i] = round(0.6 + 2.4 * min(max(weight, 0.0), 1.0), 2)
                weights[i] = 0.5 + max(weight, 0.0)
            tips[i] = _similarity_tip(weight, attrs, titles[edges.src[i]], titles[edges.dst[i]])
    links = edges.src != edges.dst
    src, dst, w = edges.src[links], edges.dst[links], weights[links]

    # colours and sizes
    community = None
    if color_by is None or not n:
        colors, color_group = [PALETTE[0]] * n, None
    elif color_by == "community":
        colors, color_group, community = color_by_community(edges, nodes, papers["id"], corpus, seed)
    elif color_by == "year":
        colors, color_group = color_by_year(papers["year"])
    else:
        colors, color_group = color_by_category(papers["categories"])
    cited_here = np.zeros(n, dtype=np.int64)
    if size_by == "citations" and graph.is_directed() and len(edges.codes):
        cites = np.array([kind == "cites" for kind in edges.kind_names])[edges.codes]
        cited_here = np.bincount(edges.dst[cites], minlength=n)
    sizes, size_group = sizes_of(size_by, rank, papers["citation_count"], cited_here)

    # positions
    use_physics = physics if physics is not None else (layout == "force" and n <= PHYSICS_LIMIT)
    axis = None
    undated = 0
    if layout == "time":
        positions, axis, undated = time_positions(papers["date"], papers["year"], src, dst, w, seed)
        use_physics = False
    elif layout == "map":  # the nodes' own x, y (the field map: paperlens.graphs.layout), missing ones at 0
        view = graph.subgraph(nodes) if capped else graph
        coords = [[float(view.nodes[node].get(a, 0.0) or 0.0) for a in ("x", "y")] for node in nodes]
        positions = np.array(coords, dtype=np.float64).reshape(-1, 2) * (25.0 * math.sqrt(max(n, 1)))
        use_physics = False
    else:
        # Without physics this is the layout; with physics, a good start that the browser polishes.
        positions = force_layout(n, src, dst, w, seed=seed) * spacing(n)

    # canvas labels: the largest papers and the highlighted ones
    shown_index = {node: i for i, node in enumerate(nodes)} if capped else index
    marked = [shown_index[node] for node in highlight if node in shown_index]
    biggest = np.argsort(-np.asarray(sizes, dtype=float), kind="stable")[: max(labels, 0)].tolist() if n else []
    canvas_labels = {i: shorten(readable(papers["title"][i]), 28) for i in sorted(set(biggest) | set(marked))}

    legend = []
    if any(k.count for k in edge_kinds):
        legend.append(LegendGroup("links", edges=tuple(k for k in edge_kinds if k.count)))
    legend += [group for group in (color_group, size_group) if group is not None]
    if layout == "time":
        where = f"; {fmt(undated)} without a date in the left column" if undated else ""
        legend.append(LegendGroup(f"x: publication date{where}"))
    why = graph.graph.get("notes")  # why there are no citation links, as the citation graph tells it
    if not isinstance(why, str) or not why.strip() or counts_of(edge_kinds, "cites"):
        why = None
    else:
        why = why.strip().splitlines()[0]
    return Scene(
        title=title or "Papers",
        nodes=nodes,
        ids=papers["id"],
        papers=papers,
        x=np.round(positions[:, 0].astype(float), 1) if n else np.zeros(0),
        y=np.round(positions[:, 1].astype(float), 1) if n else np.zeros(0),
        colors=colors,
        sizes=sizes,
        labels=canvas_labels,
        edge_src=edges.src,
        edge_dst=edges.dst,
        edge_kind=edges.codes,
        edge_width=edge_width,
        edge_tips=tips,
        edge_kinds=edge_kinds,
        legend=legend,
        notes=notes,
        why=why,
        highlight=marked,
        axis=axis,
        physics=bool(use_physics),
        seed=seed,
        n_total=total,
        rank=rank,
        community=community,
        directed=graph.is_directed(),
        multigraph=graph.is_multigraph(),
        graph_attrs=dict(graph.graph),
        node_attrs=[dict(graph.nodes[node]) for node in nodes],
        edge_records=[(u, v, key, dict(data)) for u, v, key, data in edges.records]
        if graph.is_multigraph()
        else [(u, v, None, dict(data)) for u, v, data in edges.records],
    )


def counts_of(edge_kinds: list[EdgeKind], name: str) -> int:
    return next((k.count for k in edge_kinds if k.name == name), 0)


def _similarity_tip(weight: float | None, attrs: dict[str, Any], a: str, b: str) -> str:
    """Plain text (vis-network shows strings as text) for a similarity edge's tooltip."""
    concepts = names(attrs.get("concepts"))[:6]
    parts = [f"similar: {shorten(a, 40)} — {shorten(b, 40)}"]
    if weight is not None:
        parts.append(f"cosine {weight:.2f}")
    if concepts:
        parts.append("shared concepts: " + ", ".join(concepts))
    return "\n".join(parts)
