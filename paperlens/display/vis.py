"""The vis-network renderer of a :class:`~paperlens.display.scene.Scene`: an offline HTML page and its iframe.

:func:`document` is a pure function of the scene: legend markup from the legend
groups, a JSON block from the nodes, edges and paper cards, vis options.

The page carries everything it needs: the vis-network script read from the
installed pyvis package (never a CDN), a small stylesheet, the graph data as a
JSON block and a fixed script that draws it. Data never becomes markup: the JSON
block escapes ``<``, ``>`` and ``&``, and the script builds tooltips and the
details panel with ``textContent``; links are made only for http(s) URLs.

Each page goes into its own ``<iframe sandbox="allow-scripts" srcdoc="...">``,
so several graphs in one notebook do not share element ids or globals.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson

from ..errors import MissingDependencyError
from ..text import readable
from .scene import darker, fmt, missing, shorten
from .tables import safe_url

if TYPE_CHECKING:
    from .scene import EdgeKind, LegendGroup, Scene

__all__ = ["document", "head_html", "iframe", "json_script", "page_data", "vis_network_js"]

_PLAIN = re.compile(r"[A-Za-z0-9./_-]+\Z")

# Popups (links opened from the details panel) may leave the sandbox; the page
# itself gets no same-origin access, so it cannot reach the notebook.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"


def _version_key(path: Path) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", path.parent.name)
    return tuple(int(n) for n in numbers)


@functools.cache
def _vis_network_path() -> Path:
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "the graph view inlines the vis-network script shipped with pyvis: pip install 'pyvis>=0.3.2'"
        )
    found: list[Path] = []
    for folder in spec.submodule_search_locations:
        found.extend(Path(folder).glob("lib/vis-*/vis-network.min.js"))
        found.extend(Path(folder).glob("templates/lib/vis-*/vis-network.min.js"))
    if not found:
        raise MissingDependencyError(
            f"no lib/vis-*/vis-network.min.js inside the pyvis package at {list(spec.submodule_search_locations)}; "
            "reinstall pyvis (pip install --force-reinstall 'pyvis>=0.3.2')"
        )
    return max(found, key=_version_key)


def vis_network_js() -> str:
    """The vis-network script from the installed pyvis package (read from disk, never fetched).

    >>> "vis-network" in vis_network_js()[:200]
    True
    """
    script = _vis_network_path().read_text(encoding="utf-8")
    if re.search(r"</script|<!--", script, re.IGNORECASE):  # would end the inline <script> early
        raise MissingDependencyError(f"{_vis_network_path()} cannot be inlined: it contains '</script' or '<!--'")
    return script


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_script(data: Any, element_id: str) -> str:
    """``data`` as a ``<script type="application/json">`` block that no string inside can break out of.

    >>> json_script({"title": "</script><b>"}, "d")
    '<script type="application/json" id="d">{"title":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}</script>'
    """
    try:  # the same text as json.dumps(data, ensure_ascii=False, separators=(",", ":")), 7x faster
        text = orjson.dumps(data).decode()
    except (orjson.JSONEncodeError, TypeError):  # e.g. a lone surrogate from badly decoded text
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _JSON_ESCAPES.items():  # a few C-speed scans; a regex with a callback is 10x slower
        if char in text:
            text = text.replace(char, escaped)
    return f'<script type="application/json" id="{html.escape(element_id, quote=True)}">{text}</script>'


STYLE = """
html, body { margin: 0; padding: 0; height: 100%; font: 12px/1.35 system-ui, -apple-system, "Segoe UI",
  Roboto, "DejaVu Sans", sans-serif; color: #222; background: #fff; }
body { display: flex; flex-direction: column; }
#pl-head { padding: 4px 8px; border-bottom: 1px solid #e4e4e4; }
#pl-head .pl-heading { font-weight: 600; margin-right: 10px; }
#pl-head .pl-note { display: inline-block; margin: 2px 0; padding: 1px 6px; background: #fff4d6;
  border: 1px solid #e8c65a; border-radius: 3px; }
#pl-head .pl-why { color: #8a5a00; margin: 2px 0; }
.pl-legend { display: flex; flex-wrap: wrap; gap: 3px 14px; align-items: center; margin-top: 2px; }
.pl-group { display: inline-flex; flex-wrap: wrap; gap: 3px 9px; align-items: center; }
.pl-group > b { font-weight: 600; color: #555; }
.pl-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.pl-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; border: 1px solid #0003; }
.pl-ramp { display: inline-block; width: 90px; height: 10px; border-radius: 2px; border: 1px solid #0002; }
#pl-graph { flex: 1 1 auto; min-height: 120px; position: relative; }
#pl-details { flex: 0 0 auto; max-height: 30%; overflow: auto; padding: 4px 8px; border-top: 1px solid #e4e4e4;
  color: #444; }
#pl-details .pl-abstract { max-width: 70em; }
div.vis-tooltip { position: absolute; visibility: hidden; z-index: 5; pointer-events: none; max-width: 380px;
  white-space: normal; padding: 6px 8px; background: #fffffb; border: 1px solid #999; border-radius: 4px;
  box-shadow: 2px 2px 8px #0003; font: 12px/1.35 system-ui, "DejaVu Sans", sans-serif; color: #222; }
.pl-title { font-weight: 600; }
.pl-authors { color: #333; }
.pl-meta { color: #666; }
.pl-abstract { color: #444; margin-top: 3px; }
.pl-links a, .pl-links span { margin-right: 8px; }
.pl-id { color: #888; font-family: ui-monospace, "DejaVu Sans Mono", monospace; margin-right: 8px; }
"""

# The drawing script is a constant: it reads everything from the JSON block.
SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pl-data").textContent);
  function safeHref(url) { return (typeof url === "string" && /^https?:\/\/[^\s"'<>]+$/i.test(url)) ? url : null; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function card(p, clickable) {
    var box = el("div", null, "pl-card");
    box.appendChild(el("div", p.title || p.id, "pl-title"));
    if (p.authors) box.appendChild(el("div", p.authors, "pl-authors"));
    var meta = [p.when, p.venue, p.categories].filter(function (x) { return !!x; }).join(" \u00b7 ");
    if (meta) box.appendChild(el("div", meta, "pl-meta"));
    if (p.abstract) box.appendChild(el("div", p.abstract, "pl-abstract"));
    var links = el("div", null, "pl-links");
    links.appendChild(el("span", p.id, "pl-id"));
    (p.links || []).forEach(function (pair) {
      var href = safeHref(pair[1]);
      if (!href) return;
      var a = el("a", clickable ? pair[0] : pair[0] + ": " + href);
      a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
      links.appendChild(a);
    });
    box.appendChild(links);
    return box;
  }
  var kinds = data.edge_kinds;
  var marked = {};
  (data.highlight || []).forEach(function (i) { marked[i] = true; });
  // A ringed node: a thick red border (and a canvas label); look(n, false) is its own style back.
  function look(n, on) {
    var ring = on ? "#d62728" : null;
    return {borderWidth: on ? 5 : 1,
            color: {background: n.color, border: ring || n.border,
                    highlight: {background: n.color, border: ring || "#111"},
                    hover: {background: n.color, border: "#111"}}};
  }
  var nodes = data.nodes.map(function (n) {
    var style = look(n, !!marked[n.id]);
    var node = {id: n.id, size: n.size, shape: "dot", borderWidth: style.borderWidth, color: style.color,
                title: card(data.papers[n.id], false)};
    if (n.label) node.label = n.label;
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  });
  var edges = data.edges.map(function (e, i) {
    var kind = kinds[e[2]];
    var edge = {id: i, from: e[0], to: e[1], width: e[3], dashes: kind.dashes,
                color: {color: kind.color, opacity: kind.opacity, highlight: "#111", hover: "#111"},
                arrows: {to: {enabled: kind.arrow, scaleFactor: 0.5}}};
    if (e.length > 4 && e[4]) edge.title = e[4];
    return edge;
  });
  var container = document.getElementById("pl-graph");
  var nodeSet = new vis.DataSet(nodes);
  var network = new vis.Network(container, {nodes: nodeSet, edges: new vis.DataSet(edges)}, data.options);
  window.network = network;
  var details = document.getElementById("pl-details");
  var hint = details.textContent;
  function showCard(i) {
    while (details.firstChild) details.removeChild(details.firstChild);
    if (i === undefined) details.textContent = hint;
    else details.appendChild(card(data.papers[i], true));
  }
  // Embedded in a paperlens widget (data.relay): a click on a node tells the parent window which paper it
  // is, and the parent rings a paper in place (message "paperlens-select"): the picture is not redrawn.
  var relay = !!data.relay && window.parent && window.parent !== window;
  var ringed = Object.keys(marked).map(Number);
  function ring(i, reveal) {
    var updates = [];
    ringed.forEach(function (j) {
      if (j === i) return;
      var n = data.nodes[j], style = look(n, false);
      updates.push({id: j, borderWidth: style.borderWidth, color: style.color, label: n.label || ""});
    });
    if (i !== undefined) {
      var n = data.nodes[i], style = look(n, true), title = data.papers[i].title || data.papers[i].id;
      var label = n.label || (title.length > 28 ? title.slice(0, 27).replace(/\s+$/, "") + "\u2026" : title);
      updates.push({id: i, borderWidth: style.borderWidth, color: style.color, label: label});
    }
    nodeSet.update(updates);
    ringed = i === undefined ? [] : [i];
    if (i === undefined) { network.unselectAll(); showCard(undefined); return; }
    network.selectNodes([i]);
    showCard(i);
    if (reveal) {  // pan to the node when it is out of view (the zoom stays)
      var at = network.canvasToDOM(network.getPositions([i])[i]);
      var w = container.clientWidth, h = container.clientHeight, m = 20;
      if (at.x < m || at.y < m || at.x > w - m || at.y > h - m) {
        network.focus(i, {scale: network.getScale(), locked: false, animation: {duration: 300}});
      }
    }
  }
  network.on("click", function (params) {
    if (!params.nodes.length) return;
    var i = params.nodes[0];
    if (!relay) { showCard(i); return; }
    ring(i, false);
    window.parent.postMessage({type: "paperlens-node", id: data.papers[i].id}, "*");
  });
  if ((data.highlight || []).length) showCard(data.highlight[0]);
  if (relay) {
    var byId = new Map();  // a Map: an id such as "__proto__" is only a key
    data.papers.forEach(function (p, i) { byId.set(String(p.id), i); });
    window.addEventListener("message", function (event) {
      if (event.source !== window.parent) return;
      var message = event.data;
      if (!message || typeof message !== "object" || message.type !== "paperlens-select") return;
      if (typeof message.id !== "string") return;
      ring(byId.get(message.id), true);  // an id not drawn rings nothing
    });
  }
  var axis = data.axis;
  if (axis) {
    network.on("beforeDrawing", function (ctx) {
      // Year lines across the visible area, their labels pinned to its top edge.
      var scale = network.getScale();
      var top = network.DOMtoCanvas({x: 0, y: 0}).y, bottom = network.DOMtoCanvas({x: 0, y: container.clientHeight}).y;
      var labelY = top + 16 / scale;
      ctx.save();
      ctx.lineWidth = 1 / scale;
      ctx.font = (12 / scale) + "px system-ui, 'DejaVu Sans', sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      ctx.strokeStyle = "#e6e6e6";
      axis.lines.forEach(function (x) {
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      });
      ctx.fillStyle = "#666";
      axis.labels.forEach(function (t) { ctx.fillText(t[1], t[0], labelY); });
      axis.columns.forEach(function (c) {
        ctx.fillStyle = "#a35200"; ctx.fillText(c[1], c[0], labelY);
        ctx.strokeStyle = "#f0c898";
        ctx.setLineDash([6 / scale, 4 / scale]);
        ctx.beginPath(); ctx.moveTo(c[0] + c[2], top); ctx.lineTo(c[0] + c[2], bottom); ctx.stroke();
        ctx.setLineDash([]);
      });
      ctx.restore();
    });
  }
  // A frame can be laid out after the network is built (an explorer pane, a hidden tab): fit the view when the
  // drawing area gets its size, and on later resizes until the reader moves the view.
  var moved = false, seen = [container.clientWidth, container.clientHeight];
  network.on("zoom", function () { moved = true; });
  network.on("dragStart", function (params) { if (!params.nodes.length) moved = true; });
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      var size = [container.clientWidth, container.clientHeight];
      if (!size[0] || !size[1] || (size[0] === seen[0] && size[1] === seen[1])) return;
      var first = !seen[0] || !seen[1];
      seen = size;
      if (first || !moved) network.fit();
    }).observe(container);
  }
  function ready() {
    document.body.setAttribute("data-ready", "1");
    if (relay) window.parent.postMessage({type: "paperlens-ready"}, "*");  // asks for the current selection
  }
  if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit();
      ready();
    });
  } else {
    network.once("afterDrawing", ready);
  }
})();
"""


def _arxiv_link(arxiv_id: str) -> list[str]:
    return ["arXiv", "https://arxiv.org/abs/" + (arxiv_id if _PLAIN.match(arxiv_id) else quote(arxiv_id))]


def _links(arxiv_id: Any, doi: Any, url: Any) -> list[list[str]]:
    out: list[list[str]] = []
    if arxiv_id and not missing(arxiv_id):
        out.append(_arxiv_link(str(arxiv_id)))
    if doi and not missing(doi):
        out.append(["DOI", f"https://doi.org/{quote(str(doi), safe='/.()-_;:')}"])
    url = safe_url(url)
    if url and all(url != u for _, u in out):
        out.append(["link", url])
    return out


def paper_cards(papers: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The tooltip / details card of each paper of a scene (plain values; the page script escapes them)."""
    cards = []
    append = cards.append
    columns = ("id", "title", "authors", "date", "year", "venue", "categories", "abstract", "arxiv_id", "doi", "url")
    for pid, title, authors, date, year, venue, categories, abstract, arxiv_id, doi, url in zip(
        *(papers[c] for c in columns), strict=True
    ):
        # The common cases first (10,000 cards): at most five authors, an arXiv id without DOI or URL.
        if len(authors) > 5:
            shown = ", ".join(authors[:5]) + f" +{len(authors) - 5} more"
        else:
            shown = ", ".join(authors)
        card = {
            "id": pid,
            "title": readable(title) or pid,
            "authors": shown,
            "when": date.isoformat() if date else (str(year) if year else "no date"),
        }  # math read as text
        if venue and not missing(venue):
            card["venue"] = str(venue)
        if categories:
            card["categories"] = ", ".join(categories[:4])
        if isinstance(abstract, str) and abstract and not abstract.isspace():
            card["abstract"] = shorten(readable(abstract[:480]), 320)
        if doi is None and url is None and type(arxiv_id) is str:
            if arxiv_id:
                card["links"] = [_arxiv_link(arxiv_id)]
        elif arxiv_id or doi or url:
            links = _links(arxiv_id, doi, url)
            if links:
                card["links"] = links
        append(card)
    return cards


def vis_options(scene: Scene) -> dict[str, Any]:
    """vis-network options for ``scene`` (lighter settings for big graphs; physics only when asked)."""
    big = scene.big
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"randomSeed": scene.seed, "improvedLayout": False},
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
    if scene.physics:
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


def page_data(scene: Scene, *, relay: bool = False) -> dict[str, Any]:
    """The JSON the page script draws: nodes, edges ``[from, to, kind, width(, tooltip)]``, kinds, cards.

    ``relay=True`` (the page inside a :class:`~paperlens.display.graph_widget.GraphWidget`) makes the
    script post node clicks to its parent window and ring the node its parent names.
    """
    labels = scene.labels
    nodes = [
        {"id": i, "size": size, "color": color, "border": darker(color), "x": x, "y": y}
        for i, (size, color, x, y) in enumerate(
            zip(scene.sizes, scene.colors, scene.x.tolist(), scene.y.tolist(), strict=True)
        )
    ]
    for i, label in labels.items():
        nodes[i]["label"] = label
    edges: list[list[Any]] = [
        [a, b, code, width]
        for a, b, code, width in zip(
            scene.edge_src.tolist(), scene.edge_dst.tolist(), scene.edge_kind.tolist(), scene.edge_width, strict=True
        )
    ]
    for i, tip in scene.edge_tips.items():
        edges[i].append(tip)
    kinds = [
        {"name": k.name, "color": k.color, "dashes": k.dashes, "arrow": k.arrow, "opacity": k.opacity}
        for k in scene.edge_kinds
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "edge_kinds": kinds,
        "papers": paper_cards(scene.papers),
        "options": vis_options(scene),
        "axis": scene.axis,
        "highlight": list(scene.highlight),
        **({"relay": True} if relay else {}),
    }


def _dot(color: str) -> str:
    return f"<span class='pl-swatch' style='background:{html.escape(color, quote=True)}'></span>"


def _edge_symbol(kind: EdgeKind) -> str:
    color = html.escape(kind.color, quote=True)
    dash = f" stroke-dasharray='{int(kind.dashes[0])} {int(kind.dashes[1])}'" if kind.dashes else ""
    head = f"<polygon points='26,1 34,6 26,11' fill='{color}'/>" if kind.arrow else ""
    end = 26 if kind.arrow else 34
    return (
        f"<svg width='34' height='12' aria-hidden='true'><line x1='0' y1='6' x2='{end}' y2='6' "
        f"stroke='{color}' stroke-width='2'{dash}/>{head}</svg>"
    )


def _legend_group(group: LegendGroup) -> str:
    esc = html.escape
    inner = []
    if group.edges:
        inner += [f"<span class='pl-item'>{_edge_symbol(k)}{esc(k.label)} ({fmt(k.count)})</span>" for k in group.edges]
    if group.ramp:
        stops = ", ".join(html.escape(c, quote=True) for c in group.ramp)
        inner.append(
            f"<span class='pl-item'>{esc(group.low)}<span class='pl-ramp' "
            f"style='background:linear-gradient(to right, {stops})'></span>{esc(group.high)}</span>"
        )
    inner += [f"<span class='pl-item'>{_dot(color)}{esc(text)}</span>" for color, text in group.items]
    return f"<span class='pl-group'><b>{esc(group.heading)}</b>{''.join(inner)}</span>"


def head_html(scene: Scene) -> str:
    """The heading, notes and legend above the graph (every value escaped)."""
    esc = html.escape
    n, links = len(scene.nodes), sum(scene.edge_counts.values())
    summary = f"{fmt(n)} paper{'' if n == 1 else 's'}, {fmt(links)} link{'' if links == 1 else 's'}"
    parts = [f"<span class='pl-heading'>{esc(scene.title)}</span><span class='pl-summary'>{esc(summary)}</span>"]
    parts += [f"<div class='pl-note' role='note'>{esc(note)}</div>" for note in scene.notes]
    if scene.why:
        parts.append(f"<div class='pl-why'>{esc(scene.why)}</div>")
    parts.append(f"<div class='pl-legend'>{''.join(_legend_group(g) for g in scene.legend)}</div>")
    return "".join(parts)


def document(
    scene: Scene,
    *,
    details_text: str = "Hover over a paper for its details; click it to keep them here with its links.",
    relay: bool = False,
) -> str:
    """A complete offline HTML page drawing ``scene`` with vis-network (inlined, nothing fetched).

    ``relay=True`` is for the page inside a :class:`~paperlens.display.graph_widget.GraphWidget`: a node
    click is posted to the parent window (``{type: "paperlens-node", id}``) and a ``paperlens-select``
    message from the parent rings that node in place. A standalone page (``relay=False``) posts nothing.

    >>> import paperlens as pl
    >>> from paperlens.display.scene import build_scene
    >>> page = document(build_scene(pl.load_sample().citation_graph(), color_by="year"))
    >>> page.startswith("<!DOCTYPE html>"), "https://" in page.split("<script>")[0]
    (True, False)
    """
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(scene.title)}</title><style>{STYLE}</style></head>\n<body>"
        f"<div id='pl-head'>{head_html(scene)}</div>"
        "<div id='pl-graph'></div>"
        f"<div id='pl-details'>{html.escape(details_text)}</div>\n"
        f"{json_script(page_data(scene, relay=relay), 'pl-data')}\n"
        f"<script>{vis_network_js()}</script>\n"
        f"<script>{SCRIPT}</script>\n"
        "</body></html>\n"
    )


def iframe(doc: str, *, height: int, title: str, css_class: str = "paperlens-graph") -> str:
    """``doc`` inside a sandboxed ``<iframe srcdoc>`` (the attribute value fully escaped).

    >>> iframe("<p title='x'>&</p>", height=100, title="t")
    '<div class="paperlens-graph"><iframe ... srcdoc="&lt;p title=&#x27;x&#x27;&gt;&amp;&lt;/p&gt;"></iframe></div>'
    """
    return (
        f'<div class="{html.escape(css_class, quote=True)}">'
        f'<iframe title="{html.escape(title, quote=True)}" sandbox="{SANDBOX}" loading="eager" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #ddd;border-radius:3px" '
        f'srcdoc="{html.escape(doc, quote=True)}"></iframe></div>'
    )
