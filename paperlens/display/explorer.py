"""The explorer: filter a corpus with widgets, see the matching papers, one paper's details and their graph.

``corpus.explore()`` (or ``paperlens.Explorer(corpus)``) returns an :class:`Explorer`,
an ``ipywidgets.VBox`` that displays itself. It is two-way: the filters are
traitlets you can set from code (the controls follow), and the results are
traitlets you can read and observe (``explorer.corpus``, ``explorer.selected``).

How it stays fast: a :class:`~paperlens.display.explorer_index.FilterIndex` of
numpy arrays is built once per root corpus (cached on ``corpus.root``, like the
search index and the concept model); a filter change is a few vectorised
comparisons giving root positions, then one ``root.subset(positions)``. Typing
in the search box is debounced (the query is applied 0.3 s after the last
keystroke, so one search runs per pause, not per letter), and the graph is
redrawn 0.6 s after the last change, for at most ``max_nodes`` papers. Without
a running event loop (plain Python, tests) both happen at once.

The widgets live in helper modules: ``explorer_controls`` (filters),
``explorer_table`` (results), ``explorer_detail`` (the paper pane's HTML and what
it lists) and ``explorer_graph`` (the graph pane).

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
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from ..corpus import Corpus
from ..errors import FieldError, InvalidArgumentError, PaperlensError
from ..record import Paper
from .explorer_controls import ANY_TOPIC, ANY_VENUE, FilterControls
from .explorer_detail import citations, concept_neighbours, detail_html
from .explorer_graph import KINDS, NO_COLOR, GraphPane, color_options
from .explorer_index import SORT_KEYS, FilterIndex
from .explorer_table import ResultsTable, Row
from .tables import esc

__all__ = ["FILTERS", "SORT_KEYS", "Explorer"]

#: The filter traits, in the order the controls show them.
FILTERS = ("query", "years", "authors", "venue", "categories", "community", "min_citations", "has_abstract")
_NATURAL_ASCENDING = {"relevance": False, "title": True, "authors": True, "year": False, "venue": True}
_NATURAL_ASCENDING.update({"citations": False, "id": True})
_COMMUNITY_AUTO_LIMIT = 5000  # find topics at open time up to this many papers; beyond, on request
_CONCEPT_AUTO_LIMIT = 20_000  # fit the concept model without being asked up to this many papers

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


class Explorer(widgets.VBox):
    """An interactive explorer of a corpus: filters, a results table, paper details and a live graph.

    Parameters
    ----------
    corpus : the papers to explore (any Corpus; a subset explores just those papers).
    page_size : rows per table page.
    graph : show the graph pane (``False`` leaves it out).
    graph_kind : ``"citation"``, ``"concept"`` or ``"both"``; by default ``"both"``, or ``"citation"``
        when the concept model would first have to be fitted on more than 20,000 papers (minutes).
    color_by : what colours the graph's nodes (see :func:`paperlens.display.graphview.graph`).
    max_nodes : at most this many papers are drawn (the first ones in table order, plus the
        selected paper); the caption says how many are hidden.
    neighbours : how many concept neighbours the detail pane lists (0 leaves them out).
    communities : fill the topic select from :func:`paperlens.graphs.structure.community_table`:
        ``True``, ``False``, or ``"auto"`` (at open time up to 5000 papers when the concept model is
        cheap, see ``graph_kind``; else on a click of "find topics").
    debounce, graph_delay : seconds of quiet before the typed query / the graph redraw is applied.
    **filters : initial values of the filter traits (``query=``, ``years=``, ...).

    Attributes
    ----------
    corpus : the filtered :class:`Corpus`, in table order (read-only; observe it with
        ``observe(callback, names="corpus")``; it is built when first read after a change).
    selected : the clicked :class:`Paper` or ``None`` (settable: a Paper, an id, or ``None``).
    query, years, authors, venue, categories, community, min_citations, has_abstract : the filters.
        ``years`` is a ``(low, high)`` pair (``None`` resets it to every year; the full span keeps
        papers of unknown year); ``authors`` are parts of author names (case-insensitive, any of
        them, as ``Corpus.filter(authors=...)``); ``categories`` keeps papers with any of them;
        ``venue`` is one venue or ``None``; ``community`` a topic id (or its label) or ``None``;
        ``min_citations=0`` and ``has_abstract=False`` filter nothing.
    sort_by, ascending, page, page_size : the table's state. ``sort_by`` is one of :data:`SORT_KEYS`;
        ``"relevance"`` is best match first when searching, else the corpus's own order.
        ``page`` counts from 1.
    graph_kind, color_by : the graph pane's state.
    base : the corpus the explorer was opened on.
    controls : the filter widgets by filter name, e.g. ``explorer.controls["query"]``.
    table, detail, graph_pane, count, status : the results table, the detail pane (HTML), the
        graph pane, the ``N of M papers`` line and the line showing errors from clicks.

    Observe any trait with ``explorer.observe(callback, names="corpus")``; the callback gets
    the usual traitlets change dict (``change["new"]`` is the new value).
    """

    query = traitlets.Unicode("")
    years = traitlets.Any(None, allow_none=True)
    authors = traitlets.Any(())
    venue = traitlets.Unicode(None, allow_none=True)
    categories = traitlets.Any(())
    community = traitlets.Any(None, allow_none=True)
    min_citations = traitlets.Int(0)
    has_abstract = traitlets.Bool(False)

    sort_by = traitlets.Unicode("relevance")
    ascending = traitlets.Bool(False)
    page = traitlets.Int(1)
    page_size = traitlets.Int(20)
    graph_kind = traitlets.Unicode("both")
    color_by = traitlets.Unicode(None, allow_none=True)

    selected = traitlets.Union([traitlets.Instance(Paper), traitlets.Unicode()], default_value=None, allow_none=True)

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
        **filters: Any,
    ) -> None:
        if not isinstance(corpus, Corpus):
            raise InvalidArgumentError(f"Explorer needs a paperlens Corpus, not {type(corpus).__name__}")
        unknown = sorted(set(filters) - set(FILTERS))
        if unknown:
            raise FieldError(unknown[0], FILTERS, what="Explorer option")
        self._root = corpus.root
        if graph_kind is None:
            graph_kind = "both" if self._concepts_ready() else "citation"
        if graph_kind not in KINDS:
            raise InvalidArgumentError(f"graph_kind must be one of {KINDS}, not {graph_kind!r}")
        colors = [value for _, value in color_options()]
        if color_by not in colors:
            color_by = colors[0] if color_by == "community" else color_by  # no graph view: nothing to colour
            if color_by not in colors:
                raise InvalidArgumentError(f"color_by must be one of {colors}, not {color_by!r}")
        super().__init__()
        self.add_class("paperlens-explorer")
        self.base = corpus
        self.index = FilterIndex.of(corpus)
        self.n_neighbours = int(neighbours)
        self._hold = 0
        self._dirty = False
        self._reset_page = False
        self._positions = np.zeros(0, dtype=np.int64)  # filtered root positions, in table order
        self._corpus: Corpus | None = None  # built from _positions when first read
        self._scores: np.ndarray | None = None  # root-length search scores of the current query
        self._search_cache: dict[str, np.ndarray] = {}
        self._orders: dict[tuple[str, bool], np.ndarray] = {}  # every root position sorted, per sort
        self._community_of: np.ndarray | None = None  # root position -> topic id (-1: none)
        self._community_labels: dict[int, str] = {}

        base_positions = corpus.root_positions
        self._base_mask = np.zeros(self.index.n, dtype=bool)
        self._base_mask[base_positions] = True
        self._base_rank = np.full(self.index.n, len(base_positions), dtype=np.int64)
        self._base_rank[base_positions] = np.arange(len(base_positions))
        self.year_bounds = self.index.year_bounds(base_positions)
        present = np.unique(self.index._cat_code[self._base_mask[self.index._cat_owner]])
        self._base_categories = [self.index.categories[i] for i in present]  # most frequent first
        venue_codes = np.unique(self.index.venue_codes[base_positions])
        self._base_venues = [self.index.venues[i] for i in venue_codes if i >= 0]
        has_citations = bool((~np.isnan(self.index.citations[base_positions])).any())

        self._query_debouncer = _Debouncer(self._commit_query, debounce, self._show_error)
        self._graph_debouncer = _Debouncer(self._draw_graph, graph_delay, self._show_error)
        self._detail_debouncer = _Debouncer(self._fill_neighbours, 0.05, self._show_error)

        self.set_trait("page_size", int(page_size))
        self.set_trait("years", self.year_bounds)
        self.set_trait("graph_kind", graph_kind)
        self.set_trait("color_by", color_by)

        # --- widgets
        self.filters_box = FilterControls(
            self.index,
            year_bounds=self.year_bounds,
            categories=self._base_categories,
            venues=self._base_venues,
            has_citations=has_citations,
        )
        self.controls = self.filters_box.controls
        self.controls["query"].observe(self._guard(self._on_search_typed), names="value")
        for name in FILTERS[1:]:
            self.controls[name].observe(self._guard(self._on_control, name), names="value")
        self.filters_box.reset_button.on_click(self._guard(lambda _button: self.reset()))
        self.filters_box.find_topics.on_click(self._guard(lambda _button: self._load_communities()))

        self.count = widgets.HTML()
        self.count.add_class("pl-count")
        columns = ["title", "authors", "year"]
        columns += ["venue"] if self._base_venues else []
        columns += ["citations"] if has_citations else []
        self.table = ResultsTable(
            [*columns, "score", "id"],
            on_sort=self._guard(self._on_header),
            on_select=self._guard(self.select),
            on_page=self._guard(lambda page: setattr(self, "page", page)),
            on_page_size=self._guard(lambda size: setattr(self, "page_size", size)),
            page_size=self.page_size,
        )
        self.detail = widgets.HTML(detail_html(None))
        self.detail.add_class("pl-detail")
        table_pane = widgets.Box([self.table], layout=widgets.Layout(flex="3 1 36em", min_width="0"))
        detail_pane = widgets.Box(
            [self.detail], layout=widgets.Layout(flex="2 1 22em", max_height="46em", overflow="auto")
        )
        table_pane.add_class("pl-pane")
        detail_pane.add_class("pl-pane")
        results = widgets.HBox(
            [table_pane, detail_pane], layout=widgets.Layout(width="100%", align_items="flex-start", grid_gap="8px")
        )
        self.graph_pane = GraphPane(kind=graph_kind, color_by=color_by, max_nodes=max_nodes)
        self.graph_pane.kind_control.observe(self._guard(self._on_graph_control, "graph_kind"), names="value")
        self.graph_pane.color_control.observe(self._guard(self._on_graph_control, "color_by"), names="value")
        self._show_graph = bool(graph)
        self.status = widgets.HTML()
        self.status.add_class("pl-status")
        children: list[widgets.Widget] = [widgets.HTML(_CSS), self.filters_box, self.count, results]
        if self._show_graph:
            children.append(self.graph_pane)
        self.children = [*children, self.status]

        auto = communities == "auto" and len(corpus) <= _COMMUNITY_AUTO_LIMIT and self._concepts_ready()
        if communities is True or auto:
            self._load_communities()
        elif not communities:
            self.filters_box.topics_unavailable("topics are turned off (communities=False)")

        self.observe(self._on_filter, names=list(FILTERS))
        self.observe(self._on_view, names=["sort_by", "ascending", "page_size"])
        self.observe(self._on_page, names="page")
        self.observe(self._on_selected, names="selected")
        self.observe(self._on_graph_option, names=["graph_kind", "color_by"])
        with self.hold_refresh():
            self._dirty = True
            for name, value in filters.items():
                setattr(self, name, value)
        if self._show_graph and len(corpus) <= _COMMUNITY_AUTO_LIMIT:
            self._graph_debouncer.cancel()  # drawn with the cell (saved notebooks keep it); big corpora: after a pause
            self._graph_debouncer._fire()  # errors go to the status line: the explorer still opens

    # ------------------------------------------------------------------ validation

    @traitlets.validate("years")
    def _validate_years(self, proposal: dict[str, Any]) -> tuple[int, int] | None:
        value = proposal["value"]
        if self.year_bounds is None:
            return None
        low_bound, high_bound = self.year_bounds
        if value is None:
            return self.year_bounds
        if isinstance(value, (int, np.integer)):
            value = (value, value)
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise InvalidArgumentError(f"years takes a (low, high) pair (None for an open end), or None; got {value!r}")
        low = low_bound if value[0] is None else int(value[0])
        high = high_bound if value[1] is None else int(value[1])
        low, high = sorted((low, high))
        return (min(max(low, low_bound), high_bound), max(min(high, high_bound), low_bound))

    @traitlets.validate("authors")
    def _validate_authors(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        value = proposal["value"]
        if value is None:
            return ()
        if isinstance(value, str):
            value = (value,)
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))

    @traitlets.validate("categories")
    def _validate_categories(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        value = proposal["value"]
        if value is None:
            return ()
        if isinstance(value, str):
            value = (value,)
        out = tuple(dict.fromkeys(str(v) for v in value))
        for name in out:
            if name not in self._base_categories:
                raise FieldError(name, self._base_categories, what="category")
        return out

    @traitlets.validate("venue")
    def _validate_venue(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        if value is None or not str(value).strip():
            return None
        folded = {v.casefold(): v for v in self._base_venues}
        if str(value).casefold() not in folded:
            raise FieldError(str(value), self._base_venues, what="venue")
        return folded[str(value).casefold()]

    @traitlets.validate("community")
    def _validate_community(self, proposal: dict[str, Any]) -> int | None:
        value = proposal["value"]
        if value is None:
            return None
        if self._community_of is None:
            self._load_communities()
            if self._community_of is None:
                raise PaperlensError("topics are not available for this corpus (see the topic select's tooltip)")
        if isinstance(value, (int, np.integer)) and int(value) in self._community_labels:
            return int(value)
        by_label = {label: key for key, label in self._community_labels.items()}
        if value in by_label:
            return by_label[value]
        labels = list(by_label)
        raise FieldError(str(value), labels, what="topic")

    @traitlets.validate("min_citations")
    def _validate_min_citations(self, proposal: dict[str, Any]) -> int:
        if proposal["value"] < 0:
            raise InvalidArgumentError("min_citations must be 0 or more")
        return proposal["value"]

    @traitlets.validate("sort_by")
    def _validate_sort_by(self, proposal: dict[str, Any]) -> str:
        if proposal["value"] not in SORT_KEYS:
            raise InvalidArgumentError(f"sort_by must be one of {SORT_KEYS}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("page_size")
    def _validate_page_size(self, proposal: dict[str, Any]) -> int:
        if proposal["value"] < 1:
            raise InvalidArgumentError("page_size must be at least 1")
        return proposal["value"]

    @traitlets.validate("page")
    def _validate_page(self, proposal: dict[str, Any]) -> int:
        return min(max(int(proposal["value"]), 1), self.page_count)

    @traitlets.validate("graph_kind")
    def _validate_graph_kind(self, proposal: dict[str, Any]) -> str:
        if proposal["value"] not in KINDS:
            raise InvalidArgumentError(f"graph_kind must be one of {KINDS}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("color_by")
    def _validate_color_by(self, proposal: dict[str, Any]) -> str | None:
        known = [value for _, value in color_options()]
        if proposal["value"] not in known:
            raise InvalidArgumentError(f"color_by must be one of {known}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("selected")
    def _validate_selected(self, proposal: dict[str, Any]) -> Paper | None:
        value = proposal["value"]
        if value is None:
            return None
        return self.base[value.id if isinstance(value, Paper) else value]

    # ------------------------------------------------------------------ public API

    @property
    def corpus(self) -> Corpus:
        """The filtered corpus, in table order, with search scores when there is a query (read-only).

        Built on first access after a change and kept until the next one, so filtering
        at the keyboard never pays for a corpus nobody reads. Observe it with
        ``explorer.observe(callback, names="corpus")``.
        """
        if self._corpus is None:
            self._corpus = self._materialise(self._positions, self._scores)
        return self._corpus

    def _materialise(self, positions: np.ndarray, scores: np.ndarray | None) -> Corpus:
        return self._root.subset(positions, scores[positions] if scores is not None else None)

    def _publish_corpus(self, old_positions: np.ndarray, old_scores: np.ndarray | None) -> None:
        """Forget the old corpus; if anyone observes ``corpus``, build the new one and tell them."""
        old = self._corpus
        self._corpus = None
        notifiers = self._trait_notifiers
        observed = any(notifiers.get(name, {}).get("change") for name in ("corpus", traitlets.All))
        if not observed:
            return
        if old is None:
            old = self._materialise(old_positions, old_scores)
        same_papers = len(old_positions) == len(self._positions) and bool((old_positions == self._positions).all())
        if same_papers and old_scores is self._scores:
            self._corpus = old  # same papers, same order: no change to report
            return
        self.notify_change(traitlets.Bunch(name="corpus", old=old, new=self.corpus, owner=self, type="change"))

    @property
    def count_text(self) -> str:
        """The ``N of M papers`` line as plain text."""
        return f"{len(self._positions)} of {len(self.base)} papers"

    @property
    def page_count(self) -> int:
        """How many table pages the filtered papers fill (at least 1)."""
        return max(1, math.ceil(len(self._positions) / self.page_size))

    @property
    def table_ids(self) -> list[str]:
        """The ids of the papers on the current table page, top to bottom."""
        return list(self.table.row_ids)

    @property
    def topics(self) -> dict[int, str]:
        """The topics offered by the topic select: id -> label (empty until they are found)."""
        return dict(self._community_labels)

    def select(self, paper: str | Paper | None) -> None:
        """Select a paper (by id, any identifier form, or Paper), as a click on its row does."""
        self.selected = paper

    def set_filters(self, **values: Any) -> None:
        """Set several filters at once, refreshing once: ``explorer.set_filters(query="x", years=(2020, 2022))``."""
        unknown = sorted(set(values) - set(FILTERS))
        if unknown:
            raise FieldError(unknown[0], FILTERS, what="filter")
        with self.hold_refresh():
            for name, value in values.items():
                setattr(self, name, value)

    def reset(self) -> None:
        """Clear every filter (and the typed query): back to the whole corpus."""
        self._query_debouncer.cancel()
        self.set_filters(
            query="",
            years=None,
            authors=(),
            venue=None,
            categories=(),
            community=None,
            min_citations=0,
            has_abstract=False,
        )
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

    @contextmanager
    def hold_refresh(self) -> Iterator[None]:
        """Within this block, filter changes refresh the results once, at the end."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1
            if self._hold == 0 and self._dirty:
                self._refresh()

    # ------------------------------------------------------------------ control -> trait

    def _guard(self, handler: Callable[..., Any], *args: Any) -> Callable[..., Any]:
        """Wrap a UI callback: an error is shown in the status line (a click has no caller to raise to)."""

        def run(*call_args: Any) -> Any:
            try:
                return handler(*args, *call_args)
            except Exception as exc:
                self._show_error(exc)
                self._sync_controls()
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

    def _on_control(self, name: str, change: dict[str, Any]) -> None:
        value = change["new"]
        if name in ("authors", "categories"):
            value = tuple(value)
        elif name == "min_citations":
            value = int(value or 0)
        elif (name, value) in (("venue", ANY_VENUE), ("community", ANY_TOPIC)):
            value = None
        setattr(self, name, value)

    def _on_header(self, key: str) -> None:
        if key == self.sort_by:
            self.ascending = not self.ascending
        else:
            with self.hold_refresh():
                self.sort_by = key
                self.ascending = _NATURAL_ASCENDING[key]

    def _on_graph_control(self, name: str, change: dict[str, Any]) -> None:
        setattr(self, name, None if (name, change["new"]) == ("color_by", NO_COLOR) else change["new"])

    # ------------------------------------------------------------------ trait -> everything downstream

    def _sync_controls(self) -> None:
        for name in FILTERS:
            self._sync_control(name)

    def _sync_control(self, name: str) -> None:
        control = self.controls[name]
        value = getattr(self, name)
        if name == "query":
            self._query_debouncer.cancel()
        elif name in ("authors", "categories"):
            value = list(value)
        elif name == "years":
            value = value if value is not None else (control.min, control.max)
        elif name == "venue" and value is None:
            value = ANY_VENUE
        elif name == "venue" and value not in [v for _, v in control.options]:
            control.options = [*control.options, (value, value)]
        elif name == "community" and value is None:
            value = ANY_TOPIC
        if control.value != value:
            control.value = value

    def _on_filter(self, change: dict[str, Any]) -> None:
        self._sync_control(change["name"])
        if change["name"] == "query" and change["new"] and not change["old"] and self.sort_by == "relevance":
            self.set_trait("ascending", False)  # a new search shows the best match first
        self._reset_page = True
        self._dirty = True
        if self._hold == 0:
            self._refresh()

    def _on_view(self, change: dict[str, Any]) -> None:
        if change["name"] == "page_size" and self.table.page_size.value != change["new"]:
            self.table.page_size.options = sorted({*self.table.page_size.options, change["new"]})
            self.table.page_size.value = change["new"]
        self._reset_page = True
        self._dirty = True
        if self._hold == 0:
            self._refresh()

    def _on_page(self, change: dict[str, Any]) -> None:
        self._update_table()

    def _search_scores(self, query: str) -> np.ndarray:
        """Root-length BM25 scores of ``query`` (0: no match), from ``Corpus.search`` on the base corpus."""
        scores = self._search_cache.get(query)
        if scores is None:
            scores = np.asarray(self._root.search_scores(query), dtype=np.float64)  # what Corpus.search ranks by
            if len(self._search_cache) > 32:
                self._search_cache.clear()
            self._search_cache[query] = scores
        return scores

    def _mask(self) -> tuple[np.ndarray, np.ndarray | None]:
        mask = self._base_mask & self.index.mask(
            years=self.years if self.years != self.year_bounds else None,
            authors=self.authors,
            venue=self.venue,
            categories=self.categories,
            min_citations=self.min_citations,
            has_abstract=self.has_abstract,
        )
        scores = None
        if self.query.strip():
            scores = self._search_scores(self.query.strip())
            mask &= scores > 0
        if self.community is not None and self._community_of is not None:
            mask &= self._community_of == self.community
        return mask, scores

    def _refresh(self) -> None:
        """Filter and sort; update the count, the table and the corpus trait; schedule the graph."""
        self._dirty = False
        mask, scores = self._mask()
        positions = self.index.order_mask(
            mask, self.sort_by, self.ascending, base_rank=self._base_rank, scores=scores, cache=self._orders
        )
        old_positions, old_scores = self._positions, self._scores
        self._positions, self._scores = positions, scores
        if self._reset_page:
            self._reset_page = False
            self.set_trait("page", 1)
        elif self.page > self.page_count:
            self.set_trait("page", self.page_count)
        self._update_table()
        query = self.query.strip()  # the count last: when it changes in the browser, the table already has
        best = ", best match first" if query and self.sort_by == "relevance" else ""
        searched = f" for <q>{esc(query)}</q>{best}" if query else ""
        self.count.value = (
            f"<span data-count='{len(positions)}'><b>{len(positions):,}</b> of {len(self.base):,} papers</span>"
            f"{searched}"
        )
        self._publish_corpus(old_positions, old_scores)
        if self._show_graph:
            self._graph_debouncer()

    def _update_table(self) -> None:
        start = (self.page - 1) * self.page_size
        page_positions = self._positions[start : start + self.page_size]
        ix = self.index
        rows = []
        for pos in page_positions.tolist():
            score = self._scores[pos] if self._scores is not None else None
            rows.append(
                Row(
                    id=ix.ids[pos],
                    title=" ".join(str(ix.titles[pos]).split()),
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
            # "relevance" without a query is the corpus's own order: no column shows it.
            sort_key=self.sort_by if self.sort_by != "relevance" or self.query.strip() else "",
            ascending=self.ascending,
            selected=self.selected.id if self.selected is not None else None,
        )

    # ------------------------------------------------------------------ detail pane

    def _detail(self, paper: Paper | None, neighbours: Any) -> str:
        if paper is None:
            return detail_html(None)
        cites, cited_by = citations(self._root, paper, self._base_mask)
        terms = [self.query] if self.query.strip() else []
        return detail_html(paper, terms=terms, neighbours=neighbours, cites=cites, cited_by=cited_by)

    def _on_selected(self, change: dict[str, Any]) -> None:
        self._update_table()
        paper = change["new"]
        waiting = "finding the papers with the same concepts…" if self.n_neighbours > 0 else None
        self.detail.value = self._detail(paper, waiting)
        if paper is not None and self.n_neighbours > 0:
            self._detail_debouncer()
        if self._show_graph:
            self._graph_debouncer()

    def _concepts_ready(self) -> bool:
        """Whether concept neighbours come cheap: the model is fitted, or fitting it is quick."""
        if len(self._root) <= _CONCEPT_AUTO_LIMIT:
            return True
        from ..graphs.concepts import find_fitted_model

        return find_fitted_model(self._root) is not None

    def _fill_neighbours(self) -> None:
        paper = self.selected
        if paper is None:
            return
        if self._concepts_ready():
            neighbours: Any = concept_neighbours(self.base, paper, self.n_neighbours)
        else:
            neighbours = (
                f"The concept model of these {len(self._root):,} papers is not fitted yet (that takes minutes): "
                "run corpus.concept_model() in a cell, or choose the concept graph, then click again."
            )
        self.detail.value = self._detail(paper, neighbours)

    # ------------------------------------------------------------------ topics

    def _load_communities(self) -> None:
        """Fill the topic select from ``paperlens.graphs.structure.community_table`` (concept communities)."""
        try:
            from ..graphs.structure import community_table

            table = community_table(self.base, kind="concept")
        except ImportError as exc:
            self.filters_box.topics_unavailable(f"topics are not available: {exc}")
            return
        except Exception as exc:  # no concepts, too few papers...: the explorer still works without topics
            self.filters_box.topics_unavailable(f"no topics: {type(exc).__name__}: {exc}")
            return
        of = np.full(self.index.n, -1, dtype=np.int64)
        lookup = {paper_id: pos for pos, paper_id in enumerate(self.index.ids)}
        labels: dict[int, str] = {}
        options = []
        for record in table.to_dict("records"):
            members = [lookup[i] for i in record["ids"] if i in lookup]
            if len(members) < 2:  # papers alone in their community are left unassigned
                continue
            code = len(labels)
            label = str(record.get("label") or "").strip() or f"topic {code + 1}"
            if label in labels.values():
                label = f"{label} ({code + 1})"
            labels[code] = label
            of[members] = code
            options.append((f"{label} ({len(members)})", code))
        self._community_of = of
        self._community_labels = labels
        self.filters_box.set_topics(options)

    # ------------------------------------------------------------------ graph pane

    def _on_graph_option(self, change: dict[str, Any]) -> None:
        control = self.graph_pane.kind_control if change["name"] == "graph_kind" else self.graph_pane.color_control
        value = NO_COLOR if change["new"] is None and change["name"] == "color_by" else change["new"]
        if control.value != value:
            control.value = value
        if self._show_graph:
            self._graph_debouncer()

    def _draw_graph(self) -> None:
        selected = self.selected
        self.graph_pane.draw(
            self._root,
            self._positions,
            kind=self.graph_kind,
            color_by=self.color_by,
            selected=self._root.position(selected.id) if selected is not None else None,
            selected_id=selected.id if selected is not None else None,
            busy=None
            if self.graph_kind == "citation" or self._concepts_ready()
            else f"Fitting the concept model of {len(self._root):,} papers, once (this takes minutes)…",
        )
