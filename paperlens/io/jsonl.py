"""JSON and JSON Lines: paperlens's own lossless text format, and other tools' JSON.

Each object becomes a paper through :func:`paperlens.io.mapping.paper_from_mapping`,
so files from other tools with the usual field names (``title``, ``authors``,
``doi``, ``published``...) load too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import ParseError
from ..record import Paper
from ..report import FileReport
from .base import Parsed, output, read_files
from .mapping import RecordError, paper_from_mapping

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["parse_json", "parse_jsonl", "read_json", "read_jsonl", "write_jsonl"]


def _object(record: Any) -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    return record


def _add(papers: list[Paper], report: FileReport, record: Any, where: str, source: str) -> None:
    report.take(papers, where, lambda: paper_from_mapping(_object(record), source=source))


def json_list(text: str, file: str, keys: tuple[str, ...], what: str) -> list[Any]:
    """The records of a JSON file: a list, or the list held under one of ``keys``, or one object.

    An empty file is an empty list; invalid JSON raises :class:`ParseError` naming file and line.
    """
    try:
        data = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    if isinstance(data, Mapping):
        data = next((data[key] for key in keys if isinstance(data.get(key), list)), [data])
    if not isinstance(data, list):
        raise ParseError(f"expected a JSON list of {what}, got {type(data).__name__}", file=file)
    return data


def parse_jsonl(text: str, file: str = "<jsonl>") -> Parsed:
    """Parse JSON Lines: one object a line; blank lines are ignored, bad lines skipped and reported."""
    report = FileReport(file=file, format="jsonl")
    papers: list[Paper] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.records += 1
            report.skip(f"line {number}", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        _add(papers, report, record, f"line {number}", "jsonl")
    return papers, report


def parse_json(text: str, file: str = "<json>") -> Parsed:
    """Parse a JSON list of paper objects (or an object holding one under papers/results/data/items)."""
    data = json_list(text, file, ("papers", "results", "data", "items", "works"), "papers")
    report = FileReport(file=file, format="json")
    papers: list[Paper] = []
    for i, record in enumerate(data, start=1):
        _add(papers, report, record, f"record {i}", "json")
    return papers, report


@shared_doc
def read_jsonl(path: str | os.PathLike[str] | Any, *, warn: bool = True) -> Corpus:
    """Read JSON Lines files (one paper object a line) into a Corpus.

    The fields are those of :class:`~paperlens.Paper`, as :meth:`Corpus.to_jsonl` writes them.

    {reader sections}
    >>> import paperlens as pl, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "sample.jsonl")
    >>> _ = pl.load_sample().to_jsonl(path)
    >>> pl.read_jsonl(path) == pl.load_sample()
    True
    """
    return read_files(path, parse_jsonl, warn=warn)


@shared_doc
def read_json(path: str | os.PathLike[str] | Any, *, warn: bool = True) -> Corpus:
    """Read JSON files holding a list of paper objects into a Corpus.

    {reader parameters}
    """
    return read_files(path, parse_json, warn=warn)


def paper_to_json(paper: Paper) -> dict[str, Any]:
    """A paper as a JSON-ready dict (dates as ISO text)."""
    record = paper.to_dict()
    record["date"] = paper.date.isoformat() if paper.date else None
    return record


def write_jsonl(corpus: Any, path: str | os.PathLike[str] | None = None) -> str:
    """JSON Lines text of a corpus, every field kept; written to ``path`` if given."""
    lines = [json.dumps(paper_to_json(p), ensure_ascii=False, default=str) for p in corpus]
    return output("\n".join(lines) + ("\n" if lines else ""), path)
