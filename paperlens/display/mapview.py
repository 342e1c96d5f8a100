"""The field map: every paper of a corpus as a point on one interactive WebGL map (jupyter-scatter).

Points are placed by :func:`paperlens.graphs.layout.map_positions` (concept similarity), coloured by
community, year or category, sized by citations or PageRank, with the communities' labels drawn at
their clusters. The drawing is jupyter-scatter's widget (regl-scatterplot, through anywidget): its
JavaScript comes from the installed package, nothing is fetched. Lasso, box or click selections come
back as :attr:`MapView.selected`.

A saved notebook reopened without a kernel (or untrusted) shows the PNG picture the output carries
beside the widget; :meth:`MapView.save` writes one standalone offline HTML file.

Examples
--------
>>> import paperlens as pl
>>> view = pl.load_sample().map(color_by="year")
>>> view
<MapView: 69 papers, color_by=year, size_by=citations>
>>> view.select(["2103.00020"]).selected.ids
['2103.00020']
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import FieldError, InvalidArgumentError
from .scene import OTHER as OTHER_COLOR
from .scene import LegendGroup, color_by_name, color_by_year

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["COLOR_BY", "SIZE_BY", "MapView", "field_map"]

COLOR_BY = ("community", "year", "category")
SIZE_BY = ("citations", "pagerank", None)
LINK_KINDS = ("citation", "similar")
MAX_LINKS = 2000
"""At most this many links are drawn at once (the strongest / most cited first); the rest are counted."""
MAX_CATEGORIES = 12
MAX_COMMUNITIES = 20
_DIM = 0.07  # opacity of papers outside the highlighted ones
_LIT = 0.85
OTHER = "other"
NONE = "none"


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _short_authors(authors: Any) -> str:
    names = list(authors or ())
    return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")


def _top_values(values: pd.Series, keep: int) -> pd.Series:
    """The ``keep`` most frequent values (ties by name, as the graph's legend ranks them); the rest
    become ``OTHER``, while ``"none"`` (no value) stays."""
    counts = values[values != NONE].value_counts(sort=False)
    top = sorted(counts.index, key=lambda v: (-counts[v], v))[:keep]
    return values.where(values.isin([*top, NONE]), OTHER)


class MapView:
    """An interactive map of every paper of a corpus (see :func:`field_map`).

    Parameters
    ----------
    corpus : the papers (each one is drawn).
    color_by : ``"community"`` (concept communities, labelled), ``"year"`` or ``"category"``.
    size_by : ``"citations"`` (citation count), ``"pagerank"`` (in the corpus's citation graph) or ``None``.
    labels : draw the communities' labels at their clusters.
    height : pixels.
    seed : seed of the layout (:func:`~paperlens.graphs.layout.map_positions`).
    positions : your own layout instead (e.g. from another embedding): a DataFrame with ``id``, ``x``,
        ``y`` for every paper, optionally ``community`` (numbers) and ``label`` (a community's name).

    Attributes
    ----------
    data : one row per paper: id, x, y, community, topic, year, category, title, authors, citations and
        ``color``, the colour the graph view gives the paper (:mod:`paperlens.display.scene`'s colouring:
        same palette, same ranking, same year ramp), so a paper looks the same on the map and in the graph.
    legend : the :class:`~paperlens.display.scene.LegendGroup` of that colouring (the graph view's own).
    """

    def __init__(
        self,
        corpus: Corpus,
        *,
        color_by: str = "community",
        size_by: str | None = "citations",
        labels: bool = True,
        height: int = 560,
        seed: int = 0,
        positions: pd.DataFrame | None = None,
    ) -> None:
        if color_by not in COLOR_BY:
            raise FieldError(str(color_by), COLOR_BY, what="map color_by")
        if size_by not in SIZE_BY:
            raise FieldError(str(size_by), [s for s in SIZE_BY if s], what="map size_by")
        self.corpus = corpus
        self.color_by = color_by
        self.size_by = size_by
        self.labels = bool(labels)
        self.height = int(height)
        self.seed = int(seed)
        self.data = self._table(positions)
        self._scatter: Any = None
        self._box: Any = None
        self._dimmer: Any = None
        self._header: Any = None
        self._callbacks: list[Callable[[Corpus], Any]] = []
        self._selection = np.zeros(0, dtype=np.int64)
        self._highlight: np.ndarray | None = None
        self._links: list[tuple[float, float, float, float, str]] = []
        self.links_note = ""

    # ------------------------------------------------------------------ data

    def _table(self, given: pd.DataFrame | None) -> pd.DataFrame:
        from ..graphs.layout import community_labels, map_positions

        corpus = self.corpus
        if given is None:
            positions = map_positions(corpus, seed=self.seed)
            names = community_labels(corpus) if len(corpus) else {}
        else:
            positions, names = _given_positions(corpus, given)
        community = positions["community"].to_numpy()
        sizes = pd.Series(community).value_counts()
        # Label the largest communities only (at least 3 papers and 0.5% of the map): small ones would clutter it.
        floor = max(3, len(community) // 200)
        top = {c for c in sizes.index[:MAX_COMMUNITIES].tolist() if c >= 0 and sizes[c] >= floor}
        label = [
            (f"{c}: {names[c]}" if names.get(c) else f"community {c}") if c in top else OTHER
            for c in community.tolist()
        ]
        years = corpus.column("year")
        categories = corpus.column("categories").map(lambda v: v[0] if len(v or ()) else NONE)
        cited = pd.to_numeric(corpus.column("citation_count"), errors="coerce").fillna(0)
        table = pd.DataFrame(
            {
                "id": positions["id"],
                "x": positions["x"].astype(np.float32),
                "y": positions["y"].astype(np.float32),
                "community": pd.Categorical(label),
                "topic": pd.Categorical([names.get(c, "") if c in top else "" for c in community.tolist()]),
                "year": pd.to_numeric(years, errors="coerce").astype("float64"),
                "category": pd.Categorical(_top_values(categories, MAX_CATEGORIES)),
                "title": corpus.column("title").fillna("").astype(str),
                "authors": corpus.column("authors").map(_short_authors),
                "citations": cited.astype(np.float64),
            }
        )
        if self.size_by == "pagerank":
            from ..graphs.structure import pagerank

            ranks = pagerank(corpus.citation_graph()) if len(corpus) else {}
            table["pagerank"] = table["id"].map(ranks).fillna(0.0).astype(np.float64)
        table["lit"] = np.float32(1.0)
        table["color"], self.legend, self._color_map = _colors(table, self.color_by)
        return table

    # ------------------------------------------------------------------ the widget

    @property
    def scatter(self) -> Any:
        """The :class:`jscatter.Scatter` that draws the map (built on first use)."""
        if self._scatter is None:
            self._scatter = self._build()
        return self._scatter

    @property
    def widget(self) -> Any:
        """The ipywidget shown in notebooks: a header (counts, selection, links) above the map."""
        if self._box is None:
            import ipywidgets as widgets

            self._header = widgets.HTML(self._header_html())
            self._dimmer = _dimmer_widget()
            self._box = widgets.VBox([self._header, self.scatter.widget, self._dimmer])
            self._box.add_class("paperlens-map")
            self.scatter.widget.observe(self._on_selection, names=["selection"])
            if self._highlight is not None:  # from now on the dimmer dims: the scatter keeps every paper lit
                self._apply_opacity(self.scatter)
                self._send_mask()
        return self._box

    def _build(self) -> Any:
        import jscatter

        data = self.data
        scatter = jscatter.Scatter(data=data, x="x", y="y", height=self.height)
        scatter.axes(False)
        # The graph view's colours (display.scene): a paper has one colour on the map and in the graph.
        if self.color_by == "year" and data["year"].notna().any():
            scatter.color(by="year", map=list(self.legend.ramp))
        elif self.color_by == "year":
            scatter.color(default=OTHER_COLOR)
        else:
            # in the column's category order: jupyter-scatter's legend pairs a colour dict's keys with the colours
            # in category-code order, so any other order mislabels the legend (the points are right either way)
            categories = data[self.color_by].cat.categories
            scatter.color(by=self.color_by, map={c: self._color_map[c] for c in categories})
        self._apply_opacity(scatter)
        scatter.legend(True, position="top-right", size="small")
        scatter.tooltip(True, properties=["title", "authors", "year", "color"], preview="title", size="small")
        if self.labels and (data["topic"] != "").any():
            unnamed = ["topic:"] if (data["topic"] == "").any() else []  # papers of small communities: no label
            scatter.label(by="topic", size=13, exclude=unnamed, max_number=12)
        if self._links:
            self._draw_links(scatter)
        scatter.selection([])
        return scatter

    def _apply_opacity(self, scatter: Any) -> None:
        """Opacity and size. jupyter-scatter has two data channels besides x and y: the colour takes one;
        while papers are highlighted, their dimming takes the other and every point has one size."""
        data, size = self.data, self.size_by
        sized = size is not None and float(data[size].max()) > 0
        highlight = self._highlight if self._dimmer is None else None  # shown: the dimmer dims (_send_mask)
        if highlight is None or not sized:
            scatter.opacity(by="density")  # jupyter-scatter's default: fainter where points crowd
            if sized:
                values = np.log1p(data[size].to_numpy() * (1e4 if size == "pagerank" else 1))
                scatter.size(by=values.tolist(), map=(2, 9, 8))
            else:
                scatter.size(default=4)
            if highlight is None:
                return
        else:
            scatter.size(default=4)
        lit = np.full(len(self.data), _DIM, dtype=np.float64)
        lit[highlight] = _LIT
        scatter.opacity(by=lit.tolist(), map=(0.0, 1.0, 256), norm=(0.0, 1.0))

    # ------------------------------------------------------------------ selection

    def _on_selection(self, change: dict[str, Any]) -> None:
        new = change.get("new")
        self._selection = np.asarray([] if new is None else new, dtype=np.int64)
        if self._header is not None:
            self._header.value = self._header_html()
        selected = self.selected
        for callback in list(self._callbacks):
            callback(selected)

    @property
    def selected(self) -> Corpus:
        """The papers selected on the map (lasso, box, click, or :meth:`select`), as a Corpus."""
        if self._scatter is not None:
            current = self._scatter.widget.selection
            self._selection = np.asarray([] if current is None else current, dtype=np.int64)
        return self.corpus.subset(np.sort(self._selection))

    def _positions_of(self, ids: Iterable[str] | Corpus) -> np.ndarray:
        from ..corpus import Corpus

        if isinstance(ids, Corpus):
            if ids.root is self.corpus.root and self.corpus.root is self.corpus:  # a filter of this map's corpus
                return np.unique(ids.root_positions)
            ids = ids.ids
        if isinstance(ids, str):
            ids = [ids]
        index = self.corpus.identifier_index()
        missing = [i for i in ids if i not in index]
        if missing:
            raise InvalidArgumentError(f"not on this map: {', '.join(map(repr, missing[:5]))}")
        return np.unique(np.asarray([index[i] for i in ids], dtype=np.int64))

    def select(self, ids: Iterable[str] | Corpus) -> MapView:
        """Select these papers (ids, or a Corpus) on the map, as a lasso would; returns the view."""
        positions = self._positions_of(ids)
        self._selection = positions
        if self._scatter is not None:
            self._scatter.selection(positions.tolist())
        else:
            self._on_selection({"new": positions})
        return self

    def observe(self, callback: Callable[[Corpus], Any]) -> MapView:
        """Call ``callback(view.selected)`` whenever the selection changes on the map; returns the view."""
        self._callbacks.append(callback)
        return self

    def highlight(self, ids: Iterable[str] | Corpus | None) -> MapView:
        """Draw these papers (ids or a Corpus, e.g. a filter or search) strongly and dim the rest;
        ``None`` lights every paper again. Returns the view."""
        self._highlight = None if ids is None else self._positions_of(ids)
        if self._dimmer is not None:
            self._send_mask()
        elif self._scatter is not None:
            self._apply_opacity(self._scatter)
        if self._header is not None:
            self._header.value = self._header_html()
        return self

    def _send_mask(self) -> None:
        """Dim in the browser with one bit a paper (9 KB at 75,000 papers) instead of sending every point again."""
        if self._highlight is None:
            self._dimmer.mask = b""
        else:
            lit = np.zeros(len(self.data), dtype=bool)
            lit[self._highlight] = True
            self._dimmer.mask = np.packbits(lit, bitorder="little").tobytes() + b"\x01"  # never empty
        self._dimmer.revision += 1

    @property
    def lit_mask(self) -> np.ndarray | None:
        """One boolean a paper, True where it is drawn strongly, as sent to the browser (``None``: all lit)."""
        if self._dimmer is None or not self._dimmer.mask:
            return None
        bits = np.frombuffer(self._dimmer.mask[:-1], dtype=np.uint8)
        return np.unpackbits(bits, bitorder="little")[: len(self.data)].astype(bool)

    @property
    def highlighted(self) -> Corpus:
        """The papers drawn strongly (every paper unless :meth:`highlight` dimmed some)."""
        if self._highlight is None:
            return self.corpus
        return self.corpus.subset(self._highlight)

    # ------------------------------------------------------------------ links

    def show_links(
        self, kind: str = "citation", of: str | Iterable[str] | Corpus = "selection", max_links: int = MAX_LINKS
    ) -> MapView:
        """Draw links between papers on the map: citations (``kind="citation"``) or concept similarity
        (``"similar"``), for ``of`` = ``"selection"``, ``"all"``, a paper id (its neighbourhood), ids or a
        Corpus. At most ``max_links`` are drawn (strongest similarities / most cited papers first);
        :attr:`links_note` says how many were hidden. ``kind=None`` removes them. Returns the view.
        """
        from ..graphs.layout import map_links

        if kind is None:
            self._links, self.links_note = [], ""
        else:
            if kind not in LINK_KINDS:
                raise FieldError(str(kind), LINK_KINDS, what="map link kind")
            if isinstance(of, str) and of == "selection":
                rows = np.sort(self._selection) if self._scatter is None else self.selected.root_positions
                around = self.corpus.root.subset(rows) if self._scatter is not None else self.corpus.subset(rows)
                chosen, neighbourhood = around, False
            elif isinstance(of, str) and of == "all":
                chosen, neighbourhood = self.corpus, False
            elif isinstance(of, str):
                chosen, neighbourhood = self.corpus.subset(self._positions_of([of])), True
            else:
                chosen, neighbourhood = self.corpus.subset(self._positions_of(of)), False
            pairs, total = map_links(self.corpus, chosen, kind, neighbourhood=neighbourhood, limit=max_links)
            xy = self.data.set_index("id")[["x", "y"]]
            self._links = [
                (float(xy.at[a, "x"]), float(xy.at[a, "y"]), float(xy.at[b, "x"]), float(xy.at[b, "y"]), kind)
                for a, b in pairs
            ]
            hidden = total - len(pairs)
            what = "citation" if kind == "citation" else "similarity"
            self.links_note = f"{len(pairs):,} {what} link{'s' if len(pairs) != 1 else ''} drawn" + (
                f", {hidden:,} more hidden (the {max_links:,} strongest shown)" if hidden else ""
            )
        if self._scatter is not None:
            self._draw_links(self._scatter)
        if self._header is not None:
            self._header.value = self._header_html()
        return self

    def _draw_links(self, scatter: Any) -> None:
        from jscatter import Line

        color = {"citation": "#555555", "similar": "#d62728"}
        scatter.annotations(
            [Line([(x0, y0), (x1, y1)], line_color=color[k], line_width=1) for x0, y0, x1, y1, k in self._links]
        )

    # ------------------------------------------------------------------ output

    def _header_html(self) -> str:
        n = len(self.corpus)
        parts = [f"<b>{n:,} paper{'s' if n != 1 else ''}</b>", f"coloured by {_esc(self.color_by)}"]
        if self.size_by:
            parts.append(f"sized by {_esc(self.size_by)}")
        if self._highlight is not None:
            parts.append(f"{len(self._highlight):,} highlighted")
        chosen = len(self._selection)
        if chosen:
            parts.append(f"{chosen:,} selected")
        if self.links_note:
            parts.append(_esc(self.links_note))
        text = " · ".join(parts)
        if chosen == 1:
            row = self.data.iloc[int(self._selection[0])]
            year = "" if pd.isna(row["year"]) else f" ({int(row['year'])})"
            text += (
                f"<br><b>{_esc(row['title'])}</b>{_esc(year)} — {_esc(row['authors'])} · <code>{_esc(row['id'])}</code>"
            )
        return f'<div class="paperlens-map-header" style="font-size:13px;margin:2px 0">{text}</div>'

    def to_png(self, width: float = 8.0, height: float | None = None, dpi: int = 80) -> bytes:
        """A static picture of the map (matplotlib, no browser): what a notebook shows without a kernel."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        data = self.data
        height = height or width * self.height / 900
        figure = Figure(figsize=(width, height), dpi=dpi)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        alpha = np.full(len(data), 0.8)
        if self._highlight is not None:
            alpha[:] = 0.08
            alpha[self._highlight] = 0.9
        axes.scatter(
            data["x"],
            data["y"],
            c=data["color"].tolist(),
            s=1.5 if len(data) > 5000 else 6 if len(data) > 500 else 30,
            alpha=alpha,
            lw=0,
        )
        for x0, y0, x1, y1, _ in self._links[:MAX_LINKS]:
            axes.plot([x0, x1], [y0, y1], color="#555555", lw=0.4, alpha=0.6)
        if self.labels:
            for topic, group in data[data["topic"] != ""].groupby("topic", observed=True):
                axes.text(
                    float(np.median(group["x"])),
                    float(np.median(group["y"])),
                    str(topic),
                    fontsize=8,
                    ha="center",
                    va="center",
                    bbox={"facecolor": "white", "alpha": 0.6, "lw": 0, "pad": 1},
                )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        bundle["image/png"] = base64.b64encode(self.to_png()).decode("ascii")
        bundle["text/plain"] = repr(self)
        return bundle

    def to_html(self) -> str:
        """One standalone offline page: jupyter-scatter's own JavaScript inline, the map's data embedded."""
        from ipywidgets.widgets.widget import _remove_buffers

        widget = self.scatter.widget
        state, paths, buffers = _remove_buffers(widget.get_state())
        esm = state.pop("_esm")
        css = state.pop("_css", "") or ""
        tips = (
            self.data[["title", "authors", "year"]]
            .astype(object)
            .where(self.data[["title", "authors", "year"]].notna(), "")
        )
        payload = {
            "state": state,
            "buffers": [
                {"path": p, "data": base64.b64encode(bytes(b)).decode("ascii")}
                for p, b in zip(paths, buffers, strict=True)
            ],
            "tooltip": {name: tips[name].tolist() for name in tips.columns},
            "header": self._header_html(),
        }

        def inline(text: str) -> str:
            return text.replace("</", "<\\/")

        return _PAGE.format(
            title=_esc(f"paperlens map: {len(self.corpus):,} papers"),
            css=css.replace("</", "<\\/"),
            payload=inline(json.dumps(payload, default=_json_default)),
            esm=inline(json.dumps(esm)),
            height=self.height,
        )

    def save(self, path: str | Path) -> Path:
        """Write the map as one standalone HTML file that works offline; returns the path."""
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def _ipython_display_(self) -> None:  # pragma: no cover - IPython only
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self) -> str:
        return f"<MapView: {len(self.corpus):,} papers, color_by={self.color_by}, size_by={self.size_by}>"


def _colors(table: pd.DataFrame, color_by: str) -> tuple[list[str], LegendGroup, dict[str, str]]:
    """Each point's colour, the legend and the name -> colour map, from the graph view's colouring."""
    if color_by == "year":
        years = [None if pd.isna(y) else int(y) for y in table["year"].tolist()]
        colors, legend = color_by_year(years)
        return colors, legend, {}
    values = [str(v) for v in table[color_by].astype(object).tolist()]
    names = [None if v in (OTHER, NONE) else v for v in values]
    heading = "colour: community" if color_by == "community" else "colour: primary category"
    rest = "papers of small communities" if color_by == "community" else "other or none"
    colors, legend, _ = color_by_name(names, heading, rest=rest, tint_rest=color_by == "community")
    return colors, legend, dict(zip(values, colors, strict=True))


def _given_positions(corpus: Corpus, given: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, str]]:
    missing = [c for c in ("id", "x", "y") if c not in given.columns]
    if missing:
        raise InvalidArgumentError(f"map positions need the columns id, x, y; missing: {', '.join(missing)}")
    table = given.drop_duplicates("id").set_index("id")
    absent = [i for i in corpus.ids if i not in table.index]
    if absent:
        raise InvalidArgumentError(f"map positions lack {len(absent):,} papers of the corpus, e.g. {absent[0]!r}")
    table = table.loc[corpus.ids]
    community = table["community"] if "community" in table else pd.Series(-1, index=table.index)
    positions = pd.DataFrame(
        {
            "id": corpus.ids,
            "x": pd.to_numeric(table["x"]).to_numpy(np.float64),
            "y": pd.to_numeric(table["y"]).to_numpy(np.float64),
            "community": community.fillna(-1).astype(np.int64).to_numpy(),
        }
    )
    names: dict[int, str] = {}
    if "label" in table:
        for number, label in zip(positions["community"].tolist(), table["label"].tolist(), strict=True):
            names.setdefault(int(number), str(label))
    return positions, names


# The dimmer: a hidden anywidget beside the scatter in the map's box. It receives one bit a paper and
# dims through regl-scatterplot's public API (get("points"), draw(points, {spatialIndex}), set({opacityBy}))
# on the instance jupyter-scatter keeps on its container element (``.api``): the points' fourth value
# becomes lit (1) or dim (0), opacity by that value; clearing the mask puts back what jupyter-scatter had.
# A filter change then costs the browser a 9 KB message, not the 1.2 MB points array and its parsing.
_DIMMER_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  let saved = null, queue = Promise.resolve(), tries = 0;
  const scatterplot = () => {
    const box = el.closest(".paperlens-map");
    const holder = box && [...box.querySelectorAll("div")].find((e) => e.api && e.api.get && e.api.draw);
    return holder ? holder.api : null;
  };
  const apply = async () => {
    const api = scatterplot();
    const mask = model.get("mask");
    const bits = mask && mask.byteLength ? new Uint8Array(mask.buffer || mask, mask.byteOffset || 0) : null;
    if (!api || !(api.get("points") || []).length) {
      if (bits && tries++ < 600) setTimeout(() => { queue = queue.then(apply); }, 100);  // not drawn yet
      return;
    }
    const points = api.get("points");
    const spatialIndex = api.get("spatialIndex");
    if (bits) {
      if (!saved) saved = {w: points.map((p) => p[3]), opacityBy: api.get("opacityBy"), opacity: api.get("opacity"),
                           sizeBy: api.get("sizeBy"), pointSize: api.get("pointSize")};
      const lit = (i) => (bits[i >> 3] >> (i & 7)) & 1;
      await api.draw(points.map((p, i) => [p[0], p[1], p[2], lit(i)]), {preventFilterReset: true, spatialIndex});
      api.set({opacityBy: "valueW", opacity: [model.get("dim"), model.get("lit")], sizeBy: null, pointSize: 4});
    } else if (saved) {
      const back = saved; saved = null;
      const usesW = [back.opacityBy, back.sizeBy, api.get("colorBy")].some((by) => /^(valueW|w)$/.test(by || ""));
      if (usesW) {  // the fourth value carried data (sizes): put it back; else the encodings alone do
        await api.draw(points.map((p, i) => [p[0], p[1], p[2], back.w[i]]), {preventFilterReset: true, spatialIndex});
      }
      api.set({opacityBy: back.opacityBy, opacity: back.opacity, sizeBy: back.sizeBy, pointSize: back.pointSize});
    }
  };
  const times = (window.paperlensDimmer ||= []);  // when each mask arrived and was drawn (benchmarks read it)
  const run = () => {
    const entry = {received: performance.now()}; times.push(entry); tries = 0;
    queue = queue.then(apply).then(() => { entry.applied = performance.now(); })
      .catch((e) => console.warn("paperlens map dimmer", e));
  };
  model.on("change:revision", run);
  run();
}
export default { render };
"""


def _dimmer_widget() -> Any:
    import anywidget
    import traitlets

    class MapDimmer(anywidget.AnyWidget):
        _esm = traitlets.Unicode(_DIMMER_ESM).tag(sync=True)
        mask = traitlets.Bytes(b"").tag(sync=True)
        revision = traitlets.Int(0).tag(sync=True)
        dim = traitlets.Float(_DIM).tag(sync=True)
        lit = traitlets.Float(_LIT).tag(sync=True)

    return MapDimmer()


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


# The standalone page: a minimal anywidget host for jupyter-scatter's ES module (the package's bundle.js,
# inlined as a JSON string). The model answers get/set/on/send like a kernel-less widget model; tooltip
# requests are answered from the embedded table. Data never enters HTML unescaped: it is JSON in a
# <script type="application/json"> (with "</" escaped) and jupyter-scatter writes it as text.
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{css} body{{font-family:sans-serif;margin:8px}}</style></head>
<body><div id="header"></div><div id="map" style="height:{height}px"></div>
<script type="application/json" id="payload">{payload}</script>
<script type="application/json" id="esm">{esm}</script>
<script type="module">
const payload = JSON.parse(document.getElementById("payload").textContent);
const state = payload.state;
for (const b of payload.buffers) {{
  const raw = Uint8Array.from(atob(b.data), (c) => c.charCodeAt(0));
  let target = state;
  for (const key of b.path.slice(0, -1)) target = target[key];
  target[b.path[b.path.length - 1]] = new DataView(raw.buffer);
}}
document.getElementById("header").innerHTML = payload.header;  // built by paperlens with every value escaped
const listeners = {{}};
const msgListeners = [];
const model = {{
  get: (name) => state[name],
  set: (name, value) => {{ const old = state[name]; state[name] = value;
    for (const cb of listeners["change:" + name] || []) cb({{name, old, new: value}}, value); }},
  on: (event, cb) => {{ if (event === "msg:custom") msgListeners.push(cb); else (listeners[event] ||= []).push(cb); }},
  off: (event, cb) => {{ if (listeners[event]) listeners[event] = listeners[event].filter((f) => f !== cb && cb); }},
  save_changes: () => {{}},
  send: (msg) => {{
    if (msg && msg.type === "tooltip") {{
      const i = msg.index, t = payload.tooltip, properties = {{}};
      for (const name of msg.properties || []) properties[name] = (t[name] || [])[i];
      setTimeout(() => msgListeners.forEach((cb) => cb({{type: "tooltip", index: i,
        preview: msg.preview ? (t[msg.preview] || [])[i] : null, properties}}, [])), 0);
    }}
  }},
  widget_manager: {{}},
}};
const url = URL.createObjectURL(new Blob([JSON.parse(document.getElementById("esm").textContent)],
  {{type: "text/javascript"}}));
const mod = await import(url);
const widget = mod.default || mod;
const definition = typeof widget === "function" ? await widget() : widget;
const el = document.getElementById("map");
if (definition.initialize) await definition.initialize({{model}});
await definition.render({{model, el}});
window.paperlensMap = {{model, state}};
</script></body></html>
"""


def field_map(corpus: Corpus, **options: Any) -> MapView:
    """A map of every paper of ``corpus``, placed by concept similarity; see :class:`MapView` for options.

    Examples
    --------
    >>> import paperlens as pl
    >>> view = field_map(pl.load_sample(), size_by="pagerank")
    >>> len(view.data), sorted(set(view.data.columns) & {"x", "y", "community"})
    (69, ['community', 'x', 'y'])
    """
    return MapView(corpus, **options)
