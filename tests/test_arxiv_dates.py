"""Dates read from arXiv ids (issue 11, item 4).

A paper with neither year nor date whose arXiv id encodes its month gets that year and
month, marked ``date_source="arxiv id"``; a date the record gave always wins. The expected
months are written out by hand from arXiv's identifier scheme (YYMM.NNNN from April 2007,
YYMM.NNNNN from January 2015, archive/YYMMNNN before), not computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

import paperlens as pl
from paperlens.corpus import merge_papers
from paperlens.record import Paper
from paperlens.sources.enrich import ENRICHABLE_FIELDS, fill


@pytest.mark.parametrize(
    ("arxiv_id", "year", "month"),
    [
        ("2203.05482", 2022, 3),  # Model soups
        ("0704.0001", 2007, 4),  # the first new-style id
        ("1412.8765", 2014, 12),  # four digits, last month of that scheme
        ("1501.00001", 2015, 1),  # five digits from 2015
        ("hep-th/9901001", 1999, 1),
        ("math.GT/0309136", 2003, 9),
    ],
)
def test_a_paper_without_a_date_takes_the_month_of_its_arxiv_id(arxiv_id, year, month):
    paper = Paper.create(title="A", arxiv_id=arxiv_id)
    assert (paper.year, paper.date, paper.date_source) == (year, dt.date(year, month, 1), "arxiv id")


@pytest.mark.parametrize("arxiv_id", ["0000.0000", "2213.00001", "1501.0001", "1412.00001", "9912.12345"])
def test_an_id_outside_its_scheme_gives_no_date(arxiv_id):
    paper = Paper.create(title="A", arxiv_id=arxiv_id)
    assert (paper.year, paper.date, paper.date_source) == (None, None, None)


def test_a_given_year_or_date_is_never_replaced():
    by_year = Paper.create(title="A", arxiv_id="2203.05482", year=2023)
    by_date = Paper.create(title="A", arxiv_id="2203.05482", date=dt.date(2022, 7, 18))
    assert (by_year.year, by_year.date, by_year.date_source) == (2023, None, None)
    assert (by_date.year, by_date.date, by_date.date_source) == (2022, dt.date(2022, 7, 18), None)


def test_the_seven_undated_sample_papers_get_years():
    sample = pl.load_sample()
    derived = {p.id: p for p in sample if p.date_source == "arxiv id"}
    assert len(derived) == 7 and "2203.05482" in derived
    assert derived["2203.05482"].year == 2022 and derived["2203.05482"].date == dt.date(2022, 3, 1)
    assert all(p.year is not None for p in sample)


def test_arxiv_style_jsonl_records_get_years(tmp_path):
    # The shape of the arXiv metadata records in a JSONL dump: id, title, abstract, categories; no date.
    records = [
        {"id": "2503.11731", "title": "Industrial-Grade Sensor Simulation", "abstract": "x", "categories": "cs.CV"},
        {"id": "0704.0001", "title": "Calculation of prompt diphoton production", "abstract": "y"},
        {"id": "2410.01946", "title": "A third one", "abstract": "z", "update_date": "2024-10-03"},
    ]
    path = tmp_path / "arxiv.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    corpus = pl.read(path, warn=False)
    assert [(p.year, p.date.month if p.date else None, p.date_source) for p in corpus] == [
        (2025, 3, "arxiv id"),
        (2007, 4, "arxiv id"),
        (2024, 10, "arxiv id"),
    ]
    assert repr(corpus) == "<Corpus: 3 papers, 2007–2025>"


def test_the_mark_survives_the_lossless_formats(tmp_path):
    corpus = pl.Corpus([Paper.create(title="Model soups", arxiv_id="2203.05482")])
    for method, name in (("to_jsonl", "c.jsonl"), ("to_csv", "c.csv"), ("save", "c.parquet")):
        getattr(corpus, method)(tmp_path / name)
        (back,) = pl.read(tmp_path / name, warn=False)
        assert (back.year, back.date, back.date_source) == (2022, dt.date(2022, 3, 1), "arxiv id"), name


def test_bibtex_and_ris_write_a_derived_month_without_a_day():
    corpus = pl.Corpus([Paper.create(title="Model soups", arxiv_id="2203.05482")])
    bib = corpus.to_bibtex()
    assert "year = {2022}" in bib and "month = mar" in bib and "date =" not in bib
    ris = corpus.to_ris()
    assert "PY  - 2022" in ris and "DA  - 2022/03//" in ris


def test_merging_prefers_the_real_date_whichever_record_comes_first():
    preprint = Paper.create(title="Model soups", arxiv_id="2203.05482")
    published = Paper.create(title="Model soups", arxiv_id="2203.05482", year=2022, date=dt.date(2022, 7, 17))
    for merged in (merge_papers(preprint, published), merge_papers(published, preprint)):
        assert (merged.year, merged.date, merged.date_source) == (2022, dt.date(2022, 7, 17), None)


def test_enrichment_replaces_a_derived_date():
    paper = Paper.create(title="Model soups", arxiv_id="2203.05482")
    new, added = fill(paper, {"year": 2021}, ENRICHABLE_FIELDS, False)
    assert (new.year, new.date, new.date_source) == (2021, None, None) and added == {"year": "year 2021"}
    new, _ = fill(paper, {"date": dt.date(2022, 3, 10)}, ENRICHABLE_FIELDS, False)
    assert (new.year, new.date, new.date_source) == (2022, dt.date(2022, 3, 10), None)
