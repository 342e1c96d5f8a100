"""Semantic Scholar paper objects: batch answers with nulls, search pages, references by external id."""

from __future__ import annotations

import json

import pytest
from sources_support import FIXTURES, recorded

import paperlens as pl
from paperlens.errors import ParseError
from paperlens.io.semantic_scholar import paper_from_s2, parse_semantic_scholar, reference_id


def _paper_record() -> dict:
    return json.loads((FIXTURES / "semanticscholar" / "Paper_without_citations.json").read_text(encoding="utf-8"))


def test_full_paper_record():
    record = _paper_record()
    paper = paper_from_s2(record)
    assert paper.s2_id == record["paperId"]
    assert paper.doi == record["externalIds"]["DOI"].lower()
    assert paper.id == paper.doi  # no arXiv id: the DOI is the paper's id
    assert paper.title == "Computing Machinery and Intelligence" and paper.year == 1950
    assert paper.date.isoformat() == record["publicationDate"]
    assert paper.authors == tuple(a["name"] for a in record["authors"])
    assert paper.citation_count == record["citationCount"]
    assert paper.venue == record["venue"]
    assert paper.categories == ("Computer Science", "Sociology")
    assert paper.extra["corpus_id"] == str(record["corpusId"]) and paper.extra["tldr"].startswith("If the meaning")


def test_references_prefer_arxiv_then_doi_then_s2_id():
    record = _paper_record()
    paper = paper_from_s2(record)
    expected = []
    for ref in record["references"]:
        ext = ref.get("externalIds") or {}
        if ext.get("ArXiv"):
            expected.append(ext["ArXiv"])
        elif ext.get("DOI"):
            expected.append(ext["DOI"].lower())
        elif ref.get("paperId"):
            expected.append(ref["paperId"])
        elif ref.get("title"):
            expected.append(ref["title"])
    assert list(paper.references) == list(dict.fromkeys(expected))
    assert len(paper.references) == len(record["references"]) == 14
    cited = json.loads((FIXTURES / "semanticscholar" / "Reference.json").read_text(encoding="utf-8"))["citedPaper"]
    assert reference_id(cited) == "1402.0030"  # ArXiv beats the DOI-less paper id


def test_batch_answer_with_null_entries():
    answer = recorded("semanticscholar/test_get_papers_return_not_found__00.json")
    assert answer["response"].count(None) == 1
    papers, report = parse_semantic_scholar(json.dumps(answer["response"]), "batch.json")
    assert report.records == 4 and len(papers) == 3
    assert report.skipped[0].where == "entry 1" and "did not find" in report.skipped[0].reason
    assert {p.s2_id for p in papers} == {r["paperId"] for r in answer["response"] if r}


def test_search_page():
    answer = recorded("semanticscholar/test_search_paper_next_page__00.json")["response"]
    papers, report = parse_semantic_scholar(json.dumps(answer), "search.json")
    assert len(papers) == len(answer["data"]) == 100
    assert papers[0].title == answer["data"][0]["title"]
    assert report.notes == [f"one page of 100 of {answer['total']} results"]


def test_null_values_and_errors():
    record = json.loads((FIXTURES / "semanticscholar" / "PaperWithNullValues.json").read_text(encoding="utf-8"))
    papers, report = parse_semantic_scholar(json.dumps(record), "nulls.json")
    assert papers == [] and "no title" in report.skipped[0].reason
    with pytest.raises(ParseError, match=r"error answer.*Paper with id 0 not found"):
        parse_semantic_scholar(json.dumps(recorded("semanticscholar/test_not_found__00.json")["response"]), "e.json")
    with pytest.raises(ParseError, match="Forbidden"):
        parse_semantic_scholar(json.dumps(recorded("semanticscholar/test_debug__00.json")["response"]), "e.json")
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_semantic_scholar('[{"paperId": "2d5673caa9e6', "cut.json")


def test_bad_values_are_skipped():
    bad = [{"paperId": "x", "title": "A"}, {"title": "B", "citationCount": "many"}, {"title": "C", "externalIds": []}]
    papers, report = parse_semantic_scholar(json.dumps(bad), "bad.json")
    assert papers == [] and len(report.skipped) == 3


def test_read_dispatcher(tmp_path):
    path = tmp_path / "s2.json"
    path.write_text(json.dumps(recorded("semanticscholar/test_get_papers_return_not_found__00.json")["response"]))
    corpus = pl.read(path, format="semantic-scholar", warn=False)
    assert len(corpus) == 3 and len(corpus.report.skipped) == 1
