import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

import paperlens as pl
from paperlens import Corpus, FieldError, Paper, PaperlensError, PaperNotFoundError


def make(title, **kw):
    return Paper.create(title=title, **kw)


@pytest.fixture(scope="module")
def sample():
    return pl.load_sample()


@pytest.fixture
def small():
    return Corpus(
        [
            make(
                "Alpha graphs",
                authors=("Ada Lovelace", "Alan Turing"),
                year=2019,
                venue="NeurIPS",
                categories=("cs.LG",),
                doi="10.1000/a",
                citation_count=10,
                abstract="Graphs of alpha.",
            ),
            make(
                "Beta language models",
                authors=("Grace Hopper",),
                year=2021,
                venue="ACL",
                categories=("cs.CL",),
                arxiv_id="2101.00001",
                citation_count=3,
                abstract="Language models.",
            ),
            make(
                "Gamma vision",
                authors=("Alan Turing",),
                date=dt.date(2023, 5, 1),
                venue="CVPR",
                categories=("cs.CV", "cs.LG"),
                abstract=None,
            ),
            make("Delta without year", authors=()),
        ]
    )


def test_repr_and_len(sample, small):
    assert repr(sample) == "<Corpus: 69 papers, 2019–2025>"
    assert len(small) == 4
    assert repr(Corpus()) == "<Corpus: 0 papers>"
    assert repr(small[:1]) == "<Corpus: 1 paper, 2019>"


def test_indexing_by_id_position_slice(sample):
    paper = sample["2203.05482"]
    assert isinstance(paper, Paper) and paper.title.startswith("Model soups")
    assert sample["arXiv:2203.05482v2"] == paper
    assert sample["https://arxiv.org/abs/2203.05482"] == paper
    assert sample[0].id == sample.ids[0]
    assert sample[-1].id == sample.ids[-1]
    assert sample[2:5].ids == sample.ids[2:5]
    with pytest.raises(IndexError):
        sample[69]
    with pytest.raises(PaperNotFoundError, match=r"9999\.99999"):
        sample["9999.99999"]
    with pytest.raises(TypeError):
        sample[1.5]
    assert "2203.05482" in sample and "nope" not in sample and 3 not in sample


def test_df_is_a_copy(sample):
    df = sample.df
    df.loc[0, "title"] = "changed"
    assert sample[0].title != "changed"
    assert len(sample) == 69


def test_paper_is_immutable(sample):
    paper = sample[0]
    with pytest.raises(AttributeError):
        paper.title = "x"
    with pytest.raises(TypeError):
        paper.extra["x"] = 1
    assert isinstance(paper.authors, tuple)


def test_filter_year_range_open_ends(small):
    assert [p.title for p in small.filter(year=(2020, None))] == ["Beta language models", "Gamma vision"]
    assert [p.title for p in small.filter(year=(None, 2020))] == ["Alpha graphs"]
    assert [p.title for p in small.filter(year=2021)] == ["Beta language models"]
    assert len(small.filter(date=("2023-01-01", None))) == 1


def test_filter_authors_any_all(small):
    assert len(small.filter(authors="turing")) == 2
    assert len(small.filter(authors=["Lovelace", "Hopper"])) == 2
    assert small.filter(authors=["Lovelace", "Turing"], authors_mode="all").ids == [small[0].id]
    with pytest.raises(PaperlensError, match="authors_mode"):
        small.filter(authors="x", authors_mode="some")


def test_filter_other_fields(small):
    assert small.filter(venue="acl").ids == [small[1].id]
    assert len(small.filter(categories="cs.LG")) == 2
    assert len(small.filter(categories=["cs.CL", "cs.CV"])) == 2
    assert len(small.filter(has_abstract=True)) == 2
    assert len(small.filter(has_abstract=False)) == 2
    assert small.filter(text="language MODELS").ids == [small[1].id]
    assert small.filter(min_citations=5).ids == [small[0].id]
    assert small.filter(lambda p: p.title.startswith("G")).ids == [small[2].id]
    assert small.filter(where=lambda p: not p.authors).ids == [small[3].id]
    assert small.filter(ids=[small[3].id]).ids == [small[3].id]
    # criteria combine with AND
    assert small.filter(categories="cs.LG", year=(2020, None)).ids == [small[2].id]


