"""OpenAlex: search, filter or look up works, and fetch works in batches by id.

Lists page with ``page``/``per_page`` (100 a page; cursor paging past 10,000
results). Look-ups by DOI or OpenAlex id ask for up to 100 values a request,
joined with ``|`` in one filter (``filter=doi:10.1/a|10.1/b``); an arXiv id is
looked up through its arXiv DOI (``10.48550/arxiv.<id>``). The API key, if any,
comes from ``OPENALEX_API_KEY`` (see :mod:`paperlens.sources.http`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..corpus import Corpus
from ..docstrings import shared_doc
from ..errors import InvalidArgumentError, OfflineError, SourceError
from ..ids import normalize_doi, normalize_openalex_id, parse_identifier
from ..io.openalex import parse_openalex
from . import http
from .loading import Collector, batches, check_max_results, describe

__all__ = ["BASE_URL", "LOOKUP_FIELDS", "WorkLookup", "arxiv_doi", "from_openalex", "lookup_works", "works_url"]

BASE_URL = f"{http.DEFAULT_OPENALEX_URL}/works"
"""The public API's works endpoint; requests go to :func:`works_url` (configurable)."""


def works_url(client: http.Client) -> str:
    """The works endpoint of the OpenAlex API this client talks to (``openalex_url`` setting)."""
    return client.settings.resolved_openalex_url() + "/works"


PER_PAGE = 100  # OpenAlex's largest page, and its cap on values OR-ed in one filter
BASIC_PAGING_LIMIT = 10_000  # page * per_page may not pass this; cursor paging goes further

LOOKUP_FIELDS = (
    "id",
    "doi",
    "ids",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "authorships",
    "primary_location",
    "locations",
    "topics",
    "keywords",
    "cited_by_count",
    "referenced_works",
    "abstract_inverted_index",
    "type",
)
"""Fields asked for (``select=``) when looking works up in batches."""


def arxiv_doi(arxiv_id: str) -> str:
    """The DOI arXiv gives a paper (how OpenAlex knows arXiv preprints).

    >>> arxiv_doi("2203.05482"), arxiv_doi("quant-ph/0201082")
    ('10.48550/arxiv.2203.05482', '10.48550/arxiv.quant-ph/0201082')
    """
    return f"10.48550/arxiv.{arxiv_id}".lower()


def _filter_text(filter: str | Mapping[str, Any] | None) -> str | None:
    if filter is None:
        return None
    if isinstance(filter, str):
        return filter.strip() or None
    if isinstance(filter, Mapping):
        parts = []
        for key, value in filter.items():
            if isinstance(value, (list, tuple, set)):
                value = "|".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = str(value).lower()
            parts.append(f"{key}:{value}")
        return ",".join(parts) or None
    raise InvalidArgumentError(
        f"filter= takes a string like 'publication_year:2020' or a dict, not {type(filter).__name__}"
    )


def _page_text(data: Any) -> str:
    import json

    return json.dumps(data)


def _list_works(
    collector: Collector,
    client: http.Client,
    params: dict[str, Any],
    max_results: int,
    progress: bool | None,
    label: str,
) -> None:
    """Page through a list query into the collector, up to ``max_results`` works."""
    use_cursor = max_results > BASIC_PAGING_LIMIT
    per_page = min(PER_PAGE, max_results)
    received = 0  # works received so far (loaded or skipped)
    page = 1
    cursor: str | None = "*"
    with http.progress_bar(math.ceil(max_results / per_page), f"OpenAlex {label}", progress) as bar:
        while received < max_results:
            query = {**params, "per_page": per_page}
            if use_cursor:
                query["cursor"] = cursor
            else:
                query["page"] = page
            try:
                data = client.get_json(works_url(client), query, source="openalex")
            except SourceError as exc:
                if page == 1:
                    raise
                collector.failed(f"page {page}", exc)
                break
            bar.update(1)
            results = data.get("results") if isinstance(data, Mapping) else None
            if not isinstance(results, list):
                if page == 1:
                    raise SourceError(f"OpenAlex answered no 'results' list for {collector.report.file}")
                collector.failed(f"page {page}", SourceError("the answer holds no 'results' list"))
                break
            results = results[: max_results - received]
            received += len(results)
            collector.add(parse_openalex(_page_text({"results": results}), f"{collector.report.file}, page {page}"))
            meta = data.get("meta") if isinstance(data.get("meta"), Mapping) else {}
            count = meta.get("count")
            if page == 1 and isinstance(count, int):
                collector.note(f"OpenAlex counts {count} matching works")
                if hasattr(bar, "total"):
                    bar.total = max(1, math.ceil(min(count, max_results) / per_page))
                    bar.refresh()
            if not results or (isinstance(count, int) and received >= count):
                break
            page += 1
            if use_cursor:
                cursor = meta.get("next_cursor")
                if not cursor:
                    break
            elif (page - 1) * per_page >= BASIC_PAGING_LIMIT:
                collector.note(f"stopped at {BASIC_PAGING_LIMIT} works (OpenAlex's limit for page paging)")
                break


