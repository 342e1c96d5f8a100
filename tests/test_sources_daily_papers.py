"""pl.from_daily_papers over recorded api/daily_papers answers of three generations."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from responses import matchers
from sources_support import FIXTURES, net_fixture  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.errors import PaperlensError, SourceError
from paperlens.sources.daily_papers import API_URL, PAGE_LIMIT


def _day(name: str) -> list[dict]:
    return json.loads((FIXTURES / "hf_daily_papers" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("day", ["2024-05-27", "2025-03-17", "2026-08-20"])
def test_a_day_of_each_generation(net, day):
    entries = _day(day)
    net.mock.get(
        API_URL,
        json=entries,
        match=[matchers.query_param_matcher({"date": day, "p": "0", "limit": str(PAGE_LIMIT)})],
    )
    corpus = pl.from_daily_papers(date=dt.date.fromisoformat(day), warn=False)
    assert net.calls == 1
    assert corpus.ids == list(dict.fromkeys(e["paper"]["id"] for e in entries))
    assert corpus[0].title == " ".join(entries[0]["paper"]["title"].split())
    report = corpus.report.files[0]
    assert report.file == f"Hugging Face Daily Papers date='{day}'" and report.records == len(entries)
    newest = "ai_keywords" in entries[0]["paper"]
    assert ("ai_keywords" in corpus[0].extra) == newest  # fields that appeared over time are kept


def test_a_month_pages_until_a_short_page(net):
    days = _day("2025-05-22") + _day("2025-06-25") + _day("2026-03-10") + _day("2024-08-02") + _day("2024-10-15")
    assert len(days) == 104
    net.mock.get(API_URL, json=days[:PAGE_LIMIT], match=[matchers.query_param_matcher({"p": "0"}, strict_match=False)])
    net.mock.get(API_URL, json=days[PAGE_LIMIT:], match=[matchers.query_param_matcher({"p": "1"}, strict_match=False)])
    corpus = pl.from_daily_papers(month="2025-05", warn=False)
    assert net.calls == 2 and corpus.report.records == 104
    assert "month=2025-05" in net.mock.calls[0].request.url


def test_a_repeated_page_stops_the_paging(net):
    page = (_day("2025-05-22") * 4)[:PAGE_LIMIT]
    net.mock.get(API_URL, json=page)
    corpus = pl.from_daily_papers(week="2025-W21", warn=False)
    assert net.calls == 2 and "repeats earlier entries" in corpus.report.files[0].notes[-1]


def test_arguments_are_checked(net):
    with pytest.raises(PaperlensError, match="one of date="):
        pl.from_daily_papers(date="2025-03-17", week="2025-W12")
    with pytest.raises(PaperlensError, match="ISO week"):
        pl.from_daily_papers(week="2025-12")
    with pytest.raises(PaperlensError, match="YYYY-MM"):
        pl.from_daily_papers(month="March")
    with pytest.raises(PaperlensError, match="YYYY-MM-DD"):
        pl.from_daily_papers(date="17/03/2025")
    net.mock.get(API_URL, json={"error": "Invalid date"}, status=400)
    with pytest.raises(SourceError, match="HTTP 400"):
        pl.from_daily_papers(week=(2025, 12))
    assert "week=2025-W12" in net.mock.calls[0].request.url
