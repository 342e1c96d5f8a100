"""Semantic Scholar: relevance search, and papers fetched in batches by id.

Look-ups go through ``POST /graph/v1/paper/batch`` with up to 500 ids a request
(``ARXIV:2203.05482``, ``DOI:10.1/x``, or Semantic Scholar paper ids); ids it does
not know come back as ``null``. References come as nested fields
(``references.externalIds``) so each cited paper is kept by its arXiv id or DOI
when it has one and resolves against papers from other sources. Batches that ask
for references hold 100 ids by default, as one answer may not pass 10 MB. The
optional API key comes from ``S2_API_KEY`` (sent as the ``x-api-key`` header).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..corpus import Corpus
from ..docstrings import shared_doc
from ..errors import InvalidArgumentError, OfflineError, SourceError
from ..ids import parse_identifier
from ..io.semantic_scholar import parse_semantic_scholar
from . import http
from .loading import Collector, batches, check_max_results, describe

__all__ = [
    "BASE_URL",
    "PAPER_FIELDS",
    "REFERENCE_FIELDS",
    "PaperLookup",
    "api_url",
    "from_semantic_scholar",
    "linked_papers",
    "lookup_papers",
    "s2_id_for",
]

BASE_URL = http.DEFAULT_SEMANTIC_SCHOLAR_URL  # the public API; http.configure(semantic_scholar_url=...) moves it
LINKS_PAGE = 1000  # the most /paper/{id}/references and /citations return a page
BATCH_MAX = 500  # ids in one POST /paper/batch
BATCH_WITH_REFERENCES = 100  # keeps one answer well under the 10 MB cap
SEARCH_PAGE = 100
SEARCH_MAX = 1000  # relevance search reaches no further than offset + limit = 1000

PAPER_FIELDS = (
    "paperId",
    "externalIds",
    "title",
    "abstract",
    "authors",
    "year",
    "publicationDate",
    "venue",
    "publicationVenue",
    "journal",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "citationCount",
    "referenceCount",
    "url",
    "publicationTypes",
)
REFERENCE_FIELDS = ("references.paperId", "references.externalIds", "references.title")

_PREFIXES = ("CORPUSID:", "PMID:", "PMCID:", "MAG:", "ACL:", "URL:", "DBLP:")


def s2_id_for(value: str) -> str | None:
    """The id Semantic Scholar's batch endpoint takes for an identifier, or ``None``.

    >>> s2_id_for("arXiv:2203.05482v2"), s2_id_for("CorpusId:470667")
    ('ARXIV:2203.05482', 'CorpusId:470667')
    >>> s2_id_for("https://doi.org/10.1093/MIND/LIX.236.433")
    'DOI:10.1093/mind/lix.236.433'
    """
    text = str(value).strip()
    if text.upper().startswith(_PREFIXES):
        return text
    parsed = parse_identifier(text)
    if parsed is None:
        return None
    kind, norm = parsed
    if kind == "arxiv":
        return f"ARXIV:{norm}"
    if kind == "doi":
        return f"DOI:{norm}"
    if kind == "s2":
        return norm
    return None  # OpenAlex ids mean nothing to Semantic Scholar


@dataclass
class PaperLookup:
    """Paper records found for a list of ids, by id; ids not found; ids whose request failed."""

    found: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    offline: list[str] = field(default_factory=list)  # OfflineError messages (answer not in the cache)


def lookup_papers(
    ids: Sequence[str],
    *,
    fields: Iterable[str] = (*PAPER_FIELDS, *REFERENCE_FIELDS),
    batch_size: int | None = None,
    progress: bool | None = None,
    client: http.Client | None = None,
) -> PaperLookup:
    """Fetch paper records with ``POST /paper/batch`` (ids as :func:`s2_id_for` gives them).

    A failed request marks its ids failed with the reason and the other batches go on.
    """
    fields = list(fields)
    if batch_size is None:
        batch_size = BATCH_WITH_REFERENCES if any(f.startswith("references") for f in fields) else BATCH_MAX
    size = max(1, min(int(batch_size), BATCH_MAX))
    client = client or http.client()
    result = PaperLookup()
    groups = batches(list(dict.fromkeys(ids)), size)
    url = f"{api_url(client)}/paper/batch"
    with http.progress_bar(len(groups), "Semantic Scholar look-ups", progress) as bar:
        for group in groups:
            try:
                data = client.post_json(url, {"ids": group}, {"fields": ",".join(fields)}, source="semantic_scholar")
                result.requests += 1
                if not isinstance(data, list) or len(data) != len(group):
                    got = f"{len(data)} entries" if isinstance(data, list) else type(data).__name__
                    raise SourceError(f"expected a list of {len(group)} entries, got {got}")
            except SourceError as exc:
                if isinstance(exc, OfflineError):
                    result.offline.append(str(exc))
                for ident in group:
                    result.failed[ident] = str(exc)
                bar.update(1)
                continue
            for ident, record in zip(group, data, strict=True):
                if isinstance(record, Mapping):
                    result.found[ident] = dict(record)
                else:
                    result.missing.append(ident)
            bar.update(1)
    return result


def api_url(client: http.Client) -> str:
    """The Graph API root ``client`` talks to (``PAPERLENS_SEMANTIC_SCHOLAR_URL``, ``semantic_scholar_url``)."""
    return client.settings.resolved_semantic_scholar_url()


def linked_papers(
    client: http.Client, paper: str, direction: str, fields: Iterable[str] = PAPER_FIELDS
) -> tuple[list[dict[str, Any]], str | None]:
    """The papers ``paper`` cites (``direction="references"``) or that cite it (``"citations"``), every
    page of ``GET /paper/{id}/references`` (``/citations``), ``offset`` paging; and the failure that ended
    the paging early, or ``None``. ``paper`` is an id as :func:`s2_id_for` gives it."""
    if direction not in ("references", "citations"):
        raise InvalidArgumentError(f"direction must be 'references' or 'citations', not {direction!r}")
    key = "citedPaper" if direction == "references" else "citingPaper"
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        params = {"offset": offset, "limit": LINKS_PAGE, "fields": ",".join(fields)}
        try:
            data = client.get_json(f"{api_url(client)}/paper/{paper}/{direction}", params, source="semantic_scholar")
        except SourceError as exc:
            return out, f"{direction} of {paper} at offset {offset}: {exc}"
        if not isinstance(data, Mapping) or not isinstance(data.get("data"), list):
            return out, f"{direction} of {paper} at offset {offset}: the answer holds no 'data' list"
        page = [item[key] for item in data["data"] if isinstance(item, Mapping) and isinstance(item.get(key), Mapping)]
        out.extend(dict(record) for record in page if record.get("paperId"))
        nxt = data.get("next")
        if not data["data"] or not isinstance(nxt, int) or nxt <= offset:
            return out, None
        offset = nxt


def _search(
    client: http.Client, query: str, max_results: int, collector: Collector, progress: bool | None, params: dict
) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    if max_results > SEARCH_MAX:
        collector.note(f"Semantic Scholar's relevance search returns at most {SEARCH_MAX} papers")
        max_results = SEARCH_MAX
    offset = 0
    pages = math.ceil(max_results / SEARCH_PAGE)
    with http.progress_bar(pages, "Semantic Scholar search", progress) as bar:
        while len(records) < max_results:
            limit = min(SEARCH_PAGE, max_results - len(records))
            try:
                data = client.get_json(
                    f"{api_url(client)}/paper/search",
                    {**params, "query": query, "offset": offset, "limit": limit, "fields": ",".join(PAPER_FIELDS)},
                    source="semantic_scholar",
                )
            except SourceError as exc:
                if not records:
                    raise
                collector.failed(f"search page at offset {offset}", exc)
                break
            bar.update(1)
            if not isinstance(data, Mapping) or not isinstance(data.get("data"), list):
                raise SourceError(f"Semantic Scholar search answered no 'data' list for {query!r}")
            if offset == 0 and isinstance(data.get("total"), int):
                collector.note(f"Semantic Scholar counts {data['total']} matching papers")
            page = data["data"][:limit]
            records.extend(page)
            nxt = data.get("next")
            if not page or not isinstance(nxt, int) or nxt <= offset:
                break
            offset = nxt
    return records


@shared_doc
def from_semantic_scholar(
    query: str | None = None,
    ids: Iterable[str] | None = None,
    max_results: int = 100,
    *,
    references: bool = True,
    year: str | int | None = None,
    fields_of_study: str | None = None,
    progress: bool | None = None,
    warn: bool = True,
    **http_options: Any,
) -> Corpus:
    """Load papers from Semantic Scholar: a relevance search, or ids looked up in batches.

    Its JSON goes through the parser that reads saved Semantic Scholar responses.

    Parameters
    ----------
    query : str, optional
        Search words (Semantic Scholar relevance search; at most 1000 results).
    ids : iterable of str, optional
        Identifiers to look up: arXiv ids, DOIs, Semantic Scholar ids, or prefixed ids such as
        ``CorpusId:470667`` or ``PMID:19872477``.
    max_results : int, default 100
        The most papers a search returns (100 a page).
    references : bool, default True
        Also fetch each paper's references (one batch request per 100 papers).
    year, fields_of_study : str or int, optional
        Search filters (``year="2020-2023"``, ``fields_of_study="Computer Science"``).
    {source options}

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.from_semantic_scholar("model soups weight averaging", max_results=20)  # doctest: +SKIP
    >>> papers = pl.from_semantic_scholar(ids=["2203.05482", "10.1093/mind/lix.236.433"])  # doctest: +SKIP
    >>> papers.report.summary()  # doctest: +SKIP
    'read 1 file: 2 records, 2 loaded, 0 merged as duplicates, 0 skipped'
    """
    check_max_results(max_results)
    if isinstance(ids, str):
        raise InvalidArgumentError("ids= takes a list of identifiers, not one string")
    id_list = [str(i) for i in ids or ()]
    if not query and not id_list:
        raise InvalidArgumentError("from_semantic_scholar needs query= or ids=")
    if query and id_list:
        raise InvalidArgumentError("give either query= or ids=, not both")
    client = http.client(**http_options)
    if id_list:
        collector = Collector(describe("Semantic Scholar", ids=id_list), "semantic-scholar-api")
        wanted: dict[str, str] = {}
        for raw in id_list:
            s2 = s2_id_for(raw)
            if s2 is None:
                collector.missing([raw], "not an arXiv id, DOI or Semantic Scholar id")
            else:
                wanted.setdefault(s2, raw)
        fields = (*PAPER_FIELDS, *REFERENCE_FIELDS) if references else PAPER_FIELDS
        found = lookup_papers(list(wanted), fields=fields, progress=progress, client=client)
        if wanted and not found.found and len(found.failed) == len(wanted):
            raise SourceError(f"Semantic Scholar look-up failed: {next(iter(found.failed.values()))}")
        records = [found.found[s2] for s2 in wanted if s2 in found.found]
        collector.add(parse_semantic_scholar(json.dumps(records), collector.report.file))
        collector.missing([wanted[s2] for s2 in found.missing], "not found in Semantic Scholar")
        for s2, reason in found.failed.items():
            collector.missing([wanted[s2]], f"request failed: {reason}")
            collector.failures.append(f"{wanted[s2]}: {reason}")
        return collector.corpus(warn=warn)
    params = {"year": year, "fieldsOfStudy": fields_of_study}
    collector = Collector(
        describe("Semantic Scholar", query=query, year=year, max_results=max_results), "semantic-scholar-api"
    )
    records = _search(client, str(query), max_results, collector, progress, params)
    if references and records:
        paper_ids = [r["paperId"] for r in records if isinstance(r, Mapping) and r.get("paperId")]
        found = lookup_papers(paper_ids, fields=("paperId", *REFERENCE_FIELDS), progress=progress, client=client)
        for record in records:
            if not isinstance(record, dict):
                continue
            hit = found.found.get(record.get("paperId", ""))
            if hit is not None and isinstance(hit.get("references"), list):
                record["references"] = hit["references"]
        if found.failed:
            reason = next(iter(found.failed.values()))
            collector.failed(f"references of {len(found.failed)} papers", SourceError(reason))
    collector.add(parse_semantic_scholar(json.dumps(records), collector.report.file))
    return collector.corpus(warn=warn)
