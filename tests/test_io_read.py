"""pl.read: every fixture file accounted for, format detection, errors that name the file."""

from __future__ import annotations

import gzip
import json
import re
import zipfile
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.errors import PaperlensError, ParseError, UnknownFormatError
from paperlens.io import FORMATS, Format, detect_format
from paperlens.io.tabular import write_csv

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = ("bibtex", "ris", "hf_daily_papers")
FILES = sorted(p for folder in FOLDERS for p in (FIXTURES / folder).iterdir() if p.name != "SOURCES.md")


def records_in_file(path: Path) -> int:
    """How many records a fixture holds, counted without any paperlens code.

    BibTeX: ``@type{`` / ``@type(`` entry starts (not @string/@comment/@preamble,
    not ``\\@`` macros in a preamble, not on ``%`` comment lines). RIS: ``TY  -``
    lines (after the byte-order mark). JSON: the length of the list.
    """
    text = path.read_bytes().decode("utf-8-sig")
    if path.suffix == ".bib":
        count = 0
        for line in text.splitlines():
            if line.lstrip().startswith("%"):
                continue
            for match in re.finditer(r"(?<!\\)@(\w+)[ \t]*[{(]", line):
                count += match.group(1).lower() not in ("string", "comment", "preamble")
        return count
    if path.suffix == ".ris":
        return sum(1 for line in text.splitlines() if line.startswith("TY  -"))
    if path.suffix == ".json":
        return len(json.loads(text))
    raise AssertionError(f"no independent count for {path}")


def test_every_shared_fixture_was_copied_with_its_provenance():
    for folder in FOLDERS:
        sources = (FIXTURES / folder / "SOURCES.md").read_text(encoding="utf-8")
        for path in (FIXTURES / folder).iterdir():
            if path.name != "SOURCES.md":
                assert f"/{path.name} |" in sources, f"{path} has no row in its SOURCES.md"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_record_of_every_fixture_is_accounted_for(path):
    corpus = pl.read(path, warn=False)
    (report,) = corpus.report.files
    expected = records_in_file(path)
    assert report.records == expected
    assert report.loaded + report.merged + len(report.skipped) == expected
    assert len(corpus) == report.loaded
    for skip in report.skipped:
        assert skip.file == str(path)
        assert re.fullmatch(r"(line|record) \d+", skip.where), skip
        assert skip.reason


def test_fixture_formats_are_told_by_content_and_name():
    expected = {"bibtex": "bibtex", "ris": "ris", "hf_daily_papers": "daily-papers-json"}
    for path in FILES:
        assert detect_format(path.read_bytes(), path.name) == (expected[path.parent.name], None)
        renamed = detect_format(path.read_bytes(), "no-extension")
        assert renamed[0] == expected[path.parent.name]


def test_several_files_are_one_corpus_with_duplicates_merged_and_counted():
    days = sorted((FIXTURES / "hf_daily_papers").glob("*.json"))[:2]
    sizes = [len(json.loads(d.read_text(encoding="utf-8"))) for d in days]
    corpus = pl.read([days[0], days[1], days[0]], warn=False)
    assert len(corpus) == sizes[0] + sizes[1]
    third = corpus.report.files[2]
    assert (third.loaded, third.merged) == (0, sizes[0])
    assert corpus.report.merged == sizes[0]
    with pytest.warns(pl.LoadWarning, match="merged"):
        pl.read([days[0], days[0]])


def test_content_wins_over_the_extension_and_says_so(tmp_path):
    sample = pl.load_sample()
    cases = {
        "refs.txt": sample.to_bibtex(),
        "refs.bib": sample.to_ris(),
        "table.dat": sample.to_csv(),
        "table.txt": write_csv(sample, sep="\t"),
        "lines": sample.to_jsonl(),
    }
    formats = {}
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        report = pl.read(tmp_path / name, warn=False).report.files[0]
        formats[name] = report.format
        assert report.records == len(sample)
    assert formats == {
        "refs.txt": "bibtex",
        "refs.bib": "ris",
        "table.dat": "csv",
        "table.txt": "tsv",
        "lines": "jsonl",
    }
    assert "named .bib but the content is RIS" in pl.read(tmp_path / "refs.bib", warn=False).report.files[0].notes[0]
    parquet = sample.save(tmp_path / "corpus.bin")
    assert pl.read(parquet).report.files[0].format == "parquet"


