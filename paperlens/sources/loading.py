"""What every loader shares: gathering pages into one corpus with one load report.

A loader call (``pl.from_openalex(search=...)``) becomes one :class:`FileReport`
named after the query (never after a URL, so no API key can reach it): each
page's records and skips are added up, ids asked for and not found are skipped
records with the reason, and requests that failed are notes.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from ..corpus import Corpus
from ..errors import InvalidArgumentError
from ..io.base import Parsed, assemble
from ..record import Paper
from ..report import FileReport
from .http import SourceWarning

__all__ = ["Collector", "batches", "check_max_results", "describe"]


def describe(source: str, **criteria: Any) -> str:
    """A short name for a query: ``OpenAlex search='model soups', max_results=50``."""
    parts = []
    for name, value in criteria.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)) and len(value) > 3:
            value = f"[{', '.join(map(str, value[:3]))}, ... {len(value)} in all]"
        elif isinstance(value, (list, tuple)):
            value = f"[{', '.join(map(str, value))}]"
        text = repr(value) if isinstance(value, str) else str(value)
        parts.append(f"{name}={text}")
    return f"{source} " + ", ".join(parts)


def check_max_results(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(f"max_results must be a whole number >= 1, not {value!r}")
    return value


def batches(items: Sequence[Any], size: int) -> list[list[Any]]:
    """``items`` cut into lists of at most ``size``."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class Collector:
    """Gathers the papers and the report of one loader call."""

    def __init__(self, description: str, format: str) -> None:
        self.report = FileReport(file=description, format=format)
        self.papers: list[Paper] = []
        self.failures: list[str] = []

    def add(self, parsed: Parsed) -> int:
        """Add one page's papers and report. Returns how many papers it held."""
        papers, page = parsed
        self.papers.extend(papers)
        self.report.records += page.records
        self.report.skipped.extend(page.skipped)
        self.report.notes.extend(page.notes)
        return len(papers)

    def missing(self, ids: Iterable[str], reason: str) -> None:
        """Ids that were asked for and not found: each a skipped record."""
        for ident in ids:
            self.report.records += 1
            self.report.skip(f"id {ident}", reason)

    def failed(self, what: str, error: Exception) -> None:
        """A request that failed for good; what was fetched before is kept."""
        message = f"{what}: {error}"
        self.failures.append(message)
        self.report.notes.append(f"failed: {message}")

    def note(self, text: str) -> None:
        self.report.notes.append(text)

    def corpus(self, *, warn: bool = True) -> Corpus:
        """The corpus of everything gathered (duplicates merged and counted)."""
        corpus = assemble([(self.papers, self.report)], warn=warn)
        if self.failures and warn:
            warnings.warn(
                f"{self.report.file}: {len(self.failures)} request(s) failed, kept what was fetched; see corpus.report",
                SourceWarning,
                stacklevel=3,
            )
        return corpus
