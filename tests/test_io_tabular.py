"""CSV/TSV, Parquet and DataFrame readers and writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest

import paperlens as pl
from paperlens.errors import FieldError, ParseError
from paperlens.io.tabular import parse_csv, write_csv, write_parquet
from paperlens.record import Paper


@pytest.fixture
def rich():
    """Papers using every field, the kinds of id, nested extras and missing values."""
    return pl.Corpus(
        [
            Paper.create(
                title="Model soups",
                abstract="Averaging; weights, of fine-tuned models.\nTwo lines.",
                authors=("Mitchell Wortsman", "Gabriel Ilharco"),
                date=dt.date(2022, 3, 10),
                venue="ICML",
                categories=("cs.LG", "cs.CV"),
                arxiv_id="2203.05482",
                doi="10.48550/arXiv.2203.05482",
                references=("1706.03762", "10.1000/xyz", "W123", "A title, with comma"),
                citation_count=321,
                source="test",
                extra={"upvotes": 7, "keywords": ["a", "b"], "nested": {"k": [1, 2.5, None, True]}, "note": "é ✓"},
            ),
            Paper.create(title="Only a title"),
            Paper.create(title="OpenAlex only", openalex_id="W2741809807", year=2018, citation_count=0),
            Paper.create(title="S2 only", s2_id="2d5673caa9e6af3a7b82a43f19ee920992db07ad", year=1950),
        ]
    )


def test_parquet_keeps_every_field(tmp_path, rich):
    path = rich.save(tmp_path / "rich.parquet")
    back = pl.read(path)
    assert back == rich
    assert back.ids == ["2203.05482", rich.ids[1], "W2741809807", "2d5673caa9e6af3a7b82a43f19ee920992db07ad"]
    assert rich.ids[1].startswith("pl:")
    first = back[0]
    assert first.extra["nested"] == {"k": (1, 2.5, None, True)} and first.citation_count == 321
    assert back[2].citation_count == 0 and back[1].citation_count is None
    assert pl.read_parquet(path) == rich
    assert write_parquet(pl.load_sample(), tmp_path / "s.parquet") == tmp_path / "s.parquet"
    assert pl.read(tmp_path / "s.parquet") == pl.load_sample()


def test_another_tools_parquet_is_read_as_a_table(tmp_path):
    path = tmp_path / "theirs.parquet"
    pd.DataFrame(
        {"Article Title": ["A", "B"], "Publication Year": [2020, None], "DOI": ["10.1000/x", None]}
    ).to_parquet(path)
    corpus = pl.read(path, warn=False)
    assert [(p.title, p.year, p.doi) for p in corpus] == [("A", 2020, "10.1000/x"), ("B", None, None)]
    assert corpus.report.files[0].format == "parquet"


def test_csv_round_trip_is_equal(tmp_path, rich):
    path = tmp_path / "rich.csv"
    rich.to_csv(path)
    # newlines in an abstract survive quoting; lists are joined with "; "
    assert pl.read_csv(path) == rich
    assert pl.read(path) == rich
    header, first = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[:2]
    assert first[header.index("authors")] == "Mitchell Wortsman; Gabriel Ilharco"
    assert first[header.index("categories")] == "cs.LG; cs.CV"
    assert first[header.index("abstract")] == "Averaging; weights, of fine-tuned models.\nTwo lines."
    pl.load_sample().to_csv(tmp_path / "sample.csv")
    assert pl.read_csv(tmp_path / "sample.csv") == pl.load_sample()


def test_tsv_and_other_separators(tmp_path, rich):
    (tmp_path / "rich.tsv").write_text(write_csv(rich, sep="\t"), encoding="utf-8")
    assert pl.read(tmp_path / "rich.tsv") == rich
    (tmp_path / "rich.txt").write_text(write_csv(rich, sep="|"), encoding="utf-8")
    assert pl.read_csv(tmp_path / "rich.txt", sep="|") == rich


def test_columns_mapping_and_alias_guessing(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Document Title,Author Full Names,PY,DI,Title\n"
        '"Model soups","Wortsman, M.; Ilharco, G.",2022,10.1000/abc,short\n',
        encoding="utf-8",
    )
    corpus = pl.read_csv(path, columns={"title": "Document Title", "doi": "DI"})
    paper = corpus[0]
    assert (paper.title, paper.year, paper.doi) == ("Model soups", 2022, "10.1000/abc")
    assert paper.authors == ("Wortsman, M.", "Ilharco, G.")
    assert paper.extra["Title"] == "short"  # the guessed title column lost to the named one
    with pytest.raises(FieldError, match="did you mean 'title'"):
        pl.read_csv(path, columns={"titel": "Document Title"})
    with pytest.raises(ParseError, match="'Missing' not found") as caught:
        pl.read_csv(path, columns={"title": "Missing"})
    assert caught.value.file == str(path)


def test_bad_rows_are_skipped_with_their_line(tmp_path):
    text = (
        'title,year,doi\nGood,2020,\n"Multi\nline title",2021,\nShort row\nBad year,20x,\n,2020,\nBad doi,2020,nope\n'
    )
    papers, report = parse_csv(text, "bad.csv")
    assert [p.title for p in papers] == ["Good", "Multi line title"]
    assert report.records == 6
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("line 5", "expected 3 cells, found 1"),
        ("line 6", "year '20x' is not a year"),
        ("line 7", "no title, and no identifier or authors and year to tell the record apart"),
        ("line 8", "doi 'nope' is not a DOI"),
    ]


def test_from_dataframe(rich):
    assert pl.from_dataframe(rich.df) == rich
    assert pl.from_dataframe(pl.load_sample().df) == pl.load_sample()
    df = pd.DataFrame({"name": ["A", None], "when": ["2021-05-06", "2020"], "cites": [3, 1]})
    corpus = pl.from_dataframe(df, columns={"title": "name", "date": "when", "citation_count": "cites"}, warn=False)
    assert [(p.title, p.date, p.citation_count) for p in corpus] == [("A", dt.date(2021, 5, 6), 3)]
    (skip,) = corpus.report.skipped
    assert (skip.file, skip.where, skip.reason) == (
        "<DataFrame>",
        "row 1",
        "no title, and no identifier or authors and year to tell the record apart",
    )
    with pytest.raises(TypeError, match="DataFrame"):
        pl.from_dataframe([{"title": "x"}])


def test_csv_cells_are_plain_text_other_tools_can_read(rich):
    table = pd.read_csv(io.StringIO(write_csv(rich)), dtype=str, keep_default_na=False)
    assert list(table.columns) == list(pl.Paper.__dataclass_fields__)
    openalex = table[table["id"] == "W2741809807"].iloc[0]
    assert (openalex["year"], openalex["citation_count"], openalex["extra"], openalex["date"]) == ("2018", "0", "", "")
    first = table.iloc[0]
    assert (first["date"], first["references"]) == ("2022-03-10", "1706.03762; 10.1000/xyz; W123; A title, with comma")
    assert json.loads(first["extra"])["nested"] == {"k": [1, 2.5, None, True]}