# --------------------------------------------------------------------------- look-ups by id


@dataclass
class WorkLookup:
    """Works found for a list of values, by value, and the values that failed."""

    found: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # value -> reason
    requests: int = 0
    offline: list[str] = field(default_factory=list)  # OfflineError messages (answer not in the cache)


def _key_of(work: Mapping[str, Any], kind: str) -> list[str]:
    if kind == "openalex":
        found = normalize_openalex_id(str(work.get("id") or ""))
        return [found] if found else []
    ids = work.get("ids") if isinstance(work.get("ids"), Mapping) else {}
    doi = normalize_doi(str(work.get("doi") or ids.get("doi") or ""))
    return [doi] if doi else []


def lookup_works(
    values: Sequence[str],
    kind: str,
    *,
    select: Iterable[str] | None = LOOKUP_FIELDS,
    batch_size: int = PER_PAGE,
    progress: bool | None = None,
    client: http.Client | None = None,
) -> WorkLookup:
    """Fetch works by DOI (``kind="doi"``) or OpenAlex id (``kind="openalex"``), 100 values a request.

    Values must be normalised (:func:`~paperlens.ids.normalize_doi`, ``W…`` ids).
    A failed request marks its values failed with the reason and the rest go on.
    """
    if kind not in ("doi", "openalex"):
        raise InvalidArgumentError(f"kind must be 'doi' or 'openalex', not {kind!r}")
    size = max(1, min(int(batch_size), PER_PAGE))
    client = client or http.client()
    result = WorkLookup()
    wanted = list(dict.fromkeys(values))
    usable = []
    for value in wanted:
        # "|" and "," are the filter syntax's own separators: such a DOI cannot be asked for.
        if "|" in value or "," in value:
            result.failed[value] = "contains '|' or ',' which an OpenAlex filter cannot hold"
        else:
            usable.append(value)
    field_name = "doi" if kind == "doi" else "ids.openalex"
    groups = batches(usable, size)
    with http.progress_bar(len(groups), f"OpenAlex {kind} look-ups", progress) as bar:
        for group in groups:
            params: dict[str, Any] = {"filter": f"{field_name}:" + "|".join(group), "per_page": PER_PAGE}
            if select:
                params["select"] = ",".join(select)
            page = 1
            seen: set[str] = set()
            try:
                while True:
                    data = client.get_json(works_url(client), {**params, "page": page}, source="openalex")
                    result.requests += 1
                    results = data.get("results") if isinstance(data, Mapping) else None
                    if not isinstance(results, list):
                        raise SourceError("the answer holds no 'results' list")
                    for work in results:
                        if not isinstance(work, Mapping):
                            continue
                        for key in _key_of(work, kind):
                            if key in group and key not in seen:
                                seen.add(key)
                                result.found[key] = dict(work)
                    count = (data.get("meta") or {}).get("count") if isinstance(data.get("meta"), Mapping) else None
                    if not results or not isinstance(count, int) or page * PER_PAGE >= count:
                        break
                    page += 1
            except SourceError as exc:
                if isinstance(exc, OfflineError):
                    result.offline.append(str(exc))
                for value in group:
                    if value not in result.found:
                        result.failed[value] = str(exc)
                bar.update(1)
                continue
            result.missing.extend(v for v in group if v not in result.found)
            bar.update(1)
    return result


