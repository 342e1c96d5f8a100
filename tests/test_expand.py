"""corpus.expand against a stand-in OpenAlex server on 127.0.0.1 serving the real records of the shared
citation sets (tests/fixtures/openalex_citation_sets), with 429s, 5xx answers and timeouts injected."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sources_support import StandInServer, serving

import paperlens as pl
from paperlens.errors import PaperlensError
from paperlens.ids import normalize_openalex_id
from paperlens.sources import http

SETS = Path(__file__).parent / "fixtures" / "openalex_citation_sets"


def _works() -> dict[str, dict]:
    works = {}
    for name in ("Donners_2021", "Nelson_2002", "Sep_2021"):
        with zipfile.ZipFile(SETS / name / "works_1.zip") as archive:
            for member in archive.namelist():
                for work in json.loads(archive.read(member)):
                    works[normalize_openalex_id(work["id"])] = work
    return works


WORKS = _works()
CITED = {wid: {normalize_openalex_id(r) for r in work["referenced_works"]} for wid, work in WORKS.items()}


class StandIn(StandInServer):
    """The works endpoint: filter=ids.openalex|openalex_id|openalex:, cites:, cited_by: (values OR-ed with |),
    per_page, page or cursor paging, select. Besides the shared faults, ``fail_cursors`` makes every request
    for one of those cursors fail."""

    def __init__(self) -> None:
        self.fail_cursors: set[str] = set()
        super().__init__()

    def fails(self, path: str, query: dict[str, str]) -> bool:
        return query.get("cursor") in self.fail_cursors

    def route(self, path: str, query: dict[str, str], body) -> tuple[int, dict]:
        if path != "/works":
            return 404, {"error": "no such endpoint"}
        matches = self.select(query.get("filter", ""))
        per_page = min(int(query.get("per_page", 25)), 200)
        if "cursor" in query:
            start = 0 if query["cursor"] == "*" else int(query["cursor"].removeprefix("c"))
        else:
            start = (int(query.get("page", 1)) - 1) * per_page
        page = matches[start : start + per_page]
        more = start + per_page < len(matches)
        if "select" in query:
            fields = query["select"].split(",")
            page = [{f: w[f] for f in fields if f in w} for w in page]
        meta = {"count": len(matches), "per_page": per_page}
        if "cursor" in query:
            meta["next_cursor"] = f"c{start + per_page}" if more else None
        return 200, {"meta": meta, "results": page}

    def select(self, text: str) -> list[dict]:
        found = list(WORKS.values())
        for clause in filter(None, text.split(",")):
            key, _, values = clause.partition(":")
            wanted = {normalize_openalex_id(v) for v in values.split("|")}
            if key in ("ids.openalex", "openalex_id", "openalex"):
                found = [w for w in found if normalize_openalex_id(w["id"]) in wanted]
            elif key == "cites":
                found = [w for w in found if wanted & CITED[normalize_openalex_id(w["id"])]]
            elif key == "cited_by":
                refs = {r for v in wanted if v in WORKS for r in CITED[v]}
                found = [w for w in found if normalize_openalex_id(w["id"]) in refs]
            else:
                raise AssertionError(f"the stand-in does not know filter {key!r}")
        return sorted(found, key=lambda w: w["id"])


@pytest.fixture()
def standin(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    server = StandIn()
    with serving(server, tmp_path / "cache", openalex_url=server.url):
        yield server


@pytest.fixture(scope="module")
def reviewed() -> pl.Corpus:
    return pl.load_sample("donners2021")


def start_corpus(reviewed: pl.Corpus) -> pl.Corpus:
    """20 of the review's papers, three of the included ones marked relevant."""
    included = [p.id for p in reviewed if p.extra.get("included")]
    chosen = included[:3] + [p.id for p in reviewed if not p.extra.get("included")][:17]
    return reviewed.filter(ids=chosen).annotate(included[:3], "relevant")


def expected_candidates(corpus: pl.Corpus, seeds: list[pl.Paper], direction: str) -> dict[str, set[str]]:
    """Independently: the served works linked to the seeds, with how, from the raw records."""
    known = {p.openalex_id for p in corpus}
    out: dict[str, set[str]] = {}
    for seed in seeds:
        if direction in ("references", "both"):
            for ref in WORKS[seed.openalex_id]["referenced_works"]:
                wid = normalize_openalex_id(ref)
                if wid in WORKS and wid not in known:
                    out.setdefault(wid, set()).add(f"cited by {seed.id}")
        if direction in ("citations", "both"):
            for wid, work in WORKS.items():
                refs = {normalize_openalex_id(r) for r in work["referenced_works"]}
                if seed.openalex_id in refs and wid not in known:
                    out.setdefault(wid, set()).add(f"cites {seed.id}")
    return out


