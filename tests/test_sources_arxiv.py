"""pl.from_arxiv over recorded arXiv feeds: paging, ids found and missing, error and empty feeds."""

from __future__ import annotations

import pytest
from responses import matchers
from sources_support import FIXTURES, net_fixture  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.errors import PaperlensError, SourceError
from paperlens.io.arxiv_atom import parse_arxiv_atom
from paperlens.sources.arxiv import API_URL


def _feed(name: str) -> str:
    return (FIXTURES / "arxiv_atom" / name).read_text(encoding="utf-8")


def test_search_pages(net):
    pages = {
        0: "q_testing_s0_m10_bc5a6c384fe9.xml",
        10: "q_testing_s10_m10_34e56e15aaac.xml",
        20: "q_testing_s20_m10_348a237fecab.xml",
    }
    for start, name in pages.items():
        net.mock.get(
            API_URL,
            body=_feed(name),
            match=[
                matchers.query_param_matcher({"search_query": "all:testing", "start": str(start)}, strict_match=False)
            ],
        )
    corpus = pl.from_arxiv("all:testing", max_results=30, page_size=10, warn=False)
    expected = [p.id for name in pages.values() for p in parse_arxiv_atom(_feed(name))[0]]
    assert net.calls == 3
    assert corpus.ids == list(dict.fromkeys(expected))
    report = corpus.report.files[0]
    assert report.records == 30 and report.loaded + report.merged == 30
    assert "arXiv counts 214881 matching papers" in report.notes


def test_ids_found_and_missing(net):
    net.mock.get(
        API_URL,
        body=_feed("id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml"),
        match=[matchers.query_param_matcher({"id_list": "0808.05394,1707.08567"}, strict_match=False)],
    )
    corpus = pl.from_arxiv(ids=["0808.05394", "arXiv:1707.08567"], warn=False)
    assert corpus.ids == ["1707.08567"]
    assert [(s.where, s.reason) for s in corpus.report.skipped] == [("id 0808.05394", "not found on arXiv")]


def test_old_style_and_versioned_ids(net):
    net.mock.get(
        API_URL,
        body=_feed("id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml"),
        match=[matchers.query_param_matcher({"id_list": "quant-ph/0201082v1"}, strict_match=False)],
    )
    net.mock.get(
        API_URL,
        body=_feed("id_2104.12255v1_s0_m100_6ae69987ffe1.xml"),
        match=[matchers.query_param_matcher({"id_list": "2104.12255v1"}, strict_match=False)],
    )
    assert pl.from_arxiv(ids=["quant-ph/0201082v1"]).ids == ["quant-ph/0201082"]
    assert pl.from_arxiv(ids=["2104.12255v1"])[0].extra["version"] == "v1"


def test_error_feed_is_a_source_error(net):
    net.mock.get(API_URL, body=_feed("id_abc_s0_m100_b79c8dcf6bc3.xml"))
    with pytest.raises(SourceError, match="arXiv API error: incorrect id format for abc"):
        pl.from_arxiv("id:abc")


def test_empty_feed_is_an_empty_corpus(net):
    net.mock.get(API_URL, body=_feed("id_0000.0000_s0_m100_8b51d9633a68.xml"))
    corpus = pl.from_arxiv("ti:nothing-matches-this")
    assert len(corpus) == 0 and "no entries" in corpus.report.files[0].notes[-1]


def test_cut_off_feed_is_retried(net):
    text = _feed("id_2104.12255v1_s0_m100_6ae69987ffe1.xml")
    net.mock.get(API_URL, body=text[:300])
    net.mock.get(API_URL, body=text)
    assert pl.from_arxiv(ids=["2104.12255"]).ids == ["2104.12255"] and net.calls == 2


def test_arguments_are_checked():
    with pytest.raises(PaperlensError, match="needs query= or ids="):
        pl.from_arxiv()
    with pytest.raises(PaperlensError, match="sort_by"):
        pl.from_arxiv("x", sort_by="date")
    with pytest.raises(PaperlensError, match="not one string"):
        pl.from_arxiv(ids="2203.05482")
