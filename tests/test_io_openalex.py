"""OpenAlex work records of three schema generations, partial records, pages and zips."""

from __future__ import annotations

import copy
import json

import pytest
from sources_support import CITATION_SETS, FIXTURES, set_works, short_id

import paperlens as pl
from paperlens.errors import ParseError
from paperlens.io.mapping import RecordError
from paperlens.io.openalex import (
    CONCEPT_MIN_SCORE,
    abstract_from_inverted_index,
    paper_from_work,
    parse_openalex,
    read_openalex,
)


def _work_2026() -> dict:
    return json.loads((FIXTURES / "openalex" / "work_2026.json").read_text(encoding="utf-8"))


def _rebuild(index: dict) -> str:
    """The abstract written out word by word at its positions (an independent decoder)."""
    size = 1 + max(p for positions in index.values() for p in positions)
    words = [""] * size
    for word, positions in index.items():
        for p in positions:
            words[p] = word
    return " ".join(w for w in words if w)


def test_work_2026_schema_primary_location_and_topics():
    work = _work_2026()
    assert "host_venue" not in work and "topics" in work  # the 2024-on shape
    paper = paper_from_work(work)
    assert paper.openalex_id == "W2741809807"
    assert paper.doi == "10.7717/peerj.4375"
    assert paper.title == work["title"]
    assert paper.venue == work["primary_location"]["source"]["display_name"] == "PeerJ"
    assert paper.categories == tuple(t["display_name"] for t in work["topics"])
    assert paper.year == 2018 and paper.date.isoformat() == "2018-02-13"
    assert paper.citation_count == work["cited_by_count"] == 1149
    assert paper.references == tuple(short_id(r) for r in work["referenced_works"])
    assert len(paper.references) == work["referenced_works_count"] == 54
    assert paper.authors[0] == "Heather Piwowar" and len(paper.authors) == len(work["authorships"])
    assert paper.abstract == _rebuild(work["abstract_inverted_index"])
    assert paper.abstract.startswith("Despite growing interest in Open Access (OA)")
    assert paper.keywords == tuple(k["display_name"] for k in work["keywords"]) and "Citation" in paper.keywords
    assert "keywords" not in paper.extra  # keywords are not subject classes: topics stay the categories


def test_work_2023_schema_host_venue_beside_primary_location_and_string_concept_scores():
    work = set_works("Sep_2021")[0]
    assert "host_venue" in work and "primary_location" in work and "topics" not in work
    assert isinstance(work["concepts"][0]["score"], str)  # this generation wrote scores as strings
    paper = paper_from_work(work)
    assert paper.venue == work["primary_location"]["source"]["display_name"]
    ranked = sorted(work["concepts"], key=lambda c: -float(c["score"]))
    expected = [c["display_name"] for c in ranked if float(c["score"]) >= CONCEPT_MIN_SCORE]
    assert list(paper.categories) == expected and expected
    assert paper.abstract == _rebuild(work["abstract_inverted_index"])
    assert paper.doi == "10.1037/0097-7403.9.3.248"


def test_work_2022_schema_host_venue_only():
    # Derived in the test from a real 2023 record: the 2022 API had no primary_location/locations yet.
    work = copy.deepcopy(set_works("Sep_2021")[0])
    for key in ("primary_location", "locations", "best_oa_location"):
        work.pop(key)
    paper = paper_from_work(work)
    assert paper.venue == work["host_venue"]["display_name"]
    assert paper.venue


def test_select_partial_records():
    full = _work_2026()
    partial = {k: full[k] for k in ("id", "display_name", "referenced_works")}
    paper = paper_from_work(partial)
    assert paper.title == full["display_name"] and paper.references and paper.abstract is None
    assert paper.authors == () and paper.citation_count is None
    ids_only = {k: full[k] for k in ("id", "referenced_works")}
    papers, report = parse_openalex(json.dumps({"meta": {"count": 1}, "results": [ids_only]}), "page.json")
    assert report.records == 1 and not report.skipped  # select=id,referenced_works: kept, untitled
    assert (papers[0].id, papers[0].title, papers[0].references) == ("W2741809807", "", paper.references)


def test_null_title_is_kept_by_its_openalex_id():
    work = copy.deepcopy(_work_2026())
    work["title"] = work["display_name"] = None
    paper = paper_from_work(work)
    assert paper.title == "" and paper.openalex_id == "W2741809807"
    with pytest.raises(RecordError, match="no title"):
        paper_from_work({"title": None, "referenced_works": []})


def test_arxiv_id_from_an_arxiv_location():
    work = {
        "id": "https://openalex.org/W4221160891",
        "display_name": "Model soups",
        "locations": [{"landing_page_url": "https://arxiv.org/abs/2203.05482v3", "source": None}],
    }
    assert paper_from_work(work).arxiv_id == "2203.05482"
    work = {"id": "W1", "display_name": "T", "doi": "https://doi.org/10.48550/arXiv.quant-ph/0201082"}
    assert paper_from_work(work).arxiv_id == "quant-ph/0201082"


def test_shapes_single_list_page_and_errors():
    work = _work_2026()
    for text in (json.dumps(work), json.dumps([work]), json.dumps({"meta": {"count": 3}, "results": [work]})):
        papers, report = parse_openalex(text, "x.json")
        assert [p.openalex_id for p in papers] == ["W2741809807"] and report.records == 1
    assert "one page of 1 of 3 results" in report.notes[0]
    with pytest.raises(ParseError, match=r"x\.json, line 1: invalid JSON"):
        parse_openalex(json.dumps(work)[:500], "x.json")
    with pytest.raises(ParseError, match="error answer"):
        parse_openalex('{"error": "Invalid query parameters error.", "message": "bad filter"}', "x.json")
    with pytest.raises(ParseError, match="expected an OpenAlex work"):
        parse_openalex("42", "x.json")


def test_bad_values_are_skipped_with_the_reason():
    bad = [{"id": "W1", "display_name": "A", "cited_by_count": -3}, {"id": "W2", "display_name": "B", "doi": "nope"}]
    papers, report = parse_openalex(json.dumps(bad), "bad.json")
    assert papers == [] and report.records == 2
    assert "cited_by_count" in report.skipped[0].reason and "not a DOI" in report.skipped[1].reason


def test_abstract_index_errors():
    assert abstract_from_inverted_index(None) is None and abstract_from_inverted_index({}) is None
    with pytest.raises(RecordError):
        abstract_from_inverted_index({"word": "0"})


def test_read_openalex_zip_reports_each_page():
    corpus = read_openalex(CITATION_SETS / "Sep_2021" / "works_1.zip", warn=False)
    works = set_works("Sep_2021")
    assert corpus.report.records == len(works) == 271
    assert len(corpus.report.files) == 11  # one report per page inside the zip
    assert corpus.report.files[0].file.endswith("works_1.zip:works_0_25.json")
    assert corpus.ids[:3] == [pl.Paper.create(title="x", doi=w["doi"]).id for w in works[:3]]


def test_read_dispatcher_reads_an_openalex_page(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"meta": {"count": 1}, "results": [_work_2026()]}), encoding="utf-8")
    corpus = pl.read(path)
    assert corpus[0].openalex_id == "W2741809807"