def test_filter_unknown_field_suggests(small):
    with pytest.raises(FieldError, match="did you mean 'authors'"):
        small.filter(author="x")
    with pytest.raises(FieldError, match="did you mean 'year'"):
        small.sort_by("yeer")


def test_search_ranks_title_matches_first(sample):
    hits = sample.search("low-rank adaptation")
    # Exactly the papers with every word of the query in title or abstract (issue 16.5), found by a plain regex.
    words = {"low", "rank", "adaptation"}
    matching = {p.id for p in sample if words <= set(re.findall(r"[a-z0-9]+", f"{p.title} {p.abstract}".lower()))}
    assert set(hits.ids) == matching and len(matching) == 2
    any_word = {p.id for p in sample if words & set(re.findall(r"[a-z0-9]+", f"{p.title} {p.abstract}".lower()))}
    assert set(sample.search("low OR rank OR adaptation").ids) == any_word and len(any_word) == 21
    scores = hits.df["score"].to_numpy()
    assert np.all(np.diff(scores) <= 0) and np.all(scores > 0)
    top = hits[0]
    assert "low-rank" in top.title.lower() and "adaptation" in top.title.lower()
    assert len(sample.search("low-rank adaptation", top=2)) == 2
    with pytest.warns(pl.PaperlensWarning, match="no paper matches 'zzzxqv'"):  # says why (issue 16.5)
        assert len(sample.search("zzzxqv")) == 0
    with pytest.raises(PaperlensError):
        sample.search("  ")


def test_search_title_weighted_over_abstract():
    corpus = Corpus(
        [
            make("Unrelated title", abstract="We study transformers for sequence data. " * 3),
            make("Transformers for graphs", abstract="A short abstract about networks and trees."),
        ]
    )
    assert corpus.search("transformers")[0].title == "Transformers for graphs"


def test_subset_search_uses_root_index_and_keeps_order(sample):
    subset = sample.filter(year=(2023, None))
    hits = subset.search("language model")
    assert set(hits.ids) <= set(subset.ids)
    assert subset.root is sample and hits.root is sample
    full = sample.search("language model")
    expected = [i for i in full.ids if i in set(subset.ids)]
    assert hits.ids == expected
    assert "search" in sample._cache and "search" not in subset._cache


def test_sort_by(small):
    assert [p.year for p in small.sort_by("year")] == [2019, 2021, 2023, None]
    assert [p.year for p in small.sort_by("year", ascending=False)] == [2023, 2021, 2019, None]
    assert small.sort_by("citation_count")[0].citation_count == 10  # high first by default
    assert small.sort_by("authors")[0].authors == ("Ada Lovelace", "Alan Turing")
    assert small.sort_by("title").ids[0] == small[0].id


def test_head_sample(sample):
    assert sample.head(3).ids == sample.ids[:3]
    a, b = sample.sample(10, seed=7), sample.sample(10, seed=7)
    assert a.ids == b.ids and len(set(a.ids)) == 10
    assert sample.sample(10, seed=8).ids != a.ids
    half = sample.sample(frac=0.5, seed=1)
    assert len(sample) == 69 and len(half) == 34  # round(34.5) == 34: Python rounds half to even
    expected = np.sort(np.random.default_rng(1).choice(69, size=34, replace=False))
    assert half.ids == [sample.ids[i] for i in expected]  # the seeded draw, in corpus order


def test_set_operations(sample):
    a, b = sample[:40], sample[30:]
    assert len(a | b) == 69
    assert (a & b).ids == sample.ids[30:40]
    assert (a - b).ids == sample.ids[:30]
    assert len(sample - sample) == 0