def test_daily_papers_listing_text_is_told_from_its_paragraphs(tmp_path):
    from importlib.resources import files

    text = (files("paperlens.data") / "seed" / "daily_papers_snapshot.txt").read_text(encoding="utf-8")
    (tmp_path / "listing").write_text(text, encoding="utf-8")
    corpus = pl.read(tmp_path / "listing")
    assert corpus.report.files[0].format == "daily-papers-text"
    assert len(corpus) == 69


def test_the_extension_decides_when_the_content_says_nothing(tmp_path):
    path = tmp_path / "empty-ish.bib"
    path.write_text("nothing but a note\n", encoding="utf-8")
    report = pl.read(path, warn=False).report.files[0]
    assert (report.format, report.records) == ("bibtex", 0)
    assert report.notes == ["no BibTeX records found"]


def test_unknown_format_names_the_file_and_lists_the_formats(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError) as caught:
        pl.read(path)
    message = str(caught.value)
    assert str(path) in message
    for name in ("bibtex", "ris", "csv", "parquet", "jsonl", "daily-papers-json"):
        assert name in message


def test_a_directory_or_a_missing_file_is_a_parse_error_naming_it(tmp_path):
    with pytest.raises(ParseError, match="is a directory") as caught:
        pl.read(tmp_path)
    assert caught.value.file == str(tmp_path)
    with pytest.raises(ParseError, match="no such file") as caught:
        pl.read(tmp_path / "missing.bib")
    assert caught.value.file == str(tmp_path / "missing.bib")


def test_format_names_options_and_their_mistakes(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text("Name;Year\nModel soups;2022\n", encoding="utf-8")
    corpus = pl.read(path, format="csv", columns={"title": "Name"}, sep=";")
    assert (corpus[0].title, corpus[0].year) == ("Model soups", 2022)
    with pytest.raises(UnknownFormatError, match="did you mean 'bibtex'"):
        pl.read(path, format="bibtx")
    with pytest.raises(PaperlensError, match="option"):
        pl.read(FILES[0], columns={"title": "x"})
    xampl = FIXTURES / "bibtex" / "xampl.bib"
    by_alias = pl.read(xampl, format="bib", warn=False)
    assert by_alias == pl.read(xampl, format="bibtex", warn=False)
    entries = re.findall(r"^\s*@(\w+)\s*[{(]", xampl.read_text(encoding="latin-1"), re.M)
    records = [e for e in entries if e.lower() not in ("string", "preamble", "comment")]
    assert by_alias.report.files[0].records == len(records) == 36


def test_zip_and_gzip_files_are_opened(tmp_path):
    sample = pl.load_sample()
    archive = tmp_path / "papers.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("a.bib", sample[:5].to_bibtex())
        handle.writestr("b.ris", sample[5:10].to_ris())
        handle.writestr("README", "not papers")
    corpus = pl.read(archive, warn=False)
    assert corpus.ids == sample.ids[:10]
    formats = [(f.file, f.format) for f in corpus.report.files]
    assert formats == [(f"{archive}:README", "unknown"), (f"{archive}:a.bib", "bibtex"), (f"{archive}:b.ris", "ris")]
    packed = tmp_path / "papers.jsonl.gz"
    packed.write_bytes(gzip.compress(sample.to_jsonl().encode()))
    assert pl.read(packed) == sample


def test_a_reader_whose_import_fails_raises_that_error_not_unknown_format(tmp_path, monkeypatch):
    # A reader module with a broken import is a bug to surface, not a format to give up on quietly.
    (tmp_path / "paperlens_broken_reader.py").write_text("import paperlens_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = Format("broken", "paperlens_broken_reader:parse", (".broken",), None, "Broken")
    monkeypatch.setitem(FORMATS, "broken", broken)
    (tmp_path / "papers.broken").write_text("anything")
    assert detect_format(b"anything", "papers.broken") == ("broken", None)
    with pytest.raises(ModuleNotFoundError, match="paperlens_no_such_dependency"):
        pl.read(tmp_path / "papers.broken")
    with pytest.raises(ModuleNotFoundError, match="paperlens_no_such_dependency"):
        broken.available()
    assert all(fmt.available() for name, fmt in FORMATS.items() if name != "broken")


def test_every_lazy_reader_name_resolves():
    for name, module in pl._LAZY.items():
        if module.startswith("paperlens.io"):
            assert callable(getattr(pl, name)), name
