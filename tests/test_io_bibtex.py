"""BibTeX reading (the bugs the fixture files are named after) and writing (round trips)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperlens as pl
from paperlens.io.base import read_text
from paperlens.io.bibtex import latex_to_text, parse_bibtex, write_bibtex
from paperlens.record import Paper

BIB = Path(__file__).parent / "fixtures" / "bibtex"
# The fields a BibTeX entry holds. Not held: references, citation_count, openalex_id, s2_id,
# and extra values that are not text; ``source`` says "bibtex" after a read.
HELD = ("id", "title", "abstract", "authors", "year", "date", "venue", "categories", "keywords", "doi", "arxiv_id",
        "url")  # fmt: skip


def parse(name: str):
    return parse_bibtex(read_text(BIB / name), name)


def by_key(papers):
    return {p.extra["bibtex_key"]: p for p in papers}


# ------------------------------------------------------------------ the bugs in the file names


def test_author_splitter_failure_gives_first_last_names():
    (paper,), _ = parse("Author_splitter_failure.bib")
    # "Abu-Zeid, M. E. and Rakhshani, A. E. and Al-Jassar, A. A. and Youssef, Y. A." in the file
    assert paper.authors == ("M. E. Abu-Zeid", "A. E. Rakhshani", "A. A. Al-Jassar", "Y. A. Youssef")
    # {Cu$_2$O}: braces gone, math kept as written; the title's line break is a space
    assert paper.title == (
        "Determination of the Thickness and Refractive Index of Cu$_2$O Thin Film Using Thermal and Optical "
        "Interferometry"
    )
    assert paper.doi == "10.1002/pssa.2210930226" and paper.id == paper.doi
    assert (paper.year, paper.venue, paper.extra["pages"]) == (1986, "Physica Status Solidi (a)", "613–620")


def test_better_bibtex_001_protected_title_keywords_and_book_fields():
    papers, _ = parse("Better_BibTeX.001.bib")
    adams, book = by_key(papers)["Adams2001"], by_key(papers)["Rechenberg2006a"]
    assert adams.title == "The physical volcanology of the 1600 eruption of Huaynaputina, southern Peru"
    assert adams.keywords == ("Vulcanian eruptions", "breadcrust", "plinian") and adams.categories == ()
    assert adams.authors[0] == "Nancy K Adams" and len(adams.authors) == 7
    assert book.extra["subtitle"] == "(nicht nur) für Informatiker"
    assert (book.extra["bibtex_type"], book.extra["isbn"]) == ("book", "9783446406957")


def test_crossref_child_inherits_booktitle_and_year_from_its_parent():
    papers, _ = parse("Better_BibTeX.003.bib")
    child, parent = by_key(papers)["author:06"], by_key(papers)["conference:06"]
    assert child.title == "Some publication title"  # its own title, not the parent's
    assert child.venue == "Proceedings of the Xth Conference on XYZ (Book)"  # the parent's booktitle
    assert child.year == 2006 and child.extra["month"] == "oct"
    assert child.extra["editor"] == "Editor, First and Editor, Second"
    assert child.extra["pages"] == "330—331"
    assert parent.title == "Proceedings of the Xth Conference on XYZ"


def test_crossref_children_2373_get_the_book_fields_and_merge_as_one_chapter():
    papers, _ = parse("Child_items_that_use_the_crossref_field_do_not_have_their_parent_fields_imported_2373.bib")
    for key in ("inbook", "incollection"):
        child = by_key(papers)[key]
        assert child.venue == "Global Civil Society: Dimensions of the Nonprofit Sector"
        assert child.year == 2004
        assert (child.extra["publisher"], child.extra["address"]) == ("Kumarian Press", "Bloomfield, CT")
    corpus = pl.read(BIB / "Child_items_that_use_the_crossref_field_do_not_have_their_parent_fields_imported_2373.bib")
    report = corpus.report.files[0]
    # The same chapter as @inbook and @incollection: another entry type is a conflict (issue 16.1), both kept.
    assert (report.records, report.loaded, report.merged) == (3, 3, 0)


def test_unparsed_author_names_92_and_others_is_not_a_person():
    (paper,), _ = parse("Failure_to_handle_unparsed_author_names_92.bib")
    assert paper.authors == ("O. Madelung",)
    assert paper.extra["et_al"] is True
    assert paper.venue == "Landolt-Börnstein"
    assert paper.extra["editor"] == "Madelung, O. and Rössler, U. and Schulz, M."
    assert paper.title == "Cuprous oxide (Cu$_2$O) crystal structure, lattice parameters"


def test_field_names_with_plus_2660_and_commented_out_entries():
    papers, report = parse("Import_error_with_character_in_BibTeX_field_name_2660.bib")
    assert report.records == 283  # the %-commented copy of 10.1:18 is not an entry
    annotated = by_key(papers)["10.4:56"]
    assert annotated.extra["author+an:role"] == '1="Principal Investigator"'
    assert annotated.extra["titleaddon"] == "Grant"
    assert (
        annotated.extra["institution"]
        == "Eunice Kennedy Shriver National Institute of Child Health & Human Development"
    )
    assert annotated.url == "https://projectreporter.nih.gov/project_info_details.cfm?aid=9473071&icde=40092311"
    assert (annotated.year, annotated.extra["date"]) == (2015, "2015/2020")  # a biblatex date range
    assert by_key(papers)["10.1:18"].extra["relatedtype"] == "commenton"
    # Chicago-manual examples without a title: kept (authors and a year tell them apart), none skipped
    # Skipped: only the examples with nothing to tell them apart (no title, no identifier, no authors + year)
    assert report.skipped and all("no title, and no identifier" in s.reason for s in report.skipped)
    assert by_key(papers)["9.8:1"].title == "" and by_key(papers)["9.8:1"].authors == ("A. A. Author", "B. B. Author")
    assert by_key(papers)["9.8:1"].id != by_key(papers)["9.8:3"].id


def test_string_substitutions_154_with_colons_in_the_macro_name():
    (paper,), _ = parse("Import_fails_to_perform_String_substitutions_154.bib")
    assert (paper.extra["publisher"], paper.extra["address"]) == ("Freds Publishing", "London, UK")


def test_round_paren_entry_871_with_macro_concatenation():
    (paper,), report = parse("Issues_with_round_instead_of_curly_braces_do_not_import_correctly_871.bib")
    assert paper.authors == ("Drew V. McDermott", "Gerald J. Sussman")  # MCDERMOTT # { and Gerald J. Sussman}
    assert paper.title == "The CONNIVER Reference Manual"  # {\sc CONNIVER}
    assert (paper.year, paper.extra["month"]) == (1972, "may")
    assert paper.extra["institution"] == "MIT Artificial Intelligence Laboratory"  # a tab inside
    assert report.skipped == []


def test_jabref_groups_97_become_extra_groups():
    path = BIB / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib"
    papers, report = parse(path.name)
    assert report.records == 911
    # The groups tree, read here without paperlens: "1 ExplicitGroup:<name>\;0\;key\;key..." wrapped at 70 columns.
    tree = read_text(path).split("groupstree:")[1].replace("\n", "")
    members = {}
    for name, keys in re.findall(r"\d ExplicitGroup:([^\\;]+)\\;0\\;(.*?);(?=\d |\})", tree):
        for key in keys.split("\\;"):
            if key:
                members.setdefault(key, []).append(name)
    assert {"Cu2O", "CuO"} == {g for groups in members.values() for g in groups}
    keyed = by_key(papers)
    checked = 0
    for key, groups in members.items():
        if key in keyed:
            assert keyed[key].extra["groups"] == ", ".join(groups), key
            checked += 1
    assert checked > 800
    assert keyed["Abu-Zeid_1986"].extra["groups"] == "Cu2O" and keyed["Adachi_1989"].extra["groups"] == "CuO"


def test_math_formatting_627_is_kept():
    (paper,), _ = parse("Math_formatting_lost_on_import_627.bib")
    assert paper.title == "Nonequilibrium Propagation and Decay of a Bound Pair in Driven $t$-$J$ Models"
    assert paper.authors == ("J Bonča", "M Mierzejewski", "L Vidmar")
    assert paper.extra["month"] == "oct"


def test_spaces_kept_when_expanding_string_1081():
    (paper,), _ = parse("Spaces_lost_when_expanding_string_variables_during_import_1081.bib")
    assert paper.venue == "a space between this and this"


def test_ring_above_1115():
    (paper,), _ = parse("Wrong_ring-above_import_1115.bib")
    assert paper.authors == ("Radim Řehůřek", "Petr Sojka")
    assert "\u016f" in paper.authors[0]  # ů: u with ring above, from {\r u}
    assert latex_to_text(r"{\r a}ngstr{\"o}m") == "ångström"
    assert paper.date == dt.date(2010, 5, 22)  # year 2010, month May, day 22
    assert paper.url == "http://is.muni.cz/publication/884893/en"


def test_crossref_api_entries_html_entities_and_missing_titles():
    papers, _ = parse("test_tricky_journal_quality_results_10.1016-j.semcdb.2016.08.024-1__01.bib")
    assert papers[0].venue == "Seminars in Cell & Developmental Biology"  # &amp; in the file
    assert papers[0].extra["pages"] == "116–124" and papers[0].extra["month"] == "apr"
    papers, report = parse("test_bulk_doi_search__12.bib")  # a Crossref entry with a DOI and no title
    assert report.records == 1 and not report.skipped
    assert (papers[0].id, papers[0].title, papers[0].venue) == ("10.1007/s40278-023-41815-2", "", "Reactions Weekly")
    papers, report = parse_bibtex("@misc{empty, note = {nothing to go on}}", "empty.bib")
    (skip,) = report.skipped
    assert (skip.where, skip.reason) == (
        "line 1",
        "entry 'empty': no title, and no identifier or authors and year to tell the record apart",
    )


def test_xampl_strings_crossrefs_and_sorting_macros():
    papers, report = parse("xampl.bib")
    keyed = by_key(papers)
    assert keyed["inproceedings-minimal"].venue == "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing"
    assert keyed["whole-set"].year == 1968  # {\noopsort{1973a}}{\switchargs{--90}{1968}}
    assert keyed["inbook-full"].year == 1973 and keyed["inbook-full"].extra["month"] == "10 January"
    assert keyed["article-crossref"].venue == "G-Animal's Journal"  # crossref = {WHOLE-JOURNAL}: any case
    assert keyed["inbook-crossref"].venue == "The Art of Computer Programming"  # the parent book's title
    assert keyed["techreport-full"].authors == ("Tom Térrific",)
    assert sorted(s.where for s in report.skipped) == ["line 226", "line 358", "line 43"]


# ------------------------------------------------------------------ malformed input


def test_broken_entries_are_skipped_with_line_and_reason_and_the_rest_loads():
    text = """@article{good1, title = {First}, year = 2020}