def test_merge_detects_duplicates_by_doi_arxiv_and_title_year():
    one = Corpus([make("Model Soups", doi="10.1000/soup", year=2022), make("Other", year=2020)])
    two = Corpus(
        [
            make("Model soups: averaging weights", arxiv_id="2203.05482", doi="10.1000/SOUP"),  # same DOI
            make("other", year=2020, venue="ICML"),  # same folded title + year
            make("Other", year=2021),  # different year: a different paper
        ]
    )
    merged = one | two
    assert len(merged) == 3
    soup = merged["10.1000/soup"]
    assert soup.arxiv_id == "2203.05482" and soup.id == "2203.05482" and soup.title == "Model Soups"
    assert merged[1].venue == "ICML"
    step = merged.report.files[-1]
    assert (step.records, step.loaded, step.merged) == (5, 3, 2)


def test_constructor_bridges_records_sharing_different_ids():
    papers = [
        make("A", doi="10.1000/a"),
        make("A preprint", arxiv_id="2001.00001"),
        make("A", doi="10.1000/a", arxiv_id="2001.00001"),  # joins the two above
    ]
    corpus = Corpus(papers)
    assert len(corpus) == 1
    assert corpus[0].doi == "10.1000/a" and corpus[0].arxiv_id == "2001.00001"


def test_corpus_equality_and_unhashable(sample):
    assert sample == pl.load_sample()
    assert sample != sample[:5]
    with pytest.raises(TypeError):
        hash(sample)


def test_html_repr_escapes_and_never_raises():
    evil = "<img src=x onerror=alert(1)>"
    corpus = Corpus([make(evil, authors=(evil,), venue=evil, url="javascript:alert(1)")])
    out = corpus._repr_html_()
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    paper_out = corpus[0]._repr_html_()
    assert "<img" not in paper_out and "javascript:" not in paper_out

    class Broken(Corpus):
        def __len__(self):
            raise RuntimeError("boom <b>")

    broken = Broken.__new__(Broken)
    broken.__dict__.update(corpus.__dict__)
    html = pl.Corpus._repr_html_(broken)
    assert "could not render" in html and "<b>" not in html


def test_dates_and_years_are_consistent(sample):
    df = sample.df
    with_date = df[df["date"].notna()]
    assert (with_date["date"].dt.year == with_date["year"]).all()
    assert isinstance(sample.filter(year=(2023, 2023))[0].date, dt.date)
    assert df["year"].dtype == pd.Int64Dtype()


def test_same_title_and_year_with_different_dois_are_different_papers():
    # Real case (donners2021 sample): OpenAlex holds several conference supplements titled "Abstracts".
    corpus = Corpus(
        [
            make("Abstracts", year=2018, doi="10.1111/hae.13478"),
            make("Abstracts", year=2018, doi="10.1111/bjh.15226"),
            make("Abstracts", year=2018, arxiv_id="1801.00001"),
            make("Abstracts", year=2018, arxiv_id="1801.00002"),
        ]
    )
    assert len(corpus) == 4  # a recurring heading: only an identifier merges it (issue 16.1)
    assert len(Corpus([make("Abstracts", year=2018, doi="10.1111/a"), make("abstracts", year=2018)])) == 2
    assert len(Corpus([make("Attention", year=2018, doi="10.1111/a"), make("attention", year=2018)])) == 1
    one = Corpus([make("Abstracts", year=2018, doi="10.1111/a")])
    two = Corpus([make("Abstracts", year=2018, doi="10.1111/b")])
    assert len(one & two) == 0 and len(one - two) == 1 and len(one | two) == 2


def test_donners_sample_keeps_distinct_supplements():
    corpus = pl.load_sample("donners2021")
    report = corpus.report
    assert report.records == 258
    assert report.loaded + report.merged + len(report.skipped) == 258
    assert len([p for p in corpus if p.title == "Abstracts"]) >= 5


