"""Grow a corpus from its papers: fetch what they cite and what cites them, keep the most related.

``corpus.expand()`` starts from the corpus's relevant papers (:meth:`~paperlens.Corpus.annotate`), or
from all of them when none is labelled, and asks OpenAlex for

- **references**: the works they cite (their ``references`` as OpenAlex ``W…`` ids, looked up 100 a
  request in one ``filter=ids.openalex:W1|W2|…``), and
- **citations**: the works citing them (``filter=cites:W1|W2|…``, cursor paging, 100 a page).

The candidates are ranked by the same relatedness as :func:`~paperlens.graphs.recommend.recommend_table`
(text similarity to the starting papers plus citation proximity: direct links, shared references,
co-citation) and the best ``keep`` are added, each with ``extra["found_via"]`` saying which papers led
to it and how (``"cites <id>"``, ``"cited by <id>"``). With ``depth=2`` the kept papers of the first
round are expanded in turn, and the best ``keep`` of all rounds are kept.

Every request goes through the shared client of :mod:`paperlens.sources.http` (on-disk cache, retries
with backoff on 429/5xx/timeouts, polite pacing, the API key from ``OPENALEX_API_KEY``). A request that
fails for good is reported and the rest goes on; running the same expansion again answers what was
fetched from the cache and asks only for what failed, so an interrupted run resumes where it stopped.
The OpenAlex address is configurable (``PAPERLENS_OPENALEX_URL``, ``http.configure(openalex_url=...)``).

``source="semanticscholar"`` asks the Semantic Scholar Graph API instead: ``GET /paper/{id}/references``
and ``/paper/{id}/citations`` (``offset`` paging, 1000 a page) for each starting paper with a Semantic
Scholar id, DOI or arXiv id, then one ``POST /paper/batch`` per 100 new papers for their records with
their references (what the ranking's citation proximity needs). Its key comes from ``S2_API_KEY``, its
address from ``PAPERLENS_SEMANTIC_SCHOLAR_URL`` / ``http.configure(semantic_scholar_url=...)``.
"""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError, SourceError
from ..ids import normalize_openalex_id
from ..io.openalex import parse_openalex
from ..record import Paper
from ..report import FileReport
from . import http
from .loading import batches
from .openalex import LOOKUP_FIELDS, PER_PAGE, lookup_works, works_url

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["DIRECTIONS", "ExpansionReport", "expand"]

DIRECTIONS = ("references", "citations", "both")
SOURCES = ("openalex", "semanticscholar")
CITES_BATCH = 50  # works OR-ed in one cites: filter (keeps the URL short)


@dataclass
class ExpansionReport:
    """What :func:`expand` did: how many works it fetched and kept, and why the others were not."""

    direction: str
    depth: int
    keep: int
    seeds: int = 0
    seeds_without_id: int = 0
    fetched: int = 0
    already_in_corpus: int = 0
    kept: int = 0
    not_found: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: int = 0
    rounds: list[dict[str, int]] = field(default_factory=list)
    source: str = "openalex"

    @property
    def dropped(self) -> int:
        """Fetched works ranked below the best ``keep``."""
        return self.fetched - self.kept

    def summary(self) -> str:
        """One paragraph a person can read."""
        service = "OpenAlex" if self.source == "openalex" else "Semantic Scholar"
        lines = [
            f"expanded {self.seeds} starting papers by {self.direction} from {service} over {self.depth} round(s): "
            f"fetched {self.fetched} new works, kept the {self.kept} most related (keep={self.keep}), "
            f"dropped {self.dropped} ranked lower; {self.already_in_corpus} found were already in the corpus."
        ]
        if self.seeds_without_id:
            lines.append(
                f"{self.seeds_without_id} starting papers have no {service} id and were not expanded "
                "(run corpus.enrich() first)."
            )
        if self.not_found:
            lines.append(f"{len(self.not_found)} referenced works were not found in {service}.")
        if self.failed:
            lines.append(
                f"{len(self.failed)} request(s) failed for good (run expand again to resume): {self.failed[0]}"
            )
        lines.append(f"{self.requests} requests went out (cache hits not counted).")
        return " ".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _check(direction: str, depth: int, keep: int, source: str) -> None:
    if direction not in DIRECTIONS:
        raise InvalidArgumentError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise InvalidArgumentError(f"depth must be a whole number >= 1, not {depth!r}")
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise InvalidArgumentError(f"keep must be a whole number >= 0, not {keep!r}")
    if source not in SOURCES:
        raise InvalidArgumentError(f"expand fetches from {' or '.join(map(repr, SOURCES))}, not {source!r}")


