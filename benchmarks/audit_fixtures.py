"""What reading every shared BibTeX/RIS/OpenAlex fixture does: records, loaded, merged, skipped, words lost.

Run by hand (``python benchmarks/audit_fixtures.py``) before and after a change to the readers or
the duplicate rules; it prints one row per file and the totals. "Titles losing words" counts titles
whose raw text (markup removed by a crude independent rule: macro names kept as words, braces and
``$`` dropped) has a word of three or more letters that the read title lacks.
"""

from __future__ import annotations

import re
import sys
import unicodedata
import warnings
from pathlib import Path

import paperlens as pl

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _files() -> list[Path]:
    files = sorted((ROOT / "bibtex").glob("*.bib")) + sorted((ROOT / "ris").glob("*.ris"))
    files += sorted((ROOT / "openalex").glob("*.json")) + sorted(
        (ROOT / "openalex_citation_sets").glob("*/works_*.zip")
    )
    return files


_RAW_TITLE = re.compile(r"^\s*title\s*=\s*[{\"](.*?)[}\"]\s*,?\s*$", re.I | re.M)


def _words(text: str) -> set[str]:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", text)}


_ACCENT = re.compile(r"\\(?:[\"'`^~=.]|[uvHcdbrtk](?![A-Za-z]))\s*")
_WRAPPER = re.compile(r"\\[A-Za-z]+\s*(?=\{)")
_MATH = re.compile(r"\$[^$]*\$")
_FORMAT = {"textbf", "emph", "textit", "textsc", "mbox", "mathrm", "mathcal", "ensuremath", "sup", "sub", "textrm"}


def _lost_words(path: Path, corpus: pl.Corpus) -> int:
    """Titles of a .bib whose raw words (macro names as words) are not all in the read title."""
    if path.suffix != ".bib":
        return 0
    text = path.read_text(encoding="utf-8", errors="replace")
    read = [_words(_MATH.sub(" ", t)) for t in corpus.column("title").dropna()]
    every = set().union(*read) if read else set()
    lost = 0
    for raw in _RAW_TITLE.findall(text):
        # Math is kept as written and a macro with a braced argument (\\emph{x}) is markup: neither counted.
        plain = re.sub(r"[{}]", "", _WRAPPER.sub("", _ACCENT.sub("", _MATH.sub(" ", raw))))
        names = _words(plain) - _FORMAT
        if names and not names <= every:
            lost += 1
    return lost


def main() -> None:
    rows = []
    for path in _files():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                corpus = pl.read(path)
            except Exception as exc:  # report and go on
                print(f"{path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            try:
                everything = pl.read(path, dedupe=False)
            except (TypeError, pl.PaperlensError):  # a version without dedupe=
                everything = corpus
        r = corpus.report
        rows.append((path.name[:60], r.records, r.loaded, r.merged, len(r.skipped), _lost_words(path, everything)))
    print(f"{'file':60} {'records':>8} {'loaded':>7} {'merged':>7} {'skipped':>8} {'lostword':>8}")
    for row in rows:
        print(f"{row[0]:60} {row[1]:8d} {row[2]:7d} {row[3]:7d} {row[4]:8d} {row[5]:8d}")
    totals = [sum(r[i] for r in rows) for i in range(1, 6)]
    print(f"{'TOTAL':60} {totals[0]:8d} {totals[1]:7d} {totals[2]:7d} {totals[3]:8d} {totals[4]:8d}")


if __name__ == "__main__":
    main()
