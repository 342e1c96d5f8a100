"""The field at a glance's tables (graphs/trends.py) against pandas groupbys computed here, from the records."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import paperlens as pl
from paperlens.graphs import trends
from paperlens.graphs.structure import community_table

FIXTURES = Path(__file__).parent / "fixtures"
NELSON = FIXTURES / "openalex_citation_sets" / "Nelson_2002" / "works_1.zip"


@pytest.fixture(scope="module")
def sample() -> pl.Corpus:
    return pl.load_sample()


@pytest.fixture(scope="module")
def nelson() -> pl.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        return pl.read(NELSON)


def records(corpus: pl.Corpus) -> list[dict]:
    """The papers as plain dicts, from Paper objects (not from the corpus's columns)."""
    return [
        {"id": p.id, "year": p.year, "authors": p.authors, "venue": p.venue, "categories": p.categories} for p in corpus
    ]


def expected_ranking(corpus: pl.Corpus, field: str) -> tuple[list[tuple[str, int]], int]:
    """(value, papers) most first then A to Z, and the papers with none, from an explode + groupby."""
    frame = pd.DataFrame(records(corpus))
    if field == "venue":
        frame["venue"] = frame["venue"].map(lambda v: [v.strip()] if isinstance(v, str) and v.strip() else [])
    values = frame[field].map(lambda vs: sorted({v.strip() for v in vs if v and v.strip()}))
    missing = int((values.map(len) == 0).sum())
    flat = values.explode().dropna()
    counts = flat.groupby(flat).size()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(str(v), int(c)) for v, c in ranked], missing


@pytest.mark.parametrize("which", ["sample", "nelson"])
@pytest.mark.parametrize(
    ("function", "field", "column"),
    [
        (trends.top_authors, "authors", "author"),
        (trends.top_venues, "venue", "venue"),
        (trends.top_categories, "categories", "category"),
    ],
)
def test_top_tables_equal_an_independent_groupby(request, which, function, field, column):
    corpus = request.getfixturevalue(which)
    expected, missing = expected_ranking(corpus, field)
    table = function(corpus, None)
    assert list(zip(table[column], table["papers"].tolist(), strict=True)) == expected
    assert table.attrs == {"papers": len(corpus), "missing": missing}
    assert function(corpus, 3)[column].tolist() == [v for v, _ in expected[:3]]


def test_the_real_fixture_has_what_the_tables_count(nelson):
    # the comparison above must be about something: authors, venues and years are present on the real set
    assert trends.top_venues(nelson, None)["papers"].sum() > 100
    assert trends.top_authors(nelson, 1)["papers"].iloc[0] >= 2
    assert trends.papers_per_year(nelson, by=None)["year"].nunique() > 10


def test_a_filtered_corpus_counts_only_its_papers(nelson):
    subset = nelson.filter(year=(1990, 1995))
    expected, _ = expected_ranking(subset, "authors")
    table = trends.top_authors(subset, None)
    assert list(zip(table["author"], table["papers"].tolist(), strict=True)) == expected
    assert table.attrs["papers"] == len(subset) < len(nelson)


@pytest.mark.parametrize("which", ["sample", "nelson"])
def test_papers_per_year_by_category_equals_a_groupby(request, which):
    corpus = request.getfixturevalue(which)
    frame = pd.DataFrame(records(corpus))
    frame["group"] = frame["categories"].map(lambda cs: cs[0] if cs else trends.NO_GROUP)
    truth = frame.groupby([frame["year"].fillna(-1).astype(int), "group"]).size()
    table = trends.papers_per_year(corpus, by="category", n=None)
    got = table.assign(year=table["year"].fillna(-1).astype(int)).set_index(["year", "group"])["papers"]
    assert got.sort_index().to_dict() == truth.sort_index().to_dict()
    assert table["papers"].sum() == len(corpus)


def test_the_n_largest_groups_keep_their_names_the_rest_is_other(nelson):
    table = trends.papers_per_year(nelson, by="category", n=3)
    firsts = Counter(p.categories[0] if p.categories else trends.NO_GROUP for p in nelson)
    named = [g for g, _ in sorted(firsts.items(), key=lambda kv: (kv[0] == trends.NO_GROUP, -kv[1], kv[0]))[:3]]
    assert set(table["group"]) == {*named, trends.OTHER}
    other = table[table["group"] == trends.OTHER]["papers"].sum()
    assert other == len(nelson) - sum(firsts[g] for g in named)


def test_missing_years_are_counted_and_kept_as_rows(sample):
    # the sample's papers without their arXiv ids (an id gives a year); four in five without a year
    stripped = pl.Corpus(
        [
            pl.Paper.create(title=p.title, authors=p.authors, categories=p.categories, year=None if i % 5 else p.year)
            for i, p in enumerate(sample)
        ]
    )
    unknown = sum(1 for p in stripped if p.year is None)
    assert unknown == 55
    table = trends.papers_per_year(stripped, by=None)
    assert table.attrs["missing"] == unknown
    assert table[table["year"].isna()]["papers"].tolist() == [unknown]
    assert table["papers"].sum() == len(stripped)
    assert table["year"].isna().tolist()[-1]  # unknown last


def test_topics_are_the_corpus_communities(sample):
    # the one seeded partition (community_table, as the map colours it), named as the map names it
    table = community_table(sample, kind="concept")
    topics = trends.paper_topics(sample)
    for number, label, ids in zip(table["community"], table["label"], table["ids"], strict=True):
        want = (f"{number}: {label}" if label else f"community {number}") if len(ids) > 1 else trends.NO_GROUP
        assert set(topics[ids]) == {want}
    per_year = trends.papers_per_year(sample, by="topic", n=None)
    truth = pd.DataFrame({"year": [p.year for p in sample], "group": topics.to_numpy()}).groupby(["year", "group"])
    got = per_year.set_index(["year", "group"])["papers"]
    assert got.sort_index().to_dict() == truth.size().sort_index().to_dict()
    assert trends.topics_known(sample.filter(year=2023))  # a subset reuses its root's


def test_groups_can_be_given_one_per_paper(sample):
    groups = ["even" if i % 2 == 0 else "odd" for i in range(len(sample))]
    table = trends.papers_per_year(sample, by=groups)
    assert table.groupby("group")["papers"].sum().to_dict() == {"even": 35, "odd": 34}
    with pytest.raises(pl.InvalidArgumentError, match="one per paper"):
        trends.papers_per_year(sample, by=groups[:-1])


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_a_bad_n_is_refused(sample, bad):
    with pytest.raises(pl.InvalidArgumentError, match="n must be"):
        trends.top_authors(sample, bad)


def test_an_unknown_by_is_refused(sample):
    with pytest.raises(pl.InvalidArgumentError, match="by must be"):
        trends.papers_per_year(sample, by="venue")


def test_an_empty_corpus_gives_empty_tables():
    empty = pl.Corpus([])
    assert len(trends.top_authors(empty)) == 0
    assert len(trends.papers_per_year(empty, by="category")) == 0
    assert trends.top_venues(empty).attrs == {"papers": 0, "missing": 0}