def _counted(
    report: ExpansionReport, client: http.Client, call: Callable[..., Any], /, *args: Any, **kwargs: Any
) -> Any:
    """``call(*args, **kwargs)``, with the requests it sent added to ``report.requests`` (also when it fails)."""
    before = client.requests_sent
    try:
        return call(*args, **kwargs)
    finally:
        report.requests += client.requests_sent - before


def _look_up(
    report: ExpansionReport, client: http.Client, lookup: Callable[..., Any], wanted: Iterable[str], **options: Any
) -> dict[str, Any]:
    """The records ``lookup`` finds for ``wanted``; the missing and failed ones go into ``report``."""
    found = _counted(report, client, lookup, list(wanted), client=client, **options)
    report.not_found.extend(found.missing)
    report.failed.extend(f"look-up of {v}: {why}" for v, why in found.failed.items())
    return found.found


def _citing_works(
    client: http.Client, targets: list[str], report: ExpansionReport, bar: Any
) -> list[Mapping[str, Any]]:
    """Every work citing one of ``targets`` (OpenAlex ids), all pages; a failure ends this batch, reported."""
    out: list[Mapping[str, Any]] = []
    cursor: str | None = "*"
    page = 1
    while cursor:
        params = {
            "filter": "cites:" + "|".join(targets),
            "per_page": PER_PAGE,
            "cursor": cursor,
            "select": ",".join(LOOKUP_FIELDS),
        }
        try:
            data = _counted(report, client, client.get_json, works_url(client), params, source="openalex")
        except SourceError as exc:
            report.failed.append(f"works citing {targets[0]} and {len(targets) - 1} more, page {page}: {exc}")
            break
        results = data.get("results") if isinstance(data, Mapping) else None
        if not isinstance(results, list):
            report.failed.append(f"works citing {targets[0]}…, page {page}: the answer holds no 'results' list")
            break
        out.extend(w for w in results if isinstance(w, Mapping))
        meta = data.get("meta") if isinstance(data.get("meta"), Mapping) else {}
        cursor = meta.get("next_cursor") if results else None
        page += 1
        bar.update(1)
    return out


def _parse(works: list[Mapping[str, Any]], name: str) -> tuple[list[Paper], FileReport]:
    return parse_openalex(json.dumps(list(works)), name)


def _found_via(
    parsed: tuple[list[Paper], FileReport],
    report: ExpansionReport,
    via: Mapping[str, list[str]],
    key: Callable[[Paper], str | None],
) -> list[Paper]:
    """The parsed papers, each with ``extra["found_via"]`` (looked up by ``key(paper)``); skips reported."""
    papers, page_report = parsed
    for skip in page_report.skipped:
        report.failed.append(f"record {skip.where}: {skip.reason}")
    out = []
    for paper in papers:
        reasons = list(dict.fromkeys(via.get(key(paper) or "", [])))
        out.append(paper.replace(extra={**paper.extra, "found_via": reasons}))
    return out


@dataclass
class _Round:
    """One round of an expansion: the corpus so far and the papers to expand, and what was found
    (``works`` by id, ``via`` how each was found, ``seen_known`` the linked works already in the corpus)."""

    current: Corpus
    frontier: list[Paper]
    direction: str
    client: http.Client
    report: ExpansionReport
    progress: bool | None
    via: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    works: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    seen_known: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.known = self.current.identifier_index()

    def asks(self, direction: str) -> bool:
        return self.direction in (direction, "both")

    def link(self, wid: str, reason: str, work: Mapping[str, Any] | None = None, *, known: bool = False) -> None:
        """Note the work ``wid`` found by ``reason`` (``"cites <id>"``...), unless the corpus has it."""
        if known or wid in self.known:
            self.seen_known.add(wid)
            return
        self.via[wid].append(reason)
        if work is not None:
            self.works.setdefault(wid, work)


