"""OpenAlex works: one work, a list of works, an API page, or zip files of pages.

OpenAlex's work record changed shape over the years; every generation reads:

- 2022: the venue under ``host_venue``, subjects as ``concepts``;
- 2023: ``primary_location.source`` beside ``host_venue``; concept scores sometimes strings;
- 2024 on: ``primary_location.source`` only, subjects as ``topics`` (and ``keywords``).

Records cut down with the API's ``select=`` parameter read too, as far as they
go (a record needs a ``title`` or ``display_name`` to become a paper). The
abstract is rebuilt from ``abstract_inverted_index``; ``referenced_works``
become the paper's references as OpenAlex ``W`` ids.

Examples
--------
>>> abstract_from_inverted_index({"Soups": [0], "of": [1, 3], "models": [2], "weights": [4]})
'Soups of models of weights'
>>> papers, report = parse_openalex('{"id": "https://openalex.org/W1", "display_name": "A", "publication_year": 2020}')
>>> papers[0].openalex_id, papers[0].year, report.records
('W1', 2020, 1)
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import ParseError
from ..ids import normalize_arxiv_id, normalize_doi, normalize_openalex_id
from ..record import Paper
from ..report import FileReport
from ..text import normalize_space, strip_markup
from .base import Parsed, assemble, decode, one_or_many, read_text
from .mapping import RecordError, put_publication

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = [
    "abstract_from_inverted_index",
    "paper_from_work",
    "parse_openalex",
    "read_openalex",
    "work_fields",
]

CONCEPT_MIN_SCORE = 0.3
"""Concepts (the pre-2024 subjects) scoring below this are not kept as categories."""

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)", re.I)


def abstract_from_inverted_index(index: Any) -> str | None:
    """The plain-text abstract from OpenAlex's ``{word: [positions]}`` index (``None`` if empty)."""
    if not isinstance(index, Mapping) or not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            raise RecordError(f"abstract_inverted_index[{word!r}] is not a list of positions")
        for position in positions:
            if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                raise RecordError(f"abstract_inverted_index[{word!r}] has a bad position {position!r}")
            slots[position] = str(word)
    text = " ".join(slots[i] for i in sorted(slots))
    return normalize_space(text) or None


