"""Tables: CSV/TSV files, Parquet files and pandas DataFrames.

Other tools' tables load through the column aliases of
:func:`paperlens.io.mapping.paper_from_mapping` (``Title``, ``Authors``, ``DOI``,
``Publication Year``...); ``columns={"title": "Article Title"}`` names the ones
it cannot guess. Lists are read from ``"a; b"`` text or JSON lists.

Parquet is paperlens's lossless file format: :func:`write_parquet` keeps every
field (lists as lists, dates as dates, ``extra`` as JSON text) and
:func:`paperlens.read` gives back an equal corpus. A Parquet file written by
another tool is read like a table.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import FieldError, MissingFileError, PaperlensError, ParseError
from ..record import LIST_FIELDS, PAPER_FIELDS, Paper
from ..report import FileReport
from .base import Parsed, assemble, one_or_many, output, read_text
from .mapping import RecordError, paper_from_mapping

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = [
    "from_dataframe",
    "parse_csv",
    "parse_parquet",
    "read_csv",
    "read_parquet",
    "write_csv",
    "write_parquet",
]

_PARQUET_MARK = b"paperlens.corpus"
_PARQUET_VERSION = b"1"


# --------------------------------------------------------------------------- rows


def _check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """``{our_field: their_column}``, checked against the Paper fields."""
    if not columns:
        return {}
    if not isinstance(columns, Mapping):
        raise TypeError("columns= takes a mapping {paper_field: column_name}, e.g. {'title': 'Article Title'}")
    for field in columns:
        if field not in PAPER_FIELDS:
            raise FieldError(field, PAPER_FIELDS)
    return {str(k): str(v) for k, v in columns.items()}


def _rename(header: list[str], columns: dict[str, str], file: str) -> list[str]:
    """The header with the columns named in ``columns`` renamed to our field names."""
    missing = [column for column in columns.values() if column not in header]
    if missing:
        raise ParseError(
            f"column(s) {', '.join(map(repr, missing))} not found; the columns are {', '.join(map(repr, header))}",
            file=file,
        )
    ours = {their: field for field, their in columns.items()}
    renamed = []
    for name in header:
        if name in ours:
            renamed.append(ours[name])
        elif name in columns:  # one of our names, used by another column: keep it out of the way
            renamed.append(f"{name} (column)")
        else:
            renamed.append(name)
    return renamed


def _row_paper(row: Mapping[str, Any], columns: dict[str, str], source: str | None) -> Paper:
    """A paper from one row; ``source`` names the format unless the table has its own source column."""
    if "source" in row:
        source = None  # a table with a source column (one we wrote) says it, even when empty
    if columns:
        # The columns named by the caller come first, so they win over aliases found by guessing.
        row = {**{f: row[f] for f in columns if f in row}, **{k: v for k, v in row.items() if k not in columns}}
    return paper_from_mapping(row, source=source)


def _take_row(
    report: FileReport,
    papers: list[Paper],
    where: str,
    cells: Iterable[tuple[str, Any]],
    columns: dict[str, str],
    kind: str,
) -> None:
    """Count one data row (``(column, value)`` pairs; a repeated column keeps its first value) and keep its
    paper, or skip it with the reason."""
    row: dict[str, Any] = {}
    for name, value in cells:
        row.setdefault(name, value)
    report.take(papers, where, lambda: _row_paper(row, columns, kind), skip_on=(RecordError, ValueError))


# --------------------------------------------------------------------------- CSV


_FIELD_LIMIT = 2**31 - 1  # the csv module's largest cell (a C long on every platform)


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in ("\t", ",", ";", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def parse_csv(
    text: str,
    file: str = "<csv>",
    *,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
) -> Parsed:
    """Parse CSV/TSV text (header row first) into papers and a report (one record per data row).

    The separator is guessed from the header line unless ``sep`` is given (TSV
    files have ``sep="\\t"``). A row with the wrong number of cells, or a value
    that cannot be understood, is skipped with its line number.

    >>> papers, report = parse_csv("Article Title;Authors;Year\\nModel soups;A. B; C. D;2022\\nOk;X;20x\\n")
    >>> report.records, [str(s) for s in report.skipped]
    (2, ['<csv>, line 2: expected 3 cells, found 4', "<csv>, line 3: year '20x' is not a year"])
    >>> papers, _ = parse_csv("Article Title,Authors\\nModel soups,A. B; C. D\\n", columns={"title": "Article Title"})
    >>> papers[0].title, papers[0].authors
    ('Model soups', ('A. B', 'C. D'))
    """
    columns = _check_columns(columns)
    kind = "tsv" if sep == "\t" or (sep is None and file.lower().endswith((".tsv", ".tab"))) else "csv"
    report = FileReport(file=file, format=kind)
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if not first:
        return [], report
    separator = sep or ("\t" if kind == "tsv" else _sniff_separator(first))
    if separator == "\t":
        report.format = "tsv"
    if csv.field_size_limit() < _FIELD_LIMIT:  # the default 131,072 characters is less than some abstracts
        csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header: list[str] | None = None
    papers: list[Paper] = []
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _rename([c.strip() for c in cells], columns, file)
                if len(set(header)) != len(header):
                    duplicated = sorted({h for h in header if header.count(h) > 1})
                    report.notes.append(f"line {start}: column(s) {duplicated} repeated; the first of each is used")
                continue
            if len(cells) != len(header):
                report.records += 1
                report.skip(f"line {start}", f"expected {len(header)} cells, found {len(cells)}")
                continue
            _take_row(report, papers, f"line {start}", zip(header, cells, strict=True), columns, kind)
    except csv.Error as exc:
        raise ParseError(f"not readable as {kind.upper()}: {exc}", file=file, line=line) from None
    return papers, report


@shared_doc
def read_csv(
    path: str | os.PathLike[str] | Any,
    *,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    warn: bool = True,
) -> Corpus:
    """Read CSV or TSV files (header row first) into a Corpus.

    Parameters
    ----------
    {path}
    {columns}
    sep : str, optional
        The separator; guessed from the header line when not given (``.tsv``: tab).
    {warn}

    {reader returns and examples}
    >>> import paperlens as pl, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "sample.csv")
    >>> _ = pl.load_sample().to_csv(path)
    >>> pl.read_csv(path) == pl.load_sample()
    True
    """
    return assemble(
        [parse_csv(read_text(p), str(p), columns=columns, sep=sep) for p in one_or_many(path)],
        warn=warn,
    )


def _cell(name: str, value: Any) -> Any:
    if name in LIST_FIELDS:
        if name in ("categories", "keywords") and len(value) == 1 and "," in value[0]:
            return value[0] + ";"  # the reader splits on "," when there is no ";"
        return "; ".join(value)
    if name == "extra":
        return json.dumps(_plain(value), ensure_ascii=False, sort_keys=False, default=str) if value else ""
    if name == "date":
        return value.isoformat() if value is not None else ""
    return "" if value is None else value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def write_csv(corpus: Any, path: str | os.PathLike[str] | None = None, *, sep: str = ",") -> str:
    """CSV text of a corpus, one row per paper, every field (lists joined with ``"; "``, ``extra`` as JSON).

    >>> import paperlens as pl
    >>> print(pl.load_sample().to_csv().splitlines()[0])
    id,title,abstract,authors,year,date,date_source,venue,categories,keywords,doi,arxiv_id,openalex_id,s2_id,url,references,citation_count,source,label,tags,note,extra
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(PAPER_FIELDS)
    for paper in corpus:
        writer.writerow([_cell(name, getattr(paper, name)) for name in PAPER_FIELDS])
    return output(buffer.getvalue(), path)


