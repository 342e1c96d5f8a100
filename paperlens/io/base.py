"""What every reader shares: turning parsed records into a corpus with a report.

A reader parses one file into ``(papers, FileReport)``: each paper it could build,
and in the report how many records the file held and each one it skipped (with
where and why). :func:`assemble` then merges duplicates across all files, counts
each merge against the file of the merged record, and warns once if anything
was skipped or merged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..corpus import Corpus, _frame, deduplicate, warn_report
from ..errors import ParseError
from ..record import Paper
from ..report import FileReport, LoadReport

__all__ = ["Parsed", "assemble", "decode", "one_or_many", "output", "read_files", "read_text"]

Parsed = tuple[list[Paper], FileReport]
"""What a reader returns for one file: the papers it built and the file's report."""


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a file: UTF-8 (BOM removed), else Latin-1; newlines normalised.

    Raises :class:`ParseError` naming the file for a missing file or a directory.
    """
    p = Path(path)
    if p.is_dir():
        raise ParseError("is a directory, not a file", file=str(p))
    if not p.exists():
        raise ParseError("no such file", file=str(p))
    data = p.read_bytes()
    return decode(data)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252/Latin-1; CRLF/CR to LF."""
    for encoding in ("utf-8-sig",):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            pass
    else:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assemble(parts: Sequence[Parsed], *, warn: bool = True) -> Corpus:
    """One corpus from the papers of several files, duplicates merged and counted.

    Each paper merged into an earlier one counts as ``merged`` (not ``loaded``)
    in the report of the file it came from.
    """
    papers: list[Paper] = []
    owners: list[FileReport] = []
    for found, file_report in parts:
        untitled = sum(1 for p in found if not p.title)
        if untitled:
            file_report.notes.append(
                f"{untitled} record{'s' if untitled > 1 else ''} without a title kept: "
                "an identifier, or authors and a year, tell them apart"
            )
        papers.extend(found)
        owners.extend([file_report] * len(found))
        file_report.loaded = len(found)
    unique, merges = deduplicate(papers)
    for index, _ in merges:
        owners[index].loaded -= 1
        owners[index].merged += 1
    report = LoadReport([r for _, r in parts])
    for file_report in report.files:
        if not file_report.accounted:  # a reader bug, never the user's
            raise AssertionError(f"load report does not add up: {file_report}")
    if warn:
        warn_report(report)
    return Corpus._from_frame(_frame(unique), report)


def output(text: str, path: str | os.PathLike[str] | None) -> str:
    """Write ``text`` to ``path`` (UTF-8) if a path is given; return the text."""
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def one_or_many(paths: Any) -> list[Path]:
    """A path or an iterable of paths as a list of Paths."""
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def read_files(paths: Any, parse: Callable[[str, str], Parsed], *, warn: bool = True) -> Corpus:
    """Read each file's text and parse it with ``parse(text, filename)``; assemble."""
    return assemble([parse(read_text(p), str(p)) for p in one_or_many(paths)], warn=warn)
