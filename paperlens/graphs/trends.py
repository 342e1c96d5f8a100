"""The field at a glance, as tables: papers per year (by topic or category), top authors, venues and categories.

Pure pandas, no plotting: :mod:`paperlens.display.glance` draws these tables, and the
explorer's glance pane computes them again for the papers its filters keep.

Nothing is dropped silently: every table's ``attrs`` say how many papers it covers
(``attrs["papers"]``) and how many have no value (``attrs["missing"]``: papers of unknown
year, with no venue, no author or no category). :func:`papers_per_year` keeps the papers of
unknown year as rows whose ``year`` is ``<NA>``.

Topics are the corpus's one seeded partition, the concept communities of its root
(:func:`~paperlens.graphs.structure.community_table`, the map's colours and labels), named as
the map names them: ``"3: diffusion, image, video"``.

Examples
--------
>>> import paperlens as pl
>>> corpus = pl.load_sample()
>>> per_year = papers_per_year(corpus, by="category", n=3)
>>> int(per_year["papers"].sum()) == len(corpus)
True
>>> top_authors(corpus, 3).columns.tolist()
['author', 'papers']
>>> top_venues(corpus).attrs["missing"]  # the sample's papers are arXiv preprints: no venue
69
>>> top_categories(corpus, 2)["category"].tolist()
['cs.CL', 'cs.CV']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..docstrings import shared_doc
from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = [
    "BY",
    "NO_GROUP",
    "OTHER",
    "paper_categories",
    "paper_topics",
    "papers_per_year",
    "top_authors",
    "top_categories",
    "top_venues",
    "topics_known",
]

#: What :func:`papers_per_year` can stack by (besides a list of one group per paper).
BY = ("topic", "category", None)
#: The group of the papers outside the ``n`` largest groups.
OTHER = "other"
#: The group of a paper with no topic or no category.
NO_GROUP = "none"


def _counted(frame: pd.DataFrame, papers: int, missing: int) -> pd.DataFrame:
    frame.attrs["papers"] = int(papers)
    frame.attrs["missing"] = int(missing)
    return frame


def _check_n(n: int | None) -> int | None:
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
        raise InvalidArgumentError(f"n must be a positive whole number or None (every value), not {n!r}")
    return None if n is None else int(n)


def _values(field: str, value: Any) -> tuple[str, ...]:
    """A paper's distinct non-empty values of a list field (or of ``venue``, one string)."""
    if field == "venue":
        value = (value,) if isinstance(value, str) else ()
    return tuple(dict.fromkeys(v.strip() for v in (value or ()) if isinstance(v, str) and v.strip()))


class _Codes:
    """A list field of the root corpus as flat arrays: entry -> paper (root position), entry -> value code.

    Built once per root (cached there), so a table for any subset is one ``bincount``.
    """

    def __init__(self, root: Corpus, field: str) -> None:
        lists = [_values(field, v) for v in root.column(field).tolist()]
        lengths = np.fromiter((len(v) for v in lists), np.int64, len(lists))
        self.owners = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
        self.has_any = lengths > 0
        flat = [x for v in lists for x in v]
        codes, names = pd.factorize(pd.Series(flat, dtype=object), sort=True)  # codes in A-to-Z order
        self.codes = codes.astype(np.int64)
        self.names = np.asarray(names, dtype=object)
        self.first = np.full(len(lists), -1, dtype=np.int64)  # each paper's first value (its primary category)
        starts = np.cumsum(lengths) - lengths
        self.first[self.has_any] = self.codes[starts[self.has_any]]

    @classmethod
    def of(cls, corpus: Corpus, field: str) -> _Codes:
        root = corpus.root
        return root.cached(f"trends.codes:{field}", lambda: cls(root, field))