# --------------------------------------------------------------------------- DataFrame


@shared_doc
def from_dataframe(df: Any, columns: Mapping[str, str] | None = None, *, warn: bool = True) -> Corpus:
    """A Corpus from a pandas DataFrame, one paper per row (see :func:`read_csv` for ``columns``).

    Parameters
    ----------
    df : pandas.DataFrame
        One paper per row; columns are recognised by name (``title``, ``Title``, ``TI``, ...).
    {columns}
    {warn}

    {reader returns and examples}
    >>> import paperlens as pl
    >>> sample = pl.load_sample()
    >>> pl.from_dataframe(sample.df) == sample
    True
    >>> import pandas as pd
    >>> corpus = pl.from_dataframe(pd.DataFrame({"Name": ["Model soups"], "PY": [2022]}), columns={"title": "Name"})
    >>> corpus[0].title, corpus[0].year
    ('Model soups', 2022)
    """
    return assemble([_parse_frame(df, "<DataFrame>", "dataframe", columns)], warn=warn)


def _parse_frame(df: Any, file: str, kind: str, columns: Mapping[str, str] | None) -> Parsed:
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"from_dataframe takes a pandas DataFrame, not {type(df).__name__}")
    columns = _check_columns(columns)
    header = _rename([str(c) for c in df.columns], columns, file)
    report = FileReport(file=file, format=kind)
    papers: list[Paper] = []
    for position, values in enumerate(df.itertuples(index=False, name=None)):
        _take_row(report, papers, f"row {position}", zip(header, values, strict=True), columns, kind)
    return papers, report


