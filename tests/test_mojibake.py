"""No garbled letters: UTF-8 text once decoded as Latin-1/Windows-1252 upstream ("Ã©" for "é", "Î±" for "α")
is read back as meant, counted in the report, and correct text is never touched (issue 16, "nothing garbled").

The garbled texts are real: the recorded arXiv answers in tests/fixtures/arxiv_atom (a recorder decoded
arXiv's UTF-8 as Latin-1) and a JabRef user's BibTeX library in tests/fixtures/bibtex.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.text import repair_mojibake

FIXTURES = Path(__file__).parent / "fixtures"
# Pairs that only mojibake makes: a UTF-8 lead byte read as Latin-1 followed by a continuation byte.
GARBLED = re.compile("Ã[\u0080-\u00bf©¶¤¼Ÿ]|Î[±²³´¸\u0098]|Ï[\u0080\u0089]|Â[\u00a0°]")


def _read(path: Path) -> pl.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pl.read(path)


def _texts(paper: pl.Paper) -> list[str]:
    return [t for t in (paper.title, paper.abstract, paper.venue, *paper.authors) if t]


def test_recorded_arxiv_answer_reads_greek_letters_and_names():
    corpus = _read(FIXTURES / "arxiv_atom" / "q_testing_s0_m10_bc5a6c384fe9.xml")
    text = " ".join(t for p in corpus for t in _texts(p))
    raw = (FIXTURES / "arxiv_atom" / "q_testing_s0_m10_bc5a6c384fe9.xml").read_text(encoding="utf-8")
    assert GARBLED.search(raw), "the fixture is expected to hold mojibake"
    assert not GARBLED.search(text)
    file_report = corpus.report.files[0]
    repaired = file_report.counts["papers with mojibake repaired"]
    garbled_entries = sum(1 for entry in raw.split("<entry>")[1:] if GARBLED.search(entry))
    assert repaired == garbled_entries > 0
    assert any("read as Latin-1/Windows-1252" in note for note in file_report.notes)
    assert file_report.loaded == 10  # nothing dropped on the way


@pytest.mark.parametrize(
    ("garbled", "meant"),
    [
        ("$Ï\x89$Test: WebView-Oriented", "$ω$Test: WebView-Oriented"),
        ("Aurora RamÃ\xadrez", "Aurora Ramírez"),
        ("JosÃ© RaÃºl Romero", "José Raúl Romero"),
        ("Oliver WeiÃ\x9fl", "Oliver Weißl"),
        ("complexity is $Î\x98(\\sqrt{n})$", "complexity is $Θ(\\sqrt{n})$"),
        ("itâ€™s", "it’s"),  # Windows-1252, not Latin-1
    ],
)
def test_repair_mojibake_on_real_strings(garbled, meant):
    assert repair_mojibake(garbled) == meant


def test_correct_text_is_never_changed():
    # Every text of the sample corpus and of every readable fixture once repaired: a second pass changes nothing,
    # and the sample's real non-ASCII texts (correct UTF-8) are left alone.
    sample = pl.load_sample()
    assert any(not t.isascii() for p in sample for t in _texts(p))
    assert sample.report is None or not any(
        "papers with mojibake repaired" in f.counts for f in getattr(sample.report, "files", [])
    )
    for paper in sample:
        for text in _texts(paper):
            assert repair_mojibake(text) == text
    for path in sorted((FIXTURES / "arxiv_atom").glob("*.xml")):
        try:
            corpus = _read(path)
        except pl.PaperlensError:
            continue
        for paper in corpus:
            for text in _texts(paper):
                assert repair_mojibake(text) == text


def test_bibtex_library_reads_degrees_and_times_signs():
    path = FIXTURES / "bibtex" / "Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib"
    raw = path.read_text(encoding="utf-8")
    assert "Â°C" in raw
    corpus = _read(path)
    abstracts = " ".join(p.abstract or "" for p in corpus)
    assert "°C" in abstracts and "Â" not in abstracts and "Ã—" not in abstracts
    assert "9.0 × 1017 cm-3" in abstracts  # the no-break spaces read as spaces
    assert corpus.report.files[0].counts["papers with mojibake repaired"] >= 1
