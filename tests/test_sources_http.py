"""The HTTP client: retries, Retry-After, timeouts, broken bodies, cache, offline, pacing, secrets."""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path

import pytest
import requests
from responses import matchers
from sources_support import net_fixture, recorded  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.errors import FieldError, OfflineError, SourceError
from paperlens.sources import http

URL = "https://api.openalex.org/works"
OA_KEY = "oa-key-Zq81xTT0p"
S2_KEY = "s2-key-Yh27wQQ9k"


def client(**changes):
    return http.client(**changes)


def test_429_then_200_honours_retry_after(net):
    net.mock.get(URL, status=429, headers={"Retry-After": "7"}, json={"error": "slow down"})
    net.mock.get(URL, json={"results": []})
    assert client().get_json(URL, {"search": "x"}, source="openalex") == {"results": []}
    assert net.calls == 2
    assert net.sleeps == [7.0]  # the server's wait, not the (tiny) backoff


def test_retry_after_longer_than_allowed_gives_up(net):
    net.mock.get(URL, status=503, headers={"Retry-After": "3600"})
    with pytest.raises(http.RequestFailedError, match="asks to wait 3600 s"):
        client(max_retry_after=60).get_json(URL, source="openalex")
    assert net.calls == 1 and net.sleeps == []


def test_500_until_retries_are_used_up(net):
    net.mock.get(URL, status=500)
    with pytest.raises(http.RequestFailedError) as info:
        client(retries=3).get_json(URL, {"page": 1}, source="openalex")
    assert net.calls == 4  # the first try and three retries
    assert "HTTP 500" in str(info.value) and "gave up after 4 attempts" in str(info.value)
    assert info.value.status == 500 and info.value.url == URL + "?page=1"
    assert isinstance(info.value, SourceError)


def test_exponential_backoff_between_retries(net):
    net.mock.get(URL, status=502)
    with pytest.raises(http.RequestFailedError):
        client(retries=4, backoff_factor=1.0).get_json(URL, source="openalex")
    # urllib3's Retry: no wait before the first retry, then factor * 2 ** (n - 1)
    assert net.sleeps == [2.0, 4.0, 8.0]


def test_500_then_200(net):
    net.mock.get(URL, status=500)
    net.mock.get(URL, json={"ok": 1})
    assert client().get_json(URL, source="openalex") == {"ok": 1}


def test_read_timeout_then_success(net):
    net.mock.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    net.mock.get(URL, json={"ok": 2})
    assert client().get_json(URL, source="openalex") == {"ok": 2}
    assert net.calls == 2


