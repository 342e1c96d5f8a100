"""RIS: read ``.ris`` exports (Zotero, EndNote, Scopus, PubMed...) and write a corpus as RIS.

The file is cut into records here (``TY`` line to ``ER`` line, each with the
line it starts on), so that a record without its ``ER`` line, or text between
records, is reported instead of silently merged or dropped. Each record is then
parsed by rispy, whose field names (``secondary_title``, ``start_page``...) are
kept for the fields that have no place in a :class:`~paperlens.Paper`: they go
into ``extra`` and are written back by :func:`write_ris`.

Tags to Paper fields: TI/T1 → title, AU (else A1) → authors ("Last, First"
becomes "First Last"), AB/N2 → abstract, PY/Y1/DA → year and date, T2 (else JF,
JO, JA, J2) → venue, KW → keywords, DO → doi, the first UR → url (an
``arxiv.org/abs`` UR, or an arXiv DOI, gives the arXiv id).

A value that cannot be understood (a year like ``10 15``, a DOI that is not one)
leaves the field empty, stays in ``extra`` as written, and is noted in the report.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import PaperlensError
from ..ids import normalize_arxiv_id, normalize_doi
from ..record import Paper
from ..report import FileReport
from ..text import normalize_space
from .annotations import parse_ris_notes, ris_notes, split_tags, tag_keywords
from .base import Parsed, assemble, one_or_many, output, read_text
from .mapping import RecordError, parse_year

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["parse_ris", "read_ris", "write_ris"]

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_VENUE_FIELDS = ("secondary_title", "alternate_title3", "journal_name", "alternate_title2", "alternate_title1")
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/(\S+)$", re.I)


def _records(text: str, report: FileReport) -> list[tuple[int, list[str]]]:
    """The records of a RIS text: (line number of ``TY``, tag lines in canonical form)."""
    records: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    outside: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _TAG_LINE.match(line.rstrip())
        tag = match.group(1) if match else None
        if tag == "TY":
            if current is not None:
                report.notes.append(f"line {start}: record has no ER line; it ends where the next TY begins")
                records.append((start, current))
            current, start = [f"TY  - {(match.group(2) or '').strip()}"], number
        elif current is None:
            if line.strip():
                outside.append(number)
        elif tag == "ER":
            records.append((start, current))
            current = None
        elif match:
            current.append(f"{tag}  - {(match.group(2) or '').strip()}")
        else:
            current.append(line)  # a continuation line
    if current is not None:
        report.notes.append(f"line {start}: the last record has no ER line; read to the end of the file")
        records.append((start, current))
    if outside:
        lines = f"line {outside[0]}" if len(outside) == 1 else f"{len(outside)} lines from line {outside[0]}"
        report.notes.append(f"{lines}: text outside any TY ... ER record ignored")
    return records


def _person(name: str) -> str:
    """RIS "Last, First[, Suffix]" as "First Last[, Suffix]"."""
    parts = [normalize_space(p) for p in name.split(",")]
    if len(parts) == 1:
        return parts[0]
    suffix = ", ".join(p for p in parts[2:] if p)
    person = normalize_space(f"{parts[1]} {parts[0]}")
    return f"{person}, {suffix}" if suffix else person


def _ris_date(text: str) -> tuple[int | None, dt.date | None]:
    """Year and full date from RIS date text (``2019/10/15/``, ``2019///``, ``2019-10-15``)."""
    match = re.match(r"^\s*(\d{4})(?:[/-](\d{0,2})(?:[/-](\d{0,2}))?)?", text)
    if not match:
        return None, None
    year = int(match.group(1))
    month, day = match.group(2), match.group(3)
    if month and day:
        try:
            return year, dt.date(year, int(month), int(day))
        except ValueError:
            return year, None
    return year, None


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return normalize_space(str(value)) if value is not None else ""


def _paper(record: dict[str, Any], report: FileReport, where: str) -> Paper:
    used: set[str] = set()
    extra: dict[str, Any] = {}
    notes: list[str] = []

    title = ""
    for name in ("title", "primary_title"):
        if _text(record.get(name)):
            title = _text(record[name])
            used.add(name)
            break

    authors: tuple[str, ...] = ()
    for name in ("authors", "first_authors"):
        if record.get(name):
            authors = tuple(_person(a) for a in record[name] if normalize_space(str(a)))
            used.add(name)
            break

    abstract = None
    for name in ("abstract", "notes_abstract"):
        if _text(record.get(name)):
            abstract = _text(record[name])
            used.add(name)
            break

    year = None
    date = None
    for name in ("year", "publication_year"):
        raw = _text(record.get(name))
        if not raw:
            continue
        try:
            year = parse_year(raw)
        except RecordError as exc:
            notes.append(f"{exc} ({name.replace('_', ' ')}); left empty, kept in extra[{name!r}]")
            continue
        used.add(name)
        if name == "publication_year" or "/" in raw:
            _, date = _ris_date(raw)
        break
    if _text(record.get("date")):
        raw = _text(record["date"])
        found_year, found_date = _ris_date(raw)
        if found_date is not None and (year is None or found_date.year == year):
            date, year = found_date, year or found_date.year
            used.add("date")
        elif year is None and found_year is not None and re.fullmatch(r"\d{4}[/-]*", raw):
            year = found_year
            used.add("date")

    venue = None
    for name in _VENUE_FIELDS:
        if _text(record.get(name)):
            venue = _text(record[name])
            used.add(name)
            break

    plain, tags = split_tags(normalize_space(k) for k in record.get("keywords", []) if normalize_space(k))
    keywords = tuple(dict.fromkeys(plain))
    used.add("keywords")
    label, note, other_notes = parse_ris_notes([str(n) for n in record.get("notes", [])])
    used.add("notes")
    if other_notes:
        extra["notes"] = [normalize_space(n) for n in other_notes if normalize_space(n)]

    doi = None
    if _text(record.get("doi")):
        doi = normalize_doi(_text(record["doi"]))
        if doi is None:
            notes.append(f"doi {_text(record['doi'])!r} is not a DOI; kept in extra['doi']")
        else:
            used.add("doi")
    arxiv = normalize_arxiv_id(doi) if doi and doi.startswith("10.48550/arxiv.") else None

    urls = [u for u in (normalize_space(str(u)) for u in record.get("urls", [])) if u]
    used.add("urls")
    url = urls[0] if urls else None
    for candidate in urls:
        match = _ARXIV_URL.match(candidate)
        if match and normalize_arxiv_id(match.group(1)):
            arxiv = arxiv or normalize_arxiv_id(match.group(1))
            break
    rest = [u for u in urls[1:] if not (arxiv and u == f"https://arxiv.org/abs/{arxiv}")]
    if rest:
        extra["urls"] = rest

    for name, value in record.items():
        if name in used or name == "end_of_reference":
            continue
        if name == "unknown_tag" and isinstance(value, Mapping):
            if value:
                extra[name] = {str(tag): list(values) for tag, values in value.items()}
            continue
        if isinstance(value, list):
            value = [normalize_space(str(v)) for v in value if normalize_space(str(v))]
            if value:
                extra[name] = value
        elif _text(value):
            extra[name] = _text(value)
    for note in notes:
        report.notes.append(f"{where}: {note}")
    return Paper.create(
        title=title,
        abstract=abstract,
        authors=authors,
        year=year,
        date=date,
        venue=venue,
        keywords=keywords,
        doi=doi,
        arxiv_id=arxiv,
        url=url,
        source="ris",
        label=label,
        tags=tuple(tags),
        note=note,
        extra=extra,
    )


def parse_ris(text: str, file: str = "<ris>") -> Parsed:
    """Parse RIS text into papers and a report (one record per ``TY`` line).

    >>> papers, report = parse_ris('''TY  - JOUR
    ... TI  - Model soups
    ... AU  - Wortsman, Mitchell
    ... PY  - 10 15
    ... UR  - https://arxiv.org/abs/2203.05482
    ... ER  -
    ... TY  - JOUR
    ... AB  - An abstract without a title
    ... ER  - ''')
    >>> papers[0].id, papers[0].authors, papers[0].extra["year"], papers[0].year, papers[0].date_source
    ('2203.05482', ('Mitchell Wortsman',), '10 15', 2022, 'arxiv id')
    >>> report.records, [str(s) for s in report.skipped]
    (2, ['<ris>, line 7: no title, and no identifier or authors and year to tell the record apart'])
    >>> report.notes
    ["line 1: year '10 15' is not a year (year); left empty, kept in extra['year']"]
    """
    import rispy

    report = FileReport(file=file, format="ris")
    papers: list[Paper] = []
    for start, lines in _records(text, report):
        report.records += 1
        where = f"line {start}"
        try:
            parsed = rispy.loads("\n".join([*lines, "ER  - "]))
            if len(parsed) != 1:  # pragma: no cover - one TY, one ER
                raise RecordError(f"rispy read {len(parsed)} records from one")
            papers.append(_paper(parsed[0], report, where))
        except (RecordError, PaperlensError, ValueError, KeyError, TypeError) as exc:
            report.skip(where, str(exc))
    return papers, report


@shared_doc
def read_ris(path: str | os.PathLike[str] | Any, *, warn: bool = True) -> Corpus:
    """Read RIS files into a Corpus (several paths: one corpus, duplicates merged).

    {reader sections}
    >>> import paperlens as pl, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "sample.ris")
    >>> _ = pl.load_sample().to_ris(path)
    >>> back = pl.read_ris(path)
    >>> [p.title for p in back] == [p.title for p in pl.load_sample()]
    True
    """
    return assemble([parse_ris(read_text(p), str(p)) for p in one_or_many(path)], warn=warn)


def _ris_name(name: str) -> str:
    """ "First von Last, Jr" as RIS "von Last, First, Jr"."""
    jr = ""
    match = re.fullmatch(r"(.*\S),\s*((?:Jr|Sr|[IVX]+)\.?)", name)
    if match:
        name, jr = match.group(1), match.group(2)
    tokens = name.split()
    if len(tokens) <= 1 or "," in name:
        return name + (f", , {jr}" if jr else "")
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1][:1].islower():
        cut -= 1
    last, first = " ".join(tokens[cut:]), " ".join(tokens[:cut])
    return f"{last}, {first}" + (f", {jr}" if jr else "")


