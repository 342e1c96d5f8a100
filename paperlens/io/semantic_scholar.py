"""Semantic Scholar Academic Graph papers: one paper, a batch answer, a search page.

Reads what ``/graph/v1/paper/{id}``, ``POST /graph/v1/paper/batch`` (a list in
which ids it did not find are ``null``), ``/paper/search`` (``{"total", "offset",
"next", "data"}``) and the references/citations lists (items holding a
``citedPaper`` or ``citingPaper``) answer.

A paper's references become identifiers that resolve against other sources: the
cited paper's arXiv id when it has one, else its DOI, else its Semantic Scholar
id, else its title.

Examples
--------
>>> record = {"paperId": "2d5673caa9e6af3a7b82a43f19ee920992db07ad", "title": "Computing Machinery",
...           "externalIds": {"DOI": "10.1093/MIND/LIX.236.433"}, "year": 1950,
...           "references": [{"paperId": "aa", "externalIds": {"ArXiv": "1402.0030", "DOI": "10.1/x"}}]}
>>> paper = paper_from_s2(record)
>>> paper.id, paper.references
('10.1093/mind/lix.236.433', ('1402.0030',))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import ParseError
from ..ids import normalize_arxiv_id, normalize_doi, normalize_s2_id
from ..record import Paper
from ..report import FileReport
from ..text import normalize_space
from .base import Parsed
from .mapping import RecordError, put_publication

__all__ = ["paper_fields", "paper_from_s2", "parse_semantic_scholar", "reference_id"]


def reference_id(cited: Any) -> str | None:
    """The identifier a reference is kept as: arXiv id > DOI > S2 paper id > title (``None`` if nothing).

    >>> reference_id({"paperId": "0f40b1f08821e22e859c6050916cec3667778613", "externalIds": {"DOI": "10.2307/3610576"}})
    '10.2307/3610576'
    >>> reference_id({"paperId": None, "title": "An unresolved reference"})
    'An unresolved reference'
    """
    if not isinstance(cited, Mapping):
        return None
    external = cited.get("externalIds") if isinstance(cited.get("externalIds"), Mapping) else {}
    arxiv = normalize_arxiv_id(str(external.get("ArXiv") or ""))
    if arxiv:
        return arxiv
    doi = normalize_doi(str(external.get("DOI") or ""))
    if doi:
        return normalize_arxiv_id(doi) or doi
    s2 = normalize_s2_id(str(cited.get("paperId") or ""))
    if s2:
        return s2
    title = cited.get("title")
    if isinstance(title, str) and title.strip():
        return normalize_space(title)
    return None


def _venue(record: Mapping[str, Any]) -> str | None:
    for value in (
        record.get("venue"),
        (record.get("publicationVenue") or {}).get("name")
        if isinstance(record.get("publicationVenue"), Mapping)
        else None,
        (record.get("journal") or {}).get("name") if isinstance(record.get("journal"), Mapping) else None,
    ):
        if isinstance(value, str) and value.strip():
            return normalize_space(value)
    return None


def _items(value: Any) -> list[Any]:
    """A JSON list as given, a lone string as a list of one, anything else (``null``, ``true``...) as nothing."""
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def _categories(record: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for name in _items(record.get("fieldsOfStudy")):
        if isinstance(name, str):
            names.append(name)
    for entry in _items(record.get("s2FieldsOfStudy")):
        if isinstance(entry, Mapping) and isinstance(entry.get("category"), str):
            names.append(entry["category"])
    return tuple(dict.fromkeys(normalize_space(n) for n in names if n.strip()))


def paper_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """The :class:`Paper` fields a Semantic Scholar paper object holds (those present; no title check).

    Raises :class:`RecordError` for a value that cannot be understood.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"expected a paper object, got {type(record).__name__}")
    out: dict[str, Any] = {}
    s2 = normalize_s2_id(str(record.get("paperId") or ""))
    if record.get("paperId") and not s2:
        raise RecordError(f"paperId {record.get('paperId')!r:.60} is not a Semantic Scholar id")
    if s2:
        out["s2_id"] = s2
    external = record.get("externalIds")
    if external is not None and not isinstance(external, Mapping):
        raise RecordError(f"externalIds is a {type(external).__name__}, not an object")
    external = external or {}
    doi = normalize_doi(str(external.get("DOI") or ""))
    if doi:
        out["doi"] = doi
    arxiv = normalize_arxiv_id(str(external.get("ArXiv") or "")) or (normalize_arxiv_id(doi) if doi else None)
    if arxiv:
        out["arxiv_id"] = arxiv
    title = record.get("title")
    if isinstance(title, str) and title.strip():
        out["title"] = normalize_space(title)
    abstract = record.get("abstract")
    if isinstance(abstract, str) and abstract.strip():
        out["abstract"] = abstract.strip()
    if isinstance(record.get("authors"), list):
        out["authors"] = tuple(
            normalize_space(a["name"])
            for a in record["authors"]
            if isinstance(a, Mapping) and isinstance(a.get("name"), str) and a["name"].strip()
        )
    put_publication(
        out,
        year=record.get("year"),
        date=record.get("publicationDate"),
        venue=_venue(record),
        categories=_categories(record),
    )
    count = record.get("citationCount")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RecordError(f"citationCount {count!r} is not a whole number >= 0")
        out["citation_count"] = count
    if isinstance(record.get("references"), list):
        refs = [reference_id(r) for r in record["references"]]
        out["references"] = tuple(dict.fromkeys(r for r in refs if r))
    url = record.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        out["url"] = url
    extra: dict[str, Any] = {}
    for key, name in (("CorpusId", "corpus_id"), ("PubMed", "pmid"), ("DBLP", "dblp"), ("MAG", "mag")):
        if external.get(key) is not None:
            extra[name] = str(external[key])
    for key, name in (
        ("publicationTypes", "publication_types"),
        ("influentialCitationCount", "influential_citation_count"),
        ("referenceCount", "reference_count"),
        ("isOpenAccess", "is_open_access"),
    ):
        if record.get(key) is not None:
            extra[name] = record[key]
    pdf = record.get("openAccessPdf")
    if isinstance(pdf, Mapping) and pdf.get("url"):
        extra["oa_url"] = pdf["url"]
    tldr = record.get("tldr")
    if isinstance(tldr, Mapping) and tldr.get("text"):
        extra["tldr"] = tldr["text"]
    if extra:
        out["extra"] = extra
    return out