# --------------------------------------------------------------------------- Parquet


def write_parquet(corpus: Any, path: str | os.PathLike[str]) -> Path:
    """Save a corpus as Parquet, every field kept; :func:`paperlens.read` reads back an equal corpus.

    >>> import paperlens as pl, tempfile, os
    >>> path = pl.load_sample().save(os.path.join(tempfile.mkdtemp(), "sample.parquet"))
    >>> pl.read(path) == pl.load_sample()
    True
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    papers = list(corpus)
    text = pa.string()
    strings = pa.list_(pa.string())
    kinds = {"year": pa.int32(), "date": pa.date32(), "citation_count": pa.int64()}
    schema = pa.schema(
        [(name, strings if name in LIST_FIELDS else kinds.get(name, text)) for name in PAPER_FIELDS],
        metadata={_PARQUET_MARK: _PARQUET_VERSION},
    )
    data = {name: [getattr(p, name) for p in papers] for name in PAPER_FIELDS}
    for name in LIST_FIELDS:
        data[name] = [list(v) for v in data[name]]
    data["extra"] = [json.dumps(_plain(p.extra), ensure_ascii=False, default=str) for p in papers]
    table = pa.table(data, schema=schema)
    target = Path(path)
    pq.write_table(table, target)
    return target


def parse_parquet(path: str | os.PathLike[str], file: str | None = None, **options: Any) -> Parsed:
    """Parse a Parquet file: a corpus saved by paperlens exactly, any other table by its columns."""
    import pyarrow.parquet as pq

    name = file or str(path)
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several error types for a damaged file
        raise ParseError(f"not a readable Parquet file: {exc}", file=name) from None
    metadata = table.schema.metadata or {}
    if metadata.get(_PARQUET_MARK) != _PARQUET_VERSION:
        return _parse_frame(table.to_pandas(), name, "parquet", options.get("columns"))
    report = FileReport(file=name, format="parquet")
    papers: list[Paper] = []
    for position, row in enumerate(table.to_pylist()):
        report.records += 1
        try:
            row["extra"] = json.loads(row["extra"]) if row.get("extra") else {}
            for list_field in LIST_FIELDS:
                row[list_field] = tuple(row.get(list_field) or ())  # a file saved before a field existed lacks it
            papers.append(Paper(**{name: row.get(name) for name in PAPER_FIELDS}))
        except (PaperlensError, ValueError, TypeError) as exc:
            report.skip(f"row {position}", str(exc))
    return papers, report


@shared_doc
def read_parquet(
    path: str | os.PathLike[str] | Any, *, columns: Mapping[str, str] | None = None, warn: bool = True
) -> Corpus:
    """Read Parquet files (a saved corpus, or another tool's table) into a Corpus.

    Parameters
    ----------
    {path}
    {columns}
    {warn}

    {reader returns and examples}
    >>> import paperlens as pl, tempfile, os
    >>> path = pl.load_sample().save(os.path.join(tempfile.mkdtemp(), "sample.parquet"))
    >>> len(pl.read_parquet(path))
    69
    """
    parts = []
    for p in one_or_many(path):
        if p.is_dir():
            raise ParseError("is a directory, not a file", file=str(p))
        if not p.exists():
            raise MissingFileError(str(p))
        parts.append(parse_parquet(p, str(p), columns=columns))
    return assemble(parts, warn=warn)
