"""Enrichment: fill what a corpus is missing from OpenAlex or Semantic Scholar.

``corpus.enrich(source="openalex")`` looks each paper with a DOI or an arXiv id
up in batches (OpenAlex: 100 ids a request in one ``doi:a|b|...`` filter, arXiv
ids through their arXiv DOI; Semantic Scholar: ``POST /paper/batch``, up to 500
``ARXIV:``/``DOI:`` ids a request) and fills the fields that are empty.
References are merged in (the paper's own first), so a corpus loaded from arXiv
or BibTeX gets a citation graph. Values the user loaded are kept unless
``overwrite=True``. The paper ids never change.

A paper not found under its first identifier is asked for under the next (its
DOI, then its arXiv DOI). A request that fails for good marks its papers failed
with the reason; what other requests fetched is kept. Every request is cached,
so running an interrupted enrichment again fetches only what is still missing.

The returned corpus carries the report twice: as a step of ``corpus.report``
(one note per paper) and as ``corpus.enrichment``, an :class:`EnrichmentReport`
(``.summary()``, ``.not_found``, ``.failed``, ``.to_frame()``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..corpus import Corpus
from ..errors import FieldError, InvalidArgumentError, OfflineError
from ..io.mapping import RecordError
from ..io.openalex import work_fields
from ..io.semantic_scholar import paper_fields
from ..record import Paper
from ..report import FileReport, LoadReport
from . import http
from .openalex import arxiv_doi, lookup_works
from .semantic_scholar import PAPER_FIELDS as S2_PAPER_FIELDS
from .semantic_scholar import REFERENCE_FIELDS as S2_REFERENCE_FIELDS
from .semantic_scholar import lookup_papers

__all__ = ["ENRICHABLE_FIELDS", "EnrichmentReport", "PaperEnrichment", "enrich"]

ENRICHABLE_FIELDS = (
    "abstract",
    "authors",
    "year",
    "date",
    "venue",
    "categories",
    "keywords",
    "citation_count",
    "references",
    "doi",
    "arxiv_id",
    "openalex_id",
    "s2_id",
    "url",
)
"""Fields enrichment may fill (the default ``fields=``)."""

_SOURCES = {
    "openalex": "openalex",
    "semantic_scholar": "semantic_scholar",
    "semanticscholar": "semantic_scholar",
    "s2": "semantic_scholar",
}


@dataclass(frozen=True)
class PaperEnrichment:
    """What enrichment did for one paper.

    ``status`` is ``"enriched"`` (something added), ``"unchanged"`` (found, nothing
    missing), ``"not found"``, ``"failed"`` (its request failed: see ``reason``) or
    ``"no identifier"`` (no DOI or arXiv id to look up).
    """

    paper_id: str
    status: str
    asked: tuple[str, ...] = ()
    matched: str | None = None
    added: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None

    def __str__(self) -> str:
        if self.status == "enriched":
            return f"{self.paper_id}: added {', '.join(self.added.values())} (from {self.matched})"
        if self.status == "unchanged":
            return f"{self.paper_id}: found ({self.matched}), nothing missing"
        if self.status == "not found":
            return f"{self.paper_id}: not found (asked for {', '.join(self.asked)})"
        if self.status == "failed":
            return f"{self.paper_id}: failed ({self.reason})"
        return f"{self.paper_id}: no DOI or arXiv id to look up"


class EnrichmentReport:
    """What one enrichment run did, paper by paper.

    Examples
    --------
    >>> entry = PaperEnrichment("2203.05482", "not found", ("doi:10.48550/arxiv.2203.05482",))
    >>> report = EnrichmentReport("openalex", [entry])
    >>> report.not_found
    ['2203.05482']
    >>> report.summary()
    'OpenAlex enrichment of 1 paper: 0 enriched, 0 unchanged, 1 not found, 0 failed, 0 without identifier'
    """

    def __init__(self, source: str, entries: Iterable[PaperEnrichment] = (), *, requests: int = 0) -> None:
        self.source = source
        self.entries: list[PaperEnrichment] = list(entries)
        self.requests = requests

    def _ids(self, status: str) -> list[str]:
        return [e.paper_id for e in self.entries if e.status == status]

    @property
    def enriched(self) -> list[str]:
        """Ids of papers that got at least one field."""
        return self._ids("enriched")

    @property
    def unchanged(self) -> list[str]:
        return self._ids("unchanged")

    @property
    def not_found(self) -> list[str]:
        """Ids of papers the source does not know under any of their identifiers."""
        return self._ids("not found")

    @property
    def failed(self) -> dict[str, str]:
        """Papers whose request failed, with the reason."""
        return {e.paper_id: e.reason or "" for e in self.entries if e.status == "failed"}

    @property
    def no_identifier(self) -> list[str]:
        return self._ids("no identifier")

    def added(self, paper_id: str) -> dict[str, str]:
        """The fields added to one paper, with what was added."""
        for entry in self.entries:
            if entry.paper_id == paper_id:
                return dict(entry.added)
        raise KeyError(paper_id)

    def summary(self) -> str:
        """One line: how many papers were enriched, unchanged, not found, failed."""
        n = len(self.entries)
        name = http.SOURCE_NAMES.get(self.source, self.source)
        return (
            f"{name} enrichment of {n} paper{'s' if n != 1 else ''}: {len(self.enriched)} enriched, "
            f"{len(self.unchanged)} unchanged, {len(self.not_found)} not found, {len(self.failed)} failed, "
            f"{len(self.no_identifier)} without identifier"
        )

    def __str__(self) -> str:
        return "\n".join([self.summary(), *(f"  {e}" for e in self.entries)])

    def __repr__(self) -> str:
        return f"<EnrichmentReport: {self.summary()}>"

    def to_frame(self):  # -> pandas.DataFrame
        """One row per paper: id, status, matched remote id, fields added, reason."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "paper_id": e.paper_id,
                    "status": e.status,
                    "matched": e.matched,
                    "added": ", ".join(e.added),
                    "asked": ", ".join(e.asked),
                    "reason": e.reason,
                }
                for e in self.entries
            ],
            columns=["paper_id", "status", "matched", "added", "asked", "reason"],
        )

    def file_report(self) -> FileReport:
        """This run as a step of the corpus's load report (no records; a note per paper)."""
        step = FileReport(file=self.summary(), format=f"enrich-{self.source}", detail=self)
        step.notes.extend(str(e) for e in self.entries)
        return step


