"""Paper records to and from the rows of a corpus's DataFrame.

One row per paper, one column per :class:`~paperlens.Paper` field (``PAPER_FIELDS``,
in order). Years and citation counts are nullable integers (``Int64``), dates are
``datetime64[s]`` (a ``[ns]`` date ends in 2262 and starts in 1677), text and
identifiers are Python objects, and list fields hold tuples.

Examples
--------
>>> import datetime as dt
>>> from paperlens import Paper
>>> df = papers_frame([Paper(id="2101.00001", title="A", year=2021, date=dt.date(2021, 1, 5))])
>>> str(df["year"].dtype), str(df["date"].dtype)
('Int64', 'datetime64[s]')
>>> row_to_paper(df.iloc[0].to_dict()).date
datetime.date(2021, 1, 5)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from .record import LIST_FIELDS, PAPER_FIELDS, TEXT_FIELDS, Paper

__all__ = ["LIST_FIELDS", "coerce_frame", "papers_frame", "row_to_paper"]


def _to_row(paper: Paper) -> dict[str, Any]:
    row = {name: getattr(paper, name) for name in PAPER_FIELDS}
    row["date"] = pd.Timestamp(paper.date) if paper.date is not None else pd.NaT
    return row


def papers_frame(papers: Iterable[Paper]) -> pd.DataFrame:
    """A DataFrame of ``papers``, one row each, in order, with the column types above."""
    return coerce_frame(pd.DataFrame([_to_row(p) for p in papers], columns=list(PAPER_FIELDS)))


def coerce_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Give the columns of ``df`` (changed in place, and returned) the types above and a fresh RangeIndex."""
    df["year"] = df["year"].astype("Int64")
    df["citation_count"] = df["citation_count"].astype("Int64")
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[s]")
    for name in TEXT_FIELDS:
        df[name] = df[name].astype(object)
    df.index = pd.RangeIndex(len(df))
    return df


def _none(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def row_to_paper(row: dict[str, Any]) -> Paper:
    """The :class:`~paperlens.Paper` of one row (``df.iloc[i].to_dict()`` or a ``to_dict("records")`` item)."""
    values = {name: _none(row[name]) if name not in (*LIST_FIELDS, "extra") else row[name] for name in PAPER_FIELDS}
    if values["year"] is not None:
        values["year"] = int(values["year"])
    if values["citation_count"] is not None:
        values["citation_count"] = int(values["citation_count"])
    if values["date"] is not None:
        values["date"] = values["date"].date()
    for name in LIST_FIELDS:
        values[name] = tuple(values[name]) if values[name] is not None else ()
    values["extra"] = values["extra"] if values["extra"] is not None else {}
    return Paper(**values)
