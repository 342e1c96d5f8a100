"""Shared set-up for the tests of remote sources: recorded answers through a mocked transport.

``net`` gives each test a fresh cache folder, no pacing between requests, fast
backoff, and a ``sleep`` that records instead of sleeping; ``net.mock`` is a
``responses.RequestsMock`` that answers every request (an unregistered request
fails the test).
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import responses

from paperlens.sources import http

FIXTURES = Path(__file__).parent / "fixtures"
CITATION_SETS = FIXTURES / "openalex_citation_sets"
SET_NAMES = ("Donners_2021", "Nelson_2002", "Sep_2021")


@dataclasses.dataclass
class Net:
    mock: responses.RequestsMock
    sleeps: list[float]
    cache_dir: Path

    @property
    def calls(self) -> int:
        return len(self.mock.calls)


@pytest.fixture(name="net")
def net_fixture(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    sleeps: list[float] = []
    before = http.settings()
    http.close_all()
    cache_dir = tmp_path / "cache"
    http.configure(
        cache_dir=cache_dir,
        min_interval={host: 0.0 for host in http.DEFAULT_MIN_INTERVAL},
        backoff_factor=0.01,
        retries=2,
        sleep=sleeps.append,
        progress=False,
    )
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            yield Net(mock, sleeps, cache_dir)
    finally:
        http.close_all()
        http.configure(**{f.name: getattr(before, f.name) for f in dataclasses.fields(before)})


def recorded(path: str | Path) -> dict[str, Any]:
    """A recorded answer wrapper ({request_method, request_uri, status, response})."""
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


def set_works(name: str) -> list[dict[str, Any]]:
    """All works of one OpenAlex citation set, in page order, read with nothing but zipfile + json."""
    works: list[dict[str, Any]] = []
    with zipfile.ZipFile(CITATION_SETS / name / "works_1.zip") as archive:
        names = sorted(archive.namelist(), key=lambda n: int(n.split("_")[1]))
        for member in names:
            works.extend(json.loads(archive.read(member)))
    return works


def short_id(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def bare(works: list[dict[str, Any]]):
    """What a BibTeX export knows of each OpenAlex work: title, year, DOI (no references)."""
    import paperlens as pl

    return pl.Corpus(
        pl.Paper.create(title=w["title"], year=w["publication_year"], doi=w["doi"].removeprefix("https://doi.org/"))
        for w in works
    )


def in_set_edges(works: list[dict[str, Any]]) -> int:
    """Citation links among the works themselves, counted straight from ``referenced_works``."""
    ids = {short_id(w["id"]) for w in works}
    return len(
        {
            (short_id(w["id"]), short_id(r))
            for w in works
            for r in w["referenced_works"]
            if short_id(r) in ids and short_id(r) != short_id(w["id"])
        }
    )
