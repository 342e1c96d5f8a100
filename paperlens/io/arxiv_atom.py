"""arXiv API answers: the Atom feed of ``export.arxiv.org/api/query``.

Each ``<entry>`` becomes a paper: its arXiv id (old-style ids such as
``quant-ph/0201082`` kept, the version dropped and kept in ``extra``), title,
abstract, authors, first-submission date, categories (primary first), DOI, and
journal reference and comment in ``extra``. An error answer (a single entry
whose id points at ``/api/errors``) raises :class:`ParseError` with arXiv's
message; an empty feed gives no papers and says so in the report.

Examples
--------
>>> feed = '''<feed xmlns="http://www.w3.org/2005/Atom"><entry>
... <id>http://arxiv.org/abs/quant-ph/0201082v1</id><title>Quantum
...   Languages</title><summary> Q. </summary><published>2002-01-18T15:08:05Z</published>
... <author><name>Stephen Blaha</name></author></entry></feed>'''
>>> papers, report = parse_arxiv_atom(feed)
>>> papers[0].id, papers[0].title, papers[0].date.isoformat(), papers[0].extra["version"]
('quant-ph/0201082', 'Quantum Languages', '2002-01-18', 'v1')
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from ..errors import ParseError
from ..ids import normalize_arxiv_id, normalize_doi
from ..record import Paper
from ..report import FileReport
from ..text import normalize_space
from .base import Parsed
from .mapping import RecordError, parse_date

__all__ = ["ArxivFeed", "check_arxiv_xml", "parse_arxiv_atom", "parse_arxiv_feed"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_VERSION = re.compile(r"(v\d+)$")


@dataclass
class ArxivFeed:
    """One parsed feed: its papers, report, and the paging numbers arXiv gave."""

    papers: list[Paper]
    report: FileReport
    total_results: int | None
    start_index: int | None
    entries: int


def _root(text: str, file: str) -> ET.Element:
    if re.search(r"<!(?:DOCTYPE|ENTITY)", text[:4096], re.I):
        raise ParseError("refusing XML with a DOCTYPE or ENTITY declaration (an arXiv feed has none)", file=file)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ParseError(f"not well-formed XML ({exc})", file=file, line=line) from None
    if root.tag != f"{ATOM}feed":
        raise ParseError(f"expected an Atom <feed>, found <{root.tag}>", file=file)
    return root


def check_arxiv_xml(text: str) -> None:
    """Raise ``ValueError`` when ``text`` is not a well-formed Atom feed (used to reject cut-off answers)."""
    _root(text, "<arXiv answer>")


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    if found is None or found.text is None:
        return None
    return found.text


def _int(element: ET.Element, tag: str) -> int | None:
    value = _text(element, tag)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _paper(entry: ET.Element) -> Paper:
    raw_id = _text(entry, f"{ATOM}id") or ""
    arxiv = normalize_arxiv_id(raw_id.strip())
    if not arxiv:
        raise RecordError(f"id {raw_id.strip()!r:.80} is not an arXiv id")
    title = normalize_space(_text(entry, f"{ATOM}title") or "")
    version = _VERSION.search(raw_id.strip())
    categories = [c.get("term") for c in entry.findall(f"{ATOM}category")]
    primary = entry.find(f"{ARXIV}primary_category")
    if primary is not None and primary.get("term"):
        categories.insert(0, primary.get("term"))
    doi_raw = _text(entry, f"{ARXIV}doi")
    doi = normalize_doi(doi_raw.strip()) if doi_raw else None
    extra: dict[str, Any] = {}
    if version:
        extra["version"] = version.group(1)
    for tag, name in (("journal_ref", "journal_ref"), ("comment", "comment")):
        value = _text(entry, f"{ARXIV}{tag}")
        if value and value.strip():
            extra[name] = normalize_space(value)
    updated = parse_date(_text(entry, f"{ATOM}updated"))
    if updated:
        extra["updated"] = updated.isoformat()
    summary = _text(entry, f"{ATOM}summary")
    authors = [normalize_space(_text(a, f"{ATOM}name") or "") for a in entry.findall(f"{ATOM}author")]
    return Paper.create(
        title=title,
        abstract=normalize_space(summary) if summary and summary.strip() else None,
        authors=tuple(a for a in authors if a),
        date=parse_date(_text(entry, f"{ATOM}published")),
        categories=tuple(dict.fromkeys(c for c in categories if c)),
        arxiv_id=arxiv,
        doi=doi,
        url=f"https://arxiv.org/abs/{arxiv}",
        source="arxiv",
        extra=extra,
    )


def parse_arxiv_feed(text: str, file: str = "<arxiv>") -> ArxivFeed:
    """Parse an arXiv Atom feed with its paging numbers (``opensearch:totalResults`` and ``startIndex``)."""
    root = _root(text, file)
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        entry_id = _text(entry, f"{ATOM}id") or ""
        if "/api/errors" in entry_id:
            message = normalize_space(_text(entry, f"{ATOM}summary") or "unknown error")
            raise ParseError(f"arXiv API error: {message}", file=file)
    report = FileReport(file=file, format="arxiv-atom")
    papers: list[Paper] = []
    for i, entry in enumerate(entries, start=1):
        report.take(papers, f"entry {i}", lambda entry=entry: _paper(entry))
    total = _int(root, f"{OPENSEARCH}totalResults")
    if not entries:
        report.notes.append(f"the feed has no entries (totalResults {total if total is not None else 'not given'})")
    return ArxivFeed(papers, report, total, _int(root, f"{OPENSEARCH}startIndex"), len(entries))


def parse_arxiv_atom(text: str, file: str = "<arxiv>") -> Parsed:
    """Parse an arXiv API Atom feed into papers and a report."""
    feed = parse_arxiv_feed(text, file)
    return feed.papers, feed.report
