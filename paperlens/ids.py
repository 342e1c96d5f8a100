"""Identifier normalisation: DOI, arXiv, OpenAlex, Semantic Scholar, titles.

Every identifier a reader meets goes through these functions, so the same paper
has the same id whichever file or service it came from.

Examples
--------
>>> normalize_doi("https://doi.org/10.1145/3292500.3330701")
'10.1145/3292500.3330701'
>>> normalize_arxiv_id("arXiv:2203.05482v3")
'2203.05482'
>>> normalize_arxiv_id("http://arxiv.org/abs/hep-th/9901001v2")
'hep-th/9901001'
>>> parse_identifier("W2741809807")
('openalex', 'W2741809807')
>>> title_key("Model Soups: averaging weights of multiple fine-tuned models")
'model soups averaging weights of multiple fine tuned models'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = [
    "arxiv_month",
    "fallback_id",
    "normalize_arxiv_id",
    "normalize_doi",
    "normalize_openalex_id",
    "normalize_s2_id",
    "paper_id",
    "parse_identifier",
    "title_key",
]

_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|"
    r"10\.48550/arxiv\.)",
    re.I,
)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z]+(?:-[a-z]+)*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$", re.I)
_OPENALEX = re.compile(r"^(?:https?://openalex\.org/)?(W\d+)$", re.I)
_S2 = re.compile(r"^(?:https?://www\.semanticscholar\.org/paper/(?:[^/]+/)?)?([0-9a-f]{40})$", re.I)


def normalize_doi(value: object) -> str | None:
    """Return the DOI lower-cased without resolver prefix, or ``None`` if not a DOI."""
    if not isinstance(value, str):
        return None
    text = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".")
    text = text.lower()
    return text if _DOI.match(text) else None


def normalize_arxiv_id(value: object) -> str | None:
    """Return the arXiv id without version, prefix or URL (old-style ids kept), or ``None``."""
    if not isinstance(value, str):
        return None
    text = _ARXIV_PREFIX.sub("", value.strip()).strip()
    text = re.sub(r"\.pdf$", "", text, flags=re.I)
    match = _ARXIV_NEW.match(text)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.match(text)
    if match:
        archive, number = match.group(1).split("/")
        head, _, subject = archive.partition(".")
        archive = head.lower() + ("." + subject.upper() if subject else "")
        return f"{archive}/{number}"
    return None


def arxiv_month(arxiv_id: str) -> tuple[int, int] | None:
    """The year and month an arXiv id was issued in, or ``None`` when the id does not encode one.

    New-style ids are ``YYMM.NNNN`` (April 2007 to December 2014) and ``YYMM.NNNNN``
    (from January 2015); old-style ids ``archive/YYMMNNN`` (August 1991 to March 2007).
    An id that does not fit its scheme's months gives ``None``.

    >>> arxiv_month("2203.05482"), arxiv_month("0704.0001"), arxiv_month("hep-th/9901001")
    ((2022, 3), (2007, 4), (1999, 1))
    >>> arxiv_month("0000.0000"), arxiv_month("1501.0001"), arxiv_month("1412.00001")
    (None, None, None)
    """
    import datetime as dt

    match = re.fullmatch(r"(\d\d)(\d\d)\.(\d{4,5})", arxiv_id) or re.fullmatch(r"[^/]+/(\d\d)(\d\d)\d{3}", arxiv_id)
    if not match:
        return None
    yy, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    if "/" in arxiv_id:
        year = 1900 + yy if yy >= 91 else 2000 + yy
        first, last = (1991, 8), (2007, 3)
    else:
        year = 2000 + yy
        first, last = ((2007, 4), (2014, 12)) if len(match.group(3)) == 4 else ((2015, 1), (9999, 12))
    today = dt.date.today()
    if not first <= (year, month) <= last or year * 12 + month > today.year * 12 + today.month + 1:
        return None
    return year, month


def normalize_openalex_id(value: object) -> str | None:
    """Return an OpenAlex work id as ``W123...``, or ``None``."""
    if not isinstance(value, str):
        return None
    match = _OPENALEX.match(value.strip())
    return "W" + match.group(1)[1:] if match else None


def normalize_s2_id(value: object) -> str | None:
    """Return a Semantic Scholar paper id (40 hex digits, lower case), or ``None``."""
    if not isinstance(value, str):
        return None
    match = _S2.match(value.strip())
    return match.group(1).lower() if match else None


def parse_identifier(value: object) -> tuple[str, str] | None:
    """Recognise an identifier: ``(kind, normalised)`` with kind doi/arxiv/openalex/s2.

    ``None`` when the text is none of them (a title, say).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    # An arXiv DOI (10.48550/arXiv.X) is the arXiv paper itself.
    arxiv = normalize_arxiv_id(text)
    if arxiv:
        return ("arxiv", arxiv)
    doi = normalize_doi(text)
    if doi:
        return ("doi", doi)
    openalex = normalize_openalex_id(text)
    if openalex:
        return ("openalex", openalex)
    s2 = normalize_s2_id(text)
    if s2:
        return ("s2", s2)
    return None


def title_key(title: object) -> str:
    """A title folded for matching: no accents, case, markup or punctuation."""
    if not isinstance(title, str):
        return ""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\\[a-zA-Z]+", " ", text)  # LaTeX commands
    text = re.sub(r"[^\w]+|_", " ", text.casefold())
    return " ".join(text.split())


def fallback_id(title: object, year: object = None, details: tuple[str, ...] = ()) -> str:
    """The stable id of a record with no DOI, arXiv, OpenAlex or S2 id.

    ``"pl:"`` then 12 hex digits of the SHA-1 of the folded title and the year, so
    the same title and year give the same id on every machine. A record without a
    title hashes its ``details`` (authors, venue, other fields) instead.

    >>> fallback_id("A Study of Things", 2021)
    'pl:f7915b5f8259'
    >>> fallback_id("", 1953, ("Gross", "Doklady", "p. 521")) != fallback_id("", 1953, ("Gross", "Doklady", "p. 9"))
    True
    """
    year_text = "" if year is None else str(year)
    folded = title_key(title)
    text = f"{folded}|{year_text}" if folded else "untitled|" + year_text + "|" + "|".join(details)
    digest = hashlib.sha1(text.encode()).hexdigest()
    return "pl:" + digest[:12]


def paper_id(
    *,
    arxiv_id: str | None = None,
    doi: str | None = None,
    openalex_id: str | None = None,
    s2_id: str | None = None,
    title: str | None = None,
    year: int | None = None,
    details: tuple[str, ...] = (),
) -> str:
    """The id paperlens gives a paper: its arXiv id, else DOI, OpenAlex id, S2 id, else :func:`fallback_id`.

    >>> paper_id(arxiv_id="2203.05482", doi="10.48550/arxiv.2203.05482")
    '2203.05482'
    >>> paper_id(doi="10.1000/xyz123")
    '10.1000/xyz123'
    """
    return arxiv_id or doi or openalex_id or s2_id or fallback_id(title, year, details)
