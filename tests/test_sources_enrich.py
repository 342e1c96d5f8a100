"""corpus.enrich(): filling what is missing from OpenAlex and Semantic Scholar, in batches, resumably.

The OpenAlex answers come from a small fake server over the real works of the
Sep_2021 citation set: it reads the request's ``filter`` and ``select`` and
answers the matching works, so every answer is a real OpenAlex record.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sources_support import FIXTURES, bare, in_set_edges, net_fixture, set_works, short_id  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.errors import FieldError, OfflineError, PaperlensError
from paperlens.sources.enrich import EnrichmentReport, enrich
from paperlens.sources.http import SourceWarning
from paperlens.sources.semantic_scholar import BASE_URL as S2_BASE

URL = "https://api.openalex.org/works"


class FakeOpenAlex:
    """Answers ``filter=doi:a|b`` and ``filter=ids.openalex:W1|W2`` from a list of real works."""

    def __init__(self, works, broken=()):
        self.by_doi = {w["doi"].removeprefix("https://doi.org/").lower(): w for w in works if w.get("doi")}
        self.by_id = {short_id(w["id"]): w for w in works}
        self.broken = set(broken)  # values whose request answers 500
        self.filters: list[str] = []

    def __call__(self, request):
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        self.filters.append(query["filter"])
        field, _, values = query["filter"].partition(":")
        values = values.split("|")
        if self.broken & set(values):
            return 500, {}, json.dumps({"error": "Internal Server Error"})
        table = self.by_doi if field == "doi" else self.by_id
        found = [table[v] for v in values if v in table]
        if "select" in query:
            keep = query["select"].split(",")
            found = [{k: w[k] for k in keep if k in w} for w in found]
        return 200, {}, json.dumps({"meta": {"count": len(found)}, "results": found})


def test_a_bibtex_export_gets_a_real_citation_graph(net, tmp_path):
    works = set_works("Sep_2021")
    server = FakeOpenAlex(works)
    net.mock.add_callback("GET", URL, callback=server)
    path = tmp_path / "export.bib"
    bare(works).to_bibtex(path)
    exported = pl.read(path, warn=False)
    assert len(exported) == len(works) and all(p.references == () for p in exported)
    enriched = exported.enrich("openalex", progress=False)
    assert [len(f.removeprefix("doi:").split("|")) for f in server.filters] == [100, 100, 71]
    report = enriched.enrichment
    assert isinstance(report, EnrichmentReport) and len(report.enriched) == len(works)
    assert enriched.filter(year=(2000, None)).enrichment is report and enriched[:5].enrichment is report
    assert exported.enrichment is None
    by_doi = {p.doi: p for p in enriched}
    for work in works:
        paper = by_doi[work["doi"].removeprefix("https://doi.org/").lower()]
        assert paper.openalex_id == short_id(work["id"])
        assert paper.references == tuple(short_id(r) for r in work["referenced_works"])
        assert paper.citation_count == work["cited_by_count"]
    graph = enriched.citation_graph(mentions=False)
    assert graph.number_of_edges() == in_set_edges(works) == 413
    assert enriched.ids == exported.ids  # ids never change


def test_user_values_are_kept_unless_overwrite(net):
    works = set_works("Sep_2021")[:2]
    net.mock.add_callback("GET", URL, callback=FakeOpenAlex(works))
    mine = bare(works)
    first = mine[0].replace(venue="My Venue", abstract="my abstract", references=("W1",), year=1900)
    corpus = pl.Corpus([first, mine[1]])
    kept = corpus.enrich("openalex")
    paper = kept[0]
    assert (paper.venue, paper.abstract, paper.year) == ("My Venue", "my abstract", 1900)
    assert paper.references[0] == "W1" and len(paper.references) == 1 + len(works[0]["referenced_works"])
    added = kept.enrichment.added(first.id)
    assert "venue" not in added and "abstract" not in added and added["references"].endswith("references")
    replaced = corpus.enrich("openalex", overwrite=True)[0]
    assert replaced.venue == works[0]["primary_location"]["source"]["display_name"]
    assert replaced.year == works[0]["publication_year"] and "W1" not in replaced.references
    only = corpus.enrich("openalex", fields=["citation_count"])[1]
    assert only.citation_count == works[1]["cited_by_count"] and only.abstract is None


def test_arxiv_ids_go_through_arxiv_dois_and_second_identifiers_are_tried(net):
    work = dict(set_works("Sep_2021")[0])
    preprint = {**work, "doi": "https://doi.org/10.48550/arxiv.2203.05482", "id": "https://openalex.org/W4221"}
    server = FakeOpenAlex([preprint])
    net.mock.add_callback("GET", URL, callback=server)
    corpus = pl.Corpus(
        [
            pl.Paper.create(title="Model soups", doi="10.9999/unknown.journal.version", arxiv_id="2203.05482"),
            pl.Paper.create(title="Nowhere", arxiv_id="2101.00001"),
            pl.Paper.create(title="No identifier at all", year=2020),
        ]
    )
    enriched = corpus.enrich("openalex", warn=False)
    report = enriched.enrichment
    assert server.filters == [
        "doi:10.9999/unknown.journal.version|10.48550/arxiv.2101.00001",
        "doi:10.48550/arxiv.2203.05482",
    ]
    assert report.enriched == ["2203.05482"] and enriched[0].openalex_id == "W4221"
    assert enriched[0].doi == "10.9999/unknown.journal.version"  # the user's DOI stays
    assert report.not_found == ["2101.00001"] and report.no_identifier == [corpus[2].id]
    assert report.summary() == (
        "OpenAlex enrichment of 3 papers: 1 enriched, 0 unchanged, 1 not found, 0 failed, 1 without identifier"
    )
    step = enriched.report.files[-1]
    assert step.format == "enrich-openalex" and step.accounted
    assert any("2101.00001: not found (asked for doi:10.48550/arxiv.2101.00001)" in n for n in step.notes)


def test_partial_failure_keeps_what_was_fetched_and_a_rerun_fetches_only_the_rest(net):
    works = set_works("Sep_2021")
    corpus = bare(works)
    second_batch = [p.doi for p in corpus][100:200]
    broken = FakeOpenAlex(works, broken=second_batch)
    net.mock.add_callback("GET", URL, callback=broken)
    with pytest.warns(SourceWarning, match="100 failed"):
        first = corpus.enrich("openalex")
    assert net.calls == 1 + 3 + 1  # batch 1, batch 2 tried three times (retries=2), batch 3
    assert len(first.enrichment.enriched) == 171 and len(first.enrichment.failed) == 100
    assert all("HTTP 500" in reason for reason in first.enrichment.failed.values())
    assert first[150].references == () and first[0].references  # the failed ones are unchanged
    net.mock.reset()
    healthy = FakeOpenAlex(works)
    net.mock.add_callback("GET", URL, callback=healthy)
    again = corpus.enrich("openalex")
    assert len(healthy.filters) == 1 and healthy.filters[0].removeprefix("doi:").split("|") == second_batch
    assert len(again.enrichment.enriched) == len(works)
    assert again.citation_graph(mentions=False).number_of_edges() == 413


def test_an_interrupted_run_continues_from_the_cache(net):
    works = set_works("Sep_2021")
    corpus = bare(works)
    healthy = FakeOpenAlex(works)

    def interrupted(request):
        if len(healthy.filters) == 1:  # the user presses stop while the second batch is on its way
            raise KeyboardInterrupt
        return healthy(request)

    net.mock.add_callback("GET", URL, callback=interrupted)
    with pytest.raises(KeyboardInterrupt):
        corpus.enrich("openalex")
    assert len(healthy.filters) == 1
    net.mock.reset()
    again = FakeOpenAlex(works)
    net.mock.add_callback("GET", URL, callback=again)
    done = corpus.enrich("openalex")
    assert len(again.filters) == 2 and net.calls == 2  # batches 2 and 3; batch 1 came from the cache
    assert len(done.enrichment.enriched) == len(works)


def test_the_sample_is_looked_up_by_arxiv_doi_in_one_batch(net):
    sample = pl.load_sample()
    server = FakeOpenAlex([])
    net.mock.add_callback("GET", URL, callback=server)
    enriched = sample.enrich("openalex")
    assert len(server.filters) == 1
    asked = server.filters[0].removeprefix("doi:").split("|")
    assert sorted(asked) == sorted(f"10.48550/arxiv.{p.arxiv_id}" for p in sample)
    assert enriched.enrichment.not_found == sample.ids and enriched == sample


def test_offline_enrichment(net):
    works = set_works("Sep_2021")
    corpus = bare(works)
    with pytest.raises(OfflineError, match=r"not in the cache: GET https://api\.openalex\.org/works\?filter=doi"):
        corpus.enrich("openalex", offline=True)
    net.mock.add_callback("GET", URL, callback=FakeOpenAlex(works))
    corpus[:100].enrich("openalex")  # the first batch is now cached
    with pytest.warns(SourceWarning, match="171 failed"):
        partial = corpus.enrich("openalex", offline=True)
    assert len(partial.enrichment.enriched) == 100
    assert all("offline" in reason for reason in partial.enrichment.failed.values())


def test_semantic_scholar_batch_with_nulls_and_references(net):
    record = json.loads((FIXTURES / "semanticscholar" / "Paper_without_citations.json").read_text(encoding="utf-8"))
    bodies = []

    def answer(request):
        ids = json.loads(request.body)["ids"]
        bodies.append(ids)
        return 200, {}, json.dumps([record if i == "DOI:10.1093/mind/lix.236.433" else None for i in ids])

    net.mock.add_callback("POST", f"{S2_BASE}/paper/batch", callback=answer)
    corpus = pl.Corpus(
        [
            pl.Paper.create(title="Computing machinery and intelligence", doi="10.1093/mind/lix.236.433"),
            pl.Paper.create(title="Model soups", arxiv_id="2203.05482"),
        ]
    )
    enriched = enrich(corpus, source="semantic_scholar")
    assert bodies == [["DOI:10.1093/mind/lix.236.433", "ARXIV:2203.05482"]]
    turing = enriched[0]
    assert turing.s2_id == record["paperId"] and len(turing.references) == 14
    assert "10.2307/3610576" in turing.references and turing.abstract.startswith("I propose to consider")
    assert enriched.enrichment.not_found == ["2203.05482"]
    assert "fields=" in net.mock.calls[0].request.url and "references.externalIds" in net.mock.calls[0].request.url


def test_arguments_are_checked():
    corpus = pl.load_sample()
    with pytest.raises(FieldError, match="did you mean 'abstract'"):
        corpus.enrich("openalex", fields=["abstrakt"])
    with pytest.raises(PaperlensError, match="source must be"):
        corpus.enrich("crossref")


def test_keywords_are_filled_from_a_current_openalex_record(net):
    work = json.loads((FIXTURES / "openalex" / "work_2026.json").read_text(encoding="utf-8"))
    server = FakeOpenAlex([work])
    net.mock.add_callback("GET", URL, callback=server)
    exported = bare([work])
    assert exported[0].keywords == ()
    enriched = exported.enrich("openalex", progress=False)
    assert "keywords" in enriched.enrichment.to_frame()["added"].iloc[0].split(", ")
    assert enriched[0].keywords == tuple(k["display_name"] for k in work["keywords"])
    assert enriched.filter(keywords="Bibliometrics").ids == exported.ids
