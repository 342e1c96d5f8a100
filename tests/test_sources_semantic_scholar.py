"""pl.from_semantic_scholar over recorded answers: batch look-ups with nulls, search paging, 429."""

from __future__ import annotations

import json

import pytest
from responses import matchers
from sources_support import FIXTURES, net_fixture, recorded  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.errors import PaperlensError, SourceError
from paperlens.sources.semantic_scholar import BASE_URL, PAPER_FIELDS, REFERENCE_FIELDS, lookup_papers

BATCH = f"{BASE_URL}/paper/batch"
SEARCH = f"{BASE_URL}/paper/search"
ASKED = ["CorpusId:211530585", "CorpusId:470667", "10.2139/ssrn.2250500", "0f40b1f08821e22e859c6050916cec3667778613"]
SENT = ["CorpusId:211530585", "CorpusId:470667", "DOI:10.2139/ssrn.2250500", "0f40b1f08821e22e859c6050916cec3667778613"]


def test_ids_through_the_batch_endpoint_with_a_null(net):
    answer = recorded("semanticscholar/test_get_papers_return_not_found__00.json")
    net.mock.post(
        BATCH,
        json=answer["response"],
        match=[
            matchers.json_params_matcher({"ids": SENT}),
            matchers.query_param_matcher({"fields": ",".join((*PAPER_FIELDS, *REFERENCE_FIELDS))}),
        ],
    )
    corpus = pl.from_semantic_scholar(ids=ASKED, warn=False)
    assert len(corpus) == 3
    assert {p.s2_id for p in corpus} == {r["paperId"] for r in answer["response"] if r}
    report = corpus.report.files[0]
    assert report.records == 4 and report.loaded == 3
    assert [(s.where, s.reason) for s in report.skipped] == [("id CorpusId:211530585", "not found in Semantic Scholar")]


def test_references_are_kept_by_external_id(net):
    record = json.loads((FIXTURES / "semanticscholar" / "Paper_without_citations.json").read_text(encoding="utf-8"))
    net.mock.post(BATCH, json=[record], match=[matchers.json_params_matcher({"ids": ["DOI:10.1093/mind/lix.236.433"]})])
    (paper,) = pl.from_semantic_scholar(ids=["https://doi.org/10.1093/MIND/LIX.236.433"])
    assert len(paper.references) == 14
    assert "10.2307/3610576" in paper.references  # the first reference's DOI, not its S2 id


def test_search_pages_follow_next(net):
    pages = [recorded(f"semanticscholar/test_search_paper_next_page__0{i}.json")["response"] for i in (0, 1)]
    for offset, page in ((0, pages[0]), (100, pages[1])):
        net.mock.get(
            SEARCH,
            json=page,
            match=[matchers.query_param_matcher({"query": "turing", "offset": str(offset)}, strict_match=False)],
        )
    corpus = pl.from_semantic_scholar("turing", max_results=150, references=False, warn=False)
    assert net.calls == 2
    calls = [c.request.url for c in net.mock.calls]
    assert "limit=100" in calls[0] and "limit=50" in calls[1]
    expected = [r["paperId"] for r in pages[0]["data"]] + [r["paperId"] for r in pages[1]["data"][:50]]
    assert [p.s2_id for p in corpus] == list(dict.fromkeys(expected))[: len(corpus)]
    assert corpus.report.records == 150


def test_search_then_references_batch(net):
    page = recorded("semanticscholar/test_search_paper_next_page__00.json")["response"]
    page = {**page, "data": page["data"][:2], "next": None}
    record = json.loads((FIXTURES / "semanticscholar" / "Paper_without_citations.json").read_text(encoding="utf-8"))
    first = page["data"][0]["paperId"]
    net.mock.get(SEARCH, json=page)
    net.mock.post(BATCH, json=[{"paperId": first, "references": record["references"]}, None])
    corpus = pl.from_semantic_scholar("turing", max_results=2)
    assert len(corpus[0].references) == 14 and corpus[1].references == ()
    assert json.loads(net.mock.calls[1].request.body) == {"ids": [d["paperId"] for d in page["data"]]}


def test_429_with_retry_after_then_the_answer(net):
    answer = recorded("semanticscholar/test_get_papers_return_not_found__00.json")
    net.mock.post(BATCH, status=429, headers={"Retry-After": "2"}, json={"message": "Too Many Requests"})
    net.mock.post(BATCH, json=answer["response"])
    corpus = pl.from_semantic_scholar(ids=ASKED, warn=False)
    assert len(corpus) == 3 and net.sleeps == [2.0] and net.calls == 2


def test_a_failed_batch_marks_its_ids_and_the_others_go_on(net):
    answer = recorded("semanticscholar/test_get_papers_return_not_found__00.json")["response"]
    net.mock.post(BATCH, json=answer[:2], match=[matchers.json_params_matcher({"ids": SENT[:2]})])
    net.mock.post(BATCH, status=500, match=[matchers.json_params_matcher({"ids": SENT[2:]})])
    found = lookup_papers(SENT, batch_size=2)
    assert list(found.found) == ["CorpusId:470667"] and found.missing == ["CorpusId:211530585"]
    assert set(found.failed) == set(SENT[2:]) and "HTTP 500" in found.failed[SENT[2]]


def test_errors(net):
    net.mock.post(BATCH, status=403, json={"message": "Forbidden"})
    with pytest.raises(SourceError, match=r"HTTP 403.*Forbidden"):
        pl.from_semantic_scholar(ids=["2203.05482"])
    with pytest.raises(PaperlensError, match="needs query= or ids="):
        pl.from_semantic_scholar()
    with pytest.raises(PaperlensError, match="not both"):
        pl.from_semantic_scholar("x", ids=["2203.05482"])
