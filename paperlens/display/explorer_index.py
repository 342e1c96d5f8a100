"""Precomputed arrays behind the explorer's filters: built once per root corpus, reused on every keystroke.

:class:`FilterIndex` turns the root corpus's table into numpy arrays (years, dates,
citation counts, abstract flags), flat paper-to-author and paper-to-category
code arrays, and dense sort ranks. A filter is then a handful of vectorised
comparisons over root positions, and a subset is ``root.subset(positions)``;
nothing here walks the papers in Python after the index is built.

This module imports numpy and pandas only (no ipywidgets), so it can be tested
and benchmarked on its own.

Examples
--------
>>> import paperlens as pl
>>> corpus = pl.load_sample()
>>> index = FilterIndex.of(corpus)
>>> index is FilterIndex.of(corpus.filter(year=2023))  # one index per root corpus
True
>>> mask = index.mask(years=(2023, 2023), categories=("cs.CL",))
>>> sorted(corpus.root.ids[p] for p in mask.nonzero()[0]) == sorted(
...     corpus.filter(year=(2023, 2023), categories="cs.CL").ids)
True
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._gc import gc_paused
from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["SORT_KEYS", "FilterIndex"]

#: Sort keys of the results table (``relevance``: best match first when searching, else corpus order).
SORT_KEYS = ("relevance", "title", "authors", "year", "venue", "citations", "id")
_CACHE_KEY = "explorer.filter_index"


def _flat_codes(lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Flatten per-paper lists to (paper of entry, code of entry, names by frequency, papers per name)."""
    lengths = np.fromiter((len(v) if v is not None else 0 for v in lists), np.int64, len(lists))
    owners = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    flat = [x for v in lists if v is not None for x in v]
    if not flat:
        return owners, np.zeros(0, np.int64), [], np.zeros(0, np.int64)
    codes, names = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    counts = np.bincount(codes, minlength=len(names))
    # Renumber so that code 0 is the most frequent name (ties: first seen).
    by_count = np.argsort(-counts, kind="stable")
    renumber = np.empty_like(by_count)
    renumber[by_count] = np.arange(len(by_count))
    ordered = np.asarray(names, dtype=object)[by_count].tolist()  # not names[i]: a pandas lookup per name
    return owners, renumber[codes].astype(np.int64), [str(name) for name in ordered], counts[by_count]


