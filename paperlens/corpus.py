"""The :class:`Corpus`: an immutable, chainable collection of papers.

A corpus holds one row per paper in a pandas DataFrame (``corpus.df`` hands out a
copy). Every operation returns a new Corpus, so calls chain and nothing changes
behind your back. Subsets remember the corpus they came from, so a filtered
corpus searches with its parent's index instead of building a new one.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .dedupe import deduplicate, merge_papers
from .docstrings import shared_doc
from .errors import FieldError, InvalidArgumentError, PaperlensWarning, PaperNotFoundError
from .frame import papers_frame, row_to_paper
from .ids import parse_identifier, title_key
from .record import LABELS, LIST_FIELDS, PAPER_FIELDS, Paper
from .report import LoadReport

if TYPE_CHECKING:
    import networkx as nx

    from .display.explorer import Explorer
    from .display.glance import Glance
    from .display.graphview import GraphView
    from .display.mapview import MapView
    from .graphs.concepts import ConceptModel
    from .search import SearchIndex
    from .sources.enrich import EnrichmentReport

__all__ = ["Corpus", "deduplicate", "merge_papers"]

ID_FIELDS = ("arxiv_id", "doi", "openalex_id", "s2_id")
FILTERS = (
    "year",
    "date",
    "authors",
    "authors_mode",
    "venue",
    "categories",
    "keywords",
    "has_abstract",
    "text",
    "min_citations",
    "ids",
    "label",
    "tags",
    "where",
)
_KEEP: Any = object()  # annotate(): "leave this field as it is"


def _as_set(value: str | Iterable[str]) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _range(value: Any, name: str) -> tuple[Any, Any]:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    if isinstance(value, (int, str, dt.date)):
        return value, value
    raise InvalidArgumentError(
        f"filter {name}= takes a value or a (low, high) pair with None for open ends, not {value!r}"
    )


# --------------------------------------------------------------------------- corpus


class Corpus:
    """An immutable collection of papers with a pandas table underneath.

    Build one with a reader (:func:`paperlens.read`, :func:`paperlens.load_sample`)
    or from :class:`Paper` records. Records of the same paper are merged.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> corpus
    <Corpus: 69 papers, 2019–2025>
    >>> corpus.search("low-rank adaptation", top=2).df[["id", "score"]].shape
    (2, 2)
    >>> recent = corpus.filter(year=(2023, None), categories="cs.CL").sort_by("date")
    >>> len(recent) < len(corpus)
    True
    >>> corpus["2203.05482"].title[:11]
    'Model soups'
    >>> len(corpus[:10]), corpus[0].id == corpus.ids[0]
    (10, True)
    """

    def __init__(self, papers: Iterable[Paper] = (), *, report: LoadReport | None = None) -> None:
        unique, _ = deduplicate(papers)
        self._init(papers_frame(unique), report or LoadReport(), root=None, positions=None)

    def _init(
        self,
        df: pd.DataFrame,
        report: LoadReport,
        root: Corpus | None,
        positions: np.ndarray | None,
    ) -> None:
        self._df = df
        self._report = report
        self._root = root  # the corpus this one was selected from (None: itself)
        self._positions = positions  # this corpus's rows as positions in the root
        self._cache: dict[str, Any] = {}
        self._lookup: dict[str, int] | None = None

    @classmethod
    def from_papers(cls, papers: Iterable[Paper], *, report: LoadReport | None = None) -> Corpus:
        """A corpus of exactly these papers, in this order, with this load report.

        Unlike ``Corpus(papers)`` nothing is merged: this is how readers and sources,
        which merge duplicates themselves and count each merge in the report, hand
        over their result.

        Parameters
        ----------
        papers : iterable of Paper
            The papers, already free of duplicates.
        report : LoadReport, optional
            What was done to get them (an empty report if not given).

        Returns
        -------
        Corpus

        Examples
        --------
        >>> import paperlens as pl
        >>> twice = [pl.Paper(id="a", title="A", doi="10.1000/a"), pl.Paper(id="b", title="A", doi="10.1000/a")]
        >>> len(pl.Corpus(twice)), len(pl.Corpus.from_papers(twice))  # one DOI: Corpus() merges them
        (1, 2)
        """
        corpus = cls.__new__(cls)
        corpus._init(papers_frame(papers), report or LoadReport(), root=None, positions=None)
        return corpus

    def _select(
        self, positions: np.ndarray, scores: np.ndarray | None = None, columns: Mapping[str, Any] | None = None
    ) -> Corpus:
        """A new corpus of the given row positions (in order), remembering the root."""
        positions = np.asarray(positions, dtype=np.int64)
        df = self._df.iloc[positions].reset_index(drop=True)
        if scores is not None:
            df["score"] = scores
        for name, values in (columns or {}).items():
            if name in PAPER_FIELDS or name == "score":
                raise InvalidArgumentError(f"column {name!r} is a paper field; give per-row results another name")
            df[name] = list(values)
        root = self._root or self
        root_positions = positions if self._positions is None else self._positions[positions]
        corpus = Corpus.__new__(Corpus)
        corpus._init(df, self._report, root=root, positions=root_positions)
        return corpus

    # ------------------------------------------------------------------ basic protocol

    @property
    def df(self) -> pd.DataFrame:
        """A copy of the table (one row per paper): changing it cannot change the corpus."""
        return self._df.copy()

    @property
    def report(self) -> LoadReport:
        """What the readers did with every record (loaded, merged, skipped and why)."""
        return self._report

    @property
    def enrichment(self) -> EnrichmentReport | None:
        """The report of the latest :meth:`enrich` that made this corpus (kept by filters), or ``None``."""
        for step in reversed(self._report.files):
            if step.format.startswith("enrich-") and step.detail is not None:
                return step.detail
        return None

    @property
    def ids(self) -> list[str]:
        """The paper ids, in order."""
        return self._df["id"].tolist()

    @property
    def papers(self) -> list[Paper]:
        """The papers as :class:`Paper` records."""
        return list(self)

    @property
    def scores(self) -> pd.Series | None:
        """The search scores by paper id, or ``None`` if this corpus is not a search result."""
        if "score" not in self._df:
            return None
        return pd.Series(self._df["score"].to_numpy(), index=self._df["id"], name="score")

    @property
    def reasons(self) -> pd.Series | None:
        """Why each paper was recommended, by paper id (see :meth:`recommend`), or ``None``."""
        if "reasons" not in self._df:
            return None
        return pd.Series(self._df["reasons"].to_numpy(), index=self._df["id"], name="reasons")

    @property
    def root(self) -> Corpus:
        """The corpus this one was selected from by filter/search/slicing (itself if none)."""
        return self._root or self

    @property
    def root_positions(self) -> np.ndarray:
        """This corpus's papers as row positions in :attr:`root`."""
        if self._positions is None:
            return np.arange(len(self))
        return self._positions.copy()

    # ------------------------------------------------------------------ hooks for the layers above
    # Graphs and the explorer build on these instead of the DataFrame inside.

    def subset(
        self,
        positions: Sequence[int] | np.ndarray,
        scores: Sequence[float] | None = None,
        *,
        columns: Mapping[str, Sequence[Any]] | None = None,
    ) -> Corpus:
        """The papers at these row positions, in this order, optionally with search scores.

        ``columns`` adds per-row results (e.g. ``{"reasons": [...]}``), kept by filters and slices and
        readable with :meth:`column`. The subset remembers this corpus's root, like every filter does.

        Parameters
        ----------
        positions : sequence of int
            Row positions in this corpus, in the order wanted.
        scores : sequence of float, optional
            Search scores to attach, one per position (the ``score`` column).
        columns : mapping of str to sequence, optional
            Per-row results to attach, by column name, one value per position (a name may not be a paper
            field or ``"score"``).

        Examples
        --------
        >>> import paperlens as pl
        >>> pl.load_sample().subset([2, 0]).ids == [pl.load_sample().ids[2], pl.load_sample().ids[0]]
        True
        """
        positions = np.asarray(positions, dtype=np.int64)
        return self._select(positions, None if scores is None else np.asarray(scores, dtype=np.float64), columns)

    def search_scores(self, query: str) -> np.ndarray:
        """The BM25F score of every paper here for ``query`` (0: no word matches), in row order.

        Uses the root's index, built once per root corpus.

        Parameters
        ----------
        query : str
            The search words.
        """
        return self._search_index().scores(query)[self.root_positions]

    def search_explain(self, query: str) -> str | None:
        """Why ``query`` matches no paper here (``None`` if it matches one), e.g. "no paper matches 'zebra'".

        Parameters
        ----------
        query : str
            The search words, as given to :meth:`search`.

        Examples
        --------
        >>> import paperlens as pl
        >>> pl.load_sample().search_explain("attention zzyzx")
        "no paper matches 'zzyzx'"
        """
        index = self._search_index()
        if len(self) == len(self.root):
            return index.explain(query)
        if self.search_scores(query).any():
            return None
        return index.explain(query) or "papers of the whole corpus match, none of this selection"

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per corpus and kept with it (a corpus never changes, so it stays valid).

        Name keys after the module and parameters, e.g. ``"citation.resolutions"``.

        Parameters
        ----------
        key : str
            What the value is, named after the module and parameters.
        compute : callable
            Called without arguments the first time the key is asked for.
        """
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def cached_keys(self) -> tuple[str, ...]:
        """The keys of what :meth:`cached` holds for this corpus."""
        return tuple(self._cache)

    def column(self, field: str) -> pd.Series:
        """One field of every paper, in row order (a copy: cheaper than ``.df`` or building Papers).

        Parameters
        ----------
        field : str
            A :class:`Paper` field (``PAPER_FIELDS``), or ``"score"`` for a search result.
        """
        if field not in self._df.columns:
            raise FieldError(field, self._df.columns)
        return self._df[field].copy()

    def identifier_index(self) -> Mapping[str, int]:
        """Every id, DOI, arXiv, OpenAlex and S2 id of the papers, mapped to the row position (read-only)."""
        return MappingProxyType(self._index())

    def __len__(self) -> int:
        return len(self._df)

    def __iter__(self) -> Iterator[Paper]:
        for row in self._df.to_dict("records"):
            yield row_to_paper(row)

    def __bool__(self) -> bool:
        return len(self) > 0

    def _index(self) -> dict[str, int]:
        if self._lookup is None:
            lookup: dict[str, int] = {}
            for name in (*ID_FIELDS, "id"):
                for pos, value in enumerate(self._df[name].tolist()):
                    if isinstance(value, str) and value:
                        lookup[value] = pos
            self._lookup = lookup
        return self._lookup

    def position(self, key: str | Paper) -> int:
        """The row position of a paper given by id, DOI, arXiv/OpenAlex/S2 id (any form) or Paper.

        Parameters
        ----------
        key : str or Paper
            An id, DOI, arXiv/OpenAlex/S2 id (any form), a title, or a Paper.
        """
        if isinstance(key, Paper):
            key = key.id
        lookup = self._index()
        if key in lookup:
            return lookup[key]
        parsed = parse_identifier(key)
        if parsed and parsed[1] in lookup:
            return lookup[parsed[1]]
        folded = title_key(key)
        if folded:
            titles = [title_key(t) for t in self._df["title"].tolist()]
            if folded in titles:
                return titles.index(folded)
            close = [t for t in self._df["title"].tolist() if folded in title_key(t)][:3]
            hint = f"; titles containing it: {close}" if close else ""
            raise PaperNotFoundError(key, hint)
        raise PaperNotFoundError(key)

    def get(self, key: str | Paper, default: Any = None) -> Paper | Any:
        """The paper with that id (any identifier form), or ``default``.

        Parameters
        ----------
        key : str or Paper
            An id (any identifier form), a title, or a Paper.
        default : object, optional
            Returned when no paper matches.
        """
        try:
            return self[key]  # type: ignore[index]
        except PaperNotFoundError:
            return default

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, (str, Paper)):
            return False
        try:
            self.position(key)
        except PaperNotFoundError:
            return False
        return True

    def __getitem__(self, key: int | slice | str | Paper) -> Any:
        if isinstance(key, slice):
            return self._select(np.arange(len(self))[key], self._score_array(np.arange(len(self))[key]))
        if isinstance(key, (int, np.integer)):
            n = len(self)
            if not -n <= key < n:
                raise IndexError(f"corpus index {key} out of range for {n} papers")
            return row_to_paper(self._df.iloc[int(key)].to_dict())
        if isinstance(key, (str, Paper)):
            return row_to_paper(self._df.iloc[self.position(key)].to_dict())
        raise TypeError(f"a corpus is indexed by position, slice or paper id, not {type(key).__name__}")

    def _score_array(self, positions: np.ndarray) -> np.ndarray | None:
        if "score" not in self._df:
            return None
        return self._df["score"].to_numpy()[positions]

    # ------------------------------------------------------------------ operations

    def filter(self, where: Callable[[Paper], bool] | None = None, /, **criteria: Any) -> Corpus:
        """The papers that meet every criterion given.

        Parameters
        ----------
        where : callable, optional
            A function ``Paper -> bool`` (also accepted as ``where=``).
        **criteria
            Any of these filters, by name:

            - ``year``: a year or ``(low, high)``; either end may be ``None``.
            - ``date``: ``(low, high)`` as ISO strings or dates; either end may be ``None``.
            - ``authors``: a name or names, matched case-insensitively as part of an author name.
            - ``authors_mode``: ``"any"`` (default) or ``"all"`` of the names given.
            - ``venue``: a venue or venues (case-insensitive, exact).
            - ``categories``: a category or categories; a paper with any of them is kept.
            - ``keywords``: a keyword or keywords (case-insensitive); a paper with any of them is kept.
            - ``has_abstract``: ``True`` keeps papers with an abstract, ``False`` those without.
            - ``text``: words that must all appear in the title or abstract (case-insensitive).
            - ``min_citations``: keep papers with at least this many citations (unknown counts are dropped).
            - ``ids``: keep these paper ids.
            - ``label``: ``"relevant"``, ``"irrelevant"``, ``"unlabelled"`` or several of them.
            - ``tags``: a tag or tags; a paper with any of them is kept.

        Returns
        -------
        Corpus
            The papers kept, in this corpus's order.

        Examples
        --------
        >>> import paperlens as pl
        >>> corpus = pl.load_sample()
        >>> len(corpus.filter(year=(2023, 2023))) == sum(p.year == 2023 for p in corpus)
        True
        >>> corpus.filter(authors="Hinton").ids
        ['2006.10029']
        >>> corpus.filter(yeer=2020)
        Traceback (most recent call last):
        ...
        paperlens.errors.FieldError: unknown filter 'yeer'; did you mean 'year'? (known: ...)
        """
        for name in criteria:
            if name not in FILTERS:
                raise FieldError(name, FILTERS, what="filter")
        if where is not None and "where" in criteria:
            raise InvalidArgumentError("give the predicate once: positionally or as where=, not both")
        where = where or criteria.pop("where", None)
        df = self._df
        mask = np.ones(len(df), dtype=bool)
        if criteria.get("year") is not None:
            low, high = _range(criteria["year"], "year")
            years = df["year"]
            if low is not None:
                mask &= (years >= int(low)).fillna(False).to_numpy(dtype=bool)
            if high is not None:
                mask &= (years <= int(high)).fillna(False).to_numpy(dtype=bool)
        if criteria.get("date") is not None:
            low, high = _range(criteria["date"], "date")
            dates = df["date"]
            if low is not None:
                mask &= (dates >= pd.Timestamp(low)).to_numpy(dtype=bool)
            if high is not None:
                mask &= (dates <= pd.Timestamp(high)).to_numpy(dtype=bool)
        if criteria.get("authors"):
            wanted = [a.casefold() for a in _as_set(criteria["authors"])]
            mode = criteria.get("authors_mode", "any")
            if mode not in ("any", "all"):
                raise InvalidArgumentError(f"authors_mode must be 'any' or 'all', not {mode!r}")
            combine = any if mode == "any" else all

            def has_authors(names: tuple[str, ...]) -> bool:
                folded = [n.casefold() for n in names]
                return combine(any(w in n for n in folded) for w in wanted)

            mask &= np.fromiter((has_authors(a) for a in df["authors"]), bool, len(df))
        if criteria.get("venue"):
            venues = {v.casefold() for v in _as_set(criteria["venue"])}
            mask &= np.fromiter((isinstance(v, str) and v.casefold() in venues for v in df["venue"]), bool, len(df))
        if criteria.get("categories"):
            cats = set(_as_set(criteria["categories"]))
            mask &= np.fromiter((not cats.isdisjoint(c) for c in df["categories"]), bool, len(df))
        if criteria.get("keywords"):
            words = {k.casefold() for k in _as_set(criteria["keywords"])}
            mask &= np.fromiter((any(k.casefold() in words for k in ks) for ks in df["keywords"]), bool, len(df))
        if criteria.get("has_abstract") is not None:
            has = np.fromiter((isinstance(a, str) and a.strip() != "" for a in df["abstract"]), bool, len(df))
            mask &= has if criteria["has_abstract"] else ~has
        if criteria.get("text"):
            words = str(criteria["text"]).casefold().split()
            mask &= np.fromiter(
                (
                    all(w in f"{t} {a or ''}".casefold() for w in words)
                    for t, a in zip(df["title"], df["abstract"], strict=True)
                ),
                bool,
                len(df),
            )
        if criteria.get("min_citations") is not None:
            mask &= (df["citation_count"] >= int(criteria["min_citations"])).fillna(False).to_numpy(dtype=bool)
        if criteria.get("ids") is not None:
            keep = set(_as_set(criteria["ids"]))
            mask &= df["id"].isin(keep).to_numpy()
        if criteria.get("label") is not None:
            wanted_labels = set(_as_set(criteria["label"]))
            unknown = wanted_labels - {*LABELS, "unlabelled"}
            if unknown:
                raise InvalidArgumentError(f"filter label= takes {(*LABELS, 'unlabelled')}, not {sorted(unknown)}")
            labels = df["label"].map(lambda v: v if isinstance(v, str) else "unlabelled")
            mask &= labels.isin(wanted_labels).to_numpy()
        if criteria.get("tags"):
            tags = set(_as_set(criteria["tags"]))
            mask &= np.fromiter((not tags.isdisjoint(t) for t in df["tags"]), bool, len(df))
        if where is not None:
            candidates = np.flatnonzero(mask)
            rows = df.iloc[candidates].to_dict("records")
            for pos, row in zip(candidates, rows, strict=True):
                mask[pos] = bool(where(row_to_paper(row)))
        positions = np.flatnonzero(mask)
        return self._select(positions, self._score_array(positions))

    def _search_index(self) -> SearchIndex:
        root = self.root
        if "search" not in root._cache:
            from .search import SearchIndex

            df = root._df
            root._cache["search"] = SearchIndex(
                df["title"].tolist(), df["abstract"].tolist(), df["keywords"].tolist(), fields=df
            )
        return root._cache["search"]

    def search(self, query: str, top: int | None = None) -> Corpus:
        """Papers matching a query, best first, with a ``score`` column (BM25 over title, abstract and keywords).

        Every word must match (``"exact phrases"``, ``a OR b``, ``-exclude``, ``title:``, ``author:``,
        ``venue:``, ``year:2020..2023``, ``tag:``; see :class:`~paperlens.search.SearchIndex`). A query
        that matches nothing warns why (:meth:`search_explain`).

        Parameters
        ----------
        query : str
            The search words (BM25F over titles and abstracts).
        top : int, optional
            Keep only the best ``top`` papers (``None``: every paper that matches).

        Examples
        --------
        >>> import paperlens as pl
        >>> hits = pl.load_sample().search("low-rank adaptation")
        >>> hits.scores.is_monotonic_decreasing
        True
        """
        if not isinstance(query, str) or not query.strip():
            raise InvalidArgumentError("search needs a non-empty query string")
        scores = self.search_scores(query)
        order = np.argsort(-scores, kind="stable")
        order = order[scores[order] > 0]
        if not len(order):
            why = self.search_explain(query)
            if why:
                warnings.warn(f"search {query!r} found nothing: {why}", PaperlensWarning, stacklevel=2)
        if top is not None:
            order = order[: max(int(top), 0)]
        return self._select(order, scores[order])

    def sort_by(self, field: str, *, ascending: bool | None = None) -> Corpus:
        """Sorted by a field; missing values last. Scores sort high first, others low first.

        Parameters
        ----------
        field : str
            A field (``"year"``, ``"date"``, ``"citation_count"``, ``"title"``, ...) or ``"score"``.
        ascending : bool, optional
            The order; by default scores and citation counts go from high to low, everything else
            (years, dates, text from A to Z) from low to high; missing values come last.

        Examples
        --------
        >>> import paperlens as pl
        >>> pl.load_sample().sort_by("date")[0].year
        2019
        >>> pl.load_sample().sort_by("yaer")
        Traceback (most recent call last):
        ...
        paperlens.errors.FieldError: unknown field 'yaer'; did you mean 'year'? (known: ...)
        """
        known = [*PAPER_FIELDS, *(["score"] if "score" in self._df else [])]
        if field not in known or field == "extra":
            raise FieldError(field, [k for k in known if k != "extra"])
        if ascending is None:
            ascending = field not in ("score", "citation_count")
        column = self._df[field]
        if field == "title":  # read as text, leading markup ignored: "$k$-means" sorts under k
            from .text import sort_key

            column = column.map(sort_key)
        elif field in LIST_FIELDS:
            column = column.map(lambda v: v[0].casefold() if v else None)
        elif column.dtype == object:
            column = column.map(lambda v: v.casefold() if isinstance(v, str) else None)
        order = column.sort_values(ascending=ascending, na_position="last", kind="stable").index.to_numpy()
        return self._select(order, self._score_array(order))

    def head(self, n: int = 5) -> Corpus:
        """The first ``n`` papers.

        Parameters
        ----------
        n : int, default 5
            How many papers.
        """
        return self[:n]

    def sample(self, n: int | None = None, *, frac: float | None = None, seed: int | None = None) -> Corpus:
        """A random sample of papers, reproducible with ``seed``.

        Parameters
        ----------
        n : int, optional
            How many papers (one if neither ``n`` nor ``frac`` is given).
        frac : float, optional
            Or the fraction of the papers to keep.
        seed : int, optional
            Makes the sample reproducible.

        Examples
        --------
        >>> import paperlens as pl
        >>> pl.load_sample().sample(5, seed=1).ids == pl.load_sample().sample(5, seed=1).ids
        True
        """
        if n is None and frac is None:
            n = 1
        if frac is not None:
            n = round(frac * len(self))
        n = min(int(n), len(self))  # type: ignore[arg-type]
        rng = np.random.default_rng(seed)
        positions = np.sort(rng.choice(len(self), size=n, replace=False))
        return self._select(positions, self._score_array(positions))

    @property
    def labels(self) -> pd.Series:
        """The labels given so far (``"relevant"``/``"irrelevant"``) by paper id; unlabelled papers left out."""
        labelled = self._df[self._df["label"].notna()]
        return pd.Series(labelled["label"].to_numpy(dtype=object), index=labelled["id"].to_numpy(), name="label")

    def annotate(
        self,
        ids: str | Paper | Iterable[str | Paper],
        label: str | None = _KEEP,
        *,
        tags: Iterable[str] | None = _KEEP,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        note: str | None = _KEEP,
    ) -> Corpus:
        """A copy with these papers labelled, tagged or annotated; every other paper unchanged.

        The copy keeps this corpus's row order and, for a filtered corpus, its place in an annotated copy of
        the root; what was computed from the papers' text and citations (search index, concept model) is
        carried over, not recomputed. Annotations survive ``save()``, JSONL, CSV, BibTeX and RIS.

        Parameters
        ----------
        ids : str, Paper or iterable of str or Paper
            The papers, by id (any identifier form) or Paper.
        label : {"relevant", "irrelevant"} or None, optional
            The new label, or ``None`` to clear it; left as is when not given.
        tags : iterable of str or None, optional
            The papers' new tags, replacing theirs (``None`` or ``[]`` clears them); left as is when not given.
        add_tags : iterable of str, default ()
            Tags to add, after ``tags`` (if given) is applied; tags already there are kept once.
        remove_tags : iterable of str, default ()
            Tags to remove, after ``tags`` and ``add_tags``.
        note : str or None, optional
            A free-text note (``None`` or ``""`` clears it); left as is when not given.

        Examples
        --------
        >>> import paperlens as pl
        >>> corpus = pl.load_sample()
        >>> marked = corpus.annotate(["2203.05482", "2006.10029"], "relevant", tags=["to read"], note="cite")
        >>> marked["2203.05482"].label, marked["2203.05482"].tags, marked["2203.05482"].note
        ('relevant', ('to read',), 'cite')
        >>> marked.labels.to_dict()
        {'2006.10029': 'relevant', '2203.05482': 'relevant'}
        >>> corpus["2203.05482"].label is None  # the original is unchanged
        True
        >>> len(marked.filter(tags="to read")), len(marked.annotate("2203.05482", None).filter(label="relevant"))
        (2, 1)
        """
        if isinstance(ids, (str, Paper)):
            ids = [ids]
        if label is not _KEEP and label not in (*LABELS, None):
            raise InvalidArgumentError(f"label must be one of {LABELS} or None (to clear it), not {label!r}")
        if isinstance(tags, str) or isinstance(add_tags, str) or isinstance(remove_tags, str):
            raise InvalidArgumentError("give tags as a list of strings, e.g. tags=['to read'], not one string")
        root = self.root
        positions = self.root_positions
        rows = sorted({int(positions[self.position(key)]) for key in ids})
        df = root._df.copy()
        add, remove = [str(t) for t in add_tags], {str(t) for t in remove_tags}
        for row in rows:
            paper = row_to_paper(df.iloc[row].to_dict())
            new_tags = paper.tags if tags is _KEEP else tuple(tags or ())
            new_tags = tuple(t for t in dict.fromkeys((*new_tags, *add)) if t not in remove)
            paper = paper.replace(
                label=paper.label if label is _KEEP else label,
                tags=new_tags,
                note=paper.note if note is _KEEP else note,
            )
            for name in ("label", "tags", "note"):
                df.at[row, name] = getattr(paper, name)
        annotated = Corpus.__new__(Corpus)
        annotated._init(df, root._report, root=None, positions=None)
        annotated._cache = dict(root._cache)  # text- and citation-derived values do not depend on annotations
        if self._root is None:
            return annotated
        return annotated._select(positions, self._score_array(np.arange(len(self))))

    def _matches(self, other: Corpus) -> np.ndarray:
        """Which of my papers are also in ``other`` (same rules as :func:`~paperlens.dedupe.deduplicate`)."""
        from .dedupe import matches

        return np.fromiter(matches(self, other), bool, len(self))

    def merge(self, *others: Corpus, dedupe: bool = True) -> Corpus:
        """One corpus of all papers, records of the same work merged (this corpus's values win).

        See :func:`paperlens.dedupe.merge_corpora` for the rules; every merge is listed in
        ``report.merges``.

        Parameters
        ----------
        *others : Corpus
            The corpora to merge into this one (earlier corpora win over later ones).
        dedupe : bool, default True
            Merge records of the same work (``False``: keep every record, ids made distinct).

        Examples
        --------
        >>> import paperlens as pl
        >>> sample = pl.load_sample()
        >>> len(sample.merge(sample[:5])) == len(sample)
        True
        """
        from .dedupe import merge_corpora

        return merge_corpora(self, *others, dedupe=dedupe)

    def unmerge(self, ids: str | Iterable[str] | None = None) -> Corpus:
        """Merged papers split back into the records they were made of; see :func:`paperlens.dedupe.unmerge`.

        Each paper is replaced, where it stands, by its records as read (with distinct ids).

        Parameters
        ----------
        ids : str or iterable of str, optional
            The merged papers to split, by id as in ``report.merges["id"]`` (default: every merged paper).

        Examples
        --------
        >>> import paperlens as pl
        >>> sample = pl.load_sample()
        >>> len(sample.merge(sample[:5]).unmerge()) == len(sample) + 5
        True
        """
        from .dedupe import unmerge

        return unmerge(self, ids)

    def __or__(self, other: Corpus) -> Corpus:
        return self.merge(other)

    def __and__(self, other: Corpus) -> Corpus:
        positions = np.flatnonzero(self._matches(other))
        return self._select(positions, self._score_array(positions))

    def __sub__(self, other: Corpus) -> Corpus:
        positions = np.flatnonzero(~self._matches(other))
        return self._select(positions, self._score_array(positions))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Corpus):
            return NotImplemented
        return self.papers == other.papers

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ output

    def to_bibtex(self, path: str | Path | None = None) -> str:
        """Write BibTeX (returns the text; also writes ``path`` if given). {writer parameters}"""
        from .io.bibtex import write_bibtex

        return write_bibtex(self, path)

    def to_ris(self, path: str | Path | None = None) -> str:
        """Write RIS (returns the text; also writes ``path`` if given). {writer parameters}"""
        from .io.ris import write_ris

        return write_ris(self, path)

    def to_csv(self, path: str | Path | None = None) -> str:
        """Write CSV, lists joined by ``"; "`` (returns the text; writes ``path`` too if given). {writer parameters}"""
        from .io.tabular import write_csv

        return write_csv(self, path)

    def to_jsonl(self, path: str | Path | None = None) -> str:
        """Write JSON Lines, one paper a line (returns the text; also writes ``path`` if given). {writer parameters}"""
        from .io.jsonl import write_jsonl

        return write_jsonl(self, path)

    def save(self, path: str | Path) -> Path:
        """Save the whole corpus as Parquet; :func:`paperlens.read` reads it back unchanged.

        Parameters
        ----------
        path : str or path-like
            The ``.parquet`` file to write.
        """
        from .io.tabular import write_parquet

        return write_parquet(self, path)

    # ------------------------------------------------------------------ display

    def _years(self) -> tuple[int, int] | None:
        years = self._df["year"].dropna()
        return (int(years.min()), int(years.max())) if len(years) else None

    def __repr__(self) -> str:
        n = len(self)
        years = self._years()
        span = f", {years[0]}–{years[1]}" if years and years[0] != years[1] else f", {years[0]}" if years else ""
        return f"<Corpus: {n} paper{'s' if n != 1 else ''}{span}>"

    def _repr_html_(self) -> str:
        from .display.tables import corpus_html

        return corpus_html(self)

    # ------------------------------------------------------------------ delegates
    # Thin hand-overs to the layer that owns the work, imported when called.

    def citation_graph(self, **options: Any) -> nx.DiGraph:
        """The in-corpus citation graph; see :func:`paperlens.graphs.citation.citation_graph`.

        Parameters
        ----------
        **options
            Passed to :func:`paperlens.graphs.citation.citation_graph`.
        """
        from .graphs.citation import citation_graph

        return citation_graph(self, **options)

    def concept_model(self, **params: Any) -> ConceptModel:
        """The fitted :class:`paperlens.ConceptModel` of this corpus (cached per parameter set).

        Parameters
        ----------
        **params
            :class:`paperlens.ConceptModel` parameters (a model is fitted once per set).
        """
        from .graphs.concepts import fitted_model

        return fitted_model(self, **params)

    def concept_graph(self, k: int = 10, min_similarity: float = 0.1, **options: Any) -> nx.Graph:
        """The concept-similarity kNN graph; see :func:`paperlens.graphs.concepts.concept_graph`.

        Parameters
        ----------
        k : int, default 10
            Neighbours per paper.
        min_similarity : float, default 0.1
            Drop links weaker than this cosine similarity.
        **options
            Passed to :func:`paperlens.graphs.concepts.concept_graph`.
        """
        from .graphs.concepts import concept_graph

        return concept_graph(self, k=k, min_similarity=min_similarity, **options)

    def similar(self, paper: str | Paper, n: int = 10) -> pd.DataFrame:
        """The ``n`` papers most similar to ``paper`` with the concepts they share.

        Parameters
        ----------
        paper : str or Paper
            The paper, by id (any identifier form) or Paper.
        n : int, default 10
            How many similar papers.
        """
        from .graphs.concepts import similar

        return similar(self, paper, n=n)

    def concepts(self, paper: str | Paper, n: int = 10) -> list[tuple[str, float]]:
        """The key phrases of ``paper`` with their weights.

        Parameters
        ----------
        paper : str or Paper
            The paper, by id (any identifier form) or Paper.
        n : int, default 10
            How many phrases.
        """
        from .graphs.concepts import concepts

        return concepts(self, paper, n=n)

    def communities(self, kind: str = "concept", *, resolution: float = 1.0, seed: int = 0, n: int = 3) -> pd.DataFrame:
        """Louvain communities labelled by their top concepts (:func:`~paperlens.graphs.structure.community_table`).

        Parameters
        ----------
        kind : {"concept", "citation"}, default "concept"
            The graph to find communities in.
        resolution : float, default 1.0
            Louvain resolution: higher gives more, smaller communities.
        seed : int, default 0
            Louvain's random seed (the same as the graph view's).
        n : int, default 3
            Concepts in each label.
        """
        from .graphs.structure import community_table

        return community_table(self, kind=kind, resolution=resolution, seed=seed, n=n)

    def cocitation_graph(self, *, min_weight: float = 1, normalize: str | None = None) -> nx.Graph:
        """Papers cited together, weight = number of corpus papers citing both (or association strength).

        See :func:`paperlens.graphs.structure.cocitation_graph`.

        Parameters
        ----------
        min_weight : float, default 1
            Links cited together fewer times than this (by raw count) are dropped.
        normalize : {None, "association"}, default None
            ``"association"`` weighs links by association strength, ``2m c_ij / (c_i c_j)``, as VOSviewer
            normalises (van Eck & Waltman 2009), totals taken over the links kept; the raw count stays in
            the ``count`` edge attribute. ``None`` keeps the raw count as the weight.
        """
        from .graphs.structure import cocitation_graph

        return cocitation_graph(self, min_weight=min_weight, normalize=normalize)

    def coupling_graph(self, *, min_weight: float = 1, normalize: str | None = None) -> nx.Graph:
        """Bibliographic coupling, weight = number of shared references (or association strength).

        See :func:`paperlens.graphs.structure.coupling_graph`.

        Parameters
        ----------
        min_weight : float, default 1
            Links sharing fewer references than this (by raw count) are dropped.
        normalize : {None, "association"}, default None
            ``"association"`` weighs links by association strength, ``2m c_ij / (c_i c_j)``, as VOSviewer
            normalises (van Eck & Waltman 2009), totals taken over the links kept; the raw count stays in
            the ``count`` edge attribute. ``None`` keeps the raw count as the weight.
        """
        from .graphs.structure import coupling_graph

        return coupling_graph(self, min_weight=min_weight, normalize=normalize)

    def prior_works(self, n: int | None = 20, *, fetch: bool = False, progress: bool | None = None) -> pd.DataFrame:
        """The works most cited by this corpus, in it or not (:func:`~paperlens.graphs.structure.prior_works`).

        Parameters
        ----------
        n : int or None, default 20
            How many works, most cited first (``None``: all).
        fetch : bool, default False
            Look up the titles of works outside the corpus through OpenAlex, in batches.
        progress : bool, optional
            Show a progress bar while fetching (``None``: for more than one batch).
        """
        from .graphs.structure import prior_works

        return prior_works(self, n=n, fetch=fetch, progress=progress)

    def derivative_works(self, n: int | None = 20) -> pd.DataFrame:
        """The papers citing most of this corpus.

        Only citations inside the corpus are known (see
        :func:`~paperlens.graphs.structure.derivative_works`).

        Parameters
        ----------
        n : int or None, default 20
            How many papers (``None``: all).
        """
        from .graphs.structure import derivative_works

        return derivative_works(self, n=n)

    def shortest_connection(
        self, a: str | Paper, b: str | Paper, kind: str = "citation"
    ) -> list[tuple[str, str | None]]:
        """The shortest chain of citations (``kind="citation"``), similarities or both between two papers.

        See :func:`paperlens.graphs.structure.shortest_connection`.

        Parameters
        ----------
        a, b : str or Paper
            The papers, by id (any identifier form), title or Paper.
        kind : {"citation", "concept", "both"}, default "citation"
            The links to follow: citations and mentions, concept similarities, or both.
        """
        from .graphs.structure import shortest_connection

        return shortest_connection(self, a, b, kind=kind)

    def recommend(
        self,
        relevant: Iterable[str | Paper] | str | Paper | None = None,
        irrelevant: Iterable[str | Paper] | str | Paper | None = None,
        n: int | None = 20,
        **options: Any,
    ) -> Corpus:
        """Unlabelled papers to read next, best first, with ``score`` and ``reasons``.

        See :func:`paperlens.graphs.recommend.recommend_table` for the model.

        Parameters
        ----------
        relevant : str, Paper or iterable of str or Paper, optional
            The papers to find more like, by id (any identifier form) or Paper; ``None``: the papers
            labelled ``"relevant"`` (:meth:`annotate`).
        irrelevant : str, Paper or iterable of str or Paper, optional
            Papers to steer away from; ``None``: the papers labelled ``"irrelevant"``. Papers given or
            labelled either way are not recommended.
        n : int or None, default 20
            How many papers to return (``None``: all).
        **options
            Passed to :func:`~paperlens.graphs.recommend.recommend_table`: ``citations``,
            ``citation_weight``, ``seed``, ``corpus_labels``, ``explain``.
        """
        from .graphs.recommend import recommend

        return recommend(self, relevant, irrelevant, n, **options)

    def mentions(self) -> pd.DataFrame:
        """Inferred links: abstracts that name another corpus paper by its short name."""
        from .graphs.mentions import find_mentions

        return pd.DataFrame(find_mentions(self))

    def graph(self, kind: str = "both", **options: Any) -> GraphView:
        """A graph view that draws inline; see :func:`paperlens.display.graphview.graph`.

        Parameters
        ----------
        kind : {"citation", "concept", "both"}, default "both"
            The links to draw.
        **options
            Passed to :func:`paperlens.display.graphview.graph`.
        """
        from .display.graphview import graph

        return graph(self, kind=kind, **options)

    def map_positions(self, *, seed: int = 0) -> pd.DataFrame:
        """Every paper's place on the field map: id, x, y, community (:func:`~paperlens.graphs.layout.map_positions`).

        Parameters
        ----------
        seed : int, default 0
            Seed of the layout: the same seed gives the same positions on any machine.
        """
        from .graphs.layout import map_positions

        return map_positions(self, seed=seed)

    def map(self, **options: Any) -> MapView:
        """An interactive map of every paper (WebGL); see :func:`paperlens.display.mapview.field_map`.

        Parameters
        ----------
        **options
            Passed to :func:`paperlens.display.mapview.field_map` (``color_by``, ``size_by``, ``links``, ...).
        """
        from .display.mapview import field_map

        return field_map(self, **options)

    def glance(self, *, by: str | Sequence[Any] | None = "auto", n: int = 10, static: bool = True) -> Glance:
        """The field at a glance: papers per year by topic, top authors, venues, categories (see
        :func:`paperlens.display.glance.glance`).

        Parameters
        ----------
        by : {"auto", "topic", "category", None} or sequence, default "auto"
            What stacks the papers-per-year bars (``"auto"``: topics when found or cheap, else categories).
        n : int, default 10
            Bars in each top-N chart, and named groups in the stack.
        static : bool, default True
            Put the static picture (PNG) in the output too.
        """
        from .display.glance import glance

        return glance(self, by=by, n=n, static=static)

    def explore(self, **options: Any) -> Explorer:
        """The interactive explorer (ipywidgets); see :class:`paperlens.Explorer`.

        Parameters
        ----------
        **options
            Passed to :class:`paperlens.Explorer` (filters, ``graph_kind``, ``page_size``, ...).
        """
        from .display.explorer import Explorer

        return Explorer(self, **options)

    def expand(
        self, direction: str = "both", depth: int = 1, keep: int = 200, source: str = "openalex", **options: Any
    ) -> Corpus:
        """This corpus plus the works most related to its (relevant) papers that cite them or that they cite.

        See :func:`paperlens.sources.expand.expand`; the report gains an ``expand-<source>`` step.

        Parameters
        ----------
        direction : {"both", "references", "citations"}, default "both"
            Follow what the papers cite (``"references"``), what cites them (``"citations"``), or both.
        depth : int, default 1
            Rounds of expansion; each round expands the papers kept by the one before.
        keep : int, default 200
            How many new works to add at most, the most related to the seed papers first.
        source : {"openalex", "semanticscholar"}, default "openalex"
            The service to fetch from.
        **options
            Passed to :func:`paperlens.sources.expand.expand`: ``seeds`` (the papers to start from;
            default the relevant ones, else all), ``progress``, ``warn`` and
            :class:`~paperlens.sources.http.HttpSettings` values.
        """
        from .sources.expand import expand

        return expand(self, direction=direction, depth=depth, keep=keep, source=source, **options)

    def enrich(self, source: str = "openalex", **options: Any) -> Corpus:
        """A copy with missing fields filled from OpenAlex or Semantic Scholar.

        Parameters
        ----------
        source : {"openalex", "semantic_scholar"}, default "openalex"
            The service to ask.
        **options
            Passed to :func:`paperlens.sources.enrich.enrich`.
        """
        from .sources.enrich import enrich

        return enrich(self, source=source, **options)


for _writer in (Corpus.to_bibtex, Corpus.to_ris, Corpus.to_csv, Corpus.to_jsonl):
    shared_doc(_writer)  # their "{writer parameters}"