def test_untitled_records_get_distinct_stable_ids_and_identical_ones_merge():
    a = make("", authors=("A. Gross",), year=1952, venue="Doklady", extra={"pages": "521"})
    b = make("", authors=("A. Gross",), year=1952, venue="Doklady", extra={"pages": "9"})
    again = make("", authors=("A. Gross",), year=1952, venue="Doklady", extra={"pages": "521"})
    assert a.id.startswith("pl:") and a.id != b.id and a.id == again.id
    corpus = Corpus([a, b, again])
    assert len(corpus) == 2 and len(set(corpus.ids)) == 2
    assert "(untitled)" in corpus._repr_html_()


def test_structure_delegates_hand_over_to_the_graph_layer(sample):
    from paperlens.graphs import structure

    donners = pl.load_sample("donners2021")
    assert nx_edges(donners.cocitation_graph()) == nx_edges(structure.cocitation_graph(donners))
    assert nx_edges(donners.coupling_graph()) == nx_edges(structure.coupling_graph(donners))
    assert sample.prior_works(5).equals(structure.prior_works(sample, n=5))
    assert donners.derivative_works(3).equals(structure.derivative_works(donners, n=3))
    assert sample.shortest_connection("2409.04828", "2203.05482", kind="citation") == [
        ("2409.04828", None),
        ("2203.05482", "cites"),
    ]
    table = sample.communities()
    assert sorted(i for ids in table["ids"] for i in ids) == sorted(sample.ids)
    mentions = sample.mentions()
    # The names these papers give themselves (read off their titles and code links by hand), found by a
    # plain regex in every other paper's title or abstract: each is a mention link, and there is no other.
    names = {
        r"\bCLIP\b": "2103.00020",  # github.com/OpenAI/CLIP
        r"(?i)\bmodel soups?\b": "2203.05482",  # "Model soups: averaging weights ..."
        r"\bELECTRA\b": "2003.10555",  # "ELECTRA: Pre-training Text Encoders ..."
        r"(?i)\breplaced token detection\b": "2003.10555",  # "a ... task called replaced token detection"
    }
    expected = {
        (p.id, cited)
        for p in sample
        for pattern, cited in names.items()
        if p.id != cited and re.search(pattern, f"{p.title} {p.abstract}")
    }
    assert set(zip(mentions["citing"], mentions["cited"], strict=True)) == expected
    assert len(expected) == 9 and len(mentions) == 9


def nx_edges(graph):
    return sorted((min(a, b), max(a, b), d.get("weight")) for a, b, d in graph.edges(data=True))


def test_public_hooks_for_the_layers_above(sample):
    subset = sample.filter(year=(2023, None))
    assert subset.subset([1, 0]).ids == [subset.ids[1], subset.ids[0]]
    assert subset.subset([1, 0]).root is sample
    scored = sample.subset([0, 1], scores=[2.0, 1.0])
    assert scored.scores.tolist() == [2.0, 1.0]
    expected = sample.search("language model")
    scores = subset.search_scores("language model")
    assert len(scores) == len(subset)
    assert dict(zip(subset.ids, scores, strict=True)) == pytest.approx(
        {i: s for i, s in zip(sample.ids, sample.search_scores("language model"), strict=True) if i in subset}
    )
    assert set(expected.ids) & set(subset.ids) == {i for i, s in zip(subset.ids, scores, strict=True) if s > 0}
    calls = []
    assert subset.cached("test.key", lambda: calls.append(1) or 42) == 42
    assert subset.cached("test.key", lambda: calls.append(1) or 43) == 42 and calls == [1]
    assert "test.key" in subset.cached_keys()
    titles = sample.column("title")
    titles.iloc[0] = "changed"
    assert sample[0].title != "changed"
    with pytest.raises(FieldError):
        sample.column("titel")
    index = sample.identifier_index()
    assert index["2203.05482"] == sample.position("2203.05482")
    with pytest.raises(TypeError):
        index["x"] = 1
