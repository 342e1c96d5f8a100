"""Hugging Face Daily Papers: the ``huggingface.co/api/daily_papers`` listing of a day, week or month.

The JSON answer is read by :func:`paperlens.io.daily_papers.parse_daily_papers_json`
(the same reader ``pl.read`` uses for a saved answer); this module only asks
for the pages (``p=0, 1, ...`` with ``limit`` entries each) and gathers them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from ..corpus import Corpus
from ..docstrings import shared_doc
from ..errors import InvalidArgumentError, ParseError, SourceError
from . import http
from .loading import Collector, describe

__all__ = ["API_URL", "from_daily_papers"]

API_URL = "https://huggingface.co/api/daily_papers"
PAGE_LIMIT = 100  # the largest page the API gives
MAX_PAGES = 50  # a month is a few hundred papers; stop well before anything runs away

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidArgumentError(f"date= takes a date or 'YYYY-MM-DD', not {value!r}") from None


def _week(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2:
        value = f"{int(value[0]):04d}-W{int(value[1]):02d}"
    if isinstance(value, dt.date):
        year, week, _ = value.isocalendar()
        value = f"{year:04d}-W{week:02d}"
    match = _WEEK.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 53:
        raise InvalidArgumentError(f"week= takes an ISO week 'YYYY-Www' (e.g. '2025-W10'), not {value!r}")
    return match.group(0)


def _month(value: Any) -> str:
    if isinstance(value, dt.date):
        value = f"{value.year:04d}-{value.month:02d}"
    match = _MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidArgumentError(f"month= takes 'YYYY-MM' (e.g. '2025-03'), not {value!r}")
    return match.group(0)


def _entry_key(entry: Any) -> str | None:
    paper = entry.get("paper") if isinstance(entry, dict) else None
    key = paper.get("id") if isinstance(paper, dict) else None
    return str(key) if key else None


@shared_doc
def from_daily_papers(
    date: str | dt.date | None = None,
    week: str | tuple[int, int] | dt.date | None = None,
    month: str | dt.date | None = None,
    *,
    progress: bool | None = None,
    warn: bool = True,
    **http_options: Any,
) -> Corpus:
    """Load the Hugging Face Daily Papers of a day, an ISO week or a month (default: the latest day).

    Parameters
    ----------
    date : str or datetime.date, optional
        A day (``"2025-03-17"`` or a ``datetime.date``).
    week : str, (int, int) or datetime.date, optional
        An ISO week (``"2025-W12"``, ``(2025, 12)``, or any date in it).
    month : str or datetime.date, optional
        A month (``"2025-03"`` or any date in it).
    {source options}

    Examples
    --------
    >>> import paperlens as pl
    >>> today = pl.from_daily_papers()  # doctest: +SKIP
    >>> march = pl.from_daily_papers(month="2025-03")  # doctest: +SKIP
    >>> pl.from_daily_papers(date="2025-03-17")[0].arxiv_id  # doctest: +SKIP
    '2503.11647'
    """
    from ..io.daily_papers import parse_daily_papers_json

    given = [name for name, value in (("date", date), ("week", week), ("month", month)) if value is not None]
    if len(given) > 1:
        raise InvalidArgumentError(f"give one of date=, week= or month=, not {' and '.join(given)}")
    params: dict[str, Any] = {}
    if date is not None:
        params["date"] = _date(date)
    elif week is not None:
        params["week"] = _week(week)
    elif month is not None:
        params["month"] = _month(month)
    client = http.client(**http_options)
    collector = Collector(describe("Hugging Face Daily Papers", **params), "daily-papers-api")
    seen: set[str] = set()
    with http.progress_bar(1, "Daily Papers", progress if progress is not None else False) as bar:
        for page in range(MAX_PAGES):
            try:
                data = client.get_json(API_URL, {**params, "p": page, "limit": PAGE_LIMIT}, source="huggingface")
            except SourceError as exc:
                if page == 0:
                    raise
                collector.failed(f"page {page}", exc)
                break
            bar.update(1)
            if not isinstance(data, list):
                raise SourceError(f"Hugging Face Daily Papers answered a {type(data).__name__}, not a list")
            keys = {_entry_key(entry) for entry in data} - {None}
            if page > 0 and keys and keys <= seen:
                collector.note(f"page {page} repeats earlier entries; stopped")
                break
            seen |= keys  # type: ignore[arg-type]
            try:
                parsed = parse_daily_papers_json(json.dumps(data), f"{collector.report.file}, page {page}")
            except ParseError as exc:
                raise SourceError(str(exc)) from None
            collector.add(parsed)
            if len(data) < PAGE_LIMIT:
                break
        else:
            collector.note(f"stopped after {MAX_PAGES} pages")
    return collector.corpus(warn=warn)