def _ranked(corpus: Corpus, field: str, name: str, n: int | None) -> pd.DataFrame:
    """Papers per value of a field (a paper counts once per distinct value), most papers first; ties A to Z."""
    codes = _Codes.of(corpus, field)
    positions = corpus.root_positions
    inside = np.zeros(len(codes.has_any), dtype=bool)
    inside[positions] = True
    counts = np.bincount(codes.codes[inside[codes.owners]], minlength=len(codes.names))
    present = np.flatnonzero(counts)
    order = present[np.argsort(-counts[present], kind="stable")]  # codes are A to Z: stable keeps ties so
    if n is not None:
        order = order[:n]
    table = pd.DataFrame({name: codes.names[order].astype(str), "papers": counts[order].astype(np.int64)})
    missing = int(len(positions) - codes.has_any[positions].sum())
    return _counted(table, len(positions), missing)


@shared_doc
def top_authors(corpus: Corpus, n: int | None = 15) -> pd.DataFrame:
    """The authors with the most papers: columns ``author``, ``papers``.

    Names are counted as the records spell them (no merging of ``J. Smith`` and ``John Smith``).
    ``attrs["missing"]``: papers with no author.

    {top table sections}
    >>> import paperlens as pl
    >>> table = top_authors(pl.load_sample(), 2)
    >>> table["papers"].tolist()
    [3, 3]
    """
    return _ranked(corpus, "authors", "author", _check_n(n))


@shared_doc
def top_venues(corpus: Corpus, n: int | None = 15) -> pd.DataFrame:
    """The venues (journal, conference) with the most papers: columns ``venue``, ``papers``.

    ``attrs["missing"]``: papers with no venue (preprints, most arXiv records).

    {top table sections}
    >>> import paperlens as pl
    >>> table = top_venues(pl.load_sample("donners2021"), 1)
    >>> table.columns.tolist(), table.attrs["missing"]
    (['venue', 'papers'], 1)
    """
    return _ranked(corpus, "venue", "venue", _check_n(n))


@shared_doc
def top_categories(corpus: Corpus, n: int | None = 15) -> pd.DataFrame:
    """The subject categories (arXiv's ``cs.LG``, OpenAlex concepts...) with the most papers.

    Columns ``category``, ``papers``; a paper counts once in each of its categories.
    ``attrs["missing"]``: papers with no category.

    {top table sections}
    >>> import paperlens as pl
    >>> top_categories(pl.load_sample(), 1).values.tolist()
    [['cs.CL', 29]]
    """
    return _ranked(corpus, "categories", "category", _check_n(n))


def topics_known(corpus: Corpus) -> bool:
    """Whether the topics of ``corpus`` are already found (so :func:`paper_topics` is instant).

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> _ = paper_topics(corpus)
    >>> topics_known(corpus)
    True
    """
    from .layout import COMMUNITIES_KEY

    return COMMUNITIES_KEY in corpus.root.cached_keys()


@shared_doc
def paper_topics(corpus: Corpus) -> pd.Series:
    """The topic of each paper, named as the field map names it: ``"<community>: <label>"``.

    Topics are the concept communities of the corpus's root
    (:func:`~paperlens.graphs.structure.community_table`, found once and cached; minutes at 75,000
    papers the first time). A paper alone in its community gets :data:`NO_GROUP`.

    {per paper sections}
    >>> import paperlens as pl
    >>> topics = paper_topics(pl.load_sample())
    >>> len(topics), topics.iloc[0].split(":")[0].isdigit()
    (69, True)
    """
    from .layout import concept_communities

    root = corpus.root

    def names() -> np.ndarray:
        table = concept_communities(root)
        out = np.full(len(root), NO_GROUP, dtype=object)
        where = root.identifier_index()
        for number, label, ids in zip(table["community"], table["label"], table["ids"], strict=True):
            if len(ids) < 2:  # papers alone in their community have no topic (as in the explorer)
                continue
            out[[where[i] for i in ids]] = f"{number}: {label}" if label else f"community {number}"
        return out

    of_root = root.cached("trends.topic_names", names)
    return pd.Series(of_root[corpus.root_positions], index=corpus.ids, dtype=object, name="topic")


