"""The :class:`Paper` record: one paper, whatever file or service it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from .ids import arxiv_month, normalize_arxiv_id, normalize_doi, normalize_openalex_id, normalize_s2_id, paper_id

__all__ = ["DERIVED_FROM_ARXIV_ID", "LABELS", "LIST_FIELDS", "PAPER_FIELDS", "TEXT_FIELDS", "Paper"]


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Paper:
    """One paper.

    Lists (``authors``, ``categories``, ``keywords``, ``references``) are tuples and
    ``extra`` is a read-only mapping, so a Paper cannot be changed by accident; use
    :meth:`replace` for a changed copy.

    ``categories`` are subject classes given by a service (arXiv categories,
    OpenAlex topics, Semantic Scholar fields of study); ``keywords`` are the
    words a library or its author attached (BibTeX ``keywords``, RIS ``KW``,
    OpenAlex keywords, Zotero tags such as "to read").

    A paper with neither year nor date whose arXiv id encodes its month
    (``2203.05482``: March 2022) gets that year and the first of that month as its
    date, with ``date_source="arxiv id"``; ``date_source`` is ``None`` for a date
    the record gave. A derived date never replaces a given one.

    ``references`` holds identifiers of cited works as the source gave them,
    normalised where recognised (arXiv id, DOI, OpenAlex ``W…`` id, Semantic
    Scholar id) or a title otherwise.

    ``label`` (``"relevant"``, ``"irrelevant"`` or ``None``), ``tags`` and ``note``
    are the reader's own annotations (see :meth:`Corpus.annotate`).

    Examples
    --------
    >>> import paperlens as pl
    >>> paper = pl.load_sample()["2203.05482"]
    >>> paper.title[:11], paper.arxiv_id, paper.year, paper.date_source  # its date was not confirmed
    ('Model soups', '2203.05482', 2022, 'arxiv id')
    >>> paper.replace(venue="ICML").venue
    'ICML'
    """

    id: str
    title: str
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    date: dt.date | None = None
    date_source: str | None = None
    venue: str | None = None
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    doi: str | None = None
    arxiv_id: str | None = None
    openalex_id: str | None = None
    s2_id: str | None = None
    url: str | None = None
    references: tuple[str, ...] = ()
    citation_count: int | None = None
    source: str | None = None
    label: str | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, normalize in _NORMALIZERS.items():
            value = getattr(self, name)
            if value == "":
                object.__setattr__(self, name, None)
            elif value is not None:
                normal = normalize(value)
                if normal is None:
                    from .errors import InvalidArgumentError

                    raise InvalidArgumentError(f"{name}={value!r} is not a valid {name.replace('_', ' ')}")
                if normal != value:
                    object.__setattr__(self, name, normal)
        for name in LIST_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, tuple):
                value = tuple(value) if value is not None else ()
                object.__setattr__(self, name, value)
        _check_annotations(self)
        if not isinstance(self.extra, MappingProxyType):
            object.__setattr__(self, "extra", _freeze(dict(self.extra or {})))
        if self.year is None and self.date is not None:
            object.__setattr__(self, "year", self.date.year)
        if self.year is None and self.date is None and self.arxiv_id and arxiv_month(self.arxiv_id):
            year, month = arxiv_month(self.arxiv_id)  # type: ignore[misc]
            object.__setattr__(self, "year", year)
            object.__setattr__(self, "date", dt.date(year, month, 1))
            object.__setattr__(self, "date_source", DERIVED_FROM_ARXIV_ID)
        # What a Corpus column can hold (Int64): a bigger number would break every corpus it joins.
        if self.year is not None and not 1 <= self.year <= 9999:
            from .errors import RecordError

            raise RecordError(f"year {self.year!r:.40} is not a year from 1 to 9999")
        if self.citation_count is not None and not 0 <= self.citation_count < 2**63:
            from .errors import RecordError

            raise RecordError(f"citation count {self.citation_count!r:.40} is not a whole number from 0 to 2**63 - 1")

    @classmethod
    def create(cls, *, title: str | None, **values: Any) -> Paper:
        """Build a Paper, deriving ``id`` from its identifiers when not given.

        A record without a title is kept (``title == ""``) when an identifier, or
        authors and a year, tell it apart; otherwise :class:`~paperlens.errors.RecordError`.

        >>> Paper.create(title="Attention", doi="10.1000/abc").id
        '10.1000/abc'
        >>> Paper.create(title="", authors=("A. Gross",), year=1952, venue="Doklady").title
        ''
        >>> Paper.create(title=None, venue="Doklady")
        Traceback (most recent call last):
        ...
        paperlens.errors.RecordError: no title, and no identifier or authors and year to tell the record apart
        """
        title = (title or "").strip()
        if not title and not (
            any(values.get(name) for name in ("id", *_NORMALIZERS))
            or (values.get("authors") and (values.get("year") or values.get("date")))
        ):
            from .errors import RecordError

            raise RecordError("no title, and no identifier or authors and year to tell the record apart")
        for name, normalize in _NORMALIZERS.items():
            if values.get(name):
                values[name] = normalize(values[name]) or values[name]  # invalid ones fail in __post_init__
        if not values.get("id"):
            year = values.get("year")
            date = values.get("date")
            if year is None and date is not None:
                year = date.year
            values["id"] = paper_id(
                arxiv_id=values.get("arxiv_id"),
                doi=values.get("doi"),
                openalex_id=values.get("openalex_id"),
                s2_id=values.get("s2_id"),
                title=title,
                year=year,
                details=() if title else _details(values),
            )
        return cls(title=title, **values)

    def replace(self, **changes: Any) -> Paper:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The record as plain Python values (lists, dict, ``datetime.date``)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = _thaw(value)
            out[f.name] = value
        return out

    def __repr__(self) -> str:
        title = self.title if len(self.title) <= 60 else self.title[:57] + "..."
        first = self.authors[0] if self.authors else "unknown authors"
        more = " et al." if len(self.authors) > 1 else ""
        year = self.year if self.year is not None else "n.d."
        return f"<Paper {self.id}: {title!r}, {first}{more}, {year}>"

    def _repr_html_(self) -> str:
        from .display.tables import paper_html

        return paper_html(self)


DERIVED_FROM_ARXIV_ID = "arxiv id"
"""``Paper.date_source`` of a year and month taken from the arXiv id."""


LABELS: tuple[str, ...] = ("relevant", "irrelevant")
"""The values of :attr:`Paper.label` besides ``None`` (not screened yet)."""


def _check_annotations(paper: Paper) -> None:
    """Label one of :data:`LABELS` or None, tags unique non-empty strings, an empty note None."""
    from .errors import RecordError

    if paper.label == "":
        object.__setattr__(paper, "label", None)
    if paper.label is not None and paper.label not in LABELS:
        raise RecordError(f"label {paper.label!r:.40} is not one of {LABELS} or None")
    if paper.tags:
        if not all(isinstance(t, str) for t in paper.tags):
            raise RecordError(f"tags must be strings, not {paper.tags!r:.80}")
        tags = tuple(dict.fromkeys(t.strip() for t in paper.tags if t.strip()))
        if any(";" in t for t in tags):
            # ";" separates tags in CSV and BibTeX keywords: it would split the tag in two on reading.
            raise RecordError(f"tag {next(t for t in tags if ';' in t)!r:.40} has a ';', which separates tags")
        if tags != paper.tags:
            object.__setattr__(paper, "tags", tags)
    if paper.note is not None:
        if not isinstance(paper.note, str):
            raise RecordError(f"note must be text, not {type(paper.note).__name__}")
        if not paper.note.strip():
            object.__setattr__(paper, "note", None)


def _details(values: dict[str, Any]) -> tuple[str, ...]:
    """What tells an untitled record apart, as text, for its fallback id."""
    parts = [*map(str, values.get("authors") or ()), str(values.get("venue") or ""), str(values.get("url") or "")]
    extra = values.get("extra") or {}
    parts.extend(f"{k}={extra[k]}" for k in sorted(extra, key=str))
    parts.append(str(values.get("abstract") or "")[:200])
    return tuple(parts)


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


_NORMALIZERS = {
    "doi": normalize_doi,
    "arxiv_id": normalize_arxiv_id,
    "openalex_id": normalize_openalex_id,
    "s2_id": normalize_s2_id,
}

# The one place that says what kind of value each field holds: add a field to Paper and the
# Corpus table, the readers' list handling and every writer (CSV, JSONL, Parquet) follow.
PAPER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper))
"""Every field of :class:`Paper`, in order (the columns of ``corpus.df``)."""
LIST_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper) if str(f.type).startswith("tuple["))
"""The fields that hold a tuple of strings (authors, categories, keywords, references)."""
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Paper) if str(f.type) in ("str", "str | None"))
"""The fields that hold one string or ``None``."""
