"""From a flat mapping (a JSON object, a CSV row, a DataFrame row) to a :class:`Paper`.

Column names are matched case-insensitively through a table of common aliases
(``doi``/``DOI``, ``arxiv``/``eprint``, ``author``/``authors``, ...). Values are
cleaned and identifiers normalised; anything not recognised goes into ``extra``.
A value that cannot be understood raises :class:`RecordError` with the field and
the value, which the reader turns into a skip naming the file and record.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from ..errors import RecordError
from ..ids import normalize_arxiv_id, normalize_doi, normalize_openalex_id, normalize_s2_id, parse_identifier
from ..record import Paper
from ..text import normalize_space

__all__ = ["ALIASES", "RecordError", "paper_from_mapping", "parse_date", "parse_label", "split_list"]

# Field -> accepted column names (compared case-insensitively, spaces/dashes as underscores).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "paper_id", "paperid", "key", "citation_key", "citekey"),
    "title": ("title", "paper_title", "name", "ti", "article_title", "document_title"),
    "abstract": ("abstract", "summary", "ab", "description"),
    "authors": ("authors", "author", "author_names", "au", "creators", "author_full_names"),
    "year": ("year", "publication_year", "py", "pub_year"),
    "date": ("date", "published", "publication_date", "pub_date", "published_date", "da"),
    "date_source": ("date_source",),
    "venue": ("venue", "journal", "booktitle", "source_title", "publication", "container_title", "jo", "t2"),
    "categories": ("categories", "category", "primary_category", "topics", "subjects"),
    "keywords": ("keywords", "keyword", "author_keywords", "kw", "de"),
    "doi": ("doi", "do"),
    "arxiv_id": ("arxiv_id", "arxiv", "eprint", "arxivid", "arxiv_id_"),
    "openalex_id": ("openalex_id", "openalex"),
    "s2_id": ("s2_id", "paperid_s2", "semantic_scholar_id", "corpusid_s2"),
    "url": ("url", "link", "ur", "pdf_url"),
    "references": ("references", "referenced_works", "cited", "refs"),
    "citation_count": ("citation_count", "cited_by_count", "citations", "citationcount", "times_cited", "cited_by"),
    "source": ("source",),
    "label": ("label", "label_included", "included"),
    "tags": ("tags", "tag"),
    "note": ("note", "notes", "annote", "annotation"),
    "extra": ("extra",),
}
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}


def _key(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", str(name).strip().lower())


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    import pandas as pd  # a hard dependency; imported here to keep the readers' import light

    return value is pd.NaT or value is pd.NA


def split_list(value: Any, separators: str = ";") -> tuple[str, ...]:
    """A list field from a list, a JSON list in a string, or text split on ``separators``.

    >>> split_list("Ada Lovelace; Alan Turing")
    ('Ada Lovelace', 'Alan Turing')
    >>> split_list('["cs.LG", "cs.CL"]')
    ('cs.LG', 'cs.CL')
    """
    if _missing(value):
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, list):
                return split_list(parsed)
        parts = re.split("[" + re.escape(separators) + "]", text) if separators else [text]
        return tuple(normalize_space(p) for p in parts if p.strip())
    if isinstance(value, Mapping):
        raise RecordError(f"expected a list, got a mapping {dict(value)!r:.80}")
    try:
        items = list(value)
    except TypeError:
        return (str(value),)
    out = []
    for item in items:
        if _missing(item):
            continue
        if isinstance(item, Mapping):  # {"name": ...} author objects
            name = item.get("name") or item.get("display_name") or item.get("full_name")
            if name:
                out.append(normalize_space(str(name)))
            continue
        out.append(normalize_space(str(item)))
    return tuple(out)


_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_FUTURE_SLACK_YEARS = 1


def parse_year(value: Any) -> int | None:
    """A publication year, or ``None`` for "n.d." and the like; raises RecordError for nonsense."""
    if _missing(value):
        return None
    if isinstance(value, bool):
        raise RecordError(f"year {value!r} is not a year")
    latest = dt.date.today().year + _FUTURE_SLACK_YEARS + 50
    if isinstance(value, (int, float)):  # no float() of an int: a huge one overflows
        if (isinstance(value, int) or value.is_integer()) and 1000 <= value <= latest:
            return int(value)
        raise RecordError(f"year {value!r:.40} is not a plausible year")
    text = str(value).strip()
    if text.casefold().strip(".") in ("n d", "nd", "n.d", "no date", "unknown", "forthcoming", "in press", "s d"):
        return None
    match = _YEAR.match(text) or re.match(r"^\s*(\d{4})\b", text)
    if match:
        if not 1000 <= int(match.group(1)) <= latest:  # the rule for numbers: 9999 is a placeholder, not a year
            raise RecordError(f"year {text!r:.60} is not a plausible year")
        return int(match.group(1))
    raise RecordError(f"year {text!r:.60} is not a year")


def parse_date(value: Any) -> dt.date | None:
    """A full date from ISO text (``2023-02-17``, ``2023-02-17T10:00:00Z``) or a date; else ``None``.

    A year or year-month alone is not a date (the year is kept by :func:`parse_year`).
    """
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    text = str(value).strip()
    match = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$", text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise RecordError(f"date {text!r} is not a valid date ({exc})") from None


def _count(value: Any) -> int | None:
    if _missing(value):
        return None
    if isinstance(value, (int, str)) and not isinstance(value, bool) and re.fullmatch(r"\s*[0-9]+\s*", str(value)):
        return int(value)  # exact: through float, 2**63 - 1 would become 2**63
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise RecordError(f"citation count {value!r:.40} is not a number") from None
    if number < 0 or not number.is_integer():
        raise RecordError(f"citation count {value!r} is not a whole number >= 0")
    return int(number)


def put_publication(out: dict[str, Any], *, year: Any, date: Any, venue: Any, categories: Any) -> None:
    """Put into ``out`` the publication fields a service record gives (year from the date when missing).

    >>> out = {}
    >>> put_publication(out, year=None, date="2023-02-17", venue="", categories=("cs.LG",))
    >>> out
    {'date': datetime.date(2023, 2, 17), 'year': 2023, 'categories': ('cs.LG',)}
    """
    year, date = parse_year(year), parse_date(date)
    if year is not None:
        out["year"] = year
    if date is not None:
        out["date"] = date
        out.setdefault("year", date.year)
    if venue:
        out["venue"] = venue
    if categories:
        out["categories"] = categories


_LABEL_VALUES = {
    "relevant": "relevant",
    "irrelevant": "irrelevant",
    "1": "relevant",
    "0": "irrelevant",
    "-1": None,  # ASReview: not seen
    "true": "relevant",
    "false": "irrelevant",
    "included": "relevant",
    "excluded": "irrelevant",
}


def parse_label(value: Any) -> str | None:
    """A screening label from ``relevant``/``irrelevant``, ASReview's ``1``/``0``/``-1`` or a boolean.

    >>> parse_label("relevant"), parse_label(1), parse_label("0"), parse_label(-1), parse_label(None)
    ('relevant', 'relevant', 'irrelevant', None, None)
    """
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = str(value).strip().lower()
    if key not in _LABEL_VALUES:
        raise RecordError(f"label {value!r:.40} is not relevant/irrelevant (or 1/0, -1 for not seen)")
    return _LABEL_VALUES[key]


def normalize_reference(value: str) -> str:
    """A reference as its normalised identifier when it is one, else the text as given."""
    parsed = parse_identifier(value)
    return parsed[1] if parsed else normalize_space(value)


def _listed(value: Any) -> tuple[str, ...]:
    """Categories or keywords: a list, or text split on ``;`` when it has one, else on ``,``.

    >>> _listed("Physics, applied; optics"), _listed("cs.LG, cs.CL")
    (('Physics, applied', 'optics'), ('cs.LG', 'cs.CL'))
    """
    if isinstance(value, str):
        return split_list(value, ";" if ";" in value else ",")
    return split_list(value)


def paper_from_mapping(record: Mapping[str, Any], *, source: str | None = None) -> Paper:
    """Build a Paper from a flat mapping with common column names.

    >>> paper_from_mapping({"Title": "A", "Authors": "X; Y", "Year": "2020", "DOI": "https://doi.org/10.1000/AB"})
    <Paper 10.1000/ab: 'A', X et al., 2020>

    Raises :class:`RecordError` when a field cannot be understood or the title is missing.
    """
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, value in record.items():
        field = _LOOKUP.get(_key(name))
        if field is None or field in values:
            if not _missing(value):
                extra[str(name)] = value
            continue
        values[field] = value
    if isinstance(values.get("extra"), Mapping):
        extra = {**dict(values["extra"]), **extra}
    elif isinstance(values.get("extra"), str) and values["extra"].strip().startswith("{"):
        try:
            extra = {**json.loads(values["extra"]), **extra}
        except json.JSONDecodeError:
            extra["extra"] = values["extra"]
    title = values.get("title")
    if _missing(title):
        title = ""  # Paper.create keeps an untitled record only if something else identifies it
    date = parse_date(values.get("date"))
    year = parse_year(values.get("year"))
    if year is None and not _missing(values.get("date")) and date is None:
        year = parse_year(str(values["date"])[:4]) if re.match(r"^\d{4}", str(values["date"])) else None
    if year is None and date is not None:
        year = date.year
    doi_raw = values.get("doi")
    doi = normalize_doi(doi_raw) if not _missing(doi_raw) else None
    if not _missing(doi_raw) and doi is None:
        raise RecordError(f"doi {doi_raw!r:.80} is not a DOI")
    arxiv_raw = values.get("arxiv_id")
    arxiv = normalize_arxiv_id(str(arxiv_raw)) if not _missing(arxiv_raw) else None
    if not _missing(arxiv_raw) and arxiv is None:
        raise RecordError(f"arxiv id {arxiv_raw!r:.80} is not an arXiv id")
    ident = values.get("id")
    explicit_id = None
    if not _missing(ident):
        parsed = parse_identifier(str(ident))
        if str(ident).startswith("pl:"):  # a paperlens fallback id, written by us
            explicit_id = str(ident)
        elif parsed:
            kind, norm = parsed
            if kind == "arxiv":
                arxiv = arxiv or norm
            elif kind == "doi":
                doi = doi or norm
            elif kind == "openalex":
                values.setdefault("openalex_id", norm)
            elif kind == "s2":
                values.setdefault("s2_id", norm)
        else:
            extra.setdefault("original_id", str(ident))
    if doi and doi.startswith("10.48550/arxiv."):
        arxiv = arxiv or normalize_arxiv_id(doi)
    openalex = normalize_openalex_id(str(values["openalex_id"])) if not _missing(values.get("openalex_id")) else None
    s2 = normalize_s2_id(str(values["s2_id"])) if not _missing(values.get("s2_id")) else None
    abstract = values.get("abstract")
    venue = values.get("venue")
    url = values.get("url")
    return Paper.create(
        id=explicit_id,
        title=normalize_space(str(title)),
        abstract=None if _missing(abstract) else str(abstract).strip(),
        authors=split_list(values.get("authors")),
        year=year,
        date=date,
        date_source=None if _missing(values.get("date_source")) else str(values["date_source"]),
        venue=None if _missing(venue) else normalize_space(str(venue)),
        categories=_listed(values.get("categories")),
        keywords=_listed(values.get("keywords")),
        doi=doi,
        arxiv_id=arxiv,
        openalex_id=openalex,
        s2_id=s2,
        url=None if _missing(url) else str(url).strip(),
        references=tuple(normalize_reference(r) for r in split_list(values.get("references"))),
        citation_count=_count(values.get("citation_count")),
        source=source if _missing(values.get("source")) else str(values["source"]),
        label=parse_label(values.get("label")),
        tags=split_list(values.get("tags")),
        note=None if _missing(values.get("note")) else str(values["note"]).strip(),
        extra=extra,
    )