def _openalex_round(step: _Round) -> list[Paper]:
    """New papers linked to the frontier, from OpenAlex, each with how it was found."""
    client, report = step.client, step.report
    if step.asks("references"):
        for paper in step.frontier:
            for ref in paper.references:
                wid = normalize_openalex_id(ref)
                if wid is not None:
                    step.link(wid, f"cited by {paper.id}")
        wanted = [wid for wid in step.via if wid not in step.works]
        if wanted:
            step.works.update(_look_up(report, client, lookup_works, wanted, kind="openalex", progress=step.progress))
    if step.asks("citations"):
        targets = {p.openalex_id: p for p in step.frontier if p.openalex_id}
        groups = batches(list(targets), CITES_BATCH)
        with http.progress_bar(len(groups), "OpenAlex citing works", step.progress) as bar:
            for group in groups:
                for work in _citing_works(client, group, report, bar):
                    wid = normalize_openalex_id(str(work.get("id") or ""))
                    if wid is None:
                        continue
                    cited = {normalize_openalex_id(str(r)) for r in work.get("referenced_works") or ()}
                    for target in group:
                        if target in cited:
                            step.link(wid, f"cites {targets[target].id}", work)
    parsed = _parse(list(step.works.values()), "OpenAlex expansion")
    return _found_via(parsed, report, step.via, lambda paper: paper.openalex_id)


def _s2_id(paper: Paper) -> str | None:
    from .semantic_scholar import s2_id_for

    for value in (paper.s2_id, paper.arxiv_id, paper.doi):
        if value and s2_id_for(value):
            return s2_id_for(value)
    return None


def _semantic_scholar_round(step: _Round) -> list[Paper]:
    """As :func:`_openalex_round`, from Semantic Scholar: links of each frontier paper, then their records."""
    from ..io.semantic_scholar import parse_semantic_scholar
    from .semantic_scholar import PAPER_FIELDS, REFERENCE_FIELDS, linked_papers, lookup_papers

    client, report = step.client, step.report
    asked = [(d, how) for d, how in [("references", "cited by"), ("citations", "cites")] if step.asks(d)]
    starts = [(paper, _s2_id(paper)) for paper in step.frontier]
    with http.progress_bar(len(starts) * len(asked), "Semantic Scholar links", step.progress) as bar:
        for paper, s2 in starts:
            if s2 is None:
                continue
            for which, how in asked:
                records, failure = _counted(
                    report, client, linked_papers, client, s2, which, fields=("paperId", "externalIds", "title")
                )
                if failure:
                    report.failed.append(failure)
                for record in records:
                    pid = str(record["paperId"])
                    known = step.known.get(pid) is not None or any(v in step.known for v in _record_ids(record) if v)
                    step.link(pid, f"{how} {paper.id}", record, known=known)
                bar.update(1)
    works = step.works
    if works:
        fields = (*PAPER_FIELDS, *REFERENCE_FIELDS)
        found = _look_up(report, client, lookup_papers, works, fields=fields, progress=step.progress)
        works = {pid: found[pid] for pid in works if pid in found}  # a failed look-up is resumed later
    parsed = parse_semantic_scholar(json.dumps(list(works.values())), "Semantic Scholar expansion")
    return _found_via(parsed, report, step.via, lambda paper: paper.s2_id)


def _record_ids(record: Mapping[str, Any]) -> list[str]:
    """A Semantic Scholar record's DOI and arXiv id, as the corpus's identifier index keys them."""
    from ..ids import normalize_arxiv_id, normalize_doi

    external = record.get("externalIds") if isinstance(record.get("externalIds"), Mapping) else {}
    return [
        normalize_doi(str(external.get("DOI") or "")) or "",
        normalize_arxiv_id(str(external.get("ArXiv") or "")) or "",
    ]


