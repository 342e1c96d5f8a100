"""Faults: a cache that cannot be used, the network lost mid-enrichment, an interrupt during a fetch.

Every answer comes from a mocked transport (``responses``, through the ``net``
fixture of ``sources_support``): a small OpenAlex stand-in serving the real works
of the Sep_2021 citation set (271 works, so three batches of 100 DOIs). Transport
calls are counted with ``net.calls`` (what ``responses`` saw) to prove what a second
run fetches again and what it takes from the cache.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sources_support import bare, in_set_edges, net_fixture, set_works, short_id  # noqa: F401  (net_fixture provides `net`)

from paperlens.errors import OfflineError
from paperlens.sources import http
from paperlens.sources.http import SourceWarning

URL = "https://api.openalex.org/works"


class OpenAlexStandIn:
    """Answers ``filter=doi:a|b|...`` with the matching works; ``fail(n)`` decides per request what goes wrong."""

    def __init__(self, works, fail=None):
        self.by_doi = {w["doi"].removeprefix("https://doi.org/").lower(): w for w in works}
        self.fail = fail or (lambda n: None)
        self.seen: list[list[str]] = []  # the DOIs of every request that reached the transport

    def __call__(self, request):
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        dois = query["filter"].removeprefix("doi:").split("|")
        self.seen.append(dois)
        trouble = self.fail(len(self.seen))
        if trouble is not None:
            raise trouble
        found = [self.by_doi[d] for d in dois if d in self.by_doi]
        if "select" in query:
            found = [{k: w[k] for k in query["select"].split(",") if k in w} for w in found]
        return 200, {}, json.dumps({"meta": {"count": len(found)}, "results": found})


@pytest.fixture(scope="module")
def works():
    return set_works("Sep_2021")


def cached_answers(folder) -> int:
    """How many answers the cache file holds, read with sqlite3 alone (and checked for integrity)."""
    with sqlite3.connect(folder / "http_cache.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]


# --------------------------------------------------------------------------- the cache folder


def _fetch_twice(net, **changes) -> list[str]:
    net.mock.get(URL, json={"results": [{"id": "https://openalex.org/W1"}]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = http.client(**changes)
        first = client.get_json(URL, {"filter": "doi:10.1/x"}, source="openalex")
        second = client.get_json(URL, {"filter": "doi:10.1/x"}, source="openalex")
    assert first == second == {"results": [{"id": "https://openalex.org/W1"}]}
    return [str(w.message) for w in caught if issubclass(w.category, SourceWarning)]


def test_a_cache_folder_that_cannot_be_made_warns_and_works_in_memory(net, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for folder in (blocker / "cache", blocker):
        http.close_all()
        messages = _fetch_twice(net, cache_dir=folder)
        assert len(messages) == 1 and str(folder) in messages[0] and "kept in memory" in messages[0], messages
        assert "cache_dir" in messages[0]  # says how to fix it
    assert net.calls == 2  # one per client: the second fetch of each came from the in-memory cache
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupted_cache_file_warns_and_works_in_memory(net, damage):
    folder = net.cache_dir
    _fetch_twice(net)  # a healthy cache file with one answer
    http.close_all()
    path = folder / "http_cache.sqlite"
    data = path.read_bytes()
    damaged = {"garbage": b"\x13 not sqlite " * 500, "truncated": data[: len(data) // 3], "empty": b""}[damage]
    path.write_bytes(damaged)
    calls = net.calls
    messages = _fetch_twice(net)
    if damage == "empty":  # sqlite makes a fresh database in an empty file: nothing to warn about
        assert messages == []
        assert cached_answers(folder) == 1
    else:
        assert len(messages) == 1 and "http_cache.sqlite" in messages[0] and "Delete the file" in messages[0]
        assert path.read_bytes() == damaged  # never deleted or overwritten: the user decides
    assert net.calls == calls + 1


def test_a_cache_that_fails_in_use_warns_once_and_the_fetch_goes_on(net, monkeypatch):
    import requests_cache

    client = http.client()
    real_save = requests_cache.SQLiteCache.save_response

    def disk_full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(requests_cache.SQLiteCache, "save_response", disk_full)
    net.mock.get(URL, json={"results": []})
    with pytest.warns(SourceWarning, match="disk is full"):
        assert client.get_json(URL, {"page": 1}, source="openalex") == {"results": []}
    monkeypatch.setattr(requests_cache.SQLiteCache, "save_response", real_save)
    assert client.get_json(URL, {"page": 1}, source="openalex") == {"results": []}
    assert net.calls == 2  # sent, the save failed: sent once more into the in-memory cache; then a cache hit


def test_offline_with_a_broken_cache_is_a_clear_offline_error(net, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.warns(SourceWarning), pytest.raises(OfflineError, match="not in the cache"):
        http.client(cache_dir=blocker, offline=True).get_json(URL, source="openalex")
    assert net.calls == 0


# --------------------------------------------------------------------------- the network lost mid-run


def test_network_lost_mid_enrichment_keeps_what_came_and_a_rerun_fetches_only_the_rest(net, works):
    corpus = bare(works)
    batches = [p.doi for p in corpus]
    lost = OpenAlexStandIn(works, fail=lambda n: None if n == 1 else requests.exceptions.ConnectionError("down"))
    net.mock.add_callback("GET", URL, callback=lost)
    with pytest.warns(SourceWarning, match="171 failed"):
        first = corpus.enrich("openalex")
    # batch 1 answered; batches 2 and 3 each tried 1 + retries (2) times
    assert net.calls == 1 + 3 + 3
    assert len(first.enrichment.enriched) == 100 and len(first.enrichment.failed) == 171
    assert all("could not connect" in reason for reason in first.enrichment.failed.values())
    fetched = [tuple(dict.fromkeys(short_id(r) for r in w["referenced_works"])) for w in works[:100]]
    assert first[:100].ids == corpus[:100].ids and [p.references for p in first[:100]] == fetched  # kept
    assert all(not p.references for p in first[100:])  # the others unchanged
    assert cached_answers(net.cache_dir) == 1

    net.mock.reset()
    back = OpenAlexStandIn(works)
    net.mock.add_callback("GET", URL, callback=back)
    again = corpus.enrich("openalex")
    assert net.calls == 2  # only the two lost batches went out again
    assert sorted(d for batch in back.seen for d in batch) == sorted(batches[100:])
    assert len(again.enrichment.enriched) == len(works)
    assert again.citation_graph(mentions=False).number_of_edges() == in_set_edges(works)


def test_network_lost_for_every_request_raises_nothing_and_fails_every_paper(net, works):
    corpus = bare(works)[:150]
    net.mock.add_callback(
        "GET", URL, callback=OpenAlexStandIn(works, fail=lambda n: requests.ConnectionError("no route"))
    )
    with pytest.warns(SourceWarning, match="150 failed"):
        result = corpus.enrich("openalex")
    assert result == corpus and len(result.enrichment.failed) == 150
    assert net.calls == 2 * 3


# --------------------------------------------------------------------------- interrupts


@pytest.mark.parametrize("stop_at", [1, 2, 3])
def test_an_interrupt_during_a_fetch_leaves_a_cache_a_later_run_reads(net, works, stop_at):
    corpus = bare(works)
    interrupted = OpenAlexStandIn(works, fail=lambda n: KeyboardInterrupt() if n == stop_at else None)
    net.mock.add_callback("GET", URL, callback=interrupted)
    with pytest.raises(KeyboardInterrupt):
        corpus.enrich("openalex")
    assert len(interrupted.seen) == stop_at
    http.close_all()  # as if the kernel were restarted: the next run opens the cache file anew
    assert cached_answers(net.cache_dir) == stop_at - 1  # every finished batch, and no half answer

    net.mock.reset()
    resumed = OpenAlexStandIn(works)
    net.mock.add_callback("GET", URL, callback=resumed)
    done = corpus.enrich("openalex")
    assert net.calls == 3 - (stop_at - 1)  # the interrupted batch and those after it, nothing before
    assert len(done.enrichment.enriched) == len(works)
    assert cached_answers(net.cache_dir) == 3

    net.mock.reset()
    offline = corpus.enrich("openalex", offline=True)  # and everything is now answered from disk alone
    assert net.calls == 0 and offline == done


def test_an_interrupt_while_the_answer_is_saved_leaves_the_cache_readable(net, works, monkeypatch):
    """Ctrl-C inside the cache write itself: SQLite's transaction keeps the file whole."""
    import requests_cache

    corpus = bare(works)
    net.mock.add_callback("GET", URL, callback=OpenAlexStandIn(works))
    real_save = requests_cache.SQLiteCache.save_response
    saves = []

    def interrupted_save(self, *args, **kwargs):
        saves.append(1)
        if len(saves) == 2:
            raise KeyboardInterrupt
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(requests_cache.SQLiteCache, "save_response", interrupted_save)
    with pytest.raises(KeyboardInterrupt):
        corpus.enrich("openalex")
    monkeypatch.setattr(requests_cache.SQLiteCache, "save_response", real_save)
    http.close_all()
    assert cached_answers(net.cache_dir) == 1
    calls = net.calls
    done = corpus.enrich("openalex")
    assert net.calls - calls == 2 and len(done.enrichment.enriched) == len(works)
