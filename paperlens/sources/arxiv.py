"""arXiv: the ``export.arxiv.org/api/query`` Atom API, searched or asked for ids.

A search pages through ``start``/``max_results`` until ``max_results`` papers or
the end of arXiv's ``totalResults``. Ids are asked for 100 a request in
``id_list``; ids arXiv does not return are reported as not found. arXiv asks for
three seconds between requests: that is the default ``min_interval`` for its host.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..corpus import Corpus
from ..docstrings import shared_doc
from ..errors import InvalidArgumentError, ParseError, SourceError
from ..ids import normalize_arxiv_id
from ..io.arxiv_atom import check_arxiv_xml, parse_arxiv_feed
from . import http
from .loading import Collector, batches, check_max_results, describe

__all__ = ["API_URL", "from_arxiv"]

API_URL = "https://export.arxiv.org/api/query"
PAGE_SIZE = 100
ID_BATCH = 100
SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
SORT_ORDER = ("ascending", "descending")

_decode = http.xml_decoder(check_arxiv_xml)


def _fetch(client: http.Client, params: dict[str, Any], name: str) -> Any:
    text = client.request("GET", API_URL, params=params, source="arxiv", decode=_decode)
    try:
        return parse_arxiv_feed(text, name)
    except ParseError as exc:
        raise SourceError(str(exc)) from None


@shared_doc
def from_arxiv(
    query: str | None = None,
    ids: Iterable[str] | None = None,
    max_results: int = 100,
    *,
    sort_by: str = "relevance",
    sort_order: str = "descending",
    page_size: int = PAGE_SIZE,
    progress: bool | None = None,
    warn: bool = True,
    **http_options: Any,
) -> Corpus:
    """Load papers from the arXiv API: a search query, or arXiv ids.

    The Atom feed it answers goes through the parser that reads saved ``.atom`` files.

    Parameters
    ----------
    query : str, optional
        An arXiv search query (``"all:model soups"``, ``"cat:cs.LG AND ti:adapter"``).
    ids : iterable of str, optional
        arXiv ids, old or new style, with or without version (``"quant-ph/0201082"``, ``"2104.12255v1"``).
    max_results : int, default 100
        The most papers a search returns.
    sort_by, sort_order : str
        arXiv's ``sortBy`` (relevance, lastUpdatedDate, submittedDate) and ``sortOrder``.
    page_size : int, default 100
        Papers a request (arXiv allows up to 2000; small pages are gentler).
    {source options}

    Examples
    --------
    >>> import paperlens as pl
    >>> recent = pl.from_arxiv("cat:cs.LG AND abs:adapter", max_results=50, sort_by="submittedDate")  # doctest: +SKIP
    >>> pl.from_arxiv(ids=["2203.05482", "quant-ph/0201082"]).ids  # doctest: +SKIP
    ['2203.05482', 'quant-ph/0201082']
    """
    check_max_results(max_results)
    if isinstance(ids, str):
        raise InvalidArgumentError("ids= takes a list of arXiv ids, not one string")
    if sort_by not in SORT_BY:
        raise InvalidArgumentError(f"sort_by must be one of {', '.join(SORT_BY)}, not {sort_by!r}")
    if sort_order not in SORT_ORDER:
        raise InvalidArgumentError(f"sort_order must be 'ascending' or 'descending', not {sort_order!r}")
    id_list = [str(i).strip() for i in ids or ()]
    if not query and not id_list:
        raise InvalidArgumentError("from_arxiv needs query= or ids=")
    if query and id_list:
        raise InvalidArgumentError("give either query= or ids=, not both")
    client = http.client(**http_options)
    if id_list:
        return _by_ids(client, id_list, progress, warn)
    collector = Collector(describe("arXiv", query=query, max_results=max_results), "arxiv-api")
    size = max(1, min(int(page_size), 2000, max_results))
    pages = math.ceil(max_results / size)
    got = 0
    start = 0
    with http.progress_bar(pages, "arXiv search", progress) as bar:
        while got < max_results:
            params = {
                "search_query": query,
                "start": start,
                "max_results": min(size, max_results - got),
                "sortBy": sort_by,
                "sortOrder": sort_order,
            }
            try:
                feed = _fetch(client, params, f"{collector.report.file}, start={start}")
            except SourceError as exc:
                if got == 0 and start == 0:
                    raise
                collector.failed(f"page at start={start}", exc)
                break
            bar.update(1)
            if start == 0 and feed.total_results is not None:
                collector.note(f"arXiv counts {feed.total_results} matching papers")
            collector.add((feed.papers, feed.report))
            got += feed.entries
            start += feed.entries
            if feed.entries == 0 or (feed.total_results is not None and start >= feed.total_results):
                break
    return collector.corpus(warn=warn)


def _by_ids(client: http.Client, id_list: list[str], progress: bool | None, warn: bool) -> Corpus:
    collector = Collector(describe("arXiv", ids=id_list), "arxiv-api")
    wanted: dict[str, str] = {}  # id as sent (version kept) -> normalised id
    for raw in id_list:
        norm = normalize_arxiv_id(raw)
        if norm is None:
            collector.missing([raw], "not an arXiv id")
            continue
        sent = raw.removeprefix("arXiv:").removeprefix("arxiv:").strip()
        if normalize_arxiv_id(sent) != norm:
            sent = norm
        wanted.setdefault(sent, norm)
    groups = batches(list(wanted), ID_BATCH)
    with http.progress_bar(len(groups), "arXiv look-ups", progress) as bar:
        for number, group in enumerate(groups, start=1):
            params = {"id_list": ",".join(group), "start": 0, "max_results": len(group)}
            try:
                feed = _fetch(client, params, f"{collector.report.file}, batch {number}")
            except SourceError as exc:
                if len(groups) == 1:
                    raise
                collector.missing(group, f"request failed: {exc}")
                collector.failures.append(f"batch {number}: {exc}")
                bar.update(1)
                continue
            bar.update(1)
            collector.add((feed.papers, feed.report))
            returned = {p.arxiv_id for p in feed.papers}
            collector.missing([s for s in group if wanted[s] not in returned], "not found on arXiv")
    return collector.corpus(warn=warn)
