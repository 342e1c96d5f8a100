"""RIS reading (real exports, faulty fields, broken records) and writing (round trips)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperlens as pl
from paperlens.io.base import read_text
from paperlens.io.ris import parse_ris, write_ris
from paperlens.record import Paper

RIS = Path(__file__).parent / "fixtures" / "ris"
# The fields a RIS record holds. Not held: categories (RIS has no tag for subject classes; KW is keywords),
# references, citation_count, openalex_id, s2_id, extra values not named like rispy fields; ``source`` says
# "ris" after a read.
HELD = ("id", "title", "abstract", "authors", "year", "date", "venue", "keywords", "doi", "arxiv_id", "url")


def parse(name: str):
    return parse_ris(read_text(RIS / name), name)


def test_faulty_year_is_a_missing_value_with_a_reason_not_a_crash():
    (paper,), report = parse("faulty_year.ris")
    assert paper.title.startswith("The Value of Radiologic Interventions and 18 F-DOPA PET")
    assert paper.year is None and paper.extra["year"] == "10 15"  # PY  - 10 15
    assert report.notes == ["line 1: year '10 15' is not a year (year); left empty, kept in extra['year']"]
    assert report.skipped == []


def test_pubmed_zotero_export():
    papers, report = parse("pubmed_zotero.ris")
    first = papers[0]
    assert first.title.startswith("The importance of cognitive flexibility and flexibility in coping with stress")
    assert first.authors == ("Agata Rudnik", "Grazyna Piotrowicz", "Malgorzata A. Basinska", "Vahid Rashedi")
    assert first.venue == "Przeglad gastroenterologiczny"  # T2; J2 (the abbreviation) stays in extra
    assert first.extra["alternate_title1"] == "Prz Gastroenterol"
    assert (first.year, first.date, first.extra["date"]) == (2019, None, "2019///")
    assert first.doi == "10.5114/pg.2018.81081"
    assert first.categories == ()
    assert first.keywords == ("biological treatment", "Crohn's disease", "mindfulness", "quality of life",
                              "ulcerative colitis")  # fmt: skip
    assert (first.extra["start_page"], first.extra["end_page"], first.extra["language"]) == ("121", "128", "eng")
    assert report.records == 6 and report.skipped == []


def test_scopus_export_with_multi_line_notes():
    papers, _ = parse("scopus.ris")
    first = papers[0]
    assert first.authors == ("A. Labanski", "J. Langhorst", "H. Engler", "S. Elsenbruch")
    assert first.url.startswith("https://www.scopus.com/inward/record.uri?eid=2-s2.0-85074596690")
    assert first.extra["notes"][0] == "Export Date: 18 November 2019"
    assert any(note.startswith("References: Agostini, A.") for note in first.extra["notes"])
    assert first.extra["type_of_work"] == "Review"


def test_a_byte_order_mark_does_not_lose_the_first_record():
    raw = (RIS / "_baseline.ris").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfTY  - ")
    papers, report = parse("_baseline.ris")
    assert report.records == 100 == len(papers)


def test_broken_records_are_noted_or_skipped_with_their_line():
    text = "\n".join(
        [
            "Provider: somebody",  # line 1: not in a record
            "TY  - JOUR",  # line 2
            "TI  - First, its ER is missing",
            "TY  - JOUR",  # line 4
            "AB  - no title here",
            "ER  - ",
            "TY  - JOUR",  # line 7
            "TI  - Last, cut off before ER",
            "DO  - not a doi",
        ]
    )
    papers, report = parse_ris(text, "broken.ris")
    assert [p.title for p in papers] == ["First, its ER is missing", "Last, cut off before ER"]
    assert report.records == 3
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("line 4", "no title, and no identifier or authors and year to tell the record apart")
    ]
    assert report.notes == [
        "line 2: record has no ER line; it ends where the next TY begins",
        "line 7: the last record has no ER line; read to the end of the file",
        "line 1: text outside any TY ... ER record ignored",
        "line 7: doi 'not a doi' is not a DOI; kept in extra['doi']",
    ]
    assert papers[1].doi is None and papers[1].extra["doi"] == "not a doi"


def test_full_dates_and_arxiv_ids():
    text = """TY  - JOUR
