"""Hugging Face Daily Papers: the listing page copied as text.

The listing text is what a user gets by copying a Daily Papers page: a few lines
of page chrome, then per paper a title line and its abstract paragraph, blank
lines between.
"""

from __future__ import annotations

import os
from typing import Any

from ..record import Paper
from ..report import FileReport
from .base import Parsed, read_files

__all__ = ["parse_daily_papers_text", "read_daily_papers"]

# A paragraph this long, or with sentence punctuation, is an abstract, not a title.
_ABSTRACT_MIN_CHARS = 200


def _blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs (runs of non-blank lines) with the line number they start on."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line.strip())
        elif lines:
            blocks.append((start, " ".join(lines)))
            lines = []
    if lines:
        blocks.append((start, " ".join(lines)))
    return blocks


def _is_abstract(block: str) -> bool:
    return len(block) >= _ABSTRACT_MIN_CHARS or block.count(". ") >= 2


def parse_daily_papers_text(text: str, file: str = "<text>") -> Parsed:
    """Parse a Daily Papers listing copied as text.

    Page chrome (short lines before the first title + abstract pair) is noted in
    the report, not counted as records. After the first paper, a title whose
    next paragraph is another title loads without an abstract.

    >>> papers, report = parse_daily_papers_text("new\\n\\nMar 12\\n\\nA Title\\n\\n" + "Words. " * 40)
    >>> [p.title for p in papers], report.records, report.notes
    (['A Title'], 1, ['page chrome before the first paper (lines 1-3): new | Mar 12'])
    """
    report = FileReport(file=file, format="daily-papers-text")
    blocks = _blocks(text)
    papers: list[Paper] = []
    i = 0
    chrome: list[tuple[int, str]] = []
    while i < len(blocks) and not (
        i + 1 < len(blocks) and not _is_abstract(blocks[i][1]) and _is_abstract(blocks[i + 1][1])
    ):
        chrome.append(blocks[i])
        i += 1
    if chrome:
        if i == len(blocks):
            report.notes.append("no title + abstract pair found: is this a Daily Papers listing?")
        last = chrome[-1][0]
        report.notes.append(
            f"page chrome before the first paper (lines {chrome[0][0]}-{last}): " + " | ".join(b for _, b in chrome)
        )
    while i < len(blocks):
        line, title = blocks[i]
        report.records += 1
        if _is_abstract(title):
            report.skip(f"line {line}", "paragraph where a title was expected (an abstract without a title?)")
            i += 1
            continue
        abstract = None
        if i + 1 < len(blocks) and _is_abstract(blocks[i + 1][1]):
            abstract = blocks[i + 1][1]
            i += 1
        papers.append(Paper.create(title=title, abstract=abstract, source="daily-papers-text"))
        i += 1
    return papers, report


def read_daily_papers(path: str | os.PathLike[str] | Any, *, warn: bool = True):
    """Read Daily Papers listings: the page copied as text, or the ``api/daily_papers`` JSON.

    >>> import paperlens as pl
    >>> from importlib.resources import files
    >>> corpus = pl.read_daily_papers(files("paperlens.data") / "seed" / "daily_papers_snapshot.txt")
    >>> len(corpus), corpus[0].title[:22]
    (69, 'Seismic Arrival-time P')
    """

    def parse(text: str, name: str) -> Parsed:
        if text.lstrip().startswith(("[", "{")):
            return parse_daily_papers_json(text, name)
        return parse_daily_papers_text(text, name)

    return read_files(path, parse, warn=warn)


def parse_daily_papers_json(text: str, file: str = "<json>") -> Parsed:
    """Parse a Hugging Face ``api/daily_papers`` response (a JSON list of entries)."""
    from ..errors import ParseError

    raise ParseError("Daily Papers API JSON is not read yet", file=file)