@article{broken, title = {Never closed, year = 2020
@article{good2, title = {Second}, author = {A and B}}
@article{good1, title = {Same key again}}
@article{odd, title = {Uses a macro} # undefinedmacro}
"""
    papers, report = parse_bibtex(text, "bad.bib")
    assert [p.title for p in papers] == ["First", "Second", "Same key again", "Uses a macroundefinedmacro"]
    assert report.records == 5
    assert [(s.file, s.where) for s in report.skipped] == [("bad.bib", "line 2")]
    assert "could not be parsed" in report.skipped[0].reason
    assert "line 4: entry key 'good1' already used on line 1; this entry kept as 'good1-2'" in report.notes
    assert any("undefined macro(s) undefinedmacro" in note for note in report.notes)


def test_bad_year_and_doi_are_kept_in_extra_with_a_note():
    papers, report = parse_bibtex("@misc{k, title = {T}, year = {circa 1900}, doi = {not-a-doi}}", "x.bib")
    assert papers[0].year is None and papers[0].doi is None
    assert (papers[0].extra["year"], papers[0].extra["doi"]) == ("circa 1900", "not-a-doi")
    assert len(report.notes) == 2 and "line 1" in report.notes[0]


def test_arxiv_ids_from_eprint_fields_and_google_scholar_journals():
    text = r"""
@misc{a, title = {A}, eprint = {2203.05482v2}, archivePrefix = {arXiv}, primaryClass = {cs.LG}}
@article{b, title = {B}, journal = {arXiv preprint arXiv:1706.03762}}
@misc{c, title = {C}, eprint = {hep-th/9901001}}
@misc{d, title = {D}, eprint = {12345}, eprinttype = {pubmed}}
"""
    papers, _ = parse_bibtex(text)
    assert [p.arxiv_id for p in papers] == ["2203.05482", "1706.03762", "hep-th/9901001", None]
    assert papers[0].categories == ("cs.LG",) and papers[3].extra["eprint"] == "12345"


# ------------------------------------------------------------------ writing


@pytest.mark.parametrize("path", sorted(BIB.glob("*.bib")), ids=lambda p: p.name[:40])
def test_fixture_round_trip_read_write_read_is_equal(path):
    papers, _ = parse_bibtex(read_text(path), path.name)
    text = write_bibtex(papers)
    again, report = parse_bibtex(text, "written.bib")
    assert again == papers  # every field, extra included: what came from BibTeX fits in BibTeX
    assert report.skipped == []
    keys = re.findall(r"^@\w+\{([^,]+),", text, re.M)
    assert len(keys) == len(set(k.lower() for k in keys)) == len(papers)


def as_written(paper: Paper) -> Paper:
    """A paper as BibTeX and RIS hold it: a month read from the arXiv id is written as year and month, no day."""
    return paper.replace(date=None, date_source=None) if paper.date_source else paper


def test_sample_round_trip_keeps_every_field_bibtex_holds():
    sample = pl.load_sample()
    back, report = parse_bibtex(write_bibtex(sample))
    assert report.records == len(sample) == len(back)
    assert sum(p.date_source == "arxiv id" for p in sample) == 7
    for original, read in zip(map(as_written, sample), back, strict=True):
        for name in HELD:
            assert getattr(read, name) == getattr(original, name), (original.id, name)


def test_written_keys_are_unique_and_special_characters_escaped():
    papers = [
        Paper.create(title="GPUs & TPUs: 50% faster {really} #1 with $O(n^2)$ -- and \\ back_slash ~tilde^", year=2020),
        Paper.create(title="Same author, same year", authors=("Ann Smith",), year=2020),
        Paper.create(title="Same author, same year again", authors=("Ann Smith",), year=2020),
        Paper.create(title="World Health", authors=("World Health Organization and Partners",), year=2021),
        Paper.create(title="Comma keyword", keywords=("Physics, applied",)),
        Paper.create(title="Comma keywords", keywords=("Physics, applied", "Optics"), categories=("a, b",)),
    ]
    text = write_bibtex(papers)
    keys = re.findall(r"^@\w+\{([^,]+),", text, re.M)
    assert len(set(keys)) == len(papers)
    back, report = parse_bibtex(text)
    assert report.skipped == []
    assert [p.title for p in back] == [p.title for p in papers]
    assert back[3].authors == ("World Health Organization and Partners",)
    assert [p.keywords for p in back[4:]] == [("Physics, applied",), ("Physics, applied", "Optics")]
    assert back[5].categories == ("a, b",)
    assert r"\&" in text and r"\%" in text and r"\#" in text and "$O(n^2)$" in text


def test_write_bibtex_to_a_path(tmp_path):
    path = tmp_path / "out.bib"
    text = pl.load_sample()[:3].to_bibtex(path)
    assert path.read_text(encoding="utf-8") == text
    assert pl.read(path, warn=False).ids == pl.load_sample().ids[:3]


words = st.text(alphabet="abcXYZéØ-'.$&%#_{}~^\\`?!@,:;()", min_size=1, max_size=8)
texts = st.lists(words, min_size=1, max_size=6).map(" ".join)
names = st.lists(st.text(alphabet="abcdXYZéÅ-.'", min_size=1, max_size=7), min_size=2, max_size=4).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    title=texts,
    venue=st.none() | texts,
    authors=st.lists(names, max_size=4),
    categories=st.lists(st.text(alphabet="abcXY.-_ ", min_size=1, max_size=8).map(str.strip).filter(bool), max_size=3),
    keywords=st.lists(words.filter(lambda w: ";" not in w and w.strip()), max_size=3),
    year=st.none() | st.integers(1900, 2030),
    arxiv=st.none() | st.just("2203.05482"),
)
def test_any_text_round_trips(title, venue, authors, categories, keywords, year, arxiv):
    title = " ".join(title.split())
    paper = Paper.create(
        title=title,
        venue=" ".join(venue.split()) if venue else None,
        authors=tuple(" ".join(a.split()) for a in authors),
        categories=tuple(dict.fromkeys(" ".join(c.split()) for c in categories)),
        keywords=tuple(dict.fromkeys(" ".join(k.split()) for k in keywords)),
        year=year,
        arxiv_id=arxiv,
    )
    (back,), _ = parse_bibtex(write_bibtex([paper]))
    paper = as_written(paper)
    for name in HELD:
        assert getattr(back, name) == getattr(paper, name), name


bib_pieces = st.sampled_from(
    [
        *["@article{", "@misc(", "@string{", "k,", "title", " = ", "{", "}", "(", ")", '"', "#", "x", "\n", " and "],
        *[
            "%",
            "\\v",
            "$",
            "author",
            "crossref",
            "year",
            "2020",
            ",",
            "@comment{",
            "month",
            "jan",
            "date",
            "2020-13-45",
        ],
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(bib_pieces, max_size=40).map("".join))
def test_garbage_never_crashes_and_every_entry_is_counted(text):
    papers, report = parse_bibtex(text, "fuzz.bib")
    assert report.records == len(papers) + len(report.skipped)


def test_zotero_file_paths_keep_their_spaces():
    path = "arXiv Fulltext PDF:/home/me/Zotero/Radford et al. - 2021.pdf:application/pdf"
    text = "@article{r, title = {CLIP}, file = {" + path + "}}"
    (paper,), _ = parse_bibtex(text, "zotero.bib")
    assert paper.extra["file"] == path
    (again,), _ = parse_bibtex(write_bibtex(pl.Corpus([paper])), "again.bib")
    assert again.extra["file"] == paper.extra["file"]


def test_entries_without_keys_and_reused_keys_are_all_kept_16_2():
    # A Mendeley-style export made from the real APA test file: several entries lose their key
    # (``@BOOK{,``) and one reuses the key of another paper. Every entry is kept, as Zotero keeps them.
    text = (BIB / "Import_error_with_character_in_BibTeX_field_name_2660.bib").read_text(encoding="utf-8")
    for key in ("9.8:1", "9.8:2", "9.49:5"):
        text = text.replace("{" + key + ",", "{,", 1)
    text = text.replace("{10.10:80,", "{10.10:79,", 1)  # another app entry under the same key
    original, _ = parse("Import_error_with_character_in_BibTeX_field_name_2660.bib")
    papers, report = parse_bibtex(text, "mendeley.bib")
    assert report.records == 283 and len(papers) == len(original)
    assert [p.title for p in papers] == [p.title for p in original]  # none dropped, same order
    keys = [p.extra["bibtex_key"] for p in papers]
    assert len(set(keys)) == len(keys)
    assert report.counts["generated keys"] == 4
    reused = [p for p in papers if p.extra.get("bibtex_key_original") == "10.10:79"]
    assert [p.extra["bibtex_key"] for p in reused] == ["10.10:79-2"]
    assert reused[0].extra["publisher"] == "Google Play Store"  # the second entry, under its new key
    assert any("entry key '10.10:79' already used" in n for n in report.notes)
    assert sum("entry without a key kept as" in n for n in report.notes) == 3