def _writer():
    import rispy

    class _Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # no "1." line before each record

    return _Writer


def write_ris(corpus: Any, path: str | os.PathLike[str] | None = None) -> str:
    """RIS text of a corpus (written to ``path`` if given).

    Kept: title, authors, abstract, year, date, venue (T2), keywords (KW), DOI,
    URL (the arXiv id as an ``arxiv.org/abs`` URL), tags (``paperlens:``
    keywords), label and note (N1, see :mod:`paperlens.io.annotations`), and the ``extra`` values named
    like rispy fields (what a RIS file had). Not kept: categories (RIS has no tag
    for subject classes; KW read back would make them keywords), references,
    citation count, OpenAlex/S2 ids, other extras.

    Examples
    --------
    >>> import paperlens as pl
    >>> text = pl.load_sample().to_ris()
    >>> text.count("TY  - ") == len(pl.load_sample()), text.splitlines()[0]
    (True, 'TY  - GEN')
    """
    import rispy

    known = set(rispy.TAG_KEY_MAPPING.values()) - {"end_of_reference"}
    records = []
    for paper in corpus:
        extra = dict(paper.extra)
        record: dict[str, Any] = {}
        kind = extra.get("type_of_reference")
        record["type_of_reference"] = kind if isinstance(kind, str) and kind else ("JOUR" if paper.venue else "GEN")
        record["title"] = normalize_space(paper.title)
        if paper.authors:
            record["authors"] = [_ris_name(a) for a in paper.authors]
        if paper.abstract:
            record["abstract"] = normalize_space(paper.abstract)
        if paper.year is not None:
            record["year"] = str(paper.year)
        if paper.date is not None:
            # A month read from the arXiv id has no day: written as reference managers write a month.
            record["date"] = paper.date.strftime("%Y/%m/%d" if paper.date_source is None else "%Y/%m//")
        if paper.venue:
            record["secondary_title"] = normalize_space(paper.venue)
        if paper.keywords or paper.tags:
            record["keywords"] = [*paper.keywords, *tag_keywords(paper.tags)]
        notes = ris_notes(paper.label, paper.note)
        extra_notes = extra.get("notes")
        if isinstance(extra_notes, (list, tuple)):
            notes.extend(str(n) for n in extra_notes)
        if notes:
            record["notes"] = notes
        if paper.doi:
            record["doi"] = paper.doi
        urls = [paper.url] if paper.url else []
        extra_urls = extra.get("urls")
        if isinstance(extra_urls, (list, tuple)):
            urls.extend(str(u) for u in extra_urls)
        if paper.arxiv_id and not any(
            (m := _ARXIV_URL.match(u)) and normalize_arxiv_id(m.group(1)) == paper.arxiv_id for u in urls
        ):
            urls.append(f"https://arxiv.org/abs/{paper.arxiv_id}")
        if urls:
            record["urls"] = urls
        for name, value in extra.items():
            if name in record or name not in known or name in ("urls", "notes"):
                continue
            if name == "unknown_tag" and isinstance(value, Mapping):
                record[name] = {str(t): [normalize_space(str(v)) for v in vs] for t, vs in value.items()}
            elif isinstance(value, (list, tuple)):
                record[name] = [normalize_space(str(v)) for v in value]
            elif isinstance(value, str) and value.strip():
                record[name] = normalize_space(value)
        # A list tag's values are one line each; other tags take one line.
        for name, value in list(record.items()):
            tag = next((t for t, n in rispy.TAG_KEY_MAPPING.items() if n == name), None)
            if isinstance(value, list) and tag not in rispy.LIST_TYPE_TAGS and name != "unknown_tag":
                record[name] = "; ".join(value)
        records.append(record)
    text = rispy.dumps(records, implementation=_writer()) if records else ""
    return output(text, path)