# --------------------------------------------------------------------------- filling


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == ()


def _describe(name: str, value: Any) -> str:
    if name == "references":
        return f"{len(value)} reference{'s' if len(value) != 1 else ''}"
    if name in ("authors", "categories", "keywords"):
        return f"{name} ({len(value)})"
    if name == "abstract":
        return f"abstract ({len(value)} chars)"
    if name == "date":
        return f"date {value.isoformat()}"
    return f"{name} {value}"


def fill(
    paper: Paper, remote: Mapping[str, Any], fields: Sequence[str], overwrite: bool
) -> tuple[Paper, dict[str, str]]:
    """``paper`` with the ``fields`` it lacks taken from ``remote``; and what was added.

    References are merged (the paper's first); other fields are filled only when
    empty, unless ``overwrite``.

    >>> paper = Paper.create(title="Soups", arxiv_id="2203.05482", references=("W1",), year=2022)
    >>> new, added = fill(paper, {"references": ("W1", "W2"), "year": 2021, "venue": "ICML"}, ENRICHABLE_FIELDS, False)
    >>> new.references, new.year, new.venue, added
    (('W1', 'W2'), 2022, 'ICML', {'venue': 'venue ICML', 'references': '1 reference'})
    """
    changes: dict[str, Any] = {}
    added: dict[str, str] = {}
    derived = paper.date_source is not None  # a year and month read from the arXiv id: a real date replaces them
    for name in fields:
        new = remote.get(name)
        if _empty(new):
            continue
        old = None if derived and name in ("year", "date") else getattr(paper, name)
        if name == "references" and not overwrite:
            extra = tuple(r for r in new if r not in set(old))
            if extra:
                changes[name] = (*old, *extra)
                added[name] = _describe(name, extra)
            continue
        if (overwrite or _empty(old)) and new != old:
            changes[name] = new
            added[name] = _describe(name, new)
    if derived and {"year", "date"} & changes.keys():
        changes.setdefault("date", None)  # the derived date goes with the derived year
        changes.setdefault("year", changes["date"].year if changes["date"] else None)
        changes["date_source"] = None
    return (paper.replace(**changes) if changes else paper), added


# --------------------------------------------------------------------------- look-ups


def _openalex_keys(paper: Paper) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    if paper.openalex_id:
        keys.append(("openalex", paper.openalex_id))
    if paper.doi:
        keys.append(("doi", paper.doi))
    if paper.arxiv_id and arxiv_doi(paper.arxiv_id) != paper.doi:
        keys.append(("doi", arxiv_doi(paper.arxiv_id)))
    return keys


def _s2_keys(paper: Paper) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    if paper.s2_id:
        keys.append(("s2", paper.s2_id))
    if paper.arxiv_id:
        keys.append(("s2", f"ARXIV:{paper.arxiv_id}"))
    if paper.doi and not paper.doi.startswith("10.48550/arxiv."):
        keys.append(("s2", f"DOI:{paper.doi}"))
    return keys


