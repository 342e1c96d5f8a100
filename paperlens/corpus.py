"""The :class:`Corpus`: an immutable, chainable collection of papers.

A corpus holds one row per paper in a pandas DataFrame (``corpus.df`` hands out a
copy). Every operation returns a new Corpus, so calls chain and nothing changes
behind your back. Subsets remember the corpus they came from, so a filtered
corpus searches with its parent's index instead of building a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import FieldError, InvalidArgumentError, PaperNotFoundError
from .frame import papers_frame, row_to_paper
from .ids import paper_id, parse_identifier, title_key
from .record import LIST_FIELDS, PAPER_FIELDS, Paper
from .report import FileReport, LoadReport

if TYPE_CHECKING:
    import networkx as nx

    from .search import SearchIndex

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
    "where",
)


# --------------------------------------------------------------------------- merging


def _dedupe_keys(paper: Paper) -> list[tuple[str, str]]:
    keys = [(name, getattr(paper, name)) for name in ID_FIELDS if getattr(paper, name)]
    if paper.id.startswith("pl:"):  # the same fallback id is the same title and year, or the same untitled record
        keys.append(("id", paper.id))
    folded = title_key(paper.title)
    if folded and paper.year is not None and paper.date_source is None:  # not a year guessed from the arXiv id
        keys.append(("title", f"{folded}|{paper.year}"))
    return keys


def merge_papers(first: Paper, second: Paper) -> Paper:
    """One record from two records of the same paper: ``first`` wins, ``second`` fills gaps.

    Lists of categories, keywords and references are united; ``citation_count`` keeps the
    larger value; ``extra`` keeps the first value of each key.

    >>> a = Paper.create(title="Model soups", doi="10.1000/x", categories=("cs.LG",))
    >>> b = Paper.create(title="Model Soups", arxiv_id="2203.05482", year=2022, categories=("cs.CV",))
    >>> merged = merge_papers(a, b)
    >>> merged.id, merged.doi, merged.year, merged.categories
    ('2203.05482', '10.1000/x', 2022, ('cs.LG', 'cs.CV'))
    """
    values: dict[str, Any] = {}
    for name in PAPER_FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        if name in LIST_FIELDS and name != "authors":
            values[name] = tuple(dict.fromkeys((*a, *b)))
        elif name == "extra":
            values[name] = {**dict(b), **dict(a)}
        elif name == "citation_count":
            known = [v for v in (a, b) if v is not None]
            values[name] = max(known) if known else None
        elif name == "source":
            values[name] = a if not b or b == a else f"{a}+{b}" if a else b
        else:
            values[name] = a if a not in (None, "", ()) else b
    real = [p for p in (first, second) if p.date_source is None and p.year is not None]
    if real:  # a date derived from the arXiv id never wins over a date a record gave
        values["year"] = real[0].year
        values["date"] = next((p.date for p in real if p.date is not None), None)
        values["date_source"] = None
    values["id"] = paper_id(
        arxiv_id=values["arxiv_id"],
        doi=values["doi"],
        openalex_id=values["openalex_id"],
        s2_id=values["s2_id"],
        title=values["title"],
        year=values["year"],
    )
    return Paper(**values)


def _conflict(a: Paper, b: Paper) -> bool:
    """Two records that cannot be the same paper: different DOIs or different arXiv ids.

    (Different OpenAlex or S2 ids do not count: those services hold duplicates of one paper.)
    """
    return bool(a.doi and b.doi and a.doi != b.doi) or bool(a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id)


def _find(owner: dict[tuple[str, str], int], kept: list[Paper], paper: Paper) -> set[int]:
    """The slots of ``kept`` holding the same paper: a shared identifier, or a shared
    folded title and year without conflicting DOIs or arXiv ids ("Abstracts", 2018 is
    the title of many different conference supplements)."""
    found = set()
    for key in _dedupe_keys(paper):
        slot = owner.get(key)
        if slot is None or kept[slot] is None:
            continue
        if key[0] == "title" and _conflict(kept[slot], paper):
            continue
        found.add(slot)
    return found


def deduplicate(papers: Iterable[Paper]) -> tuple[list[Paper], list[tuple[int, int]]]:
    """Collapse records of the same paper.

    Records are the same paper when they share a DOI, arXiv, OpenAlex or S2 id, or
    the same folded title and year with no conflicting DOI or arXiv id. Returns the
    merged papers in first-seen order and, for each record merged into an earlier
    one, ``(index of the record, index of the paper it joined)``.
    """
    kept: list[Paper | None] = []
    owner: dict[tuple[str, str], int] = {}
    merges: list[tuple[int, int]] = []
    for i, paper in enumerate(papers):
        hits = _find(owner, kept, paper)  # type: ignore[arg-type]
        if not hits:
            slot = len(kept)
            kept.append(paper)
        else:
            slot = min(hits)
            kept[slot] = merge_papers(kept[slot], paper)  # type: ignore[arg-type]
            merges.append((i, slot))
            # A record can bridge two papers kept apart so far (DOI of one, arXiv id of another).
            for other in sorted(hits - {slot}, reverse=True):
                kept[slot] = merge_papers(kept[slot], kept[other])  # type: ignore[arg-type]
                kept[other] = None
                for key, value in list(owner.items()):
                    if value == other:
                        owner[key] = slot
        for key in _dedupe_keys(kept[slot]):  # type: ignore[arg-type]
            if key[0] == "title":
                owner.setdefault(key, slot)  # a title stays with the first paper that had it
            else:
                owner[key] = slot
    return [p for p in kept if p is not None], merges


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
    >>> corpus.search("low-rank adaptation", top=3).df[["id", "score"]].shape
    (3, 2)
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

    def _select(self, positions: np.ndarray, scores: np.ndarray | None = None) -> Corpus:
        """A new corpus of the given row positions (in order), remembering the root."""
        positions = np.asarray(positions, dtype=np.int64)
        df = self._df.iloc[positions].reset_index(drop=True)
        if scores is not None:
            df["score"] = scores
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
    def enrichment(self) -> Any:
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

    def subset(self, positions: Sequence[int] | np.ndarray, scores: Sequence[float] | None = None) -> Corpus:
        """The papers at these row positions, in this order, optionally with search scores.

        The subset remembers this corpus's root, like every filter does.

        >>> import paperlens as pl
        >>> pl.load_sample().subset([2, 0]).ids == [pl.load_sample().ids[2], pl.load_sample().ids[0]]
        True
        """
        positions = np.asarray(positions, dtype=np.int64)
        return self._select(positions, None if scores is None else np.asarray(scores, dtype=np.float64))

    def search_scores(self, query: str) -> np.ndarray:
        """The BM25F score of every paper here for ``query`` (0: no word matches), in row order.

        Uses the root's index, built once per root corpus.
        """
        return self._search_index().scores(query)[self.root_positions]

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per corpus and kept with it (a corpus never changes, so it stays valid).

        Name keys after the module and parameters, e.g. ``"citation.resolutions"``.
        """
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def cached_keys(self) -> tuple[str, ...]:
        """The keys of what :meth:`cached` holds for this corpus."""
        return tuple(self._cache)

    def column(self, field: str) -> pd.Series:
        """One field of every paper, in row order (a copy: cheaper than ``.df`` or building Papers)."""
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
        """The row position of a paper given by id, DOI, arXiv/OpenAlex/S2 id (any form) or Paper."""
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
        """The paper with that id (any identifier form), or ``default``."""
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
        where : a function ``Paper -> bool`` (also accepted as ``where=``).
        year : a year or ``(low, high)``; either end may be ``None``.
        date : ``(low, high)`` as ISO strings or dates; either end may be ``None``.
        authors : a name or names, matched case-insensitively as part of an author name.
        authors_mode : ``"any"`` (default) or ``"all"`` of the names given.
        venue : a venue or venues (case-insensitive, exact).
        categories : a category or categories; a paper with any of them is kept.
        keywords : a keyword or keywords (case-insensitive); a paper with any of them is kept.
        has_abstract : ``True`` keeps papers with an abstract, ``False`` those without.
        text : words that must all appear in the title or abstract (case-insensitive).
        min_citations : keep papers with at least this many citations (unknown counts are dropped).
        ids : keep these paper ids.

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
            root._cache["search"] = SearchIndex(df["title"].tolist(), df["abstract"].tolist(), df["keywords"].tolist())
        return root._cache["search"]

    def search(self, query: str, top: int | None = None) -> Corpus:
        """Papers matching a query, best first, with a ``score`` column (BM25 over title, abstract and keywords).

        Only papers that match at least one word of the query are returned.

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
        if top is not None:
            order = order[: max(int(top), 0)]
        return self._select(order, scores[order])

    def sort_by(self, field: str, *, ascending: bool | None = None) -> Corpus:
        """Sorted by a field; missing values last. Scores sort high first, others low first.

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
        if field in LIST_FIELDS:
            column = column.map(lambda v: v[0].casefold() if v else None)
        elif column.dtype == object:
            column = column.map(lambda v: v.casefold() if isinstance(v, str) else None)
        order = column.sort_values(ascending=ascending, na_position="last", kind="stable").index.to_numpy()
        return self._select(order, self._score_array(order))

    def head(self, n: int = 5) -> Corpus:
        """The first ``n`` papers."""
        return self[:n]

    def sample(self, n: int | None = None, *, frac: float | None = None, seed: int | None = None) -> Corpus:
        """A random sample of papers, reproducible with ``seed``.

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

    def _matches(self, other: Corpus) -> np.ndarray:
        """Which of my papers are also in ``other`` (same rules as :func:`deduplicate`)."""
        kept = list(other)
        owner: dict[tuple[str, str], int] = {}
        for slot, paper in enumerate(kept):
            for key in _dedupe_keys(paper):
                owner.setdefault(key, slot)
        ids = set(other.ids)
        return np.fromiter((p.id in ids or bool(_find(owner, kept, p)) for p in self), bool, len(self))

    def merge(self, *others: Corpus) -> Corpus:
        """One corpus of all papers, records of the same paper merged (this corpus's values win).

        >>> import paperlens as pl
        >>> sample = pl.load_sample()
        >>> len(sample.merge(sample[:5])) == len(sample)
        True
        """
        corpora = [self, *others]
        papers = [p for c in corpora for p in c]
        unique, merges = deduplicate(papers)
        report = LoadReport([f for c in corpora for f in c.report.files])
        step = FileReport(file=f"merge of {len(corpora)} corpora", format="merge", records=len(papers))
        step.loaded, step.merged = len(unique), len(merges)
        report.files.append(step)
        return Corpus.from_papers(unique, report=report)

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
        """Write BibTeX (returns the text; also writes ``path`` if given)."""
        from .io.bibtex import write_bibtex

        return write_bibtex(self, path)

    def to_ris(self, path: str | Path | None = None) -> str:
        """Write RIS (returns the text; also writes ``path`` if given)."""
        from .io.ris import write_ris

        return write_ris(self, path)

    def to_csv(self, path: str | Path | None = None) -> str:
        """Write CSV, lists joined with ``"; "`` (returns the text; also writes ``path`` if given)."""
        from .io.tabular import write_csv

        return write_csv(self, path)

    def to_jsonl(self, path: str | Path | None = None) -> str:
        """Write JSON Lines, one paper a line (returns the text; also writes ``path`` if given)."""
        from .io.jsonl import write_jsonl

        return write_jsonl(self, path)

    def save(self, path: str | Path) -> Path:
        """Save the whole corpus as Parquet; :func:`paperlens.read` reads it back unchanged."""
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
        """The in-corpus citation graph; see :func:`paperlens.graphs.citation.citation_graph`."""
        from .graphs.citation import citation_graph

        return citation_graph(self, **options)

    def concept_model(self, **params: Any) -> Any:
        """The fitted :class:`paperlens.ConceptModel` of this corpus (cached per parameter set)."""
        from .graphs.concepts import fitted_model

        return fitted_model(self, **params)

    def concept_graph(self, k: int = 10, min_similarity: float = 0.1, **options: Any) -> nx.Graph:
        """The concept-similarity kNN graph; see :func:`paperlens.graphs.concepts.concept_graph`."""
        from .graphs.concepts import concept_graph

        return concept_graph(self, k=k, min_similarity=min_similarity, **options)

    def similar(self, paper: str | Paper, n: int = 10) -> pd.DataFrame:
        """The ``n`` papers most similar to ``paper`` with the concepts they share."""
        from .graphs.concepts import similar

        return similar(self, paper, n=n)

    def concepts(self, paper: str | Paper, n: int = 10) -> list[tuple[str, float]]:
        """The key phrases of ``paper`` with their weights."""
        from .graphs.concepts import concepts

        return concepts(self, paper, n=n)

    def communities(self, kind: str = "concept", *, resolution: float = 1.0, seed: int = 0, n: int = 3) -> pd.DataFrame:
        """Louvain communities labelled by their top concepts (:func:`~paperlens.graphs.structure.community_table`)."""
        from .graphs.structure import community_table

        return community_table(self, kind=kind, resolution=resolution, seed=seed, n=n)

    def cocitation_graph(self) -> nx.Graph:
        """Papers cited together, weight = number of corpus papers citing both."""
        from .graphs.structure import cocitation_graph

        return cocitation_graph(self)

    def coupling_graph(self) -> nx.Graph:
        """Bibliographic coupling, weight = number of shared references."""
        from .graphs.structure import coupling_graph

        return coupling_graph(self)

    def prior_works(self, n: int = 20) -> pd.DataFrame:
        """The works most cited by this corpus, in it or not."""
        from .graphs.structure import prior_works

        return prior_works(self, n=n)

    def derivative_works(self, n: int = 20) -> pd.DataFrame:
        """The papers citing most of this corpus."""
        from .graphs.structure import derivative_works

        return derivative_works(self, n=n)

    def shortest_connection(
        self, a: str | Paper, b: str | Paper, kind: str = "citation"
    ) -> list[tuple[str, str | None]]:
        """The shortest chain of citations (``kind="citation"``), similarities or both between two papers.

        See :func:`paperlens.graphs.structure.shortest_connection`.
        """
        from .graphs.structure import shortest_connection

        return shortest_connection(self, a, b, kind=kind)

    def mentions(self) -> pd.DataFrame:
        """Inferred links: abstracts that name another corpus paper by its short name."""
        from .graphs.mentions import find_mentions

        return pd.DataFrame(find_mentions(self))

    def graph(self, kind: str = "both", **options: Any) -> Any:
        """A graph view that draws inline; see :func:`paperlens.display.graphview.graph`."""
        from .display.graphview import graph

        return graph(self, kind=kind, **options)

    def map_positions(self, *, seed: int = 0) -> pd.DataFrame:
        """Every paper's place on the field map: id, x, y, community (:func:`.graphs.layout.map_positions`)."""
        from .graphs.layout import map_positions

        return map_positions(self, seed=seed)

    def map(self, **options: Any) -> Any:
        """An interactive map of every paper (WebGL); see :func:`paperlens.display.mapview.field_map`."""
        from .display.mapview import field_map

        return field_map(self, **options)

    def explore(self, **options: Any) -> Any:
        """The interactive explorer (ipywidgets); see :class:`paperlens.Explorer`."""
        from .display.explorer import Explorer

        return Explorer(self, **options)

    def enrich(self, source: str = "openalex", **options: Any) -> Corpus:
        """A copy with missing fields filled from OpenAlex or Semantic Scholar."""
        from .sources.enrich import enrich

        return enrich(self, source=source, **options)