TI  - Model soups
PY  - 2022
DA  - 2022/03/10
DO  - 10.48550/arXiv.2203.05482
ER  -
TY  - GEN
TI  - Attention
Y1  - 2017/06/12/
UR  - https://example.org/x
UR  - https://arxiv.org/abs/1706.03762
ER  -
"""
    (soups, attention), _ = parse_ris(text)
    assert (soups.date, soups.arxiv_id, soups.id) == (dt.date(2022, 3, 10), "2203.05482", "2203.05482")
    assert (attention.date, attention.arxiv_id, attention.url) == (
        dt.date(2017, 6, 12),
        "1706.03762",
        "https://example.org/x",
    )
    assert "urls" not in attention.extra  # the arXiv URL is the arXiv id, written back from it


@pytest.mark.parametrize("path", sorted(RIS.glob("*.ris")), ids=lambda p: p.name)
def test_fixture_round_trip_read_write_read_is_equal(path):
    papers, _ = parse(path.name)
    text = write_ris(papers)
    again, report = parse_ris(text, "written.ris")
    assert again == papers  # every field, extra included: what came from RIS fits in RIS
    assert report.skipped == [] and report.notes == [n for n in report.notes if "year" in n]
    assert not text.startswith("1.")  # no record-number header lines


def as_written(paper: Paper) -> Paper:
    """A paper as RIS holds it: a month read from the arXiv id is written as year and month (DA 2022/03//)."""
    return paper.replace(date=None, date_source=None) if paper.date_source else paper


def test_sample_round_trip_keeps_every_field_ris_holds():
    sample = pl.load_sample()
    back, report = parse_ris(write_ris(sample))
    assert report.records == len(sample)
    for original, read in zip(map(as_written, sample), back, strict=True):
        for name in HELD:
            assert getattr(read, name) == getattr(original, name), (original.id, name)


def test_write_ris_to_a_path_and_read_it_back(tmp_path):
    path = tmp_path / "out.ris"
    text = pl.load_sample()[:4].to_ris(path)
    assert path.read_text(encoding="utf-8") == text
    assert pl.read(path).ids == pl.load_sample().ids[:4]


names = st.lists(st.text(alphabet="abcXYZéß-'.", min_size=1, max_size=7), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(alphabet="abc XYZ-:;,.é&%$#{}\\", min_size=1, max_size=40).map(lambda t: " ".join(t.split()) or "t"),
    authors=st.lists(names, max_size=4),
    date=st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
    venue=st.none() | st.text(alphabet="abc XYZ", min_size=1, max_size=20).map(lambda t: " ".join(t.split()) or None),
)
def test_any_record_round_trips(title, authors, date, venue):
    paper = Paper.create(title=title, authors=tuple(" ".join(a.split()) for a in authors), date=date, venue=venue)
    (back,), _ = parse_ris(write_ris([paper]))
    for name in HELD:
        assert getattr(back, name) == getattr(paper, name), name


ris_lines = st.sampled_from(
    [
        *["TY  - JOUR", "ER  - ", "TI  - x", "PY  - 20x", "DA  - 2020/13/40", "AU  - a, b, c, d", "UR  - ", "junk"],
        *["DO  - 10.1000/x", "DO  - nope", "KW  - ", "AB  - y", "T2  - Venue", "Y1  - 2020/02/30/"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ris_lines, max_size=30).map("\n".join))
def test_garbage_never_crashes_and_every_record_is_counted(text):
    papers, report = parse_ris(text, "fuzz.ris")
    assert report.records == len(papers) + len(report.skipped) == text.count("TY  - ")