def _remote_fields(source: str, record: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    if source == "openalex":
        values = work_fields(record)
        return values, values.get("openalex_id")
    values = paper_fields(record)
    return values, values.get("s2_id")


def enrich(
    corpus: Corpus,
    source: str = "openalex",
    fields: Iterable[str] | None = None,
    overwrite: bool = False,
    *,
    batch_size: int | None = None,
    progress: bool | None = None,
    warn: bool = True,
    **http_options: Any,
) -> Corpus:
    """A copy of ``corpus`` with missing fields filled from OpenAlex or Semantic Scholar.

    Parameters
    ----------
    corpus : the papers to enrich; those with a DOI, arXiv id (or the source's own id) are looked up.
    source : ``"openalex"`` or ``"semantic_scholar"``.
    fields : the fields to fill (default: every field in :data:`ENRICHABLE_FIELDS`).
    overwrite : replace values the corpus already has (default: only fill what is empty).
    batch_size : ids a request (OpenAlex at most 100; Semantic Scholar at most 500,
        100 by default when references are asked for).
    progress : show a progress bar (default: for more than a few requests).
    warn : warn (:class:`~paperlens.SourceWarning`) when requests failed.
    **http_options : :class:`~paperlens.sources.http.HttpSettings` values (``offline=True``...).

    Returns
    -------
    Corpus
        The enriched copy, in the same order with the same ids; ``.enrichment``
        holds the :class:`EnrichmentReport`, and ``.report`` gains a step for it.

    Examples
    --------
    >>> import paperlens as pl
    >>> enriched = pl.load_sample().enrich("openalex")  # doctest: +SKIP
    >>> enriched.enrichment.summary()  # doctest: +SKIP
    'OpenAlex enrichment of 69 papers: 64 enriched, 0 unchanged, 5 not found, 0 failed, 0 without identifier'
    >>> enriched.citation_graph().number_of_edges() > 0  # doctest: +SKIP
    True
    """
    key = _SOURCES.get(str(source).lower().replace("-", "_").replace(" ", "_"))
    if key is None:
        raise InvalidArgumentError(f"source must be 'openalex' or 'semantic_scholar', not {source!r}")
    chosen = tuple(ENRICHABLE_FIELDS if fields is None else ([fields] if isinstance(fields, str) else fields))
    for name in chosen:
        if name not in ENRICHABLE_FIELDS:
            raise FieldError(name, ENRICHABLE_FIELDS, what="enrichment field")
    client = http.client(**http_options)
    papers = list(corpus)
    keys = [(_openalex_keys if key == "openalex" else _s2_keys)(p) for p in papers]
    records: dict[int, dict[str, Any]] = {}
    failed: dict[int, str] = {}
    asked: dict[int, list[str]] = {i: [] for i in range(len(papers))}
    requests = 0
    offline: list[str] = []
    rounds = max((len(k) for k in keys), default=0)
    for step in range(rounds):
        todo = [i for i in range(len(papers)) if step < len(keys[i]) and i not in records and i not in failed]
        if not todo:
            break
        by_kind: dict[str, dict[str, list[int]]] = {}
        for i in todo:
            kind, value = keys[i][step]
            by_kind.setdefault(kind, {}).setdefault(value, []).append(i)
            asked[i].append(f"{kind}:{value}" if key == "openalex" else value)
        for kind, wanted in by_kind.items():
            if key == "openalex":
                size = batch_size if batch_size is not None else 100
                found = lookup_works(list(wanted), kind, batch_size=size, progress=progress, client=client)
            else:
                s2_fields = (*S2_PAPER_FIELDS, *S2_REFERENCE_FIELDS) if "references" in chosen else S2_PAPER_FIELDS
                found = lookup_papers(
                    list(wanted), fields=s2_fields, batch_size=batch_size, progress=progress, client=client
                )
            requests += found.requests
            offline.extend(found.offline)
            for value, owners in wanted.items():
                for i in owners:
                    if value in found.found:
                        records[i] = found.found[value]
                    elif value in found.failed:
                        failed[i] = found.failed[value]
    if offline and not records:
        raise OfflineError(f"{offline[0]} (and nothing else for this corpus is in the cache)")
    entries: list[PaperEnrichment] = []
    out: list[Paper] = []
    for i, paper in enumerate(papers):
        tried = tuple(asked[i])
        if not keys[i]:
            entries.append(PaperEnrichment(paper.id, "no identifier"))
            out.append(paper)
        elif i in records:
            try:
                remote, matched = _remote_fields(key, records[i])
            except RecordError as exc:
                entries.append(PaperEnrichment(paper.id, "failed", tried, reason=f"unreadable record: {exc}"))
                out.append(paper)
                continue
            new, added = fill(paper, remote, chosen, overwrite)
            entries.append(PaperEnrichment(paper.id, "enriched" if added else "unchanged", tried, matched, added))
            out.append(new)
        elif i in failed:
            entries.append(PaperEnrichment(paper.id, "failed", tried, reason=failed[i]))
            out.append(paper)
        else:
            entries.append(PaperEnrichment(paper.id, "not found", tried))
            out.append(paper)
    report = EnrichmentReport(key, entries, requests=requests)
    load_report = LoadReport([*corpus.report.files, report.file_report()])
    enriched = Corpus.from_papers(out, report=load_report)  # enriched.enrichment reads it from the report
    if warn and report.failed:
        warnings.warn(
            f"{report.summary()}; kept what was fetched, see corpus.enrichment.failed "
            "(running it again fetches only what is missing)",
            http.SourceWarning,
            stacklevel=3,
        )
    return enriched
