"""pl.from_openalex over recorded OpenAlex works served through a mocked transport."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from responses import matchers
from sources_support import net_fixture, set_works, short_id  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.errors import PaperlensError, SourceError
from paperlens.sources.http import SourceWarning
from paperlens.sources.openalex import arxiv_doi, lookup_works

URL = "https://api.openalex.org/works"


def _query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _query(call) -> dict[str, str]:
    return _query_of(call.request.url)


def _doi(work) -> str:
    return work["doi"].removeprefix("https://doi.org/").lower()


def test_search_pages_to_max_results(net):
    works = set_works("Sep_2021")
    for page, chunk in ((1, works[:100]), (2, works[100:200])):
        net.mock.get(
            URL,
            json={"meta": {"count": len(works), "page": page, "per_page": 100}, "results": chunk},
            match=[matchers.query_param_matcher({"search": "fear extinction", "per_page": "100", "page": str(page)})],
        )
    corpus = pl.from_openalex(search="fear extinction", max_results=150)
    assert net.calls == 2
    assert corpus.ids == [pl.Paper.create(title="x", doi=_doi(w)).id for w in works[:150]]
    assert corpus[0].openalex_id == short_id(works[0]["id"])
    report = corpus.report.files[0]
    assert report.file == "OpenAlex search='fear extinction', max_results=150"
    assert report.records == 150 and report.loaded == 150 and report.format == "openalex-api"
    assert "OpenAlex counts 271 matching works" in report.notes


def test_search_stops_at_the_last_page(net):
    works = set_works("Sep_2021")[:30]
    net.mock.get(URL, json={"meta": {"count": 30}, "results": works})
    corpus = pl.from_openalex(filter={"publication_year": 1983, "type": ["article", "review"]}, max_results=500)
    assert len(corpus) == 30 and net.calls == 1
    assert _query(net.mock.calls[0])["filter"] == "publication_year:1983,type:article|review"


def test_dois_and_ids_are_looked_up_in_batches_of_100(net):
    works = set_works("Nelson_2002")
    with_doi = [w for w in works if w["doi"]][:150]
    by_doi = {_doi(w): w for w in with_doi}

    def answer(request):
        values = _query_of(request.url)["filter"].removeprefix("doi:").split("|")
        found = [by_doi[v] for v in values if v in by_doi]
        return 200, {}, json.dumps({"meta": {"count": len(found)}, "results": found})

    net.mock.add_callback("GET", URL, callback=answer)
    asked = [*by_doi, "10.9999/not-in-openalex"]
    corpus = pl.from_openalex(dois=asked, warn=False)
    filters = [_query(c)["filter"] for c in net.mock.calls]
    assert [len(f.removeprefix("doi:").split("|")) for f in filters] == [100, 51]
    assert len(corpus) == 150
    assert {p.doi for p in corpus} == set(by_doi)
    skipped = corpus.report.skipped
    assert [(s.where, s.reason) for s in skipped] == [("id 10.9999/not-in-openalex", "not found in OpenAlex")]
    assert corpus.report.records == 151


def test_work_ids_and_arxiv_ids(net):
    works = set_works("Sep_2021")[:2]
    net.mock.get(
        URL,
        json={"meta": {"count": 2}, "results": works},
        match=[
            matchers.query_param_matcher(
                {"filter": "ids.openalex:" + "|".join(short_id(w["id"]) for w in works)}, strict_match=False
            )
        ],
    )
    net.mock.get(
        URL,
        json={"meta": {"count": 0}, "results": []},
        match=[matchers.query_param_matcher({"filter": "doi:10.48550/arxiv.2203.05482"}, strict_match=False)],
    )
    corpus = pl.from_openalex(ids=[w["id"] for w in works] + ["arXiv:2203.05482v2", "not an id"], warn=False)
    assert [p.openalex_id for p in corpus] == [short_id(w["id"]) for w in works]
    reasons = sorted(s.reason for s in corpus.report.skipped)
    assert reasons == ["not a DOI, arXiv id or OpenAlex work id", "not found in OpenAlex"]


def test_select_is_sent_and_partial_records_read(net):
    works = set_works("Sep_2021")[:3]
    partial = [{k: w[k] for k in ("id", "display_name", "referenced_works")} for w in works]
    net.mock.get(URL, json={"meta": {"count": 3}, "results": partial})
    corpus = pl.from_openalex(search="x", select=["id", "display_name", "referenced_works"], max_results=3)
    assert _query(net.mock.calls[0])["select"] == "id,display_name,referenced_works"
    assert [p.references for p in corpus] == [tuple(short_id(r) for r in w["referenced_works"]) for w in works]
    assert all(p.abstract is None for p in corpus)


def test_first_page_failure_raises(net):
    net.mock.get(URL, status=500)
    with pytest.raises(SourceError, match="HTTP 500"):
        pl.from_openalex(search="x")


def test_later_page_failure_keeps_what_was_fetched(net):
    works = set_works("Sep_2021")
    net.mock.get(
        URL,
        json={"meta": {"count": 271}, "results": works[:100]},
        match=[matchers.query_param_matcher({"page": "1"}, strict_match=False)],
    )
    net.mock.get(URL, status=503, match=[matchers.query_param_matcher({"page": "2"}, strict_match=False)])
    with pytest.warns(SourceWarning, match="1 request"):
        corpus = pl.from_openalex(search="x", max_results=300)
    assert len(corpus) == 100
    assert any(n.startswith("failed: page 2") and "HTTP 503" in n for n in corpus.report.files[0].notes)


def test_lookup_works_reports_failures_per_value(net):
    net.mock.get(URL, body="{", content_type="application/json")
    found = lookup_works(["10.1037/0097-7403.9.3.248", "10.1/a|b"], "doi")
    assert found.found == {} and set(found.failed) == {"10.1037/0097-7403.9.3.248", "10.1/a|b"}
    assert "invalid JSON" in found.failed["10.1037/0097-7403.9.3.248"]
    assert "cannot hold" in found.failed["10.1/a|b"]


def test_arguments_are_checked():
    assert arxiv_doi("2203.05482") == "10.48550/arxiv.2203.05482"
    with pytest.raises(PaperlensError, match="needs search="):
        pl.from_openalex()
    with pytest.raises(PaperlensError, match="not both"):
        pl.from_openalex(search="x", dois=["10.7717/peerj.4375"])
    with pytest.raises(PaperlensError, match="max_results"):
        pl.from_openalex(search="x", max_results=0)
    with pytest.raises(PaperlensError, match="not one string"):
        pl.from_openalex(dois="10.7717/peerj.4375")