def _dense_rank(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dense ascending ranks (equal values share a rank) and the missing mask."""
    missing = values.isna().to_numpy(dtype=bool)
    ranks = np.zeros(len(values), dtype=np.int64)
    if (~missing).any():
        present = values[~missing]
        if pd.api.types.is_numeric_dtype(present.dtype):
            array = present.to_numpy(dtype=np.float64)
        else:
            array = present.map(str).to_numpy(dtype=object)
        _, inverse = np.unique(array, return_inverse=True)
        ranks[~missing] = inverse
    return ranks, missing


class FilterIndex:
    """Arrays over the papers of a root corpus, for filtering and sorting without Python loops.

    Build it with :meth:`FilterIndex.of` (cached on ``corpus.root``).

    Attributes
    ----------
    n : number of papers in the root corpus.
    years : int64 year per paper, ``-1`` where unknown.
    citations : float64 external citation count, ``nan`` where unknown.
    has_abstract : bool per paper.
    venues, categories, keywords, authors : the distinct values, most frequent first.
    venue_counts, category_counts, keyword_counts, author_counts : papers per value, in the same order.
    venue_codes : int64 venue code per paper (index into ``venues``), ``-1`` where none.
    """

    def __init__(self, root: Corpus) -> None:
        df = root.df  # one copy, kept for the lazily built sort keys
        self.n = len(df)
        self.ids: list[str] = df["id"].tolist()
        self.years = df["year"].fillna(-1).to_numpy(dtype=np.int64)
        self.citations = df["citation_count"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        # Not all white space (isspace is a.strip()'s rule, without building the stripped copy).
        self.has_abstract = np.fromiter(
            (isinstance(a, str) and bool(a) and not a.isspace() for a in df["abstract"]), bool, self.n
        )
        venue_values = [v if isinstance(v, str) and v.strip() else None for v in df["venue"]]
        codes, uniques = pd.factorize(pd.Series(venue_values, dtype=object), use_na_sentinel=True)
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        by_count = np.argsort(-counts, kind="stable")
        renumber = np.full(len(uniques) + 1, -1, dtype=np.int64)
        renumber[by_count] = np.arange(len(by_count))
        self.venues: list[str] = [str(uniques[i]) for i in by_count]
        self.venue_counts = counts[by_count]
        self.venue_codes = np.where(codes >= 0, renumber[codes], -1)
        self._venue_lookup = {v.casefold(): i for i, v in reversed(list(enumerate(self.venues)))}

        self._author_match_cache: dict[str, np.ndarray] = {}
        self._cat_owner, self._cat_code, self.categories, self.category_counts = _flat_codes(df["categories"].tolist())
        self._category_lookup = {c: i for i, c in enumerate(self.categories)}
        self._kw_owner, self._kw_code, self.keywords, self.keyword_counts = _flat_codes(df["keywords"].tolist())
        self._keyword_codes: dict[str, list[int]] = {}  # case-insensitive, as Corpus.filter(keywords=) matches
        for i, k in enumerate(self.keywords):
            self._keyword_codes.setdefault(k.casefold(), []).append(i)

        # What the results table shows, as arrays for fast fancy indexing by position.
        self.titles = df["title"].to_numpy(dtype=object)
        self.author_lists = df["authors"].to_numpy(dtype=object)
        self.venue_values = np.array(venue_values, dtype=object)

        self._ranks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._frame = df  # for the lazily built sort keys

    # The author table is the biggest part of the index (several names per paper): built when first read
    # (the explorer's suggestions, an author filter), its case-folded names when first searched.
    @functools.cached_property
    def _author_table(self) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
        with gc_paused():
            return _flat_codes(self._frame["authors"].tolist())

    @functools.cached_property
    def _authors_folded(self) -> list[str]:
        with gc_paused():
            return [a.casefold() for a in self.authors]

    @property
    def authors(self) -> list[str]:
        """The distinct author names, most papers first."""
        return self._author_table[2]

    @property
    def author_counts(self) -> np.ndarray:
        """Papers per author name, in the order of :attr:`authors`."""
        return self._author_table[3]

    @classmethod
    def of(cls, corpus: Corpus) -> FilterIndex:
        """The index of ``corpus.root`` (built on first use, then cached on the root)."""
        root = corpus.root

        def build() -> FilterIndex:
            # The cyclic GC paused: each collection would walk every object the corpus holds (75,000 papers).
            enabled = gc.isenabled()
            gc.disable()
            try:
                return cls(root)
            finally:
                if enabled:
                    gc.enable()

        return root.cached(_CACHE_KEY, build)

    # ------------------------------------------------------------------ filters

    def year_bounds(self, positions: np.ndarray | None = None) -> tuple[int, int] | None:
        """The smallest and largest known year among ``positions`` (all papers if ``None``)."""
        years = self.years if positions is None else self.years[positions]
        known = years[years >= 0]
        return (int(known.min()), int(known.max())) if len(known) else None

    def categories_among(self, mask: np.ndarray) -> list[str]:
        """The categories of the papers where ``mask`` is true, most frequent (in the whole root) first."""
        present = np.unique(self._cat_code[mask[self._cat_owner]])
        return [self.categories[i] for i in present]

    def keywords_among(self, mask: np.ndarray) -> list[str]:
        """The keywords of the papers where ``mask`` is true, most frequent (in the whole root) first."""
        present = np.unique(self._kw_code[mask[self._kw_owner]])
        return [self.keywords[i] for i in present]

    def venues_among(self, mask: np.ndarray) -> list[str]:
        """The venues of the papers where ``mask`` is true, most frequent (in the whole root) first."""
        codes = np.unique(self.venue_codes[mask])
        return [self.venues[i] for i in codes if i >= 0]

    def _papers_with(self, owner: np.ndarray, code: np.ndarray, wanted: Iterable[int]) -> np.ndarray:
        wanted = np.fromiter(wanted, np.int64)
        mask = np.zeros(self.n, dtype=bool)
        if len(wanted):
            mask[owner[np.isin(code, wanted)]] = True
        return mask

    def author_codes(self, text: str) -> np.ndarray:
        """Codes of the author names that contain ``text`` (case-insensitive), as ``Corpus.filter`` matches."""
        key = text.casefold().strip()
        found = self._author_match_cache.get(key)
        if found is None:
            found = np.fromiter((i for i, name in enumerate(self._authors_folded) if key in name), np.int64)
            if len(self._author_match_cache) > 256:
                self._author_match_cache.clear()
            self._author_match_cache[key] = found
        return found

    def suggest_authors(self, text: str, limit: int = 12) -> list[str]:
        """Up to ``limit`` author names containing ``text``, those with the most papers first."""
        key = text.casefold().strip()
        if not key:
            return self.authors[:limit]
        out = []
        for name, folded in zip(self.authors, self._authors_folded, strict=True):
            if key in folded:
                out.append(name)
                if len(out) >= limit:
                    break
        return out

    def mask(
        self,
        *,
        years: tuple[int, int] | None = None,
        authors: Sequence[str] = (),
        venue: str | None = None,
        categories: Sequence[str] = (),
        keywords: Sequence[str] = (),
        min_citations: int = 0,
        has_abstract: bool = False,
    ) -> np.ndarray:
        """A boolean mask over the root's papers: ``True`` where every given criterion holds.

        ``years`` drops papers of unknown year; ``authors`` keeps papers with an author
        name containing any of the strings (case-insensitive); ``venue`` is exact up to
        case; ``categories`` keeps papers with any of them, ``keywords`` too (case-insensitive);
        ``min_citations > 0`` drops
        unknown counts; ``has_abstract=True`` keeps papers with an abstract.
        """
        mask = np.ones(self.n, dtype=bool)
        if years is not None:
            low, high = years
            mask &= (self.years >= int(low)) & (self.years <= int(high))
        if authors:
            codes = np.unique(np.concatenate([self.author_codes(a) for a in authors]))
            owner, code = self._author_table[:2]
            mask &= self._papers_with(owner, code, codes)
        if venue:
            code = self._venue_lookup.get(venue.casefold(), -2)
            mask &= self.venue_codes == code
        if categories:
            codes = [self._category_lookup[c] for c in categories if c in self._category_lookup]
            mask &= self._papers_with(self._cat_owner, self._cat_code, codes)
        if keywords:
            codes = [i for k in keywords for i in self._keyword_codes.get(k.casefold(), ())]
            mask &= self._papers_with(self._kw_owner, self._kw_code, codes)
        if min_citations and min_citations > 0:
            with np.errstate(invalid="ignore"):
                mask &= self.citations >= min_citations
        if has_abstract:
            mask &= self.has_abstract
        return mask

    # ------------------------------------------------------------------ sorting

    def _rank(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        if key not in self._ranks:
            df = self._frame
            if key == "title":
                values = df["title"].map(lambda t: t.casefold() if isinstance(t, str) else None)
            elif key == "authors":
                values = df["authors"].map(lambda a: a[0].casefold() if a else None)
            elif key == "venue":
                values = df["venue"].map(lambda v: v.casefold() if isinstance(v, str) and v.strip() else None)
            elif key == "id":
                values = df["id"]
            elif key == "citations":
                values = pd.Series(self.citations)
            elif key == "year":
                # The date when known, else 1 January of the year: papers of one year sort by date.
                dates = df["date"]
                day = (dates.dt.year * 10000.0 + dates.dt.month * 100.0 + dates.dt.day).astype("Float64")
                values = day.fillna(df["year"].astype("Float64") * 10000.0 + 101.0)
            else:
                raise InvalidArgumentError(f"unknown sort key {key!r}; known: {SORT_KEYS}")
            self._ranks[key] = _dense_rank(values)
        return self._ranks[key]

    def order(
        self,
        positions: np.ndarray,
        key: str,
        ascending: bool,
        *,
        base_rank: np.ndarray,
        scores: np.ndarray | None = None,
    ) -> np.ndarray:
        """``positions`` sorted by ``key``; missing values last, ties in base-corpus order.

        ``base_rank`` gives each root position its place in the explorer's base corpus;
        ``scores`` (root-length) are the search scores used by ``"relevance"``.
        """
        tie = base_rank[positions]
        if key == "relevance":
            if scores is None:  # no search: the base corpus's order ("descending" = as given, best first)
                order = np.argsort(-tie if ascending else tie, kind="stable")
                return positions[order]
            primary = scores[positions]
            order = np.lexsort((tie, primary if ascending else -primary))
            return positions[order]
        ranks, missing = self._rank(key)
        primary = ranks[positions]
        order = np.lexsort((tie, primary if ascending else -primary, missing[positions]))
        return positions[order]

    def order_mask(
        self,
        mask: np.ndarray,
        key: str,
        ascending: bool,
        *,
        base_rank: np.ndarray,
        scores: np.ndarray | None = None,
        cache: dict[tuple[str, bool], np.ndarray] | None = None,
    ) -> np.ndarray:
        """The root positions where ``mask`` is true, sorted as :meth:`order` sorts them.

        Sorting every root position once per ``(key, ascending)`` (kept in ``cache``) makes
        each later call a single boolean selection, O(papers), instead of a sort; only a
        ranking by search score is sorted each time (over the matches alone).

        >>> import numpy as np, paperlens as pl
        >>> index = FilterIndex.of(pl.load_sample())
        >>> mask, rank = index.years >= 2023, np.arange(index.n)
        >>> cache = {}
        >>> fast = index.order_mask(mask, "title", True, base_rank=rank, cache=cache)
        >>> bool((fast == index.order(np.flatnonzero(mask), "title", True, base_rank=rank)).all()), list(cache)
        (True, [('title', True)])
        """
        if key == "relevance" and scores is not None:
            return self.order(np.flatnonzero(mask), key, ascending, base_rank=base_rank, scores=scores)
        full = cache.get((key, ascending)) if cache is not None else None
        if full is None:
            full = self.order(np.arange(self.n), key, ascending, base_rank=base_rank)
            if cache is not None:
                cache[(key, ascending)] = full
        return full[mask[full]]