def _get(record: Mapping[str, Any], *path: str) -> Any:
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _score(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _venue(work: Mapping[str, Any]) -> str | None:
    for path in (("primary_location", "source", "display_name"), ("host_venue", "display_name")):
        name = _get(work, *path)
        if isinstance(name, str) and name.strip():
            return normalize_space(name)
    return None


def _categories(work: Mapping[str, Any]) -> tuple[str, ...]:
    topics = work.get("topics")
    names: list[str] = []
    if isinstance(topics, list) and topics:
        names = [t.get("display_name") for t in topics if isinstance(t, Mapping)]
    elif isinstance(work.get("primary_topic"), Mapping):
        names = [work["primary_topic"].get("display_name")]
    elif isinstance(work.get("concepts"), list):
        concepts = [c for c in work["concepts"] if isinstance(c, Mapping)]
        concepts.sort(key=lambda c: -_score(c.get("score")))
        names = [c.get("display_name") for c in concepts if _score(c.get("score")) >= CONCEPT_MIN_SCORE]
    return tuple(dict.fromkeys(normalize_space(n) for n in names if isinstance(n, str) and n.strip()))


def _arxiv_id(work: Mapping[str, Any], doi: str | None) -> str | None:
    if doi and doi.startswith("10.48550/arxiv."):
        return normalize_arxiv_id(doi)
    locations = work.get("locations") if isinstance(work.get("locations"), list) else []
    for location in [work.get("primary_location"), *locations]:
        if not isinstance(location, Mapping):
            continue
        for key in ("landing_page_url", "pdf_url"):
            url = location.get(key)
            match = _ARXIV_URL.search(url) if isinstance(url, str) else None
            if match:
                found = normalize_arxiv_id(match.group(1))
                if found:
                    return found
    return None


def _listed(value: Any) -> list[Any]:
    """A JSON list as given; anything else (``null``, a number, an object) as no items."""
    return value if isinstance(value, list) else []


def _authors(work: Mapping[str, Any]) -> tuple[str, ...]:
    names = []
    for authorship in _listed(work.get("authorships")):
        if not isinstance(authorship, Mapping):
            continue
        name = _get(authorship, "author", "display_name") or authorship.get("raw_author_name")
        if isinstance(name, str) and name.strip():
            names.append(normalize_space(name))
    return tuple(names)


def _count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecordError(f"{name} {value!r} is not a whole number >= 0")
    return value


def work_fields(work: Mapping[str, Any]) -> dict[str, Any]:
    """The :class:`Paper` fields an OpenAlex work holds (only those present; no title check).

    Raises :class:`RecordError` for a value that cannot be understood.
    """
    if not isinstance(work, Mapping):
        raise RecordError(f"expected a work object, got {type(work).__name__}")
    ids = work.get("ids") if isinstance(work.get("ids"), Mapping) else {}
    out: dict[str, Any] = {}
    openalex = normalize_openalex_id(work.get("id") or ids.get("openalex") or "")
    if work.get("id") and not openalex:
        raise RecordError(f"id {work.get('id')!r:.80} is not an OpenAlex work id")
    if openalex:
        out["openalex_id"] = openalex
    doi_raw = work.get("doi") or ids.get("doi")
    doi = normalize_doi(doi_raw) if doi_raw else None
    if doi_raw and not doi:
        raise RecordError(f"doi {doi_raw!r:.80} is not a DOI")
    if doi:
        out["doi"] = doi
    arxiv = _arxiv_id(work, doi)
    if arxiv:
        out["arxiv_id"] = arxiv
    title = work.get("title") or work.get("display_name")
    if isinstance(title, str) and title.strip():
        out["title"] = strip_markup(normalize_space(title))  # publisher tags: <i>, <scp>, <sub> ...
    if "abstract_inverted_index" in work:
        abstract = abstract_from_inverted_index(work.get("abstract_inverted_index"))
        if abstract:
            out["abstract"] = strip_markup(abstract) or None
    if "authorships" in work:
        out["authors"] = _authors(work)
    put_publication(
        out,
        year=work.get("publication_year"),
        date=work.get("publication_date"),
        venue=_venue(work),
        categories=_categories(work),
    )
    if "cited_by_count" in work:
        out["citation_count"] = _count(work.get("cited_by_count"), "cited_by_count")
    if isinstance(work.get("referenced_works"), list):
        refs = [normalize_openalex_id(r) for r in work["referenced_works"] if isinstance(r, str)]
        out["references"] = tuple(dict.fromkeys(r for r in refs if r))
    url = (
        f"https://doi.org/{doi}"
        if doi
        else _get(work, "primary_location", "landing_page_url")
        or (f"https://openalex.org/{openalex}" if openalex else None)
    )
    if isinstance(url, str) and url:
        out["url"] = url
    extra: dict[str, Any] = {}
    for key in ("type", "language", "is_retracted"):
        if work.get(key) is not None:
            extra[key] = work[key]
    for key in ("pmid", "mag"):
        if ids.get(key):
            extra[key] = str(ids[key])
    keywords = [k.get("display_name") for k in _listed(work.get("keywords")) if isinstance(k, Mapping)]
    keywords = [normalize_space(k) for k in keywords if isinstance(k, str) and k.strip()]
    if keywords:
        out["keywords"] = tuple(dict.fromkeys(keywords))
    oa_url = _get(work, "open_access", "oa_url")
    if oa_url:
        extra["oa_url"] = oa_url
    if extra:
        out["extra"] = extra
    return out


def paper_from_work(work: Mapping[str, Any]) -> Paper:
    """A :class:`Paper` from one OpenAlex work (any schema generation).

    Raises :class:`RecordError` when the work has no title or a value is unreadable.

    >>> paper_from_work({"id": "W2", "title": "T", "referenced_works": ["https://openalex.org/W1"]}).references
    ('W1',)
    """
    values = work_fields(work)
    title = values.pop("title", None)  # a null title is kept as "" (the work has its W id)
    return Paper.create(title=title, source="openalex", **values)


def _works(data: Any, file: str) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        if isinstance(data.get("results"), list):
            return data["results"]
        if "error" in data and "id" not in data:
            raise ParseError(
                f"an OpenAlex error answer, not works: {data.get('error')}: {data.get('message')}", file=file
            )
        return [data]
    raise ParseError(f"expected an OpenAlex work, list of works or API page, got {type(data).__name__}", file=file)


def parse_openalex(text: str, file: str = "<openalex>") -> Parsed:
    """Parse OpenAlex JSON: one work, a list of works, or an API page ``{"meta": ..., "results": [...]}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno) from None
    report = FileReport(file=file, format="openalex")
    papers: list[Paper] = []
    for i, work in enumerate(_works(data, file), start=1):
        where = f"work {i}"
        if isinstance(work, Mapping) and work.get("id"):
            where += f" ({work['id']})"
        report.take(papers, where, lambda work=work: paper_from_work(work))
    if isinstance(data, Mapping) and isinstance(data.get("meta"), Mapping):
        count = data["meta"].get("count")
        if isinstance(count, int) and count > report.records:
            report.notes.append(f"one page of {report.records} of {count} results")
    return papers, report


def _parse_zip(path: Path) -> list[Parsed]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not a readable zip file ({exc})", file=str(path)) from None
    parts = []
    with archive:
        names = sorted(
            (n for n in archive.namelist() if n.lower().endswith(".json") and not n.endswith("/")),
            key=_natural,
        )
        if not names:
            raise ParseError("the zip file holds no .json pages", file=str(path))
        for name in names:
            parts.append(parse_openalex(decode(archive.read(name)), f"{path}:{name}"))
    return parts


def _natural(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


@shared_doc
def read_openalex(path: str | os.PathLike[str] | Any, *, warn: bool = True) -> Corpus:
    """Read OpenAlex works from ``.json`` files and ``.zip`` files of JSON pages into a Corpus.

    Each page inside a zip gets its own entry in the load report.

    {reader sections}
    >>> import paperlens as pl, json, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "page.json")
    >>> page = {"meta": {"count": 1}, "results": [{"id": "W9", "display_name": "Nine", "referenced_works": []}]}
    >>> _ = open(path, "w").write(json.dumps(page))
    >>> pl.read_openalex(path).ids
    ['W9']
    """
    parts: list[Parsed] = []
    for p in one_or_many(path):
        if p.suffix.lower() == ".zip":
            parts.extend(_parse_zip(p))
        else:
            parts.append(parse_openalex(read_text(p), str(p)))
    return assemble(parts, warn=warn)
