"""Duplicate rules on real files: only the same work is merged, every merge listed, undo possible."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.dedupe import deduplicate

FIXTURES = Path(__file__).parent / "fixtures"
APA = FIXTURES / "bibtex" / "Import_error_with_character_in_BibTeX_field_name_2660.bib"
XAMPL = FIXTURES / "bibtex" / "xampl.bib"
JABREF = FIXTURES / "bibtex" / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib"
DONNERS = FIXTURES / "openalex_citation_sets" / "Donners_2021" / "works_1.zip"


def _read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        return pl.read(path, **options)


def _keys(corpus):
    return [p.extra.get("bibtex_key") for p in corpus]


def _raw_entry(path: Path, key: str) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("{" + key + ",")
    return text[start : text.index("\n}", start)]


def test_same_title_and_year_with_other_subtitle_or_publisher_kept_apart():
    # APA 9.49: two articles by J. Jones, same title and year, other subtitles (part 1 and part 2);
    # APA 10.10: the same app in two stores (other publisher and URL). Title + year alone merged them.
    corpus = _read(APA)
    keys = set(_keys(corpus))
    for key in ("9.49:5", "9.49:6", "10.10:79", "10.10:80"):
        assert key in keys
    sub5 = re.search(r"SUBTITLE\s*=\s*\{(.*)\}", _raw_entry(APA, "9.49:5")).group(1)
    sub6 = re.search(r"SUBTITLE\s*=\s*\{(.*)\}", _raw_entry(APA, "9.49:6")).group(1)
    assert sub5 != sub6
    by_key = {p.extra["bibtex_key"]: p for p in corpus}
    assert by_key["9.49:5"].id != by_key["9.49:6"].id  # same fallback id made distinct
    assert by_key["9.49:6"].extra["subtitle"] == sub6


def test_every_merge_listed_with_evidence_and_shared_doi_merges():
    corpus = _read(APA)
    merges = corpus.report.merges
    assert len(merges) == corpus.report.merged
    # 10.2:34 and 10.3:46 carry the same DOI in the file: the one merge on an identifier.
    doi = re.search(r"DOI\s*=\s*\{(.*)\}", _raw_entry(APA, "10.3:46")).group(1)
    assert doi.lower() in _raw_entry(APA, "10.2:34").lower()
    row = merges[merges["record"] == "10.3:46"].iloc[0]
    assert row["into"] == "10.2:34" and row["evidence"] == f"doi {doi.lower()}"
    assert row["id"] in corpus.ids and row["file"] == str(APA)


def test_minimal_and_full_entries_of_one_work_still_merge():
    corpus = _read(XAMPL)
    merges = corpus.report.merges
    pairs = set(zip(merges["record"], merges["into"], strict=True))
    assert ("article-full", "article-minimal") in pairs  # same title, year, author; fields only one has
    assert set(merges["evidence"]) == {"title and year"}


def test_dedupe_false_keeps_every_record_and_unmerge_restores_them():
    merged = _read(XAMPL)
    everything = _read(XAMPL, dedupe=False)
    assert everything.report.merged == 0 and everything.report.merges.empty
    n_entries = len(re.findall(r"^@(?!string|preamble|comment)\w+\s*\{", XAMPL.read_text(), re.I | re.M))
    assert len(everything) + len(everything.report.skipped) == n_entries
    assert len(set(everything.ids)) == len(everything)
    undone = merged.unmerge()
    assert sorted(_keys(undone)) == sorted(_keys(everything))
    assert undone.report.merged == 0 and undone.report.loaded == len(undone)
    one = merged.report.merges["id"].iloc[0]
    partly = merged.unmerge(one)
    assert len(partly) == len(merged) + int((merged.report.merges["id"] == one).sum())
    with pytest.raises(pl.PaperlensError, match="not a merged paper"):
        merged.unmerge("no-such-id")


def test_recurring_titles_never_merged_on_title_alone():
    # Real "Abstracts" supplements of several journals and years (OpenAlex), without the identifiers
    # and venues a BibTeX export may lack: each is its own item.
    corpus = _read(DONNERS, dedupe=False)
    supplements = [p for p in corpus if p.title.casefold() in ("abstracts", "abstract")]
    stripped = [p.replace(doi=None, openalex_id=None, venue=None, id="") for p in supplements]
    stripped = [pl.Paper.create(**{k: v for k, v in p.to_dict().items() if k != "id"}) for p in stripped]
    years = [p.year for p in stripped]
    assert len(set(years)) < len(years)  # some share a year: title + year alone would merge them
    kept, merges = deduplicate(stripped)
    assert len(kept) == len(stripped) and merges == []


def test_other_authors_are_another_work():
    # A real entry, and the same title and year by someone else: not merged.
    corpus = _read(
        FIXTURES / "bibtex" / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib"
    )
    paper = next(p for p in corpus if len(p.authors) >= 1 and p.year)
    other = pl.Paper.create(title=paper.title, year=paper.year, authors=("Someone Else",))
    kept, merges = deduplicate([paper, other])
    assert len(kept) == 2 and merges == []
    assert len(deduplicate([paper, pl.Paper.create(title=paper.title.upper(), year=paper.year)])[0]) == 1


def test_preprint_and_conference_version_of_one_paper_merge():
    # The example Zotero export: CLIP as an arXiv preprint (@misc, publisher arXiv) and from ICML
    # (@inproceedings, publisher PMLR). A generic type and a preprint server are no conflict.
    library = _read(Path(__file__).parents[1] / "examples" / "data" / "my_library.bib")
    merges = library.report.merges
    assert list(zip(merges["record"], merges["into"], strict=True)) == [
        ("radford_learning_2021-1", "radford_learning_2021")
    ]
    clip = library["2103.00020"]
    assert clip.venue == "Proceedings of the 38th International Conference on Machine Learning"
