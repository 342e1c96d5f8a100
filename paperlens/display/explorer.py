"""The explorer: filter a corpus with widgets, see the matching papers, one paper's details and their graph.

``corpus.explore()`` (or ``paperlens.Explorer(corpus)``) returns an :class:`Explorer`,
an ``ipywidgets.VBox`` that displays itself. It is two-way: the filters are
traitlets you can set from code (the controls follow), and the results are
traitlets you can read and observe (``explorer.corpus``, ``explorer.selected``).

The explorer is its headless state plus a thin layout: everything it knows
(filters, validation, filtering, ordering, topics, selection) lives in
:class:`~paperlens.display.explorer_state.ExplorerState`, which imports no widgets
and is tested on its own; :class:`Explorer` adds the widgets. Each control is tied
to its trait with ``traitlets.dlink`` (trait -> control; code that sets a filter
moves the control) and an observer the other way (control -> trait), which shows
a bad value or a failing search in the status line instead of raising into the
front end. Typing in the search box is debounced (the query is applied 0.3 s
after the last keystroke, so one search runs per pause, not per letter), and the
graph is redrawn 0.6 s after the last change, for at most ``max_nodes`` papers.
Without a running event loop (plain Python, tests) both happen at once. A click on a
node of the graph selects that paper (table row and detail pane follow), and a paper
selected in the table is ringed in the graph in place, without a redraw: the graph
pane's :class:`~paperlens.display.graph_widget.GraphWidget` has a ``selected_id``
trait, linked to ``selected`` with ``traitlets.link``.

The widgets live in helper modules: ``explorer_controls`` (filters),
``explorer_table`` (results), ``explorer_detail`` (the paper pane's HTML and what
it lists) and ``explorer_graph`` (the graph pane). CONTRIBUTING.md says how to add
a pane.

Examples
--------
A teacher's exercise: find the 2023 papers about language models, then look at one.

>>> import paperlens as pl
>>> explorer = pl.load_sample().explore(graph=False)
>>> explorer.query = "language model"
>>> explorer.years = (2023, 2023)
>>> explorer.controls["years"].value  # the slider followed
(2023, 2023)
>>> len(explorer.corpus) == len(pl.load_sample().search("language model").filter(year=(2023, 2023)))
True
>>> seen = []
>>> explorer.observe(lambda change: seen.append(len(change["new"])), names="corpus")
>>> explorer.reset()
>>> seen, explorer.count_text
([69], '69 of 69 papers')
>>> explorer.select("2203.05482")
>>> explorer.selected.title[:11]
'Model soups'
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from ..corpus import Corpus
from ..record import Paper
from ..search import QUERY_HELP
from .explorer_controls import ANY_TOPIC, ANY_VENUE, FilterControls
from .explorer_detail import citations, concept_neighbours, detail_html
from .explorer_graph import NO_COLOR, GraphPane
from .explorer_keys import KeyCatcher, press
from .explorer_labels import LabelBar, label_mark
from .explorer_state import _COMMUNITY_AUTO_LIMIT, FILTERS, LABEL_FILTERS, LABEL_RANKING, SORT_KEYS, ExplorerState
from .explorer_table import ResultsTable, Row
from .tables import esc

__all__ = ["FILTERS", "SORT_KEYS", "Explorer"]

_CSS = """<style>
.paperlens-explorer .pl-table button.pl-row {text-align:left; justify-content:flex-start; overflow:hidden;
  white-space:nowrap; text-overflow:ellipsis; background:transparent; box-shadow:none; padding:0 4px;
  font-size:12.5px; color:#1a4f8b;}
.paperlens-explorer .pl-table button.pl-row:hover {background:#eef4fb; text-decoration:underline;}
.paperlens-explorer .pl-table button.pl-row.mod-info {background:#d6e6f7; color:#000; font-weight:600;}
.paperlens-explorer .pl-table button.pl-head {font-weight:600; text-align:left; background:#f2f2f2; padding:0 4px;}
.paperlens-explorer .pl-cell .widget-html-content {white-space:nowrap; overflow:hidden; text-overflow:ellipsis;
  font-size:12px; line-height:26px;}
.paperlens-explorer .pl-count {font-size:14px;}
.paperlens-explorer mark {background:#ffe066; color:inherit; padding:0 1px;}
.paperlens-explorer .pl-pane {border:1px solid #ddd; border-radius:4px; padding:6px; box-sizing:border-box;}
</style>"""


class _Debouncer:
    """Run ``action`` ``delay`` seconds after the last call, on the running event loop (at once if none)."""

    def __init__(self, action: Callable[[], Any], delay: float, on_error: Callable[[BaseException], Any]) -> None:
        self.action, self.delay, self.on_error = action, delay, on_error
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self) -> None:
        self.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self.delay <= 0:
            self._fire()
        else:
            self._handle = loop.call_later(self.delay, self._fire)

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def flush(self) -> None:
        if self._handle is not None:
            self.cancel()
            self._fire()

    def _fire(self) -> None:
        self._handle = None
        try:
            self.action()
        except Exception as exc:  # shown in the explorer's status line: a timer has no caller to raise to
            self.on_error(exc)


def _plain(value: Any) -> Any:
    """``None`` for the missing-value markers pandas hands out (NA, NaN, NaT)."""
    try:
        return None if value is None or bool(pd.isna(value)) else value
    except (TypeError, ValueError):
        return value


def _number(value: Any, digits: int = 0) -> str:
    value = _plain(value)
    if value is None:
        return ""
    return f"{value:.{digits}f}" if digits else f"{int(value)}"


def _authors_short(authors: Any, limit: int = 2) -> str:
    names = list(authors or ())
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


def _same(value: Any) -> Any:
    return value


def _venue_from_control(value: Any) -> str | None:
    return None if value == ANY_VENUE else value


def _community_to_control(value: Any) -> Any:
    return ANY_TOPIC if value is None else value


def _community_from_control(value: Any) -> Any:
    return None if value == ANY_TOPIC else value


class Explorer(ExplorerState, widgets.VBox):
    """An interactive explorer of a corpus: filters, a results table, paper details and a live graph.

    The traits, validation and results are those of
    :class:`~paperlens.display.explorer_state.ExplorerState`; this class lays out the
    widgets and ties them to the traits.

    Parameters
    ----------
    corpus : Corpus
        The papers to explore (any Corpus; a subset explores just those papers).
    page_size : int
        Rows per table page.
    graph : bool
        Show the graph pane (``False`` leaves it out).
    graph_kind : str or None
        ``"citation"``, ``"concept"`` or ``"both"``; by default ``"both"``, ``"concept"`` when no paper
        lists references, or ``"citation"`` when the concept model would first have to be fitted on more
        than 20,000 papers (minutes).
    color_by : str or None
        What colours the graph's nodes (see :func:`paperlens.display.graphview.graph`).
    max_nodes : int
        At most this many papers are drawn (the first ones in table order, plus the
        selected paper); the caption says how many are hidden.
    neighbours : int
        How many concept neighbours the detail pane lists (0 leaves them out).
    communities : bool or str
        Fill the topic select from :func:`paperlens.graphs.structure.community_table`:
        ``True``, ``False``, or ``"auto"`` (at open time up to 5000 papers when the concept model is
        cheap, see ``graph_kind``; else on a click of "find topics").
    debounce, graph_delay : float
        Seconds of quiet before the typed query / the graph redraw is applied.
    map : bool or dict
        Show the field map of every paper (:class:`~paperlens.display.mapview.MapView`) below: a
        filter or search dims the other papers, a lasso filters the table, a click opens the paper.
        Laying out a big corpus takes a while the first time (minutes at 75,000 papers). A dict
        shows it too and passes its options to the map (e.g. ``map={"positions": frame,
        "color_by": "year"}`` to draw your own layout).
    glance : bool
        Show the field at a glance of the filtered papers (:class:`~paperlens.display.glance.Glance`:
        papers per year by topic, top authors, venues and categories), redrawn ``graph_delay`` seconds
        after the last filter change.
    **filters
        Initial values of the filter traits (``query=``, ``years=``, ...).

    Attributes
    ----------
    corpus : Corpus
        The filtered corpus, in table order (read-only; observe it with
        ``observe(callback, names="corpus")``; it is built when first read after a change).
    selected : Paper or None
        The clicked paper (settable: a Paper, an id, or ``None``).
    query, years, authors, venue, categories, keywords, community, min_citations, has_abstract
        The filters. ``years`` is a ``(low, high)`` pair (``None`` resets it to every year; the full
        span keeps papers of unknown year); ``authors`` are parts of author names (case-insensitive,
        any of them, as ``Corpus.filter(authors=...)``); ``categories`` keeps papers with any of them,
        ``keywords`` too (case-insensitive);
        ``venue`` is one venue or ``None``; ``community`` a topic id (or its label) or ``None``;
        ``min_citations=0`` and ``has_abstract=False`` filter nothing.
    sort_by, ascending, page, page_size
        The table's state. ``sort_by`` is one of :data:`SORT_KEYS`; ``"relevance"`` is best match
        first when searching, else the corpus's own order. ``page`` counts from 1.
    graph_kind, color_by
        The graph pane's state.
    labels, highlight, revision
        Shared by every pane, see :class:`~paperlens.display.explorer_state.ExplorerState`.
    base : Corpus
        The corpus the explorer was opened on.
    controls : dict
        The filter widgets by filter name, e.g. ``explorer.controls["query"]``.
    table, detail, graph_pane, count, status : ipywidgets.Widget
        The results table, the detail pane (HTML), the graph pane, the ``N of M papers`` line
        and the line showing errors from clicks.
    label_bar, key_catcher : ipywidgets.Widget
        The label buttons and filters, and the keyboard shortcuts' element (see
        :mod:`~paperlens.display.explorer_keys`).
    checked : tuple of str
        The ids of the rows ticked in the table (two-way; the label buttons label them when any).

    Observe any trait with ``explorer.observe(callback, names="corpus")``; the callback gets
    the usual traitlets change dict (``change["new"]`` is the new value).
    """

    def __init__(
        self,
        corpus: Corpus,
        *,
        page_size: int = 20,
        graph: bool = True,
        graph_kind: str | None = None,
        color_by: str | None = "community",
        max_nodes: int = 150,
        neighbours: int = 5,
        communities: bool | str = "auto",
        debounce: float = 0.3,
        graph_delay: float = 0.6,
        map: bool | dict[str, Any] = False,
        glance: bool = False,
        **filters: Any,
    ) -> None:
        ExplorerState.__init__(
            self,
            corpus,
            page_size=page_size,
            graph_kind=graph_kind,
            color_by=color_by,
            communities=communities,
            **filters,
        )
        self.add_class("paperlens-explorer")
        self.n_neighbours = int(neighbours)
        self._show_graph = bool(graph)
        self._query_debouncer = _Debouncer(self._commit_query, debounce, self._show_error)
        self._graph_debouncer = _Debouncer(self._draw_graph, graph_delay, self._show_error)
        self._detail_debouncer = _Debouncer(self._fill_neighbours, 0.05, self._show_error)
        self._pushes: list[tuple[str, widgets.ValueWidget, Callable[[Any], Any]]] = []

        # --- widgets
        self.filters_box = FilterControls(
            self.index,
            year_bounds=self.year_bounds,
            categories=self.base_categories,
            keywords=self.base_keywords,
            venues=self.base_venues,
            has_citations=self.has_citations,
        )
        self.controls = self.filters_box.controls
        self.count = widgets.HTML()
        self.count.add_class("pl-count")
        columns = ["title", "authors", "year"]
        columns += ["venue"] if self.base_venues else []
        columns += ["citations"] if self.has_citations else []
        self.table = ResultsTable(
            [*columns, "score", "id"],
            on_sort=self._guard(self._on_header),
            on_select=self._guard(self.select),
            on_page=self._guard(lambda page: setattr(self, "page", page)),
            on_page_size=self._guard(lambda size: setattr(self, "page_size", size)),
            on_check=self._guard(self.check),
            page_size=self.page_size,
        )
        self.detail = widgets.HTML(detail_html(None))
        self.detail.add_class("pl-detail")
        all_tags = sorted({t for tags in self.root.column("tags") for t in tags})
        self.label_bar = LabelBar(
            on_label=self._guard(self.label_chosen),
            on_label_page=self._guard(lambda label: self.set_labels(self.table_ids, label)),
            filters=LABEL_FILTERS,
            tags=all_tags,
            on_untick=self._guard(lambda: setattr(self, "checked", ())),
        )
        self.key_catcher = KeyCatcher()  # r / i / u label, j / k move: explorer_keys says why an anywidget
        self.key_catcher.observe(self._guard(lambda change: press(self, change["new"].get("key", ""))), "keypress")
        self.key_catcher.observe(self._guard(self._on_shift_click), "shift_click")
        table_pane = widgets.Box([self.table], layout=widgets.Layout(flex="3 1 36em", min_width="0"))
        detail_pane = widgets.Box(
            [widgets.VBox([self.key_catcher, self.detail])],
            layout=widgets.Layout(flex="2 1 22em", max_height="46em", overflow="auto"),
        )
        table_pane.add_class("pl-pane")
        detail_pane.add_class("pl-pane")
        results = widgets.HBox(
            [table_pane, detail_pane], layout=widgets.Layout(width="100%", align_items="flex-start", grid_gap="8px")
        )
        self.graph_pane = GraphPane(
            kind=self.graph_kind,
            color_by=self.color_by,
            max_nodes=max_nodes,
            resolve=lambda paper_id: self.base[paper_id].id,  # an unknown id is refused, any id form accepted
        )
        # A click on a node selects its paper; a paper selected elsewhere is ringed in the graph, in place.
        traitlets.link(
            (self, "selected"),
            (self.graph_pane.view, "selected_id"),
            transform=(lambda paper: paper.id if paper is not None else "", lambda paper_id: paper_id or None),
        )
        self.status = widgets.HTML()
        self.status.add_class("pl-status")
        children: list[widgets.Widget] = [widgets.HTML(_CSS), self.filters_box, self.count, self.label_bar, results]
        if self._show_graph:
            children.append(self.graph_pane)
        self.map_view: Any = None
        if map:
            # The field map of every paper: filters and searches dim the rest, a lasso filters the table,
            # a click opens the paper in the detail pane.
            from .mapview import MapView

            options = {"height": 460, **(map if isinstance(map, dict) else {})}
            self.map_view = MapView(self.root, **options)
            self.map_view.observe(self._guard(self._on_map_selection))
            children.append(self.map_view.widget)
        self.glance_pane: Any = None
        if glance:
            from .explorer_glance import GlancePane

            self.glance_pane = GlancePane()
            self._glance_debouncer = _Debouncer(self._draw_glance, graph_delay, self._show_error)
            self.observe(lambda _change: self._glance_debouncer(), names="topics")
            children.append(self.glance_pane)
        self.children = [*children, self.status]

        # --- controls <-> traits
        traitlets.dlink((self, "query"), (self.controls["query"], "value"))
        self.controls["query"].observe(self._guard(self._on_search_typed), names="value")
        self.observe(lambda _change: self._query_debouncer.cancel(), names="query")  # code wins over typing
        years = self.controls["years"]
        to_control: dict[str, Callable[[Any], Any]] = {
            "years": lambda value: value if value is not None else (years.min, years.max),
            "authors": list,
            "categories": list,
            "keywords": list,
            "venue": self._venue_option,
            "community": _community_to_control,
            "min_citations": _same,
            "has_abstract": _same,
        }
        from_control: dict[str, Callable[[Any], Any]] = {
            "years": _same,
            "authors": tuple,
            "categories": tuple,
            "keywords": tuple,
            "venue": _venue_from_control,
            "community": _community_from_control,
            "min_citations": lambda value: int(value or 0),
            "has_abstract": _same,
        }
        for name in FILTERS[1:]:
            self._tie(name, self.controls[name], to_control[name], from_control[name])
        self._tie(
            "color_by",
            self.graph_pane.color_control,
            lambda value: NO_COLOR if value is None else value,
            lambda value: None if value == NO_COLOR else value,
        )
        self._tie("graph_kind", self.graph_pane.kind_control, _same, _same)
        self.graph_pane.size_control.observe(self._guard(self._on_graph_option), names="value")
        self._tie("label_filter", self.label_bar.filter, _same, _same)
        self._tie("tag_filter", self.label_bar.tags, list, tuple)
        traitlets.dlink((self, "sort_by"), (self.label_bar.rank, "value"), lambda key: key == LABEL_RANKING)
        self.label_bar.rank.observe(self._guard(self._on_rank_toggle), names="value")
        traitlets.dlink((self, "page_size"), (self.table.page_size, "value"), self._page_size_option)
        self.filters_box.reset_button.on_click(self._guard(lambda _button: self.reset()))
        self.filters_box.find_topics.on_click(self._guard(lambda _button: self._find_topics()))

        # --- traits -> panes
        self.observe(self._on_revision, names="revision")
        self.observe(self._on_page, names="page")
        self.observe(self._on_selected, names="selected")
        self.observe(self._on_graph_option, names=["graph_kind", "color_by"])
        self.observe(self._on_topics, names=["topics", "topics_note"])
        self.observe(self._on_labels_shown, names=["labels", "selected", "checked"])
        self._on_topics(None)
        self._on_labels_shown(None)
        self._on_revision(None)
        if self._show_graph and len(corpus) <= _COMMUNITY_AUTO_LIMIT:
            self._graph_debouncer.cancel()  # drawn with the cell (saved notebooks keep it); big corpora: after a pause
            self._graph_debouncer._fire()  # errors go to the status line: the explorer still opens
        if self.glance_pane is not None and len(corpus) <= _COMMUNITY_AUTO_LIMIT:
            self._glance_debouncer.cancel()
            self._glance_debouncer._fire()

    # ------------------------------------------------------------------ public API (beyond the state's)

    @property
    def table_ids(self) -> list[str]:
        """The ids of the papers on the current table page, top to bottom."""
        return list(self.table.row_ids)

    def reset(self) -> None:
        """Clear every filter (and the typed query): back to the whole corpus."""
        self._query_debouncer.cancel()
        super().reset()
        self.filters_box.author_box.value = ""
        self.status.value = ""

    def redraw_graph(self) -> None:
        """Draw the graph pane now (instead of after the debounce delay)."""
        self._graph_debouncer.cancel()
        self._draw_graph()

    def flush(self) -> None:
        """Apply at once what waits on a timer: a typed query, the neighbours list, the graph redraw."""
        self._query_debouncer.flush()
        self._detail_debouncer.flush()
        self._graph_debouncer.flush()
        if self.glance_pane is not None:
            self._glance_debouncer.flush()

    # ------------------------------------------------------------------ control <-> trait

    def _tie(
        self,
        name: str,
        control: widgets.ValueWidget,
        to_control: Callable[[Any], Any],
        from_control: Callable[[Any], Any],
    ) -> None:
        """Trait -> control with ``traitlets.dlink``; control -> trait through the error guard."""
        traitlets.dlink((self, name), (control, "value"), to_control)
        control.observe(self._guard(lambda change: setattr(self, name, from_control(change["new"]))), names="value")
        self._pushes.append((name, control, to_control))

    def _push_controls(self) -> None:
        """Put every control back on its trait's value (after a control's value was refused)."""
        for name, control, to_control in self._pushes:
            value = to_control(getattr(self, name))
            if control.value != value:
                control.value = value

    def _venue_option(self, venue: str | None) -> str:
        control = self.controls["venue"]
        if venue is None:
            return ANY_VENUE
        if venue not in [v for _, v in control.options]:  # past the dropdown's most frequent venues
            control.options = [*control.options, (venue, venue)]
        return venue

    def _page_size_option(self, size: int) -> int:
        control = self.table.page_size
        if size not in control.options:
            control.options = sorted({*control.options, size})
        return size

    def _find_topics(self) -> threading.Thread:
        """The "find topics" button: :meth:`load_topics` in a thread, so the kernel stays free meanwhile
        (at 75,000 papers it fits the concept model and runs Louvain: minutes on a busy machine)."""
        button = self.filters_box.find_topics
        bar = self.filters_box.topics_progress
        button.disabled, button.description = True, "finding…"
        bar.value, bar.layout.display = 0.0, None
        self.status.value = esc(f"Finding the topics of {len(self.base):,} papers in the background…")

        def on_step(done: float, stage: str) -> None:  # the bar, and the stage in the status line
            self.status.value = esc(f"Finding topics in the background ({done:.0%}): {stage}…")
            bar.value = done

        def work() -> None:
            try:
                found = self.load_topics(on_step)
                self.status.value = "" if found else esc(self.topics_note)
            except Exception as exc:  # shown, not lost in the thread
                self._show_error(exc)
            finally:
                button.disabled, button.description = False, "find topics"
                bar.layout.display = "none"

        self._topics_thread = threading.Thread(target=work, name="paperlens-topics", daemon=True)
        self._topics_thread.start()
        return self._topics_thread

    def _guard(self, handler: Callable[..., Any], *args: Any) -> Callable[..., Any]:
        """Wrap a UI callback: an error is shown in the status line (a click has no caller to raise to)."""

        def run(*call_args: Any) -> Any:
            try:
                return handler(*args, *call_args)
            except Exception as exc:
                self._show_error(exc)
                self._push_controls()
                return None

        return run

    def _show_error(self, exc: BaseException) -> None:
        self.status.value = f"<span style='color:#b00020'>{esc(type(exc).__name__)}: {esc(exc)}</span>"

    def _on_search_typed(self, change: dict[str, Any]) -> None:
        if change["new"] == self.query:
            self._query_debouncer.cancel()
        else:
            self._query_debouncer()

    def _commit_query(self) -> None:
        self.query = self.controls["query"].value

    def _on_header(self, key: str) -> None:
        if key == self.sort_by:
            self.ascending = not self.ascending
        else:
            with self.hold_refresh():
                self.sort_by = key
                self.ascending = self.natural_ascending(key)

    # ------------------------------------------------------------------ trait -> panes

    def _on_revision(self, _change: Any) -> None:
        self._update_table()
        query = self.query.strip()  # the count last: when it changes in the browser, the table already has
        best = ", best match first" if query and self.sort_by == "relevance" else ""
        searched = f" for <q>{esc(query)}</q> (every word must match){best}" if query else ""
        n = len(self.positions)
        why = ""
        if query and n == 0:  # say why: the term that matched nothing, or that no paper has them all
            reason = self.root.search_explain(query) or "papers match the query, none of them passes the other filters"
            why = f"<br><small class='pl-why' style='color:#8a5a00'>{esc(reason)}</small>"
        hint = f"<br><small class='pl-hint' style='color:#666'>{esc(QUERY_HELP)}</small>" if query else ""
        self.count.value = (
            f"<span data-count='{n}'><b>{n:,}</b> of {len(self.base):,} papers</span>{searched}{why}{hint}"
        )
        if self._show_graph:
            self._graph_debouncer()
        if self.glance_pane is not None:
            self._glance_debouncer()
        if self.map_view is not None:
            everything = len(self.positions) == len(self.root)
            self.map_view.highlight(None if everything else self.root.subset(np.sort(self.positions)))

    def _on_map_selection(self, chosen: Any) -> None:
        rows = chosen.root_positions
        if len(rows) == 1:
            self.select(chosen.ids[0])
        else:
            self.choose(rows if len(rows) else None)

    def _on_page(self, _change: Any) -> None:
        self._update_table()

    def _on_shift_click(self, change: dict[str, Any]) -> None:
        click, rows = change["new"], self.table_ids
        ends = [click.get("anchor"), click.get("row")]
        if all(isinstance(end, int) and 0 <= end < len(rows) for end in ends):
            self.check_range(rows[ends[0]], rows[ends[1]], bool(click.get("on", True)))

    def _on_rank_toggle(self, change: dict[str, Any]) -> None:
        if change["new"] and self.sort_by != LABEL_RANKING:
            self.sort_by = LABEL_RANKING
        elif not change["new"] and self.sort_by == LABEL_RANKING:
            self.sort_by = "relevance"

    def _on_labels_shown(self, _change: Any) -> None:
        self.label_bar.show(self.labels, self.selected.id if self.selected is not None else None, self.checked)
        if _change is not None and _change["name"] in ("labels", "checked"):
            self._update_table()

    def _update_table(self) -> None:
        ix = self.index
        scores = self.scores
        rows = []
        for pos in self.page_positions.tolist():
            score = scores[pos] if scores is not None else None
            rows.append(
                Row(
                    id=ix.ids[pos],
                    title=" ".join(f"{label_mark(self.labels.get(ix.ids[pos]))} {ix.titles[pos]}".split()),
                    authors=_authors_short(ix.author_lists[pos]),
                    year=str(ix.years[pos]) if ix.years[pos] >= 0 else "",
                    venue=ix.venue_values[pos] or "",
                    citations=_number(ix.citations[pos]),
                    score=_number(score, 2) if score else "",
                )
            )
        self.table.update(
            rows,
            page=self.page,
            n_pages=self.page_count,
            sort_key=self.sorted_by_column,
            ascending=self.ascending,
            selected=self.selected.id if self.selected is not None else None,
            checked=self.checked,
        )

    def _on_topics(self, _change: Any) -> None:
        if self.topics:
            options = [(f"{label} ({self.topic_size(code)})", code) for code, label in self.topics.items()]
            self.filters_box.set_topics(options)
        elif self.topics_note:
            self.filters_box.topics_unavailable(self.topics_note)

    # ------------------------------------------------------------------ detail pane

    def _detail(self, paper: Paper | None, neighbours: Any) -> str:
        if paper is None:
            return detail_html(None)
        cites, cited_by = citations(self.root, paper, self.base_mask)
        terms = [self.query] if self.query.strip() else []
        return detail_html(paper, terms=terms, neighbours=neighbours, cites=cites, cited_by=cited_by)

    def _on_selected(self, change: dict[str, Any]) -> None:
        self._update_table()
        paper = change["new"]
        waiting = "finding the papers with the same concepts…" if self.n_neighbours > 0 else None
        self.detail.value = self._detail(paper, waiting)
        if paper is not None and self.n_neighbours > 0:
            self._detail_debouncer()
        # Not in the picture but among the results: redraw with it (the pane adds the selected paper past its
        # cap). A drawn paper is only ringed, through the link of selected_id: no redraw.
        if (
            self._show_graph
            and paper is not None
            and paper.id not in self.graph_pane.drawn_ids
            and bool((self.positions == self.root.position(paper.id)).any())
        ):
            self._graph_debouncer()

    def _fill_neighbours(self) -> None:
        paper = self.selected
        if paper is None:
            return
        if self.concepts_ready():
            neighbours: Any = concept_neighbours(self.base, paper, self.n_neighbours)
        else:
            neighbours = (
                f"The concept model of these {len(self.root):,} papers is not fitted yet (that takes minutes): "
                "run corpus.concept_model() in a cell, or choose the concept graph, then click again."
            )
        self.detail.value = self._detail(paper, neighbours)

    # ------------------------------------------------------------------ glance pane

    def _draw_glance(self) -> None:
        groups = None
        if self.topics:  # the explorer's own topics (the topic filter's), when found
            names = self.topics
            groups = [names.get(code, "none") for code in self.topic_of(self.positions).tolist()]
        # root.subset, not self.corpus: "revision" is announced before "corpus" is rebuilt
        self.glance_pane.draw(self.root.subset(self.positions), groups, of_papers=len(self.base))

    # ------------------------------------------------------------------ graph pane

    def _on_graph_option(self, _change: Any) -> None:
        if self._show_graph:
            self._graph_debouncer()

    def _graph_ranking(self) -> tuple[np.ndarray | None, str]:
        """What the graph pane ranks by: the search score with a query, else citations (if any are known)."""
        if self.scores is not None:
            return self.scores, "best matches"
        counts = self.root.cached(
            "explorer.citation_ranking",
            lambda: self.root.column("citation_count").to_numpy(dtype="float64", na_value=-1.0),
        )
        return (counts, "most cited") if (counts > 0).any() else (None, "")

    def _draw_graph(self) -> None:
        selected = self.selected
        ranking, ranking_name = self._graph_ranking()
        self.graph_pane.draw(
            self.root,
            self.positions,
            ranking=ranking,
            ranking_name=ranking_name,
            kind=self.graph_kind,
            color_by=self.color_by,
            selected=self.root.position(selected.id) if selected is not None else None,
            selected_id=selected.id if selected is not None else None,
            busy=None
            if self.graph_kind == "citation" or self.concepts_ready()
            else f"Fitting the concept model of {len(self.root):,} papers, once (this takes minutes)…",
        )
