"""Edge inputs: each is read, and every record it holds is accounted for in the load report.

Files are written here by hand, byte by byte, so the truth (how many records,
which titles) is known without the readers. Decisions this file pins down:

* an empty or blank file is an empty corpus whose report lists the file with
  0 records (Parquet, XML and a file whose format cannot be told raise a
  ``PaperlensError`` naming the file instead: there is nothing to read them as);
* UTF-8 with or without BOM, UTF-16 and UTF-32 with a BOM, and Latin-1/cp1252 are
  decoded; CRLF, CR and LF may be mixed;
* binary data (a NUL byte in the first 8000 bytes) is a ``ParseError`` naming the
  file, not an empty corpus;
* duplicate BibTeX keys: the second entry is kept under a generated key, noted with its line (as
  Zotero does); RIS ``ID`` values are not keys: two different works with
  the same ``ID`` both load; the same paper twice (same id, or same DOI) is merged
  and counted as merged;
* a record with no title but a DOI, or authors and a year, is KEPT untitled (the
  report has a note); a record with nothing to tell it apart is skipped with why;
* year "n.d." means no year; a year after next year (2031) is kept and the report
  notes it (a typo?);
* a 200,000-character field and a 1,000-author record load whole, in every format.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings

import pytest

import paperlens as pl
from paperlens.display.tables import corpus_html
from paperlens.errors import PaperlensError, ParseError, UnknownFormatError

TEXT_EXTENSIONS = ("bib", "ris", "csv", "tsv", "jsonl", "json")


def read(path, **options) -> pl.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = pl.read(path, **options)
    for file_report in corpus.report.files:
        assert file_report.loaded + file_report.merged + len(file_report.skipped) == file_report.records, file_report
    return corpus


def one_file(corpus: pl.Corpus):
    assert len(corpus.report.files) == 1
    return corpus.report.files[0]


# --------------------------------------------------------------------------- small files written by hand

BIB = (
    "@article{cafe2020,\n  title = {Caf\u00e9 au lait and {M}\u00fcller's law},\n"
    "  author = {M\u00fcller, J\u00fcrgen and Smith, Ann},\n  year = {2020}\n}\n\n"
    "@misc{second2021,\n  title = {A second paper},\n  author = {Doe, Jane},\n  year = 2021\n}\n"
)
RIS = (
    "TY  - JOUR\nTI  - Caf\u00e9 au lait and M\u00fcller's law\nAU  - M\u00fcller, J\u00fcrgen\nAU  - Smith, Ann\n"
    "PY  - 2020\nER  - \n\nTY  - GEN\nTI  - A second paper\nAU  - Doe, Jane\nPY  - 2021\nER  - \n"
)
CSV = (
    'title,authors,year\n"Caf\u00e9 au lait and M\u00fcller\'s law",J\u00fcrgen M\u00fcller; Ann Smith,2020\n'
    "A second paper,Jane Doe,2021\n"
)
FIRST = {
    "title": "Caf\u00e9 au lait and M\u00fcller's law",
    "authors": ["J\u00fcrgen M\u00fcller", "Ann Smith"],
    "year": 2020,
}
SECOND = {"title": "A second paper", "authors": ["Jane Doe"], "year": 2021}
JSONL = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (FIRST, SECOND))
JSON = "[" + ",".join(JSONL.strip().split("\n")) + "]"
SOURCES = {"bib": BIB, "ris": RIS, "csv": CSV, "tsv": CSV.replace(",", "\t"), "jsonl": JSONL, "json": JSON}
TITLES = ["Caf\u00e9 au lait and M\u00fcller's law", "A second paper"]


@pytest.mark.parametrize("ext", TEXT_EXTENSIONS)
@pytest.mark.parametrize("content", [b"", b"\n", b"  \n\t\n", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_empty_and_blank_files_are_empty_corpora_with_the_file_in_the_report(tmp_path, ext, content):
    path = tmp_path / f"empty.{ext}"
    path.write_bytes(content)
    corpus = read(path)
    assert len(corpus) == 0
    report = one_file(corpus)
    assert report.records == 0 and report.file == str(path)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("empty.parquet", ParseError),
        ("empty.xml", ParseError),
        ("empty.atom", ParseError),
        ("empty.txt", UnknownFormatError),
    ],
)
def test_empty_files_of_formats_that_need_content_name_the_file(tmp_path, name, error):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(error, match=name):
        read(path)


def _expect_the_two_papers(corpus: pl.Corpus, ext: str) -> None:
    assert [p.title for p in corpus] == TITLES, [p.title for p in corpus]
    assert corpus[0].authors == ("J\u00fcrgen M\u00fcller", "Ann Smith")
    assert [p.year for p in corpus] == [2020, 2021]
    report = one_file(corpus)
    assert (report.records, report.loaded, report.skipped) == (2, 2, []), (ext, report)


@pytest.mark.parametrize("ext", TEXT_EXTENSIONS)
@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "latin-1", "cp1252"]
)
def test_encodings_and_byte_order_marks(tmp_path, ext, encoding):
    text = SOURCES[ext]
    if encoding.endswith("-bom"):
        codec = encoding.removesuffix("-bom")
        data = ("\ufeff" + text).encode(codec)
    else:
        data = text.encode(encoding)
    path = tmp_path / f"refs.{ext}"
    path.write_bytes(data)
    _expect_the_two_papers(read(path), ext)


@pytest.mark.parametrize("ext", TEXT_EXTENSIONS)
def test_crlf_cr_and_lf_mixed_in_one_file(tmp_path, ext):
    lines = SOURCES[ext].split("\n")
    endings = ["\r\n", "\r", "\n"]
    text = "".join(line + endings[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    path = tmp_path / f"mixed.{ext}"
    path.write_bytes(text.encode("utf-8"))
    _expect_the_two_papers(read(path), ext)


def test_utf16_without_a_byte_order_mark_is_a_clear_error(tmp_path):
    path = tmp_path / "refs.csv"
    path.write_bytes(CSV.encode("utf-16-le"))
    with pytest.raises(ParseError, match=r"refs\.csv: binary data, not text .*byte order mark"):
        read(path)


@pytest.mark.parametrize("name", ["random.bib", "random.csv", "random.bin", "picture.png"])
def test_binary_files_are_a_parse_error_naming_the_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(500))
    with pytest.raises(ParseError, match=f"{name}: binary data"):
        read(path)
    with pytest.raises(ParseError, match=name):
        read(path, format="bibtex")


def test_a_directory_and_a_missing_file(tmp_path):
    with pytest.raises(ParseError, match="is a directory"):
        read(tmp_path)
    with pytest.raises(ParseError, match=r"nothing\.bib: no such file"):
        read(tmp_path / "nothing.bib")
    for reader in (pl.read_bibtex, pl.read_ris, pl.read_csv, pl.read_jsonl, pl.read_json, pl.read_parquet):
        with pytest.raises(ParseError, match="is a directory"):
            reader(tmp_path)
        with pytest.raises(ParseError, match="no such file"):
            reader(tmp_path / "missing.file")
    (tmp_path / "ok.bib").write_text(BIB, encoding="utf-8")
    with pytest.raises(ParseError, match="no such file"):  # one missing file among good ones: nothing half-read
        read([tmp_path / "ok.bib", tmp_path / "gone.ris"])


# --------------------------------------------------------------------------- duplicates


def test_duplicate_bibtex_keys_keep_every_entry_under_a_new_key(tmp_path):
    path = tmp_path / "dup.bib"
    path.write_text(
        "@article{same, title={First}, year=2020}\n\n@article{same, title={Second}, year=2021}\n"
        "@article{same, title={Third}, year=2022}\n",
        encoding="utf-8",
    )
    corpus = read(path)
    assert [p.title for p in corpus] == ["First", "Second", "Third"]
    assert [p.extra["bibtex_key"] for p in corpus] == ["same", "same-2", "same-3"]
    assert [p.extra.get("bibtex_key_original") for p in corpus] == [None, "same", "same"]
    report = one_file(corpus)
    assert report.records == 3 and report.skipped == [] and report.counts["generated keys"] == 2
    assert next(n for n in report.notes if "already used on line 1" in n).startswith("line 3:")


def test_ris_ids_are_not_keys_but_the_same_paper_twice_is_merged(tmp_path):
    path = tmp_path / "dup.ris"
    record = "TY  - JOUR\nID  - 1\nTI  - {title}\nPY  - 2020\nDO  - {doi}\nER  - \n\n"
    path.write_text(
        record.format(title="One work", doi="10.1000/one")
        + record.format(title="Another work", doi="10.1000/two")
        + record.format(title="One work (the same DOI)", doi="10.1000/one"),
        encoding="utf-8",
    )
    corpus = read(path)
    assert [p.doi for p in corpus] == ["10.1000/one", "10.1000/two"]
    report = one_file(corpus)
    assert (report.records, report.loaded, report.merged, report.skipped) == (3, 2, 1, [])


def test_duplicate_json_ids_are_merged_and_counted(tmp_path):
    path = tmp_path / "dup.json"
    records = [
        {"id": "10.1000/x", "title": "A paper"},
        {"id": "10.1000/x", "title": "A paper", "abstract": "More about it."},
        {"id": "2101.00001", "title": "Another"},
        {"arxiv_id": "2101.00001", "title": "Another", "year": 2021},
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    corpus = read(path)
    assert corpus.ids == ["10.1000/x", "2101.00001"]
    assert corpus[0].abstract == "More about it." and corpus[1].year == 2021  # merging keeps what either had
    report = one_file(corpus)
    assert (report.records, report.loaded, report.merged) == (4, 2, 2)


# --------------------------------------------------------------------------- big fields


HUGE = ("lorem ipsum dolor " * 11_112)[:200_000].strip()
MANY = tuple(f"Author{i} Surname{i}" for i in range(1000))


@pytest.mark.parametrize("ext", ["bib", "ris", "csv", "tsv", "jsonl", "json"])
def test_a_200000_character_field_and_1000_authors_load_whole(tmp_path, ext):
    assert len(HUGE) >= 199_990
    path = tmp_path / f"big.{ext}"
    if ext == "bib":
        authors = " and ".join(MANY)
        text = f"@article{{big, title={{Big}}, author={{{authors}}}, year=2020, abstract={{{HUGE}}}}}\n"
    elif ext == "ris":
        text = "TY  - JOUR\nTI  - Big\n" + "".join(f"AU  - {a}\n" for a in MANY) + f"PY  - 2020\nAB  - {HUGE}\nER  - \n"
    elif ext in ("csv", "tsv"):
        sep = "," if ext == "csv" else "\t"
        text = sep.join(["title", "authors", "year", "abstract"]) + "\n"
        text += sep.join(["Big", "; ".join(MANY), "2020", HUGE]) + "\n"
    else:
        record = {"title": "Big", "authors": list(MANY), "year": 2020, "abstract": HUGE}
        text = json.dumps(record) + "\n" if ext == "jsonl" else json.dumps([record])
    path.write_text(text, encoding="utf-8")
    corpus = read(path)
    assert one_file(corpus).loaded == 1
    paper = corpus[0]
    assert paper.abstract == HUGE
    assert len(paper.authors) == 1000 and paper.authors[0] == "Author0 Surname0" and paper.authors[-1] == MANY[-1]
    assert "+997" in corpus_html(corpus)  # the table names three authors and counts the rest


def test_big_fields_survive_every_writer(tmp_path):
    corpus = pl.Corpus([pl.Paper.create(title="Big", abstract=HUGE, authors=MANY, year=2020)])
    for name, method in (("a.bib", "to_bibtex"), ("a.ris", "to_ris"), ("a.csv", "to_csv"), ("a.jsonl", "to_jsonl"),
                         ("a.parquet", "save")):  # fmt: skip
        getattr(corpus, method)(tmp_path / name)
        back = read(tmp_path / name)
        assert back[0].abstract == HUGE and back[0].authors == MANY, name


# --------------------------------------------------------------------------- titles, years, dates


UNTITLED = {
    "jsonl": (
        '{"doi": "10.1000/no-title"}\n{"authors": ["Ann Smith"], "year": 2020}\n'
        '{"venue": "Nowhere"}\n{}\n{"title": "   ", "abstract": "only an abstract"}\n'
    ),
    "csv": "title,doi,authors,year,venue\n,10.1000/no-title,,,\n,,Ann Smith,2020,\n,,,,Nowhere\n,,,,\n",
    "bib": (
        "@article{a, doi={10.1000/no-title}}\n@article{b, author={Smith, Ann}, year={2020}}\n"
        "@article{c, journal={Nowhere}}\n@misc{d}\n@article{e, title={}, abstract={only an abstract}}\n"
    ),
    "ris": (
        "TY  - JOUR\nDO  - 10.1000/no-title\nER  - \n\nTY  - JOUR\nAU  - Smith, Ann\nPY  - 2020\nER  - \n\n"
        "TY  - JOUR\nJO  - Nowhere\nER  - \n\nTY  - GEN\nER  - \n\nTY  - JOUR\nTI  - \nAB  - only an abstract\nER  - \n"
    ),
}


@pytest.mark.parametrize("ext", list(UNTITLED))
def test_untitled_records_are_kept_when_something_identifies_them(tmp_path, ext):
    path = tmp_path / f"untitled.{ext}"
    path.write_text(UNTITLED[ext], encoding="utf-8")
    corpus = read(path)
    report = one_file(corpus)
    records = {"jsonl": 5, "csv": 3, "bib": 5, "ris": 5}[ext]  # a CSV row of empty cells is no record
    assert report.records == records, report
    kept = {(p.doi, p.authors, p.year) for p in corpus}
    assert kept == {("10.1000/no-title", (), None), (None, ("Ann Smith",), 2020)}, kept
    assert all(p.title == "" for p in corpus)
    assert any("without a title kept" in note for note in report.notes), report.notes
    assert len(report.skipped) == records - 2
    assert all("no title" in s.reason for s in report.skipped), [str(s) for s in report.skipped]
    assert len({p.id for p in corpus}) == 2  # two untitled papers get two different ids
    assert "(untitled)" in corpus_html(corpus)


@pytest.mark.parametrize(
    ("ext", "text"),
    [
        ("jsonl", '{"title": "Undated", "year": "n.d."}\n{"title": "Dated", "year": "2019"}\n'),
        ("csv", "title,year\nUndated,n.d.\nDated,2019\n"),
        ("bib", "@misc{u, title={Undated}, year={n.d.}}\n@misc{d, title={Dated}, year={2019}}\n"),
        ("ris", "TY  - GEN\nTI  - Undated\nPY  - n.d.\nER  - \n\nTY  - GEN\nTI  - Dated\nPY  - 2019\nER  - \n"),
    ],
)
def test_year_nd_means_no_year(tmp_path, ext, text):
    path = tmp_path / f"years.{ext}"
    path.write_text(text, encoding="utf-8")
    corpus = read(path)
    assert [(p.title, p.year) for p in corpus] == [("Undated", None), ("Dated", 2019)]
    assert one_file(corpus).skipped == []


@pytest.mark.parametrize(
    ("ext", "text"),
    [
        ("jsonl", '{"title": "From the future", "year": 2031}\n{"title": "Now", "year": 2024}\n'),
        ("bib", "@misc{f, title={From the future}, year={2031}}\n@misc{n, title={Now}, year={2024}}\n"),
        (
            "ris",
            "TY  - GEN\nTI  - From the future\nDA  - 2031/05/01\nER  - \n\nTY  - GEN\nTI  - Now\nPY  - 2024\nER  - \n",
        ),
    ],
)
def test_future_years_are_kept_and_noted(tmp_path, ext, text):
    assert dt.date.today().year + 1 < 2031, "pick a later year for this test"
    path = tmp_path / f"future.{ext}"
    path.write_text(text, encoding="utf-8")
    corpus = read(path)
    assert [(p.title, p.year) for p in corpus] == [("From the future", 2031), ("Now", 2024)]
    report = one_file(corpus)
    future = [note for note in report.notes if "dated after" in note]
    assert len(future) == 1 and "1 record dated after" in future[0] and corpus[0].id in future[0], report.notes


@pytest.mark.parametrize(
    ("value", "kept"),
    [("9999", False), ("0999", False), ("1665", True), ("2020-02-30", False)],
)
def test_implausible_years_and_dates_are_skipped_with_the_value(tmp_path, value, kept):
    path = tmp_path / "odd.jsonl"
    field = "date" if "-" in value else "year"
    path.write_text(json.dumps({"title": "Odd", field: value}) + "\n" + json.dumps({"title": "Fine"}) + "\n")
    corpus = read(path)
    report = one_file(corpus)
    assert report.records == 2 and len(corpus) == (2 if kept else 1)
    if not kept:
        assert value in report.skipped[0].reason and report.skipped[0].where == "line 1"


def test_dates_outside_what_pandas_nanoseconds_hold(tmp_path):
    """A 1665 paper (Philosophical Transactions) and a 9999-12-31 placeholder date both load."""
    path = tmp_path / "old.jsonl"
    path.write_text(
        json.dumps({"title": "Of a spot in one of the belts of Jupiter", "date": "1665-03-06"})
        + "\n"
        + json.dumps({"title": "Placeholder", "date": "9999-12-31"})
        + "\n"
    )
    corpus = read(path)
    assert [p.date for p in corpus] == [dt.date(1665, 3, 6), dt.date(9999, 12, 31)]
    assert corpus.filter(year=(1600, 1700)).ids == [corpus[0].id]
    assert corpus.sort_by("date").ids == corpus.ids


def test_huge_numbers_are_skipped_not_crashes(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text(
        '[{"title": "Huge count", "citation_count": 1' + "0" * 400 + "},"
        ' {"title": "Past int64", "citation_count": 9223372036854775808},'
        ' {"title": "Huge year", "year": 1' + "0" * 400 + "},"
        ' {"title": "Fine", "citation_count": 9223372036854775807}]'
    )
    corpus = read(path)
    assert [p.title for p in corpus] == ["Fine"]
    assert [s.where for s in one_file(corpus).skipped] == ["record 1", "record 2", "record 3"]


def test_every_error_is_a_paperlens_error(tmp_path):
    """The errors above are all catchable with one except clause."""
    for cls in (ParseError, UnknownFormatError):
        assert issubclass(cls, PaperlensError)
