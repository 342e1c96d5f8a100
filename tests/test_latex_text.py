"""No words vanish: LaTeX logos and unknown macros read as text, math reads as text where shown (issue 16.3)."""

from __future__ import annotations

import warnings
from pathlib import Path

import paperlens as pl
from paperlens.display.tables import corpus_html, paper_html
from paperlens.io.bibtex import parse_bibtex

FIXTURES = Path(__file__).parent / "fixtures"
JABREF = FIXTURES / "bibtex" / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib"

# Titles of the TeX users' group bibliography quoted in issue 16 (entries as that file writes them).
TUGBOAT = r"""
@Article{Beebe:1983:UPM, author = {Nelson H. F. Beebe}, title = {Update on {Pascal} \MF}, journal = {TUGboat},
  volume = {4}, number = {1}, pages = {12}, year = {1983}}
@Article{Hobby:1989:IM, author = {John D. Hobby}, title = {Introducing {\MP}}, journal = {TUGboat},
  volume = {10}, number = {2}, year = {1989}}
@Article{Kellerman:1981:VT, author = {David Kellerman}, title = {{\VAX}/{\TeX}}, journal = {TUGboat},
  volume = {2}, number = {1}, year = {1981}}
@Article{Stallman:1990:G, author = {R. Stallman}, title = {The \acro{GNU} project and \LaTeXe{} with \BibTeX},
  journal = {TUGboat}, year = {1990}}
@Article{Spivak:1986:A, author = {Michael Spivak}, title = {{\AmS}-\TeX\ and \MF\ fonts}, year = {1986}}
"""


def test_logos_become_names_and_unknown_macros_keep_their_name():
    papers, report = parse_bibtex(TUGBOAT, "tugboat.bib")
    assert [p.title for p in papers] == [
        "Update on Pascal METAFONT",
        "Introducing METAPOST",
        "VAX/TeX",
        "The GNU project and LaTeX2ε with BibTeX",
        "AMS-TeX and METAFONT fonts",
    ]
    assert report.counts["unknown macros kept as text"] == 1  # \VAX; \acro wraps its argument
    assert any(r"\VAX (1)" in note for note in report.notes)


def test_real_jabref_file_keeps_every_plain_word_of_its_titles():
    # Every word of three letters or more outside math and macro names is in the read title.
    import re
    import unicodedata

    path = JABREF
    papers, _ = parse_bibtex(path.read_text(encoding="utf-8"), str(path))
    raw = re.findall(r"^\s*Title\s*=\s*\{(.*)\},?\s*$", path.read_text(encoding="utf-8"), re.M)

    def words(text: str) -> set[str]:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", text)}

    read = [words(re.sub(r"\$[^$]*\$", " ", p.title)) for p in papers]
    lost = 0
    for title in raw:
        plain = re.sub(r"\$[^$]*\$", " ", title)
        plain = re.sub(r"\\(?:[\"'`^~=.]|[uvHcdbrtk](?![A-Za-z]))\s*", "", plain)  # accents
        plain = re.sub(r"\\[A-Za-z]+\s*(?=\{)|[{}]", "", plain.replace("\\,", " "))  # wrappers, braces
        plain = re.sub(r"\\([A-Za-z]+)", r"\1", plain)  # a bare macro must survive as its name
        want = words(plain) - {"textmu"}  # \textmu is the micro sign
        if want and not any(want <= got for got in read):
            lost += 1
    assert len(raw) > 880 and lost == 0


def test_math_in_real_titles_reads_as_text_in_tables_and_sorts_by_its_words():
    import re
    import unicodedata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        corpus = pl.read(JABREF)
    paper = next(p for p in corpus if p.title.startswith("Determination of the Thickness"))
    assert "Cu$_2$O" in paper.title  # stored as written (it writes back unchanged)
    for html in (corpus_html(corpus.filter(ids=[paper.id])), paper_html(paper)):
        assert "Index of Cu_2O Thin Film" in html and "$" not in html

    def independent(title: str) -> str:  # what a reader sorts by: the words, not the markup or quotes
        text = unicodedata.normalize("NFKD", title.replace("$", ""))
        return re.sub(r"^[^\w]+", "", "".join(c for c in text if not unicodedata.combining(c))).casefold()

    titles = [t for t in corpus.sort_by("title").column("title").tolist() if t]
    for leading in ("$p$-type metal-base transistor", "$K$-dependent exchange", "\u201cKinetics of Vaporization"):
        at = next(i for i, t in enumerate(titles) if t.startswith(leading))
        key = independent(titles[at])
        assert all(independent(t) <= key for t in titles[:at])
        assert all(independent(t) >= key for t in titles[at + 1 :])


def test_an_escaped_dollar_stays_a_dollar():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        corpus = pl.read(FIXTURES / "hf_daily_papers" / "2026-03-10.json")
    paper = next(p for p in corpus if "OneMillion" in p.title)
    assert "$OneMillion-Bench: How Far" in paper_html(paper)