@shared_doc
def paper_categories(corpus: Corpus) -> pd.Series:
    """Each paper's first (primary) category, :data:`NO_GROUP` when it has none.

    {per paper sections}
    >>> import paperlens as pl
    >>> paper_categories(pl.load_sample()).iloc[0]
    'physics.geo-ph'
    """
    codes = _Codes.of(corpus, "categories")
    first = codes.first[corpus.root_positions]
    names = np.append(codes.names, NO_GROUP).astype(object)
    return pd.Series(names[first], index=corpus.ids, dtype=object, name="category")


def papers_per_year(corpus: Corpus, by: str | Sequence[Any] | None = "topic", *, n: int | None = 8) -> pd.DataFrame:
    """Papers per year, stacked by topic or category: columns ``year``, ``group``, ``papers``.

    Each paper counts once: in its topic (:func:`paper_topics`), or in its first category
    (:func:`paper_categories`). The ``n`` largest groups of the corpus keep their name, the
    others are :data:`OTHER`. Papers of unknown year are rows with ``year`` ``<NA>``
    (``attrs["missing"]`` counts them), so the papers always add up to ``len(corpus)``.

    Parameters
    ----------
    corpus : Corpus
        The papers.
    by : {"topic", "category", None} or sequence, default "topic"
        What stacks the bars; a sequence gives each paper's group itself, in corpus order (your
        labels, the explorer's topics); ``None``: one group, ``"all papers"``.
    n : int or None, default 8
        How many groups keep their name (``None``: all).

    Returns
    -------
    pandas.DataFrame
        One row per year and group with papers, by year (unknown last), then largest group first.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> table = papers_per_year(corpus, by=None)
    >>> table[table["year"] == 2023]["papers"].tolist()
    [23]
    >>> table.attrs["missing"]
    0
    """
    n = _check_n(n)
    if isinstance(by, str) or by is None:
        if by not in BY:
            raise InvalidArgumentError(f"by must be one of {list(BY)} or a list of one group per paper, not {by!r}")
        if by == "topic":
            groups = paper_topics(corpus).to_numpy(dtype=object)
        elif by == "category":
            groups = paper_categories(corpus).to_numpy(dtype=object)
        else:
            groups = np.full(len(corpus), "all papers", dtype=object)
    else:
        groups = np.array([NO_GROUP if g is None else str(g) for g in by], dtype=object)
        if len(groups) != len(corpus):
            raise InvalidArgumentError(f"by gives {len(groups)} groups for {len(corpus)} papers: give one per paper")
    sizes = pd.Series(groups, dtype=object).value_counts()
    ranked = sorted(sizes.index, key=lambda g: (g in (NO_GROUP, OTHER), -sizes[g], g))
    kept = ranked if n is None else ranked[:n]
    keep = set(kept)
    groups = np.array([g if g in keep else OTHER for g in groups.tolist()], dtype=object)
    order = {g: i for i, g in enumerate([*kept, OTHER])}
    years = pd.to_numeric(corpus.column("year"), errors="coerce").astype("Int64")
    frame = pd.DataFrame({"year": years.to_numpy(), "group": groups})
    table = frame.groupby(["year", "group"], dropna=False, sort=False).size().rename("papers").reset_index()
    table["year"] = table["year"].astype("Int64")
    table["papers"] = table["papers"].astype(np.int64)
    rank = table["group"].map(order)
    table = (
        table.assign(_rank=rank, _unknown=table["year"].isna(), _year=table["year"].fillna(0))
        .sort_values(["_unknown", "_year", "_rank"], kind="stable")
        .drop(columns=["_rank", "_unknown", "_year"])
        .reset_index(drop=True)
    )
    return _counted(table, len(corpus), int(years.isna().sum()))
