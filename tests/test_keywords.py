"""Keywords are not categories (issue 11, item 5).

A library's keywords (BibTeX ``keywords``, RIS ``KW``, a ``keywords`` column, OpenAlex
keywords) are the ``keywords`` field: searchable, a filter, written back by every writer.
``categories`` holds subject classes only (arXiv categories, OpenAlex topics). The written
files are read with the format's own library (bibtexparser, rispy, csv, json, pyarrow), not
with paperlens, so a writer that forgot the field fails here.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import paperlens as pl
from paperlens.cli import main
from paperlens.io.bibtex import parse_bibtex
from paperlens.io.ris import parse_ris
from paperlens.record import Paper

LIBRARY = Path(__file__).parent.parent / "examples" / "data" / "my_library.bib"

ZOTERO = r"""
@misc{wortsman_model_2022,
	title = {Model soups: averaging weights of multiple fine-tuned models},
	author = {Wortsman, Mitchell and Ilharco, Gabriel},
	year = {2022},
	eprint = {2203.05482},
	archivePrefix = {arXiv},
	primaryClass = {cs.LG},
	keywords = {to read, weight averaging},
}
"""


def _read_path(text: str, name: str) -> pl.Corpus:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return pl.read(path, warn=False)


def test_a_zotero_keyword_is_a_keyword_not_a_category():
    (paper,), _ = parse_bibtex(ZOTERO)
    assert paper.keywords == ("to read", "weight averaging")
    assert paper.categories == ("cs.LG",)  # arXiv's primary class is a subject class


def test_the_example_library_keeps_to_read_out_of_the_categories():
    library = pl.read(LIBRARY, warn=False)
    notes = library.filter(keywords="to read")
    assert [p.title for p in notes] == ["Reading notes: adapting CLIP without labels"]
    assert not any("to read" in p.categories for p in library)


def test_ris_kw_lines_are_keywords():
    text = "TY  - JOUR\nTI  - A study\nKW  - to read\nKW  - Crohn's disease\nER  - \n"
    (paper,), _ = parse_ris(text)
    assert (paper.keywords, paper.categories) == (("to read", "Crohn's disease"), ())


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("t.csv", 'title,keywords,categories\nA study,"to read; Physics, applied",cs.LG\n'),
        (
            "t.jsonl",
            json.dumps({"title": "A study", "Keywords": ["to read", "Physics, applied"], "categories": ["cs.LG"]}),
        ),
    ],
)
def test_a_keywords_column_is_keywords(name, text):
    (paper,) = _read_path(text, name)
    assert paper.keywords == ("to read", "Physics, applied") and paper.categories == ("cs.LG",)


def _corpus() -> pl.Corpus:
    return pl.Corpus(
        [
            Paper.create(title="Model soups", year=2022, keywords=("to read", "Physics, applied")),
            Paper.create(title="Attention is all you need", year=2017, keywords=("Transformers",)),
            Paper.create(title="Unrelated", year=2020, abstract="Nothing about it", categories=("cs.CV",)),
        ]
    )


def test_keywords_filter_is_case_insensitive_and_keeps_any():
    corpus = _corpus()
    assert corpus.filter(keywords="TO READ").ids == [corpus[0].id]
    assert corpus.filter(keywords=["transformers", "nothing"]).ids == [corpus[1].id]
    assert corpus.filter(keywords="cs.CV").ids == []  # a category is not a keyword


def test_keywords_are_searchable():
    corpus = _corpus()
    # "applied" is in no title and no abstract: only the keyword finds the paper.
    assert corpus.search("applied").ids == [corpus[0].id]
    assert corpus.search("transformers").ids == [corpus[1].id]


def test_every_writer_writes_keywords_back(tmp_path):
    import bibtexparser
    import rispy

    corpus = _corpus()
    want = [list(p.keywords) for p in corpus]

    bib = bibtexparser.parse_string(corpus.to_bibtex())
    got = [e.fields_dict["keywords"].value if "keywords" in e.fields_dict else "" for e in bib.entries]
    assert got == ["to read; Physics, applied", "Transformers", ""]

    ris = rispy.loads(corpus.to_ris())
    assert [r.get("keywords", []) for r in ris] == want

    rows = list(csv.DictReader(io.StringIO(corpus.to_csv())))
    assert [r["keywords"] for r in rows] == ["to read; Physics, applied", "Transformers", ""]

    lines = [json.loads(line) for line in corpus.to_jsonl().splitlines()]
    assert [line["keywords"] for line in lines] == want

    table = pq.read_table(corpus.save(tmp_path / "c.parquet"))
    assert table.column("keywords").to_pylist() == want

    for method, name in (("to_bibtex", "c.bib"), ("to_ris", "c.ris"), ("to_csv", "c.csv"), ("to_jsonl", "c.jsonl")):
        getattr(corpus, method)(tmp_path / name)
        assert [p.keywords for p in pl.read(tmp_path / name, warn=False)] == [p.keywords for p in corpus], name


def test_a_parquet_file_saved_before_keywords_existed_reads(tmp_path):
    path = _corpus().save(tmp_path / "c.parquet")
    table = pq.read_table(path)
    old = table.drop_columns(["keywords"]).replace_schema_metadata(table.schema.metadata)
    pq.write_table(old, path)
    back = pl.read(path, warn=False)
    assert [p.title for p in back] == [p.title for p in _corpus()] and all(p.keywords == () for p in back)


def test_cli_info_lists_top_keywords(tmp_path, capsys):
    path = tmp_path / "lib.bib"
    path.write_text(ZOTERO, encoding="utf-8")
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "top keywords: to read (1), weight averaging (1)" in out
    assert "top categories: cs.LG (1)" in out


def test_the_paper_card_shows_keywords_escaped():
    paper = Paper.create(title="A", keywords=("<b>to read</b>",))
    html = paper._repr_html_()
    assert "&lt;b&gt;to read&lt;/b&gt;" in html and "<b>to read" not in html