def _ranked(combined: Corpus, new_ids: set[str], relevant: list[str], irrelevant: list[str]) -> list[str]:
    from ..graphs.recommend import recommend_table

    table = recommend_table(combined, relevant, irrelevant or None, n=None, explain=False)
    return [pid for pid in table["id"] if pid in new_ids]


def expand(
    corpus: Corpus,
    direction: str = "both",
    depth: int = 1,
    keep: int = 200,
    source: str = "openalex",
    *,
    seeds: Iterable[str | Paper] | None = None,
    progress: bool | None = None,
    warn: bool = True,
    **http_options: Any,
) -> Corpus:
    """The corpus plus the ``keep`` most related works that cite or are cited by its papers.

    Parameters
    ----------
    direction : ``"references"`` (what the papers cite), ``"citations"`` (what cites them) or ``"both"``.
    depth : rounds; each round expands the papers kept by the one before.
    keep : how many new works to add at most, the most related first.
    source : ``"openalex"`` or ``"semanticscholar"``.
    seeds : the papers to start from (default: the relevant ones, else all).
    progress : show progress bars (default: for long jobs).
    **http_options : :class:`~paperlens.sources.http.HttpSettings` values for this call.

    Returns the merged corpus; its report gains an ``expand-openalex`` step whose ``detail`` is an
    :class:`ExpansionReport` (also ``corpus.report.files[-1].detail``).

    Examples
    --------
    >>> import paperlens as pl
    >>> reviewed = pl.load_sample("donners2021")
    >>> grown = reviewed.annotate(reviewed.ids[:3], "relevant").expand(keep=50)  # doctest: +SKIP
    >>> print(grown.report.files[-1].detail.summary())  # doctest: +SKIP
    """
    from ..corpus import Corpus

    _check(direction, depth, keep, source)
    client = http.client(**http_options)
    if seeds is not None:
        start = [corpus[s] for s in ([seeds] if isinstance(seeds, (str, Paper)) else seeds)]
    else:
        start = [p for p in corpus if p.label == "relevant"] or list(corpus)
    irrelevant = [p.id for p in corpus if p.label == "irrelevant"]
    relevant = [p.id for p in start]
    report = ExpansionReport(direction=direction, depth=depth, keep=keep, seeds=len(start), source=source)
    if source == "openalex":
        report.seeds_without_id = sum(1 for p in start if not p.openalex_id and not p.references)
    else:
        report.seeds_without_id = sum(1 for p in start if _s2_id(p) is None)
    current = corpus
    frontier = start
    found: dict[str, Paper] = {}
    for _ in range(depth):
        if not frontier:
            break
        step = _Round(current, frontier, direction, client, report, progress)
        papers = (_openalex_round if source == "openalex" else _semantic_scholar_round)(step)
        papers = [p for p in papers if p.id not in found]
        report.already_in_corpus += len(step.seen_known)
        report.rounds.append({"frontier": len(frontier), "fetched": len(papers)})
        if not papers:
            break
        for paper in papers:
            found[paper.id] = paper
        combined = Corpus([*current, *papers])
        ranked = _ranked(combined, {p.id for p in papers}, relevant, irrelevant)
        best = ranked[:keep]
        frontier = [combined[pid] for pid in best]
        current = Corpus([*current, *frontier])
    report.fetched = len(found)
    new = list(found.values())
    if new:
        combined = Corpus([*corpus, *new])
        kept_ids = _ranked(combined, {p.id for p in new}, relevant, irrelevant)[:keep]
    else:
        kept_ids = []
    report.kept = len(kept_ids)
    step = FileReport(file=f"expand ({direction}, depth={depth}, keep={keep})", format=f"expand-{source}")
    step.records = report.fetched
    step.loaded = report.kept
    step.notes.append(report.summary())
    step.detail = report
    merged = corpus.merge(Corpus([found[pid] for pid in kept_ids]))
    merged.report.files.append(step)
    if warn and report.failed:
        warnings.warn(
            f"expand: {len(report.failed)} request(s) failed; kept what was fetched (run again to resume); "
            "see corpus.report",
            http.SourceWarning,
            stacklevel=3,
        )
    return merged
