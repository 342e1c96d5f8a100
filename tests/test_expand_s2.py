"""corpus.expand(source="semanticscholar") against a stand-in Semantic Scholar Graph API on 127.0.0.1 that
serves recorded real records (tests/fixtures/semanticscholar/Paper_without_citations.json: Turing 1950 and
the works it cites) through ``/paper/{id}/references``, ``/paper/{id}/citations`` and ``POST /paper/batch``,
with 429s, 5xx answers and timeouts injected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sources_support import StandInServer, serving

import paperlens as pl
from paperlens.errors import InvalidArgumentError
from paperlens.io.semantic_scholar import parse_semantic_scholar
from paperlens.sources import http, semantic_scholar

FIXTURE = Path(__file__).parent / "fixtures" / "semanticscholar" / "Paper_without_citations.json"
MAIN = json.loads(FIXTURE.read_text(encoding="utf-8"))
REFS = [r for r in MAIN["references"] if r.get("paperId")]  # 8 of its 14 references are resolved works
RECORDS = {r["paperId"]: r for r in [MAIN, *REFS]}


def _resolve(ident: str) -> str | None:
    """A Graph API id (sha, DOI:, ARXIV:, CorpusId:) -> the paperId of a served record."""
    for pid, record in RECORDS.items():
        external = record.get("externalIds") or {}
        names = {pid, f"CorpusId:{record.get('corpusId')}"}
        if external.get("DOI"):
            names.add(f"DOI:{external['DOI'].lower()}")
        if ident in names or ident.lower() in {n.lower() for n in names}:
            return pid
    return None


def _trim(record: dict, fields: list[str]) -> dict:
    top = [f for f in fields if "." not in f]
    out = {f: record.get(f) for f in top}
    nested = [f.split(".", 1)[1] for f in fields if f.startswith("references.")]
    if nested:
        out["references"] = [{f: ref.get(f) for f in nested} for ref in record.get("references") or []]
    return out


class StandIn(StandInServer):
    """The Graph API's references, citations and batch endpoints; besides the shared faults, ``fail_paths``
    makes every request whose path contains one of them fail."""

    prefix = "/graph/v1"

    def __init__(self) -> None:
        self.fail_paths: set[str] = set()
        super().__init__()

    def fails(self, path: str, query: dict[str, str]) -> bool:
        return any(p in path for p in self.fail_paths)

    def route(self, path: str, query: dict[str, str], body) -> tuple[int, object]:
        fields = query.get("fields", "paperId").split(",")
        if path == "/paper/batch" and body is not None:
            found = [_resolve(i) for i in body["ids"]]
            return 200, [_trim(RECORDS[pid], fields) if pid else None for pid in found]
        head, _, which = path.rpartition("/")
        pid = _resolve(head.removeprefix("/paper/"))
        if which not in ("references", "citations") or pid is None:
            return 404, {"error": "Paper not found"}
        if which == "references":
            items = [{"citedPaper": _trim(r, fields)} for r in RECORDS[pid].get("references") or [] if r.get("paperId")]
        else:
            items = [{"citingPaper": _trim(MAIN, fields)}] if pid != MAIN["paperId"] else []
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
        page = {"offset": offset, "data": items[offset : offset + limit]}
        if offset + limit < len(items):
            page["next"] = offset + limit
        return 200, page


@pytest.fixture()
def standin(tmp_path, monkeypatch):
    monkeypatch.setenv("S2_API_KEY", "test-key")
    monkeypatch.setattr(semantic_scholar, "LINKS_PAGE", 3)  # several pages from 8 references
    server = StandIn()
    with serving(server, tmp_path / "cache", semantic_scholar_url=server.url):
        yield server


def _parsed(records: list[dict]) -> pl.Corpus:
    papers, _ = parse_semantic_scholar(json.dumps(records), "fixture")
    return pl.Corpus(papers)


def _main_corpus() -> pl.Corpus:
    return _parsed([{k: v for k, v in MAIN.items() if k != "references"}])


def test_references_come_with_how_they_were_found_and_every_page(standin):
    corpus = _main_corpus()
    grown = corpus.expand(direction="references", source="semanticscholar", keep=50, warn=False)
    report = grown.report.files[-1].detail
    expected = _parsed(REFS)  # independently: the fixture's resolved references, parsed as a file is
    assert sorted(grown.ids) == sorted([*corpus.ids, *expected.ids])
    for paper in expected:
        got = grown[paper.id]
        assert (got.title, got.year, got.s2_id) == (paper.title, paper.year, paper.s2_id)
        assert list(got.extra["found_via"]) == [f"cited by {corpus.ids[0]}"]
    assert report.fetched == report.kept == 8 and report.failed == [] and report.source == "semanticscholar"
    assert grown.report.files[-1].format == "expand-semanticscholar"
    paths = [r for r in standin.requests if "/references" in r]
    assert len(paths) == 3  # 8 references, 3 a page
    assert sum("/paper/batch" in r for r in standin.requests) == 1
    assert set(standin.keys) == {"test-key"}  # the key from the environment, as a header
    assert "Semantic Scholar" in report.summary()


def test_citations_and_keep(standin):
    seeds = _parsed(REFS[:3])
    grown = seeds.expand(direction="citations", source="semanticscholar", keep=5, warn=False)
    new = [p for p in grown if p.id not in seeds.ids]
    assert [p.s2_id for p in new] == [MAIN["paperId"]]
    assert sorted(new[0].extra["found_via"]) == sorted(f"cites {pid}" for pid in seeds.ids)
    none = seeds.expand(direction="both", source="semanticscholar", keep=0, warn=False)
    assert none.ids == seeds.ids and none.report.files[-1].detail.fetched >= 1


def test_faults_are_retried_then_the_cache_answers(standin):
    standin.faults = {1: 429, 2: 503, 4: "timeout"}
    corpus = _main_corpus()
    grown = corpus.expand(direction="both", source="semanticscholar", keep=50, warn=False)
    assert grown.report.files[-1].detail.failed == []
    assert len(grown) == 1 + len(REFS)
    sent = len(standin.requests)
    again = corpus.expand(direction="both", source="semanticscholar", keep=50, warn=False)
    assert len(standin.requests) == sent  # nothing refetched: every answer is in the cache
    assert again.ids == grown.ids


def test_a_page_that_fails_for_good_is_reported_and_resumed(standin):
    corpus = _main_corpus()
    standin.fail_paths = {"offset=3"}  # the second page of references, every attempt
    with pytest.warns(http.SourceWarning, match="failed"):
        partial = corpus.expand(direction="references", source="semanticscholar", keep=50)
    report = partial.report.files[-1].detail
    assert len(report.failed) == 1 and "offset 3" in report.failed[0]
    assert len(partial) == 1 + 3  # the first page was kept, nothing else lost or invented
    standin.fail_paths = set()
    sent = len(standin.requests)
    full = corpus.expand(direction="references", source="semanticscholar", keep=50, warn=False)
    assert len(full) == 1 + len(REFS)
    resumed = standin.requests[sent:]
    assert not any("offset=0" in r for r in resumed)  # the first page came from the cache
    assert any("offset=3" in r for r in resumed)


def test_the_address_is_configurable_and_checked(standin, monkeypatch):
    http.configure(semantic_scholar_url="")
    monkeypatch.setenv("PAPERLENS_SEMANTIC_SCHOLAR_URL", standin.url)
    grown = _main_corpus().expand(direction="references", source="semanticscholar", keep=2, warn=False)
    assert len(grown) == 3 and standin.requests
    with pytest.raises(InvalidArgumentError, match="must start with http"):
        http.configure(semantic_scholar_url="ftp://nowhere")
        http.client().settings.resolved_semantic_scholar_url()
    with pytest.raises(InvalidArgumentError, match="'openalex' or 'semanticscholar'"):
        _main_corpus().expand(source="crossref")


def test_a_second_round_expands_the_kept_papers(standin):
    corpus = _main_corpus()
    grown = corpus.expand(direction="both", depth=2, source="semanticscholar", keep=50, warn=False)
    report = grown.report.files[-1].detail
    assert len(grown) == 1 + len(REFS) and [r["frontier"] for r in report.rounds] == [1, len(REFS)]
    # round 2 asked each kept reference for its citing papers: Turing 1950 again, known by then
    assert sum("/citations" in r for r in standin.requests) == 1 + len(REFS)
    assert report.already_in_corpus == 1  # one distinct work, however many papers led to it
