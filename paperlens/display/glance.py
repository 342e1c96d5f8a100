"""The field at a glance: papers per year stacked by topic, top authors, venues and categories, in one view.

``corpus.glance()`` returns a :class:`Glance`. In JupyterLab 4 and Notebook 7 it draws as
Vega-Lite charts (built with altair, shown by Jupyter's own Vega renderer: no CDN, nothing
fetched, hover for the numbers); every other front end, and a notebook read without
JavaScript, gets the static picture of the same tables (matplotlib) that rides in the same
output. The tables are :mod:`paperlens.graphs.trends`'s.

Why a mimebundle and not altair's own display: altair's default renderer writes HTML that
loads Vega from a CDN, and altair 6 writes Vega-Lite 6, which JupyterLab 4's renderer
(Vega-Lite 5) cannot draw. :meth:`Glance._repr_mimebundle_` hands the Vega-Lite 5 spec to
Jupyter under ``application/vnd.vegalite.v5+json``, with ``image/png`` and ``text/plain``.
Titles, names and venues go into the spec as data values: Vega draws them as SVG text
and its tooltips escape them, so no value is read as HTML.

Examples
--------
>>> import paperlens as pl
>>> view = pl.load_sample().glance()
>>> view
<Glance: 69 papers, 2019–2025, by topic>
>>> sorted(view.charts)
['authors', 'categories', 'years']
>>> view.spec()["$schema"]
'https://vega.github.io/schema/vega-lite/v5.json'
>>> view.notes[0]
'No venue for 69 of 69 papers: the venues chart is left out.'
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InvalidArgumentError, PaperlensError
from ..graphs import trends
from .tables import esc

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..corpus import Corpus

__all__ = ["GLANCE_BY", "VEGALITE_MIME", "VEGALITE_SCHEMA", "Glance", "glance"]

#: What stacks the papers-per-year bars (``"auto"``: topics when found or cheap, else categories).
GLANCE_BY = ("auto", "topic", "category", None)
#: The mimetype Jupyter's built-in Vega renderer draws (JupyterLab 4 and Notebook 7: Vega-Lite 3 to 5).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
#: The ``$schema`` of the specs: Vega-Lite 5, any minor version.
VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
TOPICS_AUTO_LIMIT = 5000
"""``by="auto"`` finds the topics itself up to this many papers in the root (as the explorer does);
beyond, it stacks by category unless the topics are already found."""
# SVG (text one can select, marks a test can count); the export menu only: no "open in the Vega editor" link out
_EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": False, "compiled": False, "editor": False}}
_TITLES = {
    "years": "Papers per year",
    "authors": "Top authors",
    "venues": "Top venues",
    "categories": "Top categories",
}
_NAME = {"authors": "author", "venues": "venue", "categories": "category"}


def _resolve_by(corpus: Corpus, by: str | Sequence[Any] | None) -> tuple[Any, str, str | None]:
    """(what papers_per_year gets, its name for the legend, a note when "auto" switched topics off)."""
    if not isinstance(by, str) and by is not None:
        return list(by), "group", None
    if by not in GLANCE_BY:
        raise InvalidArgumentError(f"by must be one of {list(GLANCE_BY)} or one group per paper, not {by!r}")
    if by != "auto":
        return by, by or "papers", None
    if trends.topics_known(corpus) or len(corpus.root) <= TOPICS_AUTO_LIMIT:
        return "topic", "topic", None
    has_categories = len(trends.top_categories(corpus, 1)) > 0
    fallback = "category" if has_categories else None
    note = (
        f"Stacked by {fallback or 'nothing'}, not by topic: the topics of {len(corpus.root):,} papers are not "
        "found yet (minutes). Run corpus.communities() once, or ask glance(by='topic')."
    )
    return fallback, fallback or "papers", note


class Glance:
    """The field at a glance: papers per year stacked by topic, and the top authors, venues and categories.

    Parameters
    ----------
    corpus : Corpus
        The papers (a filter or search shows just those).
    by : {"auto", "topic", "category", None} or sequence, default "auto"
        What stacks the papers-per-year bars (see :func:`paperlens.graphs.trends.papers_per_year`);
        ``"auto"``: topics when they are found already or the root holds at most 5000 papers, else
        the first category (the note says so).
    n : int, default 10
        Bars in each top-N chart, and named groups in the stack.
    static : bool, default True
        Put the static picture (PNG) in the output too, for front ends without Vega and notebooks
        read without JavaScript.

    Attributes
    ----------
    tables : dict of pandas.DataFrame
        ``years``, ``authors``, ``venues``, ``categories``: what the charts draw.
    charts : dict of altair.Chart
        The charts by the same names (the venues chart is left out when no paper has a venue).
    notes : list of str
        What is not drawn and why (unknown years, missing venues, topics switched off).
    """

    def __init__(
        self, corpus: Corpus, *, by: str | Sequence[Any] | None = "auto", n: int = 10, static: bool = True
    ) -> None:
        self.corpus = corpus
        self.n = int(n)
        self.static = bool(static)
        stack, self.by_name, note = _resolve_by(corpus, by)
        self.by = by
        try:
            per_year = trends.papers_per_year(corpus, by=stack, n=self.n)
        except PaperlensError as exc:  # "auto" asked for topics and there are none (no text, too few papers)
            if by != "auto":
                raise
            note = f"Stacked by category, not by topic: {exc}"
            stack = self.by_name = "category"
            per_year = trends.papers_per_year(corpus, by=stack, n=self.n)
        self.tables: dict[str, pd.DataFrame] = {
            "years": per_year,
            "authors": trends.top_authors(corpus, self.n),
            "venues": trends.top_venues(corpus, self.n),
            "categories": trends.top_categories(corpus, self.n),
        }
        self.notes: list[str] = [note] if note else []
        total = len(corpus)
        unknown = self.tables["years"].attrs["missing"]
        if unknown:
            self.notes.append(f"Year unknown for {unknown:,} of {total:,} papers: they are not on the time axis.")
        for name in ("authors", "venues", "categories"):
            missing = self.tables[name].attrs["missing"]
            if missing:
                word = _NAME[name]
                gone = total and missing == total
                self.notes.append(
                    f"No {word} for {missing:,} of {total:,} papers"
                    + (f": the {name} chart is left out." if gone else " (not counted in that chart).")
                )
        self._charts: dict[str, Any] | None = None

    # ------------------------------------------------------------------ charts

    @property
    def charts(self) -> dict[str, Any]:
        """The altair charts, by table name (built on first use)."""
        if self._charts is None:
            self._charts = self._build_charts()
        return self._charts

    def _build_charts(self) -> dict[str, Any]:
        import altair as alt

        years = self.tables["years"]
        known = years[years["year"].notna()].copy()
        known["year"] = known["year"].astype("int64")
        order = _largest_first(known.groupby("group", sort=False)["papers"].sum())
        known["rank"] = known["group"].map({g: i for i, g in enumerate(order)})  # data, not an expression
        first = int(known["year"].min()) if len(known) else 0
        last = int(known["year"].max()) if len(known) else 0
        # Every year of the span on the axis, empty ones too (a gap is information).
        axis_years = list(range(first, last + 1)) if len(known) else []
        legend = self.by_name.capitalize() if isinstance(self.by_name, str) else "Group"
        charts: dict[str, Any] = {
            "years": alt.Chart(known, title=_TITLES["years"])
            .mark_bar()
            .encode(
                x=alt.X(
                    "year:O",
                    title="Year",
                    scale=alt.Scale(domain=axis_years),
                    axis=alt.Axis(labelAngle=0, labelOverlap="greedy", labelSeparation=6),
                ),
                y=alt.Y("sum(papers):Q", title="Papers", stack="zero"),
                color=alt.Color(
                    "group:N",
                    title=legend,
                    # the order as the scale's domain: values, never written into a Vega expression
                    scale=alt.Scale(domain=order, range=_colors(order)),
                    legend=alt.Legend(labelLimit=300, orient="top", columns=2, direction="vertical", titleOrient="top"),
                ),
                order=alt.Order("rank:Q"),
                tooltip=[
                    alt.Tooltip("year:O", title="Year"),
                    alt.Tooltip("group:N", title=legend),
                    alt.Tooltip("sum(papers):Q", title="Papers"),
                ],
            )
            .properties(width=640, height=220)
        }
        for name in ("authors", "venues", "categories"):
            table = self.tables[name]
            if not len(table):
                continue
            field = _NAME[name]
            charts[name] = (
                alt.Chart(table, title=_TITLES[name])
                .mark_bar(color="#4c78a8")
                .encode(
                    x=alt.X("papers:Q", title="Papers"),
                    y=alt.Y(f"{field}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=130)),
                    tooltip=[alt.Tooltip(f"{field}:N", title=field.capitalize()), alt.Tooltip("papers:Q")],
                )
                .properties(width=110, height=alt.Step(16))
            )
        return charts

    @property
    def chart(self) -> Any:
        """All the charts in one (papers per year above, the top-N charts side by side below)."""
        import altair as alt

        charts = self.charts
        tops = [charts[name] for name in ("authors", "venues", "categories") if name in charts]
        parts = [charts["years"]] + ([alt.hconcat(*tops, spacing=24)] if tops else [])
        title = alt.TitleParams(self.title, anchor="start", fontSize=14)
        return alt.vconcat(*parts, spacing=20, title=title).configure_view(stroke=None)

    @property
    def title(self) -> str:
        """``"The field at a glance: 69 papers, 2019–2025"``."""
        return f"The field at a glance: {self._span()}"

    def _span(self) -> str:
        years = self.tables["years"]
        known = years["year"].dropna()
        span = f", {int(known.min())}–{int(known.max())}" if len(known) else ""
        return f"{len(self.corpus):,} papers{span}"

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite 5 specification (a JSON-ready dict, the data inline)."""
        spec = self.chart.to_dict(validate=False)
        # Any Vega-Lite 5 draws it (JupyterLab 4.6 ships 5.6; altair 5.5 would name 5.20 and make it warn).
        spec["$schema"] = VEGALITE_SCHEMA
        return spec

    # ------------------------------------------------------------------ static picture

    def figure(self, width: float = 11.0) -> Any:
        """The same charts as a matplotlib ``Figure`` (no browser, no pyplot state)."""
        from matplotlib.figure import Figure

        tops = [name for name in ("authors", "venues", "categories") if len(self.tables[name])]
        rows = max((len(self.tables[name]) for name in tops), default=0)
        top_height = 0.5 + 0.22 * rows if tops else 0
        # Fixed margins, no layout engine: constrained layout costs more than the drawing (0.7 s).
        height = 4.2 + top_height + (0.6 if tops else 0)
        figure = Figure(figsize=(width, height), dpi=80)
        figure.suptitle(self.title, x=0.01, y=1 - 0.1 / height, ha="left", va="top", fontsize=12)
        top = 1 - 0.75 / height
        years_bottom = top - 3.2 / height
        axes = figure.add_gridspec(1, 1, left=0.06, right=0.62, top=top, bottom=years_bottom).subplots()
        grid = figure.add_gridspec(
            1,
            max(len(tops), 1),
            left=0.17,
            right=0.98,
            wspace=1.1,
            top=years_bottom - 0.9 / height,
            bottom=0.35 / height,
        )
        years = self.tables["years"]
        known = years[years["year"].notna()]
        wide = known.pivot_table(index="year", columns="group", values="papers", aggfunc="sum", fill_value=0)
        if len(wide):
            wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1), fill_value=0)
            columns = _largest_first(wide.sum())
            colors = _colors(columns)
            bottom = pd.Series(0, index=wide.index)
            for group, color in zip(columns, colors, strict=True):
                axes.bar(wide.index, wide[group], bottom=bottom, color=color, label=_short(group, 60), width=0.8)
                bottom = bottom + wide[group]
            from matplotlib.ticker import MaxNLocator

            axes.xaxis.set_major_locator(MaxNLocator(nbins=14, integer=True))
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        axes.set_title(_TITLES["years"], loc="left", fontsize=10)
        axes.set_ylabel("Papers")
        axes.spines[["top", "right"]].set_visible(False)
        for column, name in enumerate(tops):
            table = self.tables[name]
            ax = figure.add_subplot(grid[0, column])
            labels = [_short(v, 28) for v in table[_NAME[name]]]
            ax.barh(range(len(table)), table["papers"], color="#4c78a8")
            ax.set_yticks(range(len(table)), labels, fontsize=8)
            ax.set_ylim(rows - 0.5, -0.5)
            ax.set_title(_TITLES[name], loc="left", fontsize=10)
            ax.spines[["top", "right"]].set_visible(False)
        return figure

    def to_png(self, width: float = 11.0) -> bytes:
        """The static picture, as PNG bytes (:meth:`figure`)."""
        buffer = io.BytesIO()
        self.figure(width).savefig(buffer, format="png")
        return buffer.getvalue()

    # ------------------------------------------------------------------ display and files

    def __repr__(self) -> str:
        return f"<Glance: {self._span()}, by {self.by_name}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle: dict[str, Any] = {VEGALITE_MIME: self.spec(), "text/plain": self._text()}
        if self.static:
            bundle["image/png"] = base64.b64encode(self.to_png()).decode("ascii")
        return bundle, {VEGALITE_MIME: {"embed_options": _EMBED_OPTIONS}}

    def _text(self) -> str:
        lines = [repr(self), *self.notes]
        for name in ("authors", "venues", "categories"):
            table = self.tables[name]
            if len(table):
                top = ", ".join(f"{v} ({p})" for v, p in zip(table[_NAME[name]][:5], table["papers"][:5], strict=True))
                lines.append(f"{_TITLES[name]}: {top}")
        return "\n".join(lines)

    def to_html(self) -> str:
        """One standalone offline page: the static picture inline, the notes and the tables (escaped).

        The interactive charts need Vega's JavaScript, which paperlens does not ship; this page has
        no script and fetches nothing.
        """
        picture = base64.b64encode(self.to_png()).decode("ascii")
        notes = "".join(f"<li>{esc(note)}</li>" for note in self.notes)
        tables = "".join(
            f"<h3>{esc(_TITLES[name])}</h3>{table.to_html(index=False, escape=True, na_rep='unknown')}"
            for name, table in self.tables.items()
        )
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{esc(self.title)}</title></head><body style='font-family:sans-serif'>"
            f"<h2>{esc(self.title)}</h2><img alt='{esc(self.title)}' src='data:image/png;base64,{picture}'>"
            f"<ul>{notes}</ul>{tables}</body></html>"
        )

    def save(self, path: str | Path) -> Path:
        """Write the view: ``.png``, ``.svg`` or ``.pdf`` (the static picture), ``.json`` (the Vega-Lite
        spec, for any Vega tool) or ``.html`` (:meth:`to_html`, offline). Returns the path."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".png", ".svg", ".pdf"):
            self.figure().savefig(path, format=suffix[1:])
        elif suffix == ".json":
            import json

            path.write_text(json.dumps(self.spec(), indent=1, ensure_ascii=False), encoding="utf-8")
        elif suffix in (".html", ".htm"):
            path.write_text(self.to_html(), encoding="utf-8")
        else:
            raise InvalidArgumentError(f"save writes .png, .svg, .pdf, .json or .html files, not {path.name!r}")
        return path


def _short(value: Any, limit: int) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _largest_first(totals: pd.Series) -> list[Any]:
    """Groups by papers, most first (ties by name, as the map ranks them), "other" and no group last."""
    ranked = sorted(
        (g for g in totals.index if g not in (trends.OTHER, trends.NO_GROUP)), key=lambda g: (-totals[g], str(g))
    )
    return ranked + [g for g in (trends.OTHER, trends.NO_GROUP) if g in totals.index]


def _colors(order: list[Any]) -> list[str]:
    """The graph and map's colours for groups in this order (largest first): the scene's palette, lighter
    past its end, grey for "other" and no group — so a topic looks alike in the glance and on the map."""
    from .scene import OTHER, palette_color

    ranked = [g for g in order if g not in (trends.OTHER, trends.NO_GROUP)]
    rank = {g: i for i, g in enumerate(ranked)}
    return [palette_color(rank[g]) if g in rank else OTHER for g in order]


def glance(corpus: Corpus, *, by: str | Sequence[Any] | None = "auto", n: int = 10, static: bool = True) -> Glance:
    """The field at a glance: papers per year stacked by topic, top authors, venues and categories.

    See :class:`Glance`.

    Parameters
    ----------
    corpus : Corpus
        The papers.
    by : {"auto", "topic", "category", None} or sequence, default "auto"
        What stacks the papers-per-year bars.
    n : int, default 10
        Bars in each top-N chart, and named groups in the stack.
    static : bool, default True
        Put the static picture (PNG) in the output too.

    Returns
    -------
    Glance
        Displays itself in Jupyter.

    Examples
    --------
    >>> import paperlens as pl
    >>> view = glance(pl.load_sample().filter(year=2023), by="category")
    >>> view.tables["years"]["papers"].sum()
    np.int64(23)
    """
    return Glance(corpus, by=by, n=n, static=static)