def paper_from_s2(record: Mapping[str, Any]) -> Paper:
    """A :class:`Paper` from one Semantic Scholar paper object.

    Raises :class:`RecordError` when the record has no title or a value is unreadable.
    """
    values = paper_fields(record)
    title = values.pop("title", None)
    if not title:
        raise RecordError("no title (ask for fields=title)")
    return Paper.create(title=title, source="semantic_scholar", **values)


def _records(data: Any, file: str) -> tuple[list[Any], str | None]:
    """The paper records of an answer, and a note about its shape."""
    if isinstance(data, list):
        return data, None
    if not isinstance(data, Mapping):
        raise ParseError(f"expected a Semantic Scholar paper, list or page, got {type(data).__name__}", file=file)
    if "data" in data and isinstance(data["data"], list):
        items = data["data"]
        note = None
        if isinstance(data.get("total"), int) and data["total"] > len(items):
            note = f"one page of {len(items)} of {data['total']} results"
        unwrapped = []
        for item in items:
            if isinstance(item, Mapping) and ("citedPaper" in item or "citingPaper" in item):
                unwrapped.append(item.get("citedPaper", item.get("citingPaper")))
            else:
                unwrapped.append(item)
        return unwrapped, note
    if ("error" in data or "message" in data) and "paperId" not in data:
        raise ParseError(
            f"a Semantic Scholar error answer, not papers: {data.get('error') or data.get('message')}", file=file
        )
    return [data], None


def parse_semantic_scholar(text: str, file: str = "<semantic-scholar>") -> Parsed:
    """Parse Semantic Scholar JSON: a paper, a batch list (``null`` entries skipped), or a search page."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    records, note = _records(data, file)
    report = FileReport(file=file, format="semantic-scholar")
    if note:
        report.notes.append(note)
    papers: list[Paper] = []
    for i, record in enumerate(records, start=1):
        if record is None:
            report.records += 1
            report.skip(f"entry {i}", "null: Semantic Scholar did not find this id")
            continue
        where = f"entry {i}" + (f" ({record.get('paperId')})" if isinstance(record, Mapping) else "")
        report.take(papers, where, lambda record=record: paper_from_s2(record))
    return papers, report
