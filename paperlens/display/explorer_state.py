"""The explorer's headless state: filters, validation, filtering, ordering, topics and selection, no widgets.

:class:`ExplorerState` is a ``traitlets.HasTraits`` holding everything the explorer
*knows*: the filter traits (``query``, ``years``, ...), the table's order and page,
the graph pane's options, the selected paper, and the result of applying them
(:attr:`~ExplorerState.positions`, :attr:`~ExplorerState.corpus`). It imports no
ipywidgets, so it can be driven and tested from plain Python;
:class:`paperlens.display.explorer.Explorer` is this state plus a thin widget
layout whose controls are linked to the traits.

How it stays fast: a :class:`~paperlens.display.explorer_index.FilterIndex` of
numpy arrays is built once per root corpus (cached on ``corpus.root``); a filter
change is a few vectorised comparisons giving root positions in table order
(:attr:`positions`), then, only when someone reads or observes it, one
``root.subset(positions)`` (:attr:`corpus`).

Panes observe the traits they show. ``revision`` counts refreshes of the results
(observe it to redraw after any filter or order change); ``selected`` is the
clicked paper; ``labels`` (paper id -> label) and ``highlight`` (paper ids to
emphasise) are shared by every pane; :meth:`ExplorerState.add_ranking` registers a
new sort key computed from the state (e.g. relevance to the labelled papers).

Examples
--------
>>> import paperlens as pl
>>> state = ExplorerState(pl.load_sample(), query="language model", years=(2023, 2023))
>>> state.count_text
'18 of 69 papers'
>>> state.corpus.ids == pl.load_sample().search("language model").filter(year=(2023, 2023)).ids
True
>>> state.years = (2030, 1990)  # ordered and clamped to the papers' years
>>> state.years
(2019, 2025)
>>> state.select("2203.05482")
>>> state.selected.title[:11]
'Model soups'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import traitlets

from ..corpus import Corpus
from ..errors import FieldError, InvalidArgumentError, PaperlensError
from ..record import Paper
from .explorer_index import SORT_KEYS, FilterIndex

__all__ = ["FILTERS", "KINDS", "LABEL_RANKING", "SORT_KEYS", "ExplorerState", "color_choices", "relevance_to_labels"]

#: The filter traits, in the order the controls show them.
FILTERS = (
    *("query", "years", "authors", "venue", "categories", "keywords", "community", "min_citations", "has_abstract"),
)
#: Kinds of links the graph pane can draw.
KINDS = ("citation", "concept", "both")
#: The sort key of "relevance to my labels" and the label filter's values.
LABEL_RANKING = "my labels"
LABEL_FILTERS = ("any", "relevant", "irrelevant", "labelled", "unlabelled")


def relevance_to_labels(state: ExplorerState) -> np.ndarray:
    """One score per root paper: :func:`~paperlens.graphs.recommend.recommend_table` on the state's labels.

    Unlabelled papers are ranked by relatedness to the relevant ones (text model and citations); the
    labelled ones come after them (relevant before irrelevant); with no relevant label, all score 0.
    """
    relevant = [pid for pid, label in state.labels.items() if label == "relevant"]
    irrelevant = [pid for pid, label in state.labels.items() if label == "irrelevant"]
    scores = np.zeros(state.index.n, dtype=np.float64)
    if not relevant:
        return scores
    from ..graphs.recommend import recommend_table

    table = recommend_table(state.root, relevant, irrelevant, n=None, corpus_labels=False, explain=False)
    scores[:] = -1e300
    scores[table["position"].to_numpy()] = table["score"].to_numpy()
    scores[[state.root.position(p) for p in relevant]] = -1e299
    return scores


NATURAL_ASCENDING = {"relevance": False, "title": True, "authors": True, "year": False, "venue": True}
NATURAL_ASCENDING.update({"citations": False, "id": True})
# The share of "find topics" done when each of its stages starts (fit, neighbours, Louvain, labels), from
# bench_topics.py at 74,728 papers: fit 7.3 s, neighbour search 13.3 s, Louvain 0.4 s, labels 4.5-5.2 s.
TOPIC_STAGES = (0.0, 0.27, 0.78, 0.8)
_COMMUNITY_AUTO_LIMIT = 5000  # find topics at open time up to this many papers; beyond, on request
_CONCEPT_AUTO_LIMIT = 20_000  # fit the concept model without being asked up to this many papers
_CORPUS_WATCHED = ("corpus", traitlets.All)


def _read_only(array: np.ndarray) -> np.ndarray:
    """A view of ``array`` that cannot be written through (the state's own arrays are handed out so)."""
    view = array.view()
    view.flags.writeable = False
    return view


def color_choices() -> tuple[str | None, ...]:
    """What can colour the graph pane's nodes (:data:`paperlens.display.graphview.COLOR_BY`)."""
    from .graphview import COLOR_BY

    return tuple(COLOR_BY)


class _Value(traitlets.Any):
    """Any value, ``None`` included, always passed to the trait's validator (``traitlets.Any`` lets ``None`` by)."""

    allow_none = False


def _names_of(names: Any) -> tuple[Any, ...]:
    if names is traitlets.All or isinstance(names, str):
        return (names,)
    return tuple(names)


class ExplorerState(traitlets.HasTraits):
    """What an explorer shows, without the widgets: filters in, ordered root positions and a corpus out.

    Parameters
    ----------
    corpus : Corpus
        The papers to explore (a subset explores just those papers).
    page_size : int
        Rows per table page.
    graph_kind : str or None
        ``"citation"``, ``"concept"`` or ``"both"``; by default ``"both"``, ``"concept"`` when no paper
        lists references, or ``"citation"`` when the concept model would first have to be fitted on more
        than 20,000 papers.
    color_by : str or None
        What colours the graph's nodes (see :func:`paperlens.display.graphview.graph`).
    communities : bool or str
        Find the topics at once (``True``), never (``False``), or ``"auto"``: at once up to
        5000 papers when the concept model is cheap, else on :meth:`load_topics`.
    **filters
        Initial values of the filter traits (``query=``, ``years=``, ...).

    Attributes
    ----------
    query, years, authors, venue, categories, keywords, community, min_citations, has_abstract
        The filters (see :class:`paperlens.Explorer`).
    sort_by, ascending, page, page_size
        The table's order and page (``page`` counts from 1).
    graph_kind, color_by
        The graph pane's options.
    selected : Paper or None
        The selected paper (settable with a Paper, any identifier form, or ``None``).
    labels : dict
        Paper id -> label (a string such as ``"relevant"``); set it whole, or use :meth:`set_label`.
    highlight : tuple of str
        Paper ids every pane should emphasise (the others may be dimmed).
    checked : tuple of str
        Paper ids ticked in the table, in the order they were ticked (settable with ids, any identifier
        form, or Papers); the label bar labels them all when any are ticked (:meth:`label_targets`).
    topics : dict
        Topic id -> label, filled by :meth:`load_topics` (empty until then).
    topics_note : str
        Why there are no topics, when they could not be found or are turned off.
    revision : int
        Counts the refreshes of the results (one per filter or order change, or per
        :meth:`set_filters` / :meth:`hold_refresh` block); observe it to redraw a pane.
    base : Corpus
        The corpus the state was opened on.
    index : FilterIndex
        The arrays behind the filters (one per root corpus).
    """

    query = traitlets.Unicode("")
    years = _Value(None)
    authors = _Value(())
    venue = traitlets.Unicode(None, allow_none=True)
    categories = _Value(())
    keywords = _Value(())
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
    labels = traitlets.Dict()
    label_filter = traitlets.Unicode("any")
    tag_filter = _Value(())
    highlight = _Value(())
    checked = _Value(())
    topics = traitlets.Dict(read_only=True)
    topics_note = traitlets.Unicode("", read_only=True)
    revision = traitlets.Int(0, read_only=True)

    def __init__(
        self,
        corpus: Corpus,
        *,
        page_size: int = 20,
        graph_kind: str | None = None,
        color_by: str | None = "community",
        communities: bool | str = "auto",
        **filters: Any,
    ) -> None:
        if not isinstance(corpus, Corpus):
            raise InvalidArgumentError(f"Explorer needs a paperlens Corpus, not {type(corpus).__name__}")
        unknown = sorted(set(filters) - set(FILTERS))
        if unknown:
            raise FieldError(unknown[0], FILTERS, what="Explorer option")
        self._root = corpus.root
        if graph_kind is None:  # open on what the corpus has; never a first fit of a big concept model
            if not self.concepts_ready():
                graph_kind = "citation"
            elif not corpus.column("references").map(len).any():
                graph_kind = "concept"  # no paper lists references: there is no citation to draw
            else:
                graph_kind = "both"
        if graph_kind not in KINDS:
            raise InvalidArgumentError(f"graph_kind must be one of {KINDS}, not {graph_kind!r}")
        colors = color_choices()
        if color_by not in colors:
            color_by = colors[0] if color_by == "community" else color_by
            if color_by not in colors:
                raise InvalidArgumentError(f"color_by must be one of {list(colors)}, not {color_by!r}")
        super().__init__()
        self.base = corpus
        self.index = FilterIndex.of(corpus)
        self._hold = 0
        self._dirty = False
        self._reset_page = False
        self._corpus_watchers = 0  # observers of "corpus" (it is built for them, else only when read)
        self._positions = np.zeros(0, dtype=np.int64)  # filtered root positions, in table order
        self._corpus: Corpus | None = None  # built from _positions when first read
        self._scores: np.ndarray | None = None  # root-length search scores of the current query
        self._search_cache: dict[str, np.ndarray] = {}
        self._orders: dict[tuple[str, bool], np.ndarray] = {}  # every root position sorted, per sort
        self._rankings: dict[str, tuple[Callable[[ExplorerState], np.ndarray], bool]] = {}
        self._community_of: np.ndarray | None = None  # root position -> topic id (-1: none)
        self._chosen: np.ndarray | None = None  # root positions picked on the map (None: no such filter)
        self._topic_sizes: dict[int, int] = {}

        base_positions = corpus.root_positions
        self._base_mask = np.zeros(self.index.n, dtype=bool)
        self._base_mask[base_positions] = True
        self._base_rank = np.full(self.index.n, len(base_positions), dtype=np.int64)
        self._base_rank[base_positions] = np.arange(len(base_positions))
        self.year_bounds = self.index.year_bounds(base_positions)
        self.base_categories = self.index.categories_among(self._base_mask)  # most frequent first
        self.base_keywords = self.index.keywords_among(self._base_mask)
        self.base_venues = self.index.venues_among(self._base_mask)
        self.has_citations = bool((~np.isnan(self.index.citations[base_positions])).any())

        self.set_trait("page_size", int(page_size))
        self.set_trait("years", self.year_bounds)
        self.set_trait("graph_kind", graph_kind)
        self.set_trait("color_by", color_by)

        auto = communities == "auto" and len(corpus) <= _COMMUNITY_AUTO_LIMIT and self.concepts_ready()
        if communities is True or auto:
            self.load_topics()
        elif not communities:
            self.set_trait("topics_note", "topics are turned off (communities=False)")

        # Labels start as the corpus's own (Corpus.annotate); "my labels" ranks by relevance to them.
        root_labels = corpus.root.column("label").to_numpy(dtype=object)
        self.labels = {
            self.index.ids[pos]: root_labels[pos]
            for pos in base_positions.tolist()
            if isinstance(root_labels[pos], str)
        }
        self.add_ranking(LABEL_RANKING, relevance_to_labels)
        self.observe(self._on_filter, names=[*FILTERS, "label_filter", "tag_filter"])
        self.observe(self._on_order, names=["sort_by", "ascending", "page_size"])
        self.observe(self._on_labels, names="labels")
        with self.hold_refresh():
            self._dirty = True
            for name, value in filters.items():
                setattr(self, name, value)

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
            if name not in self.base_categories:
                raise FieldError(name, self.base_categories, what="category")
        return out

    @traitlets.validate("keywords")
    def _validate_keywords(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        value = proposal["value"]
        if value is None:
            return ()
        if isinstance(value, str):
            value = (value,)
        known = {k.casefold(): k for k in reversed(self.base_keywords)}  # any case; shown as the papers spell it
        out = []
        for name in dict.fromkeys(str(v).strip() for v in value if str(v).strip()):
            if name.casefold() not in known:
                raise FieldError(name, self.base_keywords, what="keyword")
            out.append(known[name.casefold()])
        return tuple(dict.fromkeys(out))

    @traitlets.validate("venue")
    def _validate_venue(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        if value is None or not str(value).strip():
            return None
        folded = {v.casefold(): v for v in self.base_venues}
        if str(value).casefold() not in folded:
            raise FieldError(str(value), self.base_venues, what="venue")
        return folded[str(value).casefold()]

    @traitlets.validate("community")
    def _validate_community(self, proposal: dict[str, Any]) -> int | None:
        value = proposal["value"]
        if value is None:
            return None
        if self._community_of is None:
            self.load_topics()
            if self._community_of is None:
                raise PaperlensError(f"topics are not available for this corpus ({self.topics_note})")
        if isinstance(value, (int, np.integer)) and int(value) in self.topics:
            return int(value)
        by_label = {label: key for key, label in self.topics.items()}
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
        known = self.sort_keys
        if proposal["value"] not in known:
            raise InvalidArgumentError(f"sort_by must be one of {known}, not {proposal['value']!r}")
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
        known = color_choices()
        if proposal["value"] not in known:
            raise InvalidArgumentError(f"color_by must be one of {list(known)}, not {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("selected")
    def _validate_selected(self, proposal: dict[str, Any]) -> Paper | None:
        value = proposal["value"]
        if value is None:
            return None
        return self.base[value.id if isinstance(value, Paper) else value]

    def _paper_ids(self, values: Any) -> list[str]:
        return [self.base[v.id if isinstance(v, Paper) else v].id for v in values]

    @traitlets.validate("labels")
    def _validate_labels(self, proposal: dict[str, Any]) -> dict[str, str]:
        value = dict(proposal["value"] or {})
        ids = self._paper_ids(value)
        return {paper_id: str(label) for paper_id, label in zip(ids, value.values(), strict=True)}

    @traitlets.validate("label_filter")
    def _validate_label_filter(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"] or "any"
        if value not in LABEL_FILTERS:
            raise InvalidArgumentError(f"label_filter must be one of {LABEL_FILTERS}, not {value!r}")
        return value

    @traitlets.validate("tag_filter")
    def _validate_tag_filter(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        value = proposal["value"] or ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

    @traitlets.validate("checked", "highlight")
    def _validate_id_set(self, proposal: dict[str, Any]) -> tuple[str, ...]:
        value = proposal["value"]
        if value is None:
            return ()
        if isinstance(value, (str, Paper)):
            value = (value,)
        return tuple(dict.fromkeys(self._paper_ids(value)))

    # ------------------------------------------------------------------ results

    @property
    def corpus(self) -> Corpus:
        """The filtered corpus, in table order, with search scores when there is a query (read-only).

        Built on first access after a change and kept until the next one, so filtering
        at the keyboard never pays for a corpus nobody reads. Observe it with
        ``state.observe(callback, names="corpus")``.
        """
        if self._corpus is None:
            self._corpus = self._materialise(self._positions, self._scores)
        return self._corpus

    @property
    def positions(self) -> np.ndarray:
        """Root positions of the filtered papers, in table order (a read-only array)."""
        return _read_only(self._positions)

    @property
    def scores(self) -> np.ndarray | None:
        """Root-length search scores of the current query (``None`` without a query; read-only)."""
        return None if self._scores is None else _read_only(self._scores)

    @property
    def root(self) -> Corpus:
        """The root corpus: positions and the index refer to its papers."""
        return self._root

    @property
    def base_mask(self) -> np.ndarray:
        """Boolean mask over root positions: ``True`` for the papers of :attr:`base` (read-only)."""
        return _read_only(self._base_mask)

    @property
    def count_text(self) -> str:
        """The ``N of M papers`` line as plain text."""
        return f"{len(self._positions)} of {len(self.base)} papers"

    @property
    def page_count(self) -> int:
        """How many table pages the filtered papers fill (at least 1)."""
        return max(1, math.ceil(len(self._positions) / self.page_size))

    @property
    def page_positions(self) -> np.ndarray:
        """Root positions of the papers on the current page, top to bottom."""
        start = (self.page - 1) * self.page_size
        return self._positions[start : start + self.page_size]

    @property
    def sort_keys(self) -> tuple[str, ...]:
        """Every key ``sort_by`` takes: :data:`SORT_KEYS` and the rankings added with :meth:`add_ranking`."""
        return (*SORT_KEYS, *self._rankings)

    @property
    def sorted_by_column(self) -> str:
        """The sort key a table column should mark (``""``: "relevance" without a query is the corpus order)."""
        return self.sort_by if self.sort_by != "relevance" or self.query.strip() else ""

    # ------------------------------------------------------------------ actions

    def select(self, paper: str | Paper | None) -> None:
        """Select a paper (by id, any identifier form, or Paper), as a click on its row does."""
        self.selected = paper

    def set_label(self, paper: str | Paper, label: str | None) -> None:
        """Give ``paper`` a label (``None`` removes it); ``labels`` observers are told once."""
        paper_id = self.base[paper.id if isinstance(paper, Paper) else paper].id
        labels = dict(self.labels)
        if label is None:
            labels.pop(paper_id, None)
        else:
            labels[paper_id] = str(label)
        self.labels = labels

    def set_labels(self, papers: Any, label: str | None) -> None:
        """Give several papers one label at once (``None`` removes theirs); observers are told once."""
        ids = self._paper_ids([papers] if isinstance(papers, (str, Paper)) else papers)
        labels = dict(self.labels)
        for paper_id in ids:
            if label is None:
                labels.pop(paper_id, None)
            else:
                labels[paper_id] = str(label)
        self.labels = labels

    def check(self, papers: Any, on: bool = True) -> None:
        """Tick (``on=True``) or untick papers in the table; ``checked`` observers are told once."""
        ids = self._paper_ids([papers] if isinstance(papers, (str, Paper)) else papers)
        if on:
            self.checked = (*self.checked, *ids)
        else:
            gone = set(ids)
            self.checked = tuple(pid for pid in self.checked if pid not in gone)

    def check_range(self, first: str | Paper, last: str | Paper, on: bool = True) -> None:
        """Tick (or untick) every paper from ``first`` to ``last`` (both included) in table order, as a
        shift-click does."""
        ends = [self._root.position(pid) for pid in self._paper_ids([first, last])]
        where = [int(np.flatnonzero(self._positions == end)[0]) for end in ends if (self._positions == end).any()]
        if len(where) != 2:
            raise InvalidArgumentError("both ends of a range must be among the papers the filters keep")
        low, high = sorted(where)
        self.check([self.index.ids[pos] for pos in self._positions[low : high + 1].tolist()], on)

    def label_targets(self) -> tuple[str, ...]:
        """What a label button acts on: the ticked papers when any are ticked, else the selected paper."""
        if self.checked:
            return self.checked
        if self.selected is None:
            raise InvalidArgumentError("select a paper first (click its title) or tick some rows, then label")
        return (self.selected.id,)

    def label_chosen(self, label: str | None) -> tuple[str, ...]:
        """Label :meth:`label_targets` (``None`` clears their labels); returns the ids labelled."""
        ids = self.label_targets()
        self.set_labels(ids, label)
        return ids

    def step_selection(self, step: int) -> Paper | None:
        """Select the paper ``step`` rows below the selected one in table order (above when negative),
        turning the page when it leaves it; with none selected, the first paper of the page. Returns it."""
        if not len(self._positions):
            return None
        if self.selected is None:
            page = self.page_positions
            target = int(page[0]) if len(page) else int(self._positions[0])
        else:
            here = np.flatnonzero(self._positions == self._root.position(self.selected.id))
            if not len(here):  # filtered out: start again from the page's first paper
                target = int(self.page_positions[0]) if len(self.page_positions) else int(self._positions[0])
            else:
                row = min(max(int(here[0]) + int(step), 0), len(self._positions) - 1)
                target = int(self._positions[row])
        row = int(np.flatnonzero(self._positions == target)[0])
        page = row // self.page_size + 1
        if page != self.page:
            self.page = page
        self.selected = self.index.ids[target]
        return self.selected

    def annotated(self) -> Corpus:
        """The corpus opened, with the labels given here (``Corpus.annotate``): save it to keep them."""
        root = self._root
        before = {pid: lab for pid, lab in zip(root.ids, root.column("label"), strict=True) if isinstance(lab, str)}
        out = root
        cleared = [pid for pid in before if pid not in self.labels]
        if cleared:
            out = out.annotate(cleared, None)
        for label in sorted(set(self.labels.values())):
            ids = [pid for pid, lab in self.labels.items() if lab == label and before.get(pid) != label]
            if ids:
                out = out.annotate(ids, label)
        return out if self.base is root else out.subset(self.base.root_positions)

    def set_filters(self, **values: Any) -> None:
        """Set several filters at once, refreshing once: ``state.set_filters(query="x", years=(2020, 2022))``."""
        unknown = sorted(set(values) - set(FILTERS))
        if unknown:
            raise FieldError(unknown[0], FILTERS, what="filter")
        with self.hold_refresh():
            for name, value in values.items():
                setattr(self, name, value)

    def reset(self) -> None:
        """Clear every filter: back to the whole corpus."""
        self.set_filters(
            query="",
            years=None,
            authors=(),
            venue=None,
            categories=(),
            keywords=(),
            community=None,
            min_citations=0,
            has_abstract=False,
        )

    def add_ranking(self, name: str, scores: Callable[[ExplorerState], np.ndarray], *, ascending: bool = False) -> None:
        """Offer ``sort_by=name``: papers ordered by ``scores(state)``, one float per root position.

        The scores are computed again on every refresh while ``sort_by == name`` (so they
        may depend on ``labels``, ``query``...); ties keep the base corpus's order and
        ``ascending`` is the natural direction (``False``: highest first). Re-sorting when
        the inputs change is the caller's job: call :meth:`refresh`.
        """
        if name in SORT_KEYS:
            raise InvalidArgumentError(f"sort key {name!r} is built in; choose another name")
        self._rankings[name] = (scores, bool(ascending))

    def natural_ascending(self, key: str) -> bool:
        """The direction a first click on ``key`` sorts in (newest, most cited, best first; A to Z)."""
        if key in self._rankings:
            return self._rankings[key][1]
        return NATURAL_ASCENDING[key]

    def choose(self, positions: np.ndarray | list[int] | None) -> None:
        """Keep only these papers (root positions, e.g. a lasso on the map) besides the other filters;
        ``None`` removes this filter."""
        if positions is None:
            self._chosen = None
        else:
            chosen = np.zeros(self.index.n, dtype=bool)
            chosen[np.asarray(positions, dtype=np.int64)] = True
            self._chosen = chosen
        self._reset_page = True
        self.refresh()

    def refresh(self) -> None:
        """Apply the filters and the order now (done for you after every change)."""
        self._dirty = True
        if self._hold == 0:
            self._refresh()

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

    # ------------------------------------------------------------------ observing "corpus"

    def observe(self, handler: Callable[..., Any], names: Any = traitlets.All, type: Any = "change") -> None:
        """As :meth:`traitlets.HasTraits.observe`; ``names="corpus"`` also works (it is a property, built lazily)."""
        super().observe(handler, names=names, type=type)
        if type in ("change", traitlets.All) and any(n in _CORPUS_WATCHED for n in _names_of(names)):
            self._corpus_watchers += 1

    def unobserve(self, handler: Callable[..., Any], names: Any = traitlets.All, type: Any = "change") -> None:
        """As :meth:`traitlets.HasTraits.unobserve`."""
        super().unobserve(handler, names=names, type=type)
        if type in ("change", traitlets.All) and any(n in _CORPUS_WATCHED for n in _names_of(names)):
            self._corpus_watchers = max(0, self._corpus_watchers - 1)

    def unobserve_all(self, name: Any = traitlets.All) -> None:
        """As :meth:`traitlets.HasTraits.unobserve_all`."""
        super().unobserve_all(name)
        if name in _CORPUS_WATCHED:
            self._corpus_watchers = 0

    # ------------------------------------------------------------------ internals

    def _materialise(self, positions: np.ndarray, scores: np.ndarray | None) -> Corpus:
        return self._root.subset(positions, scores[positions] if scores is not None else None)

    def _publish_corpus(self, old_positions: np.ndarray, old_scores: np.ndarray | None) -> None:
        """Forget the old corpus; if anyone observes ``corpus``, build the new one and tell them."""
        old = self._corpus
        self._corpus = None
        if not self._corpus_watchers:
            return
        if old is None:
            old = self._materialise(old_positions, old_scores)
        same_papers = len(old_positions) == len(self._positions) and bool((old_positions == self._positions).all())
        if same_papers and old_scores is self._scores:
            self._corpus = old  # same papers, same order: no change to report
            return
        self.notify_change(traitlets.Bunch(name="corpus", old=old, new=self.corpus, owner=self, type="change"))

    def _on_filter(self, change: dict[str, Any]) -> None:
        if change["name"] == "query" and change["new"] and not change["old"] and self.sort_by == "relevance":
            self.set_trait("ascending", False)  # a new search shows the best match first
        self._reset_page = True
        self.refresh()

    def _on_order(self, change: dict[str, Any]) -> None:
        self._reset_page = True
        self.refresh()

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
            keywords=self.keywords,
            min_citations=self.min_citations,
            has_abstract=self.has_abstract,
        )
        scores = None
        if self.query.strip():
            scores = self._search_scores(self.query.strip())
            mask &= scores > 0
        if self.community is not None and self._community_of is not None:
            mask &= self._community_of == self.community
        if self.label_filter != "any":
            picked = [pid for pid, lab in self.labels.items() if self.label_filter in ("labelled", "unlabelled", lab)]
            labelled = np.zeros(self.index.n, dtype=bool)
            labelled[np.asarray([self._root.position(pid) for pid in picked], dtype=np.int64)] = True
            mask &= ~labelled if self.label_filter == "unlabelled" else labelled
        if self.tag_filter:
            wanted_tags = set(self.tag_filter)
            tags = self._root.cached("explorer.tags", lambda: self._root.column("tags").tolist())
            mask &= np.fromiter((not wanted_tags.isdisjoint(t) for t in tags), bool, len(tags))
        if self._chosen is not None:
            mask &= self._chosen
        return mask, scores

    def _on_labels(self, _change: Any) -> None:
        if self.label_filter != "any" or self.sort_by == LABEL_RANKING:
            self.refresh()  # the active-learning loop: every label re-ranks

    def _order(self, mask: np.ndarray, scores: np.ndarray | None) -> np.ndarray:
        if self.sort_by in self._rankings:
            ranking = np.asarray(self._rankings[self.sort_by][0](self), dtype=np.float64)
            if ranking.shape != (self.index.n,):
                raise InvalidArgumentError(
                    f"ranking {self.sort_by!r} gave {ranking.shape} scores; it must give one per root paper "
                    f"({self.index.n})"
                )
            return self.index.order(
                np.flatnonzero(mask), "relevance", self.ascending, base_rank=self._base_rank, scores=ranking
            )
        return self.index.order_mask(
            mask, self.sort_by, self.ascending, base_rank=self._base_rank, scores=scores, cache=self._orders
        )

    def _refresh(self) -> None:
        """Filter and sort; move the page; bump ``revision``; tell ``corpus`` observers."""
        self._dirty = False
        mask, scores = self._mask()
        positions = self._order(mask, scores)
        old_positions, old_scores = self._positions, self._scores
        self._positions, self._scores = positions, scores
        if self._reset_page:
            self._reset_page = False
            self.set_trait("page", 1)
        elif self.page > self.page_count:
            self.set_trait("page", self.page_count)
        self.set_trait("revision", self.revision + 1)
        self._publish_corpus(old_positions, old_scores)

    # ------------------------------------------------------------------ concepts and topics

    def concepts_ready(self) -> bool:
        """Whether concept neighbours come cheap: the model is fitted, or fitting it is quick."""
        if len(self._root) <= _CONCEPT_AUTO_LIMIT:
            return True
        from ..graphs.concepts import find_fitted_model

        return find_fitted_model(self._root) is not None

    def load_topics(self, on_step: Callable[[float, str], None] | None = None) -> bool:
        """Find the topics (:func:`paperlens.graphs.structure.community_table`, concept communities).

        Fills :attr:`topics`, or :attr:`topics_note` with the reason there are none; returns
        whether topics were found. Papers alone in their community get no topic.

        ``on_step(done, stage)`` is called before each stage (the concept model's fit, the
        neighbour search, Louvain, the labels) with the share of the work done so far
        (:data:`TOPIC_STAGES`, measured at 75,000 papers) and what is being done, and with
        ``(1.0, "done")`` at the end: what the explorer's progress bar shows.

        >>> import paperlens as pl
        >>> steps = []
        >>> ExplorerState(pl.load_sample()).load_topics(lambda done, stage: steps.append(done))
        True
        >>> steps
        [0.0, 0.27, 0.78, 0.8, 1.0]
        """
        from ..graphs.concepts import concept_links, fitted_model
        from ..graphs.structure import community_table, corpus_communities

        def step(done: float, stage: str) -> None:
            if on_step is not None:
                on_step(done, stage)

        n = f"{len(self.base):,}"
        # The stages community_table runs, one by one (each result cached where community_table looks for it).
        stages: list[tuple[str, Callable[[], Any]]] = [
            (f"fitting the concept model of {n} papers", lambda: fitted_model(self.base)),
            (f"finding the nearest neighbours of {n} papers", lambda: concept_links(self.base)),
            (
                f"grouping {n} papers into communities (Louvain)",
                lambda: corpus_communities(self.base, "concept", resolution=1.0, seed=0, progress=False),
            ),
        ]
        try:
            for (stage, run), done in zip(stages, TOPIC_STAGES[:-1], strict=True):
                step(done, stage)
                run()
            step(TOPIC_STAGES[-1], "naming the topics by their concepts")
            table = community_table(self.base, kind="concept")
            step(1.0, "done")
        except Exception as exc:  # no concepts, too few papers...: the explorer still works without topics
            self.set_trait("topics_note", f"no topics: {type(exc).__name__}: {exc}")
            return False
        of = np.full(self.index.n, -1, dtype=np.int64)
        lookup = {paper_id: pos for pos, paper_id in enumerate(self.index.ids)}
        labels: dict[int, str] = {}
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
        self._community_of = of
        sizes = np.bincount(of[of >= 0], minlength=len(labels))
        self._topic_sizes = {code: int(sizes[code]) for code in labels}
        self.set_trait("topics", labels)
        return True

    def topic_size(self, topic: int) -> int:
        """How many papers topic ``topic`` holds."""
        return self._topic_sizes[topic]

    def topic_of(self, positions: np.ndarray) -> np.ndarray:
        """The topic id of each root position (``-1``: none, or topics not found yet)."""
        if self._community_of is None:
            return np.full(len(positions), -1, dtype=np.int64)
        return self._community_of[positions]