def test_connect_timeout_every_time(net):
    net.mock.get(URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(http.RequestFailedError, match="connection timed out") as info:
        client(retries=1).get_json(URL, source="openalex")
    assert net.calls == 2 and info.value.status is None


def test_truncated_json_is_retried_and_never_cached(net):
    good = json.dumps({"results": [{"id": "W1"}]})
    net.mock.get(URL, body=good[:17], content_type="application/json")
    net.mock.get(URL, body=good, content_type="application/json")
    c = client()
    assert c.get_json(URL, source="openalex") == {"results": [{"id": "W1"}]}
    assert net.calls == 2
    assert c.get_json(URL, source="openalex") == {"results": [{"id": "W1"}]}
    assert net.calls == 2  # the good answer came from the cache; the cut one was dropped


def test_truncated_json_every_time(net):
    net.mock.get(URL, body='{"results": [', content_type="application/json")
    with pytest.raises(http.RequestFailedError, match="invalid JSON"):
        client(retries=1).get_json(URL, source="openalex")
    assert len(client().cache.responses) == 0


def test_client_errors_are_not_retried_and_show_the_server_message(net):
    answer = recorded("semanticscholar/test_not_found__00.json")
    url = "https://api.semanticscholar.org/graph/v1/paper/0"
    net.mock.get(url, status=answer["status"], json=answer["response"])
    with pytest.raises(http.RequestFailedError, match=r"HTTP 404.*Paper with id 0 not found") as info:
        client().get_json(url, {"fields": "title"}, source="semantic_scholar")
    assert net.calls == 1 and info.value.status == 404


def test_a_refusal_without_a_key_says_which_variable_to_set(net):
    net.mock.get(URL, status=401, json={"error": "API key required"})
    with pytest.raises(http.RequestFailedError, match="set the OPENALEX_API_KEY environment variable"):
        client().get_json(URL, source="openalex")


def test_cache_answers_the_second_time(net):
    net.mock.get(URL, json={"n": 1})
    c = client()
    c.get_json(URL, {"filter": "doi:10.7717/peerj.4375"}, source="openalex")
    c.get_json(URL, {"filter": "doi:10.7717/peerj.4375"}, source="openalex")
    assert net.calls == 1 and c.requests_sent == 1
    assert (net.cache_dir / "http_cache.sqlite").exists()


def test_post_answers_are_cached_by_body(net):
    url = "https://api.semanticscholar.org/graph/v1/paper/batch"
    net.mock.post(url, json=[None], match=[matchers.json_params_matcher({"ids": ["DOI:10.1/a"]})])
    net.mock.post(url, json=[None, None], match=[matchers.json_params_matcher({"ids": ["DOI:10.1/b", "DOI:10.1/c"]})])
    c = client()
    assert c.post_json(url, {"ids": ["DOI:10.1/a"]}, source="semantic_scholar") == [None]
    assert c.post_json(url, {"ids": ["DOI:10.1/b", "DOI:10.1/c"]}, source="semantic_scholar") == [None, None]
    assert c.post_json(url, {"ids": ["DOI:10.1/a"]}, source="semantic_scholar") == [None]
    assert net.calls == 2


def test_offline_answers_from_the_cache_or_names_the_url(net):
    net.mock.get(URL, json={"cached": True})
    client().get_json(URL, {"search": "soups"}, source="openalex")
    assert client(offline=True).get_json(URL, {"search": "soups"}, source="openalex") == {"cached": True}
    with pytest.raises(OfflineError, match=r"not in the cache: GET https://api\.openalex\.org/works\?search=other"):
        client(offline=True).get_json(URL, {"search": "other"}, source="openalex")
    assert net.calls == 1


def test_offline_uses_expired_answers(net):
    net.mock.get(URL, json={"old": True})
    client(expire_after=0.0001).get_json(URL, source="openalex")
    import time

    time.sleep(0.01)
    assert client(expire_after=0.0001, offline=True).get_json(URL, source="openalex") == {"old": True}


def test_pacing_waits_between_requests_to_one_host_but_not_for_cache_hits(net):
    now = [100.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(round(seconds, 6))
        now[0] += seconds

    net.mock.get(URL, json={})
    net.mock.get("https://export.arxiv.org/api/query", body="<feed/>")
    c = client(min_interval={"api.openalex.org": 3.0}, sleep=sleep, clock=lambda: now[0])
    c.get_json(URL, {"page": 1}, source="openalex")
    now[0] += 1.0
    c.get_json(URL, {"page": 2}, source="openalex")
    c.get_json(URL, {"page": 2}, source="openalex")  # cache hit: no wait
    c.get_text("https://export.arxiv.org/api/query", source="arxiv")  # another host: its own interval (0 here)
    assert sleeps == [2.0]


def test_unknown_setting_is_a_field_error():
    with pytest.raises(FieldError, match="did you mean 'retries'"):
        http.settings(retires=3)


def test_in_memory_cache_when_asked(net):
    net.mock.get(URL, json={"n": 1})
    c = client(cache=False)
    c.get_json(URL, source="openalex")
    c.get_json(URL, source="openalex")
    assert net.calls == 1 and not net.cache_dir.exists()


def test_progress_bar_only_for_long_jobs(monkeypatch):
    monkeypatch.setattr(http, "_defaults", http.HttpSettings())
    assert isinstance(http.progress_bar(2, "x", None), http._NoBar)
    bar = http.progress_bar(10, "x", None)
    assert not isinstance(bar, http._NoBar)
    bar.close()
    assert isinstance(http.progress_bar(10, "x", False), http._NoBar)


# --------------------------------------------------------------------------- secrets


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_api_keys_are_sent_but_never_stored_logged_or_shown(net, monkeypatch, caplog):
    monkeypatch.setenv("OPENALEX_API_KEY", OA_KEY)
    monkeypatch.setenv("S2_API_KEY", S2_KEY)
    caplog.set_level(logging.DEBUG)
    work = json.loads((Path(__file__).parent / "fixtures" / "openalex" / "work_2026.json").read_text())
    net.mock.get(
        URL,
        json={"meta": {"count": 1}, "results": [work]},
        match=[matchers.query_param_matcher({}, strict_match=False)],
    )
    batch = recorded("semanticscholar/test_get_papers_return_not_found__00.json")
    net.mock.post("https://api.semanticscholar.org/graph/v1/paper/batch", json=batch["response"])

    corpus = pl.from_openalex(search="open access", max_results=1, progress=False)
    s2 = pl.from_semantic_scholar(
        ids=[
            "CorpusId:211530585",
            "CorpusId:470667",
            "10.2139/ssrn.2250500",
            "0f40b1f08821e22e859c6050916cec3667778613",
        ],
        references=False,
        warn=False,
    )
    # The keys went out with the requests ...
    assert f"api_key={OA_KEY}" in net.mock.calls[0].request.url
    assert net.mock.calls[1].request.headers["x-api-key"] == S2_KEY
    # ... and nowhere else: the cache, the logs, the reports, what is rendered.
    stored = _all_bytes(net.cache_dir)
    assert stored and OA_KEY.encode() not in stored and S2_KEY.encode() not in stored
    shown = [caplog.text, str(corpus.report), repr(corpus), str(s2.report), corpus.df.to_string(), s2.df.to_string()]
    shown += [corpus._repr_html_(), s2._repr_html_()]
    for text in shown:
        assert OA_KEY not in text and S2_KEY not in text
    logged = [line for line in caplog.text.splitlines() if "api.openalex.org" in line]
    assert logged  # the logs do name the URLs, without the key
    print("\n".join(logged))


def test_api_keys_never_reach_errors(net, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", OA_KEY)
    monkeypatch.setenv("S2_API_KEY", S2_KEY)
    net.mock.get(URL, status=500, body=f"internal error while serving api_key={OA_KEY}")
    net.mock.post(
        "https://api.semanticscholar.org/graph/v1/paper/batch",
        body=requests.exceptions.ConnectionError(
            f"HTTPSConnectionPool: Max retries exceeded with url: /graph/v1/paper/batch (key {S2_KEY})"
        ),
    )
    net.mock.get("https://api.openalex.org/works/W1", status=403, json={"error": f"bad key {OA_KEY}"})
    errors = []
    for call in (
        lambda: client().get_json(URL, {"search": "x"}, source="openalex"),
        lambda: client().post_json(
            "https://api.semanticscholar.org/graph/v1/paper/batch", {"ids": []}, source="semantic_scholar"
        ),
        lambda: client().get_json("https://api.openalex.org/works/W1", source="openalex"),
        lambda: pl.from_openalex(search="x", max_results=5),
    ):
        with pytest.raises(SourceError) as info:
            call()
        errors.append(info.value)
    for error in errors:
        text = str(error) + "".join(traceback.format_exception(type(error), error, error.__traceback__))
        assert OA_KEY not in text and S2_KEY not in text, text
        assert error.__cause__ is None
    assert "api_key" not in errors[0].url and "search=x" in errors[0].url


def test_offline_error_never_shows_the_key(net, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", OA_KEY)
    with pytest.raises(OfflineError) as info:
        client(offline=True).get_json(URL, {"search": "q"}, source="openalex")
    assert OA_KEY not in str(info.value) and "search=q" in str(info.value)


def test_cache_key_ignores_the_api_key(net, monkeypatch):
    net.mock.get(URL, json={"n": 1})
    monkeypatch.setenv("OPENALEX_API_KEY", OA_KEY)
    client().get_json(URL, {"search": "q"}, source="openalex")
    monkeypatch.setenv("OPENALEX_API_KEY", "another-key-123")
    assert client().get_json(URL, {"search": "q"}, source="openalex") == {"n": 1}
    assert net.calls == 1
