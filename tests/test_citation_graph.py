"""The in-corpus citation graph: reference resolution, attributes, and the explanation of empty graphs."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import networkx as nx
import pytest

import paperlens as pl
from paperlens import Corpus, Paper
from paperlens.errors import GraphWarning, PaperlensWarning
from paperlens.graphs.citation import citation_graph, resolve_references

SEED = Path(pl.__file__).parent / "data" / "seed" / "seed_citations.tsv"


def seed_links() -> set[tuple[str, str]]:
    with SEED.open(encoding="utf-8") as handle:
        return {(row["citing_arxiv_id"], row["cited_arxiv_id"]) for row in csv.DictReader(handle, delimiter="\t")}


def cites(graph: nx.DiGraph) -> set[tuple[str, str]]:
    return {(a, b) for a, b, kind in graph.edges(data="kind") if kind == "cites"}


# --------------------------------------------------------------------------- the sample


def test_sample_citation_edges_are_exactly_the_seed_links() -> None:
    expected = seed_links()
    assert len(expected) == 13
    corpus = pl.load_sample()
    for mentions in (False, True):
        graph = corpus.citation_graph(mentions=mentions)
        assert cites(graph) == expected
        assert set(graph.nodes) == set(corpus.ids)
    graph = corpus.citation_graph(mentions=False)
    assert graph.number_of_edges() == 13
    assert graph.graph["references_total"] == 13
    assert graph.graph["references_resolved"] == 13
    assert graph.graph["references_external"] == 0


def test_sample_degrees_match_the_seed_file() -> None:
    expected = seed_links()
    graph = pl.load_sample().citation_graph(mentions=False)
    for node, attrs in graph.nodes(data=True):
        assert attrs["in_degree"] == sum(1 for _, cited in expected if cited == node)
        assert attrs["out_degree"] == sum(1 for citing, _ in expected if citing == node)


def test_sample_mentions_of_cited_papers_stay_cites_edges() -> None:
    graph = pl.load_sample().citation_graph(mentions=True)
    edge = graph.edges["2409.04828", "2203.05482"]
    assert edge["kind"] == "cites"
    assert edge["mention"] == "model soup"


# --------------------------------------------------------------------------- identifier forms


@pytest.fixture
def id_corpus() -> Corpus:
    papers = [
        Paper.create(title="Old style physics", arxiv_id="hep-th/9901001", year=1999),
        Paper.create(title="New arXiv paper", arxiv_id="2203.05482", year=2022),
        Paper.create(title="A DOI paper", doi="10.1000/xyz123", year=2010),
        Paper.create(title="An OpenAlex work", openalex_id="W2741809807", year=2017),
        Paper.create(title="A Semantic Scholar paper", s2_id="a" * 40, year=2018),
        Paper.create(title="Attention Is All You Need For Graphs", year=2019),
        Paper.create(title="Arxiv paper known by its DOI only", doi="10.48550/arxiv.2101.00001", year=2021),
        Paper.create(
            title="The citing paper",
            arxiv_id="2301.00001",
            year=2023,
            authors=("Ada Lovelace", "Alan Turing"),
            categories=("cs.LG", "cs.CL"),
            venue="ICML",
            citation_count=5,
            references=(
                "http://arxiv.org/abs/hep-th/9901001v2",
                "10.48550/arXiv.2203.05482",
                "https://doi.org/10.1000/XYZ123",
                "https://openalex.org/W2741809807",
                "https://www.semanticscholar.org/paper/Some-Title/" + "A" * 40,
                "attention is all you need, for graphs!",
                "arXiv:2101.00001v3",
                "10.9999/elsewhere",
                "2301.00001",
                "A work nobody here wrote",
            ),
        ),
    ]
    return Corpus(papers)


def test_every_identifier_form_resolves(id_corpus: Corpus) -> None:
    graph = citation_graph(id_corpus, mentions=False)
    via = {cited: data["via"] for _, cited, data in graph.out_edges("2301.00001", data=True)}
    fallback = id_corpus.get("Attention Is All You Need For Graphs").id
    assert via == {
        "hep-th/9901001": "arxiv",
        "2203.05482": "arxiv",
        "10.1000/xyz123": "doi",
        "W2741809807": "openalex",
        "a" * 40: "s2",
        fallback: "title",
        "10.48550/arxiv.2101.00001": "arxiv",
    }
    assert all(kind == "cites" for *_, kind in graph.edges(data="kind"))
    stats = graph.graph
    assert stats["references_total"] == 10
    assert stats["references_resolved"] == 7
    assert stats["references_external"] == 1  # 10.9999/elsewhere
    assert stats["references_unresolved"] == 1  # the free-text title
    assert stats["references_self"] == 1  # 2301.00001 cites itself: no loop
    assert not any(a == b for a, b in graph.edges)


def test_node_attributes_are_graphml_safe(id_corpus: Corpus) -> None:
    graph = citation_graph(id_corpus, mentions=False)
    attrs = graph.nodes["2301.00001"]
    assert attrs["authors"] == "Ada Lovelace; Alan Turing"
    assert attrs["categories"] == "cs.LG; cs.CL"
    assert attrs["venue"] == "ICML"
    assert attrs["citation_count"] == 5
    assert attrs["year"] == 2023
    assert attrs["out_degree"] == 7 and attrs["in_degree"] == 0
    assert "citation_count" not in graph.nodes["2203.05482"]  # unknown: absent, not None
    assert graph.nodes["2203.05482"]["in_degree"] == 1
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    again = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert set(again.edges) == set(graph.edges)
    assert again.nodes["2301.00001"]["authors"] == "Ada Lovelace; Alan Turing"


def test_citation_strings_containing_a_title_resolve() -> None:
    cited = Paper.create(title="Deep Residual Learning for Image Recognition", year=2016)
    citing = Paper.create(
        title="Later",
        year=2020,
        references=("He, K., Zhang, X. (2016). Deep residual learning for image recognition. CVPR.",),
    )
    graph = citation_graph(Corpus([cited, citing]), mentions=False)
    assert graph.edges[citing.id, cited.id]["via"] == "title"


def test_ambiguous_titles_do_not_resolve() -> None:
    a = Paper.create(title="Introduction", year=2001)
    b = Paper.create(title="Introduction", year=2002)
    citing = Paper.create(title="Citing", year=2003, references=("Introduction",))
    with pytest.warns(GraphWarning):
        graph = citation_graph(Corpus([a, b, citing]), mentions=False)
    assert graph.number_of_edges() == 0
    assert graph.graph["references_unresolved"] == 1


def test_duplicate_references_give_one_edge() -> None:
    cited = Paper.create(title="Cited", arxiv_id="2001.00001")
    citing = Paper.create(title="Citing", arxiv_id="2002.00001", references=("2001.00001", "arXiv:2001.00001v2"))
    graph = citation_graph(Corpus([cited, citing]), mentions=False)
    assert list(graph.edges) == [("2002.00001", "2001.00001")]
    assert graph.graph["references_resolved"] == 2


def test_a_subset_links_only_its_own_papers() -> None:
    corpus = pl.load_sample()
    subset = corpus.filter(ids=["2203.05482", "2409.04828", "2401.02460"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = subset.citation_graph(mentions=False)
    assert set(graph.nodes) == set(subset.ids)
    assert cites(graph) == {("2409.04828", "2203.05482")}
    # 2203.05482 -> 2103.00020 and 2401.02460's two references point outside the subset
    assert graph.graph["references_external"] == 3


def test_isolates_can_be_dropped() -> None:
    graph = pl.load_sample().citation_graph(mentions=False, isolates=False)
    assert set(graph.nodes) == {n for edge in seed_links() for n in edge}


# --------------------------------------------------------------------------- explaining empty graphs


def test_no_resolvable_reference_is_explained_not_silent() -> None:
    papers = [
        Paper.create(title="One", doi="10.1000/one", references=("10.2000/outside", "W999", "Some unknown title")),
        Paper.create(title="Two", doi="10.1000/two", references=("10.2000/outside2",)),
        Paper.create(title="Three", doi="10.1000/three"),
    ]
    with pytest.warns(GraphWarning) as caught:
        graph = citation_graph(Corpus(papers), mentions=False)
    assert set(graph.nodes) == {"10.1000/one", "10.1000/two", "10.1000/three"}
    assert graph.number_of_edges() == 0
    assert graph.graph["references_total"] == 4
    assert graph.graph["references_resolved"] == 0
    assert graph.graph["references_external"] == 3
    assert graph.graph["references_unresolved"] == 1
    notes = graph.graph["notes"]
    assert "4 references" in notes and "3 are identifiers of works outside this corpus" in notes
    assert "1 is a title or citation text matching no paper here" in notes
    message = str(caught[0].message)
    assert "\n" not in message and "4 references" in message
    assert issubclass(GraphWarning, PaperlensWarning)


def test_a_corpus_without_references_says_so() -> None:
    corpus = pl.load_sample().filter(ids=["2302.08747", "2006.10029"])
    with pytest.warns(GraphWarning, match="lists references"):
        graph = corpus.citation_graph(mentions=False)
    assert graph.number_of_nodes() == 2
    assert graph.graph["references_total"] == 0
    assert "enrich" in graph.graph["notes"]


def test_resolutions_are_cached_per_corpus() -> None:
    corpus = pl.load_sample()
    assert resolve_references(corpus) is resolve_references(corpus)


def test_mentions_default_to_off_above_the_auto_limit(monkeypatch):
    from paperlens.graphs import citation

    corpus = pl.load_sample()
    with_mentions = citation.citation_graph(corpus)
    assert with_mentions.graph["mentions"] >= 0 and "off above" not in with_mentions.graph["notes"]
    monkeypatch.setattr(citation, "MENTIONS_AUTO_LIMIT", 10)
    called = []
    monkeypatch.setattr("paperlens.graphs.mentions.find_mentions", lambda c: called.append(1) or [])
    graph = citation.citation_graph(corpus)
    assert not called and "pass mentions=True" in graph.graph["notes"]
    citation.citation_graph(corpus, mentions=True)
    assert called == [1]
