"""What every reader shares: turning parsed records into a corpus with a report.

A reader parses one file into ``(papers, FileReport)``: each paper it could build,
and in the report how many records the file held and each one it skipped (with
where and why). :func:`assemble` then merges duplicates across all files, counts
each merge against the file of the merged record, and warns once if anything
was skipped or merged.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..dedupe import deduplicate
from ..errors import MissingFileError, ParseError
from ..record import Paper
from ..report import FileReport, LoadReport, warn_report
from ..text import normalize_space, repair_mojibake

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
        raise MissingFileError(str(p))
    data = p.read_bytes()
    return decode(data, str(p))


# Byte order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_BINARY_PROBE = 8000  # as git does: a NUL byte in the first 8000 bytes means binary


def decode(data: bytes, file: str | None = None) -> str:
    """Bytes to text: UTF-16/32 by their byte order mark, UTF-8 (with or without BOM), else Windows-1252/Latin-1.

    CRLF and CR become LF. Raises :class:`ParseError` (naming ``file``) for binary data:
    a NUL byte near the start, which no text file in these formats holds.

    >>> decode("Café\\r\\n".encode("utf-16"))
    'Café\\n'
    >>> decode(b"PK\\x03\\x04\\x00\\x00", "refs.bib")
    Traceback (most recent call last):
    ...
    paperlens.errors.ParseError: refs.bib: binary data, not text (a NUL byte at offset 4); ...
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    else:
        nul = data.find(b"\x00", 0, _BINARY_PROBE)
        if nul >= 0:
            raise ParseError(
                f"binary data, not text (a NUL byte at offset {nul}); text saved as UTF-16 needs its byte order mark",
                file=file,
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _repaired(paper: Paper) -> Paper:
    """``paper`` with the mojibake of its texts repaired (the same object when there is none)."""
    changes: dict[str, Any] = {}
    for name in ("title", "abstract", "venue", "note"):  # the str fields of _TEXT_FIELDS
        value = getattr(paper, name)
        if value and (fixed := repair_mojibake(value)) != value:
            changes[name] = normalize_space(fixed)  # a repaired "Â\xa0" is a no-break space
    for name in ("authors", "keywords"):
        values = getattr(paper, name)
        fixed_all = tuple(normalize_space(repair_mojibake(v)) for v in values)
        if fixed_all != values:
            changes[name] = fixed_all
    return replace(paper, **changes) if changes else paper


_TEXT_FIELDS = ("title", "abstract", "authors", "venue", "keywords", "note")
# What only mojibake makes: a C1 control character (a UTF-8 continuation byte read as Latin-1), a lead letter
# followed by a Latin-1 sign (not the letters ª µ º: "Ã¼", "Ã\xad", "Î±"), "â€" (the start of a garbled ’ “ — …),
# or a garbled no-break space after a number ("20Â mg").
_MOJIBAKE_PROOF = re.compile(
    "[\u0080-\u009f]|[\u00c2-\u00f4][\u00a0-\u00a9\u00ab-\u00b4\u00b6-\u00b9\u00bb-\u00bf]|\u00e2\u20ac"
    "|[0-9]\u00c2[\\s\u00a0]"
)


def _joined(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value or "")


def _difference(before: Any, after: Any) -> tuple[str, str]:
    """The two values around where they first differ (about 40 characters each)."""
    a, b = (_joined(v) for v in (before, after))
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, at - 12)
    return a[start : start + 40], b[start : start + 40]


def repair_encoding(found: list[Paper], file_report: FileReport) -> list[Paper]:
    """The papers with their mojibake repaired, counted and shown in the file's report.

    >>> from paperlens.record import Paper
    >>> report = FileReport(file="feed.xml", format="arxiv")
    >>> papers = repair_encoding([Paper.create(title="$Ï\x89$Test: testing apps", arxiv_id="2310.01234")], report)
    >>> papers[0].title, report.counts
    ('$ω$Test: testing apps', {'papers with mojibake repaired': 1})
    """
    out = [_repaired(p) for p in found]
    changed = [(old, new) for old, new in zip(found, out, strict=True) if old is not new]
    if not changed:
        return found
    old, new = changed[0]
    field = next(name for name in _TEXT_FIELDS if getattr(old, name) != getattr(new, name))
    before, after = _difference(getattr(old, field), getattr(new, field))
    many = f"{len(changed)} paper{'s' if len(changed) > 1 else ''}"
    if not any(_MOJIBAKE_PROOF.search(_joined(getattr(p, name))) for p, _ in changed for name in _TEXT_FIELDS):
        # "Âª" or "Ã¼" alone may be meant; a file is repaired only when it also holds what no text means.
        file_report.notes.append(
            f"{many} look like UTF-8 read as Latin-1 (e.g. {old.id} {field}: {before!r}) but nothing else in the "
            "file proves it: left as written"
        )
        return found
    file_report.counts["papers with mojibake repaired"] = len(changed)
    file_report.notes.append(
        f"{many} had UTF-8 text read as Latin-1/Windows-1252 upstream, repaired "
        f"(e.g. {old.id} {field}: {before!r} -> {after!r})"
    )
    return out


def assemble(parts: Sequence[Parsed], *, warn: bool = True, dedupe: bool = True) -> Corpus:
    """One corpus from the papers of several files, duplicates merged and counted.

    Each paper merged into an earlier one counts as ``merged`` (not ``loaded``)
    in the report of the file it came from, and is listed in ``report.merges``
    (rules: :mod:`paperlens.dedupe`). ``dedupe=False`` keeps every record.
    """
    papers: list[Paper] = []
    owners: list[FileReport] = []
    for found, file_report in parts:
        found = repair_encoding(found, file_report)
        untitled = sum(1 for p in found if not p.title)
        if untitled:
            file_report.notes.append(
                f"{untitled} record{'s' if untitled > 1 else ''} without a title kept: "
                "an identifier, or authors and a year, tell them apart"
            )
        latest = dt.date.today().year + 1  # issues are often dated the coming year; later is worth a look
        future = [p.id for p in found if p.year is not None and p.year > latest]
        if future:
            shown = ", ".join(future[:3]) + (" ..." if len(future) > 3 else "")
            file_report.notes.append(
                f"{len(future)} record{'s' if len(future) > 1 else ''} dated after {latest} kept "
                f"(a typo in the year?): {shown}"
            )
        papers.extend(found)
        owners.extend([file_report] * len(found))
        file_report.loaded = len(found)
    unique, merges = deduplicate(papers, dedupe=dedupe)
    for merge in merges:
        owners[merge.record].loaded -= 1
        owners[merge.record].merged += 1
    report = LoadReport([r for _, r in parts], [replace(m, file=owners[m.record].file) for m in merges])
    for file_report in report.files:
        if not file_report.accounted:  # a reader bug, never the user's
            raise AssertionError(f"load report does not add up: {file_report}")
    if warn:
        warn_report(report)
    return Corpus.from_papers(unique, report=report)


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
