"""Export a :class:`~paperlens.display.scene.Scene` as networkx, GraphML and GEXF (for Gephi, Cytoscape, yEd).

The graph shown (after the ``max_nodes`` cap) with GraphML-safe scalar attributes:
the source graph's own attributes, the paper fields, and what the picture shows
(``color``, ``size``, ``pagerank``, ``community``, ``x``, ``y``). GEXF files also get
Gephi's ``viz`` colour, size and position.

Examples
--------
>>> import paperlens as pl
>>> from paperlens.display.scene import build_scene
>>> shown = to_networkx(build_scene(pl.load_sample().citation_graph(), pl.load_sample()))
>>> shown.nodes["2203.05482"]["title"][:11], isinstance(shown.nodes["2203.05482"]["community"], int)
('Model soups', True)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .scene import OTHER, missing

if TYPE_CHECKING:
    import networkx as nx

    from .scene import Scene

__all__ = ["to_networkx", "write_gexf", "write_graphml"]


def _scalar(value: Any) -> Any:
    """A GraphML/GEXF-safe scalar for an attribute value, or ``None`` to leave it out."""
    if missing(value):
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


def to_networkx(scene: Scene) -> nx.Graph:
    """The graph ``scene`` shows, with GraphML-safe attributes (a new graph of the source's class)."""
    import networkx as nx

    kind = {
        (False, False): nx.Graph,
        (True, False): nx.DiGraph,
        (False, True): nx.MultiGraph,
        (True, True): nx.MultiDiGraph,
    }[(scene.directed, scene.multigraph)]
    out = kind()
    out.graph.update(_safe_attrs(scene.graph_attrs))
    papers = scene.papers
    node_attrs = []
    for i in range(len(scene.nodes)):
        attrs = _safe_attrs(scene.node_attrs[i])
        for key in ("title", "abstract", "venue", "doi", "arxiv_id", "url", "year", "citation_count"):
            value = _scalar(papers[key][i])
            if value is not None:
                attrs.setdefault(key, value)
        if papers["date"][i] is not None:
            attrs.setdefault("date", papers["date"][i].isoformat())
        for key in ("authors", "categories"):
            if papers[key][i]:
                attrs.setdefault(key, "; ".join(papers[key][i]))
        attrs["color"] = scene.colors[i]
        attrs["size"] = float(scene.sizes[i])
        if scene.rank is not None:
            attrs["pagerank"] = float(scene.rank[i])
        if scene.community is not None:
            attrs["community"] = int(scene.community[i])
        attrs["x"] = float(scene.x[i])
        attrs["y"] = float(scene.y[i])
        node_attrs.append(attrs)
    _unify_types(node_attrs)
    out.add_nodes_from(zip(scene.nodes, node_attrs, strict=True))
    edges = [(u, v, key, _safe_attrs(attrs)) for u, v, key, attrs in scene.edge_records]
    _unify_types([edge[3] for edge in edges])
    if out.is_multigraph():
        out.add_edges_from(edges)
    else:
        out.add_edges_from((u, v, attrs) for u, v, _, attrs in edges)
    return out


def write_graphml(shown: nx.Graph, path: str | Path) -> Path:
    """Write ``shown`` (from :func:`to_networkx`) as GraphML; returns the path."""
    import networkx as nx

    path = Path(path)
    nx.write_graphml(shown, path)
    return path


def write_gexf(shown: nx.Graph, path: str | Path) -> Path:
    """Write ``shown`` (from :func:`to_networkx`, changed here) as GEXF with Gephi's colours, sizes and positions."""
    import networkx as nx

    path = Path(path)
    for _, attrs in shown.nodes(data=True):
        color = attrs.get("color", OTHER)
        attrs["viz"] = {
            "color": {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16), "a": 1.0},
            "size": float(attrs.get("size", 10.0)),
            "position": {"x": float(attrs.get("x", 0.0)), "y": -float(attrs.get("y", 0.0)), "z": 0.0},
        }
    nx.write_gexf(shown, path)
    return path
