"""The load report: what every read did with every record.

A reader fills one :class:`FileReport` per file: how many records the file
holds, how many became papers, how many were merged into a paper already read
(duplicates), and each record it skipped with where and why. The counts always
add up: ``loaded + merged + len(skipped) == records``.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import LoadWarning
from .text import plural

__all__ = ["FileReport", "LoadReport", "Skip", "warn_report"]


@dataclass(frozen=True)
class Skip:
    """One record a reader did not load: the file, where in it, and why."""

    file: str | None
    where: str | None
    reason: str

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.file, self.where) if p)
        return f"{place}: {self.reason}" if place else self.reason


@dataclass
class FileReport:
    """What happened to the records of one file (or one query)."""

    file: str
    format: str
    records: int = 0
    loaded: int = 0
    merged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Tallies of what a reader changed, e.g. ``{"generated keys": 3, "unknown macros kept as text": 12}``."""
    detail: Any = None
    """A step's own full report, e.g. the :class:`~paperlens.sources.enrich.EnrichmentReport` of an enrichment."""

    def skip(self, where: str | None, reason: str) -> None:
        """Record a skipped record (``where`` is e.g. ``"line 12"`` or ``"entry smith2020"``)."""
        self.skipped.append(Skip(self.file, where, reason))

    def take(
        self,
        papers: list[Any],
        where: str | None,
        build: Callable[[], Any],
        *,
        skip_on: tuple[type[Exception], ...] | None = None,
    ) -> None:
        """Count one record: keep what ``build()`` makes, or skip it with the reason its error gives
        (a RecordError, or any of ``skip_on``)."""
        from .errors import RecordError

        errors = skip_on or (RecordError,)
        self.records += 1
        try:
            papers.append(build())
        except errors as exc:
            self.skip(where, str(exc))

    @property
    def accounted(self) -> bool:
        """Whether every record is loaded, merged or skipped."""
        return self.loaded + self.merged + len(self.skipped) == self.records

    def __str__(self) -> str:
        return (
            f"{self.file} ({self.format}): {plural(self.records, 'record')}, {self.loaded} loaded, "
            f"{self.merged} merged, {len(self.skipped)} skipped"
        )


class LoadReport:
    """The reports of every file that made a corpus.

    Examples
    --------
    >>> import paperlens as pl
    >>> report = pl.load_sample().report
    >>> report.records, report.loaded, report.merged, len(report.skipped)
    (69, 69, 0, 0)
    """

    def __init__(self, files: Iterable[FileReport] = (), merge_log: Iterable[Any] = ()) -> None:
        self.files: list[FileReport] = list(files)
        self.merge_log: list[Any] = list(merge_log)
        """Every :class:`~paperlens.dedupe.Merge` made while reading, in order."""

    @property
    def merges(self):  # -> pandas.DataFrame
        """Every merge, one row each: the paper it made (``id``), the record merged (``record``, ``title``,
        ``file``), the record it joined (``into``, ``into_title``) and the ``evidence``.

        Undo with ``corpus.unmerge(ids)`` or read again with ``pl.read(path, dedupe=False)``.
        """
        from .dedupe import merges_frame

        return merges_frame(self.merge_log)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def merged(self) -> int:
        return sum(f.merged for f in self.files)

    @property
    def skipped(self) -> list[Skip]:
        return [s for f in self.files for s in f.skipped]

    def __add__(self, other: LoadReport) -> LoadReport:
        return LoadReport([*self.files, *other.files], [*self.merge_log, *other.merge_log])

    def __bool__(self) -> bool:
        return bool(self.files)

    def summary(self) -> str:
        """One line: files, records, loaded, merged, skipped."""
        return (
            f"read {plural(len(self.files), 'file')}: {plural(self.records, 'record')}, {self.loaded} loaded, "
            f"{self.merged} merged as duplicates, {len(self.skipped)} skipped"
        )

    def __str__(self) -> str:
        lines = [self.summary()]
        for f in self.files:
            lines.append(f"  {f}")
            lines.extend(f"    {name}: {count}" for name, count in f.counts.items())
            lines.extend(f"    note: {note}" for note in f.notes)
            lines.extend(f"    skipped {s.where or ''}: {s.reason}" for s in f.skipped)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<LoadReport: {self.summary()}>"

    def _repr_html_(self) -> str:
        from .display.tables import report_html

        return report_html(self)

    def to_frame(self):  # -> pandas.DataFrame
        """One row per file: file, format, records, loaded, merged, skipped."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "file": f.file,
                    "format": f.format,
                    "records": f.records,
                    "loaded": f.loaded,
                    "merged": f.merged,
                    "skipped": len(f.skipped),
                }
                for f in self.files
            ],
            columns=["file", "format", "records", "loaded", "merged", "skipped"],
        )


def _user_stacklevel() -> int:
    """The stack level of the first caller outside paperlens (so a warning points at the user's line)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def warn_report(report: LoadReport) -> None:
    """Emit one :class:`~paperlens.LoadWarning`, pointing at the user's call, when records were skipped or merged.

    Examples
    --------
    >>> import warnings
    >>> report = LoadReport([FileReport("refs.bib", "bibtex", records=2, loaded=1, merged=1)])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_report(report)
    >>> [type(w.message).__name__ for w in caught]
    ['LoadWarning']
    """
    if report.skipped or report.merged:
        warnings.warn(
            f"{report.summary()}; see corpus.report for each record "
            "(silence with warnings.simplefilter('ignore', paperlens.LoadWarning))",
            LoadWarning,
            stacklevel=_user_stacklevel(),
        )