@pytest.mark.parametrize("direction", ["references", "citations", "both"])
def test_expand_fetches_every_linked_work_and_says_how_it_was_found(standin, reviewed, direction):
    corpus = start_corpus(reviewed)
    seeds = [p for p in corpus if p.label == "relevant"]
    expected = expected_candidates(corpus, seeds, direction)
    assert len(expected) > 10
    grown = corpus.expand(direction=direction, keep=1000, warn=False)
    report = grown.report.files[-1].detail
    new = {p.openalex_id: p for p in grown if p.openalex_id not in {q.openalex_id for q in corpus}}
    assert set(new) == set(expected)
    for wid, paper in new.items():
        assert set(paper.extra["found_via"]) == expected[wid], wid
    assert report.fetched == report.kept == len(expected) and not report.failed
    # Labels of the corpus survive the merge.
    assert sorted(grown.filter(label="relevant").ids) == sorted(p.id for p in seeds)
    if direction != "citations":
        refs = {normalize_openalex_id(r) for s in seeds for r in WORKS[s.openalex_id]["referenced_works"]}
        missing = refs - set(WORKS) - {p.openalex_id for p in corpus}
        assert sorted(report.not_found) == sorted(missing)  # references outside the served set: reported


def test_keep_keeps_the_most_related(standin, reviewed):
    corpus = start_corpus(reviewed)
    everything = corpus.expand(keep=1000, warn=False)
    few = corpus.expand(keep=5, warn=False)
    report = few.report.files[-1].detail
    assert report.kept == 5 and report.dropped == report.fetched - 5 and len(few) == len(corpus) + 5
    assert "dropped" in report.summary() and "kept the 5 most related" in report.summary()
    # The five kept are the five the recommender ranks first among all candidates.
    new_ids = {p.id for p in everything} - {p.id for p in corpus}
    seeds = [p.id for p in corpus if p.label == "relevant"]
    from paperlens.graphs.recommend import recommend_table

    ranking = [i for i in recommend_table(everything, seeds, n=None)["id"] if i in new_ids]
    assert sorted({p.id for p in few} - {p.id for p in corpus}) == sorted(ranking[:5])


def test_never_refetches_what_is_cached(standin, reviewed):
    corpus = start_corpus(reviewed)
    first = corpus.expand(keep=50, warn=False)
    sent = len(standin.requests)
    assert sent >= 2  # a look-up of references and a page of citing works
    again = corpus.expand(keep=50, warn=False)
    assert len(standin.requests) == sent  # every answer came from the cache
    assert again.ids == first.ids and again.report.files[-1].detail.requests == 0


def test_faults_are_retried_and_nothing_is_lost(standin, reviewed):
    corpus = start_corpus(reviewed)
    standin.faults = {1: 429, 2: 503, 4: "timeout", 6: 500}
    faulty = corpus.expand(keep=1000, warn=False)
    assert not faulty.report.files[-1].detail.failed
    standin.requests.clear()
    http.close_all()
    http.configure(cache_dir=Path(str(http.settings().cache_dir)) / "fresh")
    clean = corpus.expand(keep=1000, warn=False)
    assert sorted(faulty.ids) == sorted(clean.ids)


def test_resumes_after_a_failure_for_good(standin, reviewed):
    corpus = start_corpus(reviewed).annotate(start_corpus(reviewed).ids, None)  # no labels: start from all 20
    standin.fail_cursors = {"*"}  # the citing works' first page fails past every retry
    with pytest.warns(http.SourceWarning, match="failed"):
        partial = corpus.expand(direction="citations", keep=1000)
    report = partial.report.files[-1].detail
    assert report.failed and "page 1" in report.failed[0] and len(partial) == len(corpus)
    failed_queries = {urlsplit(r).query for r in standin.requests}
    assert len(failed_queries) == 1  # one request, tried 1 + 2 retries times
    standin.fail_cursors = set()
    standin.requests.clear()
    resumed = corpus.expand(direction="citations", keep=1000, warn=False)
    # Only the failed request went out again (a page 2, if any, after it); nothing fetched before was asked.
    asked = [urlsplit(r).query for r in standin.requests]
    assert asked[0] in failed_queries and all("cursor=c" in q for q in asked[1:])
    seeds = list(corpus)
    expected = expected_candidates(corpus, seeds, "citations")
    assert {p.openalex_id for p in resumed} - {p.openalex_id for p in corpus} == set(expected)
    assert len(partial) < len(resumed)


def test_configurable_url_and_bad_arguments(standin, reviewed, monkeypatch):
    corpus = start_corpus(reviewed)
    with pytest.raises(PaperlensError, match="direction must be one of"):
        corpus.expand(direction="sideways")
    with pytest.raises(PaperlensError, match="'openalex' or 'semanticscholar'"):
        corpus.expand(source="crossref")
    with pytest.raises(PaperlensError, match="keep must be"):
        corpus.expand(keep=-1)
    # The environment variable names the server when configure() does not.
    http.configure(openalex_url="")  # back to the environment / the default
    http.close_all()
    monkeypatch.setenv("PAPERLENS_OPENALEX_URL", standin.url + "/")
    grown = corpus.expand(direction="references", keep=3, warn=False)
    assert len(grown) == len(corpus) + 3 and standin.requests


def test_the_openalex_url_setting():
    assert http.settings(openalex_url="https://mirror.example.org/api/").resolved_openalex_url() == (
        "https://mirror.example.org/api"
    )
    with pytest.raises(PaperlensError, match="must start with http"):
        http.settings(openalex_url="mirror.example.org").resolved_openalex_url()