def _split_ids(values: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Identifiers as (DOIs to ask for, OpenAlex ids, unrecognised); arXiv ids become arXiv DOIs."""
    dois, works, bad = [], [], []
    for raw in values:
        parsed = parse_identifier(str(raw))
        if parsed is None:
            bad.append(str(raw))
        elif parsed[0] == "openalex":
            works.append(parsed[1])
        elif parsed[0] == "doi":
            dois.append(parsed[1])
        elif parsed[0] == "arxiv":
            dois.append(arxiv_doi(parsed[1]))
        else:
            bad.append(str(raw))
    return dois, works, bad


# --------------------------------------------------------------------------- loader


@shared_doc
def from_openalex(
    search: str | None = None,
    dois: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    filter: str | Mapping[str, Any] | None = None,
    max_results: int = 200,
    *,
    sort: str | None = None,
    select: Iterable[str] | None = None,
    progress: bool | None = None,
    warn: bool = True,
    **http_options: Any,
) -> Corpus:
    """Load works from OpenAlex into a Corpus: a search, a filter, or DOIs / ids looked up.

    Each page of works goes through the parser of :func:`paperlens.read_openalex`.

    Parameters
    ----------
    search : str, optional
        Full-text search words (OpenAlex's ``search=``).
    dois : iterable of str, optional
        DOIs to look up (arXiv ids are accepted and looked up by their arXiv DOI).
    ids : iterable of str, optional
        OpenAlex work ids (``W…``) or any DOI / arXiv id to look up.
    filter : str or mapping, optional
        An OpenAlex filter, as text (``"publication_year:2023,type:article"``) or a dict.
    max_results : int, default 200
        The most works a search or filter returns (paged 100 at a time).
    sort : str, optional
        OpenAlex ``sort=`` (``"cited_by_count:desc"``).
    select : iterable of str, optional
        Fields to ask for (OpenAlex ``select=``); the parser reads partial records.
    {source options}

    Returns
    -------
    Corpus
        The works; its ``report`` names the query, counts the works, and lists
        ids that were not found or failed.

    Examples
    --------
    >>> import paperlens as pl
    >>> soups = pl.from_openalex(search="model soups", max_results=50)  # doctest: +SKIP
    >>> cited = pl.from_openalex(filter={"publication_year": 2022}, sort="cited_by_count:desc")  # doctest: +SKIP
    >>> pl.from_openalex(dois=["10.7717/peerj.4375"])[0].openalex_id  # doctest: +SKIP
    'W2741809807'
    """
    check_max_results(max_results)
    client = http.client(**http_options)
    lookup_values = [*(dois or ()), *(ids or ())]
    if isinstance(dois, str) or isinstance(ids, str):
        raise InvalidArgumentError("dois= and ids= take a list of identifiers, not one string")
    if not search and not filter and not lookup_values:
        raise InvalidArgumentError("from_openalex needs search=, filter=, dois= or ids=")
    select_list = list(select) if select else None
    if lookup_values:
        if search or filter:
            raise InvalidArgumentError("give either ids/dois to look up, or search/filter, not both")
        collector = Collector(describe("OpenAlex", ids=lookup_values), "openalex-api")
        doi_values, work_ids, bad = _split_ids(lookup_values)
        collector.missing(bad, "not a DOI, arXiv id or OpenAlex work id")
        for kind, values in (("doi", doi_values), ("openalex", work_ids)):
            if not values:
                continue
            found = lookup_works(values, kind, select=select_list, progress=progress, client=client)
            if not found.found and found.failed and len(found.failed) == len(values):
                raise SourceError(f"OpenAlex look-up failed: {next(iter(found.failed.values()))}")
            works = list(found.found.values())
            name = f"{collector.report.file} ({kind} look-ups)"
            collector.add(parse_openalex(_page_text(works), name))
            collector.missing(found.missing, "not found in OpenAlex")
            for value, reason in found.failed.items():
                collector.missing([value], f"request failed: {reason}")
                collector.failures.append(f"{value}: {reason}")
        return collector.corpus(warn=warn)
    params: dict[str, Any] = {"search": search or None, "filter": _filter_text(filter), "sort": sort}
    if select_list:
        params["select"] = ",".join(select_list)
    collector = Collector(
        describe("OpenAlex", search=search, filter=_filter_text(filter), sort=sort, max_results=max_results),
        "openalex-api",
    )
    _list_works(collector, client, params, max_results, progress, "search" if search else "filter")
    return collector.corpus(warn=warn)
