"""Shared set-up for the tests of remote sources: recorded answers through a mocked transport.

``net`` gives each test a fresh cache folder, no pacing between requests, fast
backoff, and a ``sleep`` that records instead of sleeping; ``net.mock`` is a
``responses.RequestsMock`` that answers every request (an unregistered request
fails the test).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

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


class StandInServer:
    """A JSON API on 127.0.0.1 for the tests of remote sources, with faults injected on demand.

    A subclass answers in :meth:`route` (path below ``prefix``, query, JSON body) with
    ``(status, body)``. Every request is kept in ``requests`` (path plus body) and its
    ``x-api-key`` header in ``keys``; ``faults`` maps a request number (from 1) to an HTTP
    status or ``"timeout"`` (an answer slower than the client waits); a request for which
    :meth:`fails` is true gets a 503, every attempt.
    """

    prefix = ""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.keys: list[str | None] = []
        self.faults: dict[int, object] = {}
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                standin.handle(self, None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                standin.handle(self, json.loads(self.rfile.read(length) or b"{}"))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.prefix}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fails(self, path: str, query: dict[str, str]) -> bool:
        return False

    def route(self, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        raise NotImplementedError

    def handle(self, request: BaseHTTPRequestHandler, body: Any) -> None:
        parts = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.requests.append(request.path + (json.dumps(body) if body else ""))
            self.keys.append(request.headers.get("x-api-key"))
            fault = self.faults.pop(len(self.requests), None)
            if self.fails(request.path, query):
                fault = 503
        if fault == "timeout":
            time.sleep(2.5)  # past the client's read timeout
            fault = None
        headers = {}
        if fault is not None:
            status, payload, headers = int(fault), {"error": "injected"}, {"Retry-After": "0"}
        else:
            status, payload = self.route(unquote(parts.path).removeprefix(self.prefix), query, body)
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            request.send_header(k, v)
        request.end_headers()
        request.wfile.write(data)


@contextlib.contextmanager
def serving(server: StandInServer, cache_dir: Path, **settings: Any):
    """``server`` as the configured address (``settings``, e.g. ``openalex_url=server.url``), with a fresh
    cache, fast retries and no pacing; afterwards the old settings come back and the server stops."""
    before = http.settings()
    http.close_all()
    http.configure(
        cache_dir=cache_dir,
        retries=2,
        backoff_factor=0.0,
        sleep=lambda seconds: None,
        timeout=(2.0, 2.0),
        progress=False,
        min_interval={},
        **settings,
    )
    try:
        yield server
    finally:
        http.close_all()
        restore = {f.name: getattr(before, f.name) for f in dataclasses.fields(before)}
        http.configure(**{**restore, **{name: "" for name in settings}})
        server.close()
