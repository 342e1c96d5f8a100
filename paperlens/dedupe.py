"""Duplicate records: which records are the same work, merging them, and undoing a merge.

Two records are the same work when

* they share an identifier (DOI, arXiv, OpenAlex or Semantic Scholar id) and
  their DOIs and arXiv ids do not contradict each other, or
* they have the same folded title and year and **nothing conflicts**: authors
  (their surnames), venue, volume, number or issue, pages, subtitle, edition,
  version, chapter, publisher, entry type, DOI or arXiv id. A field only one of
  them has is no conflict; a generic entry type (``@misc``, ``@online``,
  ``@unpublished``: how Zotero exports a preprint) conflicts with no type, and a
  preprint's server (arXiv) is no other publisher, so the preprint and the
  conference version of one paper merge.

A recurring title (a column or heading such as "Editorial", "Errata",
"Abstracts", "Chairman's report", or any title that the records give for
three years or more) is never merged on title alone: only an identifier merges
such records. Records equal in every field (the same file read twice) are
always one.

Every merge is recorded as a :class:`Merge` (the record, the record it joined,
and the evidence). A loaded corpus lists them in ``corpus.report.merges`` (a
DataFrame); ``corpus.unmerge()`` splits merged papers back into their records,
and ``pl.read(path, dedupe=False)`` keeps every record as it was read. As in
Zotero, records that stay apart keep their own entry: two papers with the same
fallback id get distinct ids (``pl:…#2``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .ids import paper_id, title_key
from .record import LIST_FIELDS, PAPER_FIELDS, Paper

__all__ = ["Merge", "conflicts", "deduplicate", "distinct_ids", "merge_corpora", "merge_papers", "same_work", "unmerge"]

ID_FIELDS = ("arxiv_id", "doi", "openalex_id", "s2_id")

# Headings that name a kind of item, not a work: the same title is a different item in every issue.
_RECURRING = re.compile(
    r"^(?:the )?(?:"
    r"editorials?|editor s (?:note|notes|introduction|letter|preface)|from the editors?|letters?(?: to the editor)?"
    r"|errata|erratum|corrigend(?:um|a)|correction(?:s)?|addend(?:um|a)|retraction(?: note)?|expression of concern"
    r"|abstracts?|(?:conference |meeting )?abstracts|index|(?:author |subject )?index(?:es)?|contents|table of contents"
    r"|front matter|back matter|masthead|cover|issue information|preface|foreword|introduction|announcements?"
    r"|news|notes|book reviews?|reviews?|reviewers?(?: list)?|acknowledg(?:e)?ments?|obituar(?:y|ies)|in memoriam"
    r"|call for papers|calendar|events|reports?"
    r"|(?:chairman|president|treasurer|secretary|editor)(?: s|s)? (?:report|message)"
    r"|annual report|minutes|correspondence|commentary|comments?|reply|response|discussion|summary|panel discussion"
    r"|(?:[a-z]+ )?(?:news|report|reports|update|updates|corner|column|abstracts?|presentations?|posters?|sessions?)"
    r")$"
)
_CONFLICT_EXTRA = (
    ("volume",),
    ("number", "issue"),
    ("pages", "start_page"),
    ("subtitle",),
    ("edition",),
    ("version",),
    ("chapter",),
    ("publisher",),
)
_TYPE_KEYS = ("bibtex_type", "type_of_reference", "type")
# Entry types that say nothing about the kind of work (Zotero exports a preprint as @misc): they conflict with none.
_GENERIC_TYPES = frozenset({"misc", "online", "electronic", "www", "unpublished", "preprint", "gen", "generic"})
_PREPRINT_SERVER = re.compile(r"arxiv|biorxiv|medrxiv|chemrxiv|techrxiv|ssrn|research square|preprints|osf")


@dataclass(frozen=True)
class Merge:
    """One record merged into an earlier one: the records (as read) and why.

    ``record`` and ``into`` are indexes in the input order; ``record_paper`` and
    ``into_paper`` the records as read; ``evidence`` says what matched
    (``"doi 10.1000/x"``, ``"title and year"``); ``paper_id`` is the id of the
    paper they became; ``file`` the file the merged record came from.
    """

    record: int
    into: int
    evidence: str
    record_paper: Paper
    into_paper: Paper
    paper_id: str = ""
    file: str | None = None


# --------------------------------------------------------------------------- rules


def _fold(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+|_", " ", text.casefold()).split())


def _surnames(paper: Paper) -> frozenset[str]:
    """The folded last words of the author names (initials and order do not matter)."""
    out = set()
    for name in paper.authors:
        name = str(name).split(",")[0] if "," in str(name) and not str(name).rstrip().endswith(("Jr", "Jr.")) else name
        words = _fold(name).split()
        if words:
            out.add(words[-1])
    return frozenset(out)


def _extra(paper: Paper, names: Sequence[str]) -> str:
    for name in names:
        value = paper.extra.get(name) if paper.extra else None
        if value not in (None, ""):
            return _fold(value).replace(" ", "")
    return ""


def conflicts(a: Paper, b: Paper) -> list[str]:
    """The fields in which two records disagree (empty: nothing tells them apart).

    >>> a = Paper.create(title="Chairman's report", year=1981, authors=("Ann Smith",))
    >>> b = Paper.create(title="Chairman's report", year=1981, authors=("Bob Jones",))
    >>> conflicts(a, b)
    ['authors']
    """
    found = []
    if a.doi and b.doi and a.doi != b.doi:
        found.append("doi")
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        found.append("arxiv_id")
    sa, sb = _surnames(a), _surnames(b)
    if sa and sb and sa != sb:
        found.append("authors")
    if a.venue and b.venue and _fold(a.venue) != _fold(b.venue):
        found.append("venue")
    preprint = _is_preprint(a) or _is_preprint(b)
    for names in _CONFLICT_EXTRA:
        if names[0] == "publisher" and preprint:
            continue  # a preprint's "publisher" is its server (arXiv), not another publisher
        va, vb = _extra(a, names), _extra(b, names)
        if va and vb and va != vb:
            found.append(names[0])
    for name in _TYPE_KEYS:
        va, vb = _extra(a, (name,)), _extra(b, (name,))
        if va and vb and va != vb and not ({va, vb} & _GENERIC_TYPES):
            found.append("entry type")
            break
    return found


def _is_preprint(paper: Paper) -> bool:
    """A record of a preprint: an arXiv id, or a preprint server as publisher or venue."""
    if paper.arxiv_id:
        return True
    where = " ".join(str(v) for v in (_extra(paper, ("publisher",)), paper.venue or "") if v)
    return bool(_PREPRINT_SERVER.search(where.casefold()))


def recurring_title(title: object) -> bool:
    """Whether a title is a heading that recurs from issue to issue (never merged on title alone).

    >>> recurring_title("Chairman's report"), recurring_title("Errata"), recurring_title("Model soups")
    (True, True, False)
    """
    return bool(_RECURRING.match(_fold(title)))


def same_work(a: Paper, b: Paper) -> str | None:
    """The evidence that two records are the same work (``None``: they are not).

    >>> a = Paper.create(title="Model soups", year=2022, doi="10.1000/x")
    >>> same_work(a, Paper.create(title="Other title", doi="10.1000/X"))
    'doi 10.1000/x'
    >>> same_work(a, Paper.create(title="Model Soups", year=2022, authors=("M. Wortsman",)))
    'title and year'
    """
    return _evidence(a, b, frozenset())


def _evidence(a: Paper, b: Paper, recurring: frozenset[str]) -> str | None:
    contradict = bool(a.doi and b.doi and a.doi != b.doi) or bool(
        a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id
    )
    for name in ID_FIELDS:
        value = getattr(a, name)
        if value and value == getattr(b, name):
            if contradict and name in ("openalex_id", "s2_id"):
                continue  # those services hold duplicates of one paper; a DOI or arXiv id that differs wins
            return f"{name.removesuffix('_id')} {value}"
    if _identical(a, b):
        return "identical record"
    folded = title_key(a.title)
    if not folded or a.year is None or folded != title_key(b.title) or a.year != b.year:
        return None
    if a.date_source is not None or b.date_source is not None:
        return None  # a year guessed from an arXiv id is no evidence
    if folded in recurring or recurring_title(a.title) or conflicts(a, b):
        return None
    return "title and year"


def _identical(a: Paper, b: Paper) -> bool:
    """The same record twice (a file read twice): every field equal but the id and the source."""
    return all(getattr(a, name) == getattr(b, name) for name in PAPER_FIELDS if name not in ("id", "source"))


def _keys(paper: Paper) -> list[tuple[str, str]]:
    keys = [(name, getattr(paper, name)) for name in ID_FIELDS if getattr(paper, name)]
    if paper.id.startswith("pl:"):  # the same fallback id: the same title and year, or the same untitled record
        keys.append(("id", paper.id.split("#")[0]))
    folded = title_key(paper.title)
    if folded and paper.year is not None and paper.date_source is None:  # not a year guessed from the arXiv id
        keys.append(("title", f"{folded}|{paper.year}"))
    return keys


def recurring_titles(papers: Iterable[Paper], years_needed: int = 3) -> frozenset[str]:
    """Folded titles the records give for three years or more (a column, not one work).

    (Two years are common for one work: a preprint and its publication.)
    """
    years: dict[str, set[int]] = {}
    for paper in papers:
        folded = title_key(paper.title)
        if folded and paper.year is not None:
            years.setdefault(folded, set()).add(paper.year)
    return frozenset(t for t, ys in years.items() if len(ys) >= years_needed)


# --------------------------------------------------------------------------- merging


def merge_papers(first: Paper, second: Paper) -> Paper:
    """One record from two records of the same paper: ``first`` wins, ``second`` fills gaps.

    Lists of categories, keywords and references are united; ``citation_count`` keeps the
    larger value; ``extra`` keeps the first value of each key.

    >>> a = Paper.create(title="Model soups", doi="10.1000/x", categories=("cs.LG",))
    >>> b = Paper.create(title="Model Soups", arxiv_id="2203.05482", year=2022, categories=("cs.CV",))
    >>> merged = merge_papers(a, b)
    >>> merged.id, merged.doi, merged.year, merged.categories
    ('2203.05482', '10.1000/x', 2022, ('cs.LG', 'cs.CV'))
    """
    values: dict[str, Any] = {}
    for name in PAPER_FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        if name in LIST_FIELDS and name != "authors":
            values[name] = tuple(dict.fromkeys((*a, *b)))
        elif name == "extra":
            values[name] = {**dict(b), **dict(a)}
        elif name == "citation_count":
            known = [v for v in (a, b) if v is not None]
            values[name] = max(known) if known else None
        elif name == "source":
            values[name] = a if not b or b == a else f"{a}+{b}" if a else b
        else:
            values[name] = a if a not in (None, "", ()) else b
    real = [p for p in (first, second) if p.date_source is None and p.year is not None]
    if real:  # a date derived from the arXiv id never wins over a date a record gave
        values["year"] = real[0].year
        values["date"] = next((p.date for p in real if p.date is not None), None)
        values["date_source"] = None
    values["id"] = paper_id(
        arxiv_id=values["arxiv_id"],
        doi=values["doi"],
        openalex_id=values["openalex_id"],
        s2_id=values["s2_id"],
        title=values["title"],
        year=values["year"],
    )
    if values["id"].startswith("pl:") and first.id.startswith("pl:"):
        values["id"] = first.id  # keep an untitled record's (or a renamed one's) id
    return Paper(**values)


class _Index:
    """Where each identifier and title+year key is held among the papers kept so far."""

    def __init__(self, recurring: frozenset[str]) -> None:
        self.kept: list[Paper | None] = []
        self.first: list[int] = []  # input index of the first record of each slot
        self.owners: dict[tuple[str, str], list[int]] = {}
        self.recurring = recurring

    def find(self, paper: Paper) -> dict[int, str]:
        """The slots holding the same work, with the evidence."""
        found: dict[int, str] = {}
        for key in _keys(paper):
            for slot in self.owners.get(key, ()):
                if slot in found or self.kept[slot] is None:
                    continue
                evidence = _evidence(self.kept[slot], paper, self.recurring)  # type: ignore[arg-type]
                if evidence is not None:
                    found[slot] = evidence
        return found

    def add(self, slot: int) -> None:
        for key in _keys(self.kept[slot]):  # type: ignore[arg-type]
            holders = self.owners.setdefault(key, [])
            if slot not in holders:
                holders.append(slot)


def deduplicate(papers: Iterable[Paper], *, dedupe: bool = True) -> tuple[list[Paper], list[Merge]]:
    """Collapse records of the same work (see the module's rules); ids made distinct.

    Returns the papers in first-seen order and one :class:`Merge` for each record
    merged into an earlier one. With ``dedupe=False`` every record is kept.

    >>> a = Paper.create(title="Errata", year=1981, venue="TUGboat", extra={"volume": "2", "pages": "5"})
    >>> b = Paper.create(title="Errata", year=1981, venue="TUGboat", extra={"volume": "2"})
    >>> kept, merges = deduplicate([a, b])
    >>> len(kept), [p.id for p in kept] == [a.id, a.id + "#2"]
    (2, True)
    """
    records = list(papers)
    if not dedupe:
        return distinct_ids(records), []
    index = _Index(recurring_titles(records))
    found: list[tuple[int, int, str, int]] = []  # (record, into, evidence, slot)
    moved: dict[int, int] = {}  # slot absorbed by a bridging record -> the slot it joined
    for i, paper in enumerate(records):
        hits = index.find(paper)
        if not hits:
            slot = len(index.kept)
            index.kept.append(paper)
            index.first.append(i)
        else:
            slot = min(hits)
            found.append((i, index.first[slot], hits[slot], slot))
            index.kept[slot] = merge_papers(index.kept[slot], paper)  # type: ignore[arg-type]
            # A record can bridge two papers kept apart so far (DOI of one, arXiv id of another).
            for other in sorted(set(hits) - {slot}):
                found.append((index.first[other], index.first[slot], hits[other], slot))
                index.kept[slot] = merge_papers(index.kept[slot], index.kept[other])  # type: ignore[arg-type]
                index.kept[other] = None
                moved[other] = slot
                for holders in index.owners.values():
                    if other in holders:
                        holders[holders.index(other)] = slot
        index.add(slot)
    slots = [s for s, p in enumerate(index.kept) if p is not None]
    kept = distinct_ids([index.kept[s] for s in slots])  # type: ignore[misc]
    final = {s: p.id for s, p in zip(slots, kept, strict=True)}

    def owner(slot: int) -> str:
        while slot in moved:
            slot = moved[slot]
        return final[slot]

    merges = [Merge(r, into, ev, records[r], records[into], owner(slot)) for r, into, ev, slot in found]
    return kept, merges


def distinct_ids(papers: Sequence[Paper]) -> list[Paper]:
    """The papers with every id made unique: a later paper with a taken id gets ``id#2``, ``id#3`` ...

    Records kept apart can share a fallback id (the same title and year) or, read
    with ``dedupe=False``, an identifier.
    """
    seen: set[str] = set()
    out = []
    for paper in papers:
        pid, n = paper.id, 1
        while pid in seen:
            n += 1
            pid = f"{paper.id}#{n}"
        seen.add(pid)
        out.append(paper if pid == paper.id else paper.replace(id=pid))
    return out


def matches(mine: Iterable[Paper], other: Iterable[Paper]) -> list[bool]:
    """For each of ``mine``, whether ``other`` holds the same work (same rules as :func:`deduplicate`)."""
    theirs = list(other)
    index = _Index(frozenset())
    ids = set()
    for slot, paper in enumerate(theirs):
        index.kept.append(paper)
        index.first.append(slot)
        index.add(slot)
        ids.add(paper.id)
    return [p.id in ids or bool(index.find(p)) for p in mine]


def merges_frame(merges: Sequence[Merge]):  # -> pandas.DataFrame
    """One row per merge: the paper's id, the merged record and the one it joined (key or id, title), the evidence."""
    import pandas as pd

    def label(paper: Paper) -> str:
        key = paper.extra.get("bibtex_key") if paper.extra else None
        return str(key) if key else paper.id

    rows = [
        {
            "id": m.paper_id,
            "file": m.file,
            "record": label(m.record_paper),
            "title": m.record_paper.title,
            "into": label(m.into_paper),
            "into_title": m.into_paper.title,
            "evidence": m.evidence,
        }
        for m in merges
    ]
    return pd.DataFrame(rows, columns=["id", "file", "record", "title", "into", "into_title", "evidence"])


def merge_corpora(first: Any, *others: Any, dedupe: bool = True) -> Any:
    """One corpus of the papers of several corpora, records of the same work merged (earlier corpora win)."""
    from .corpus import Corpus
    from .report import FileReport, LoadReport

    corpora = [first, *others]
    papers = [p for c in corpora for p in c]
    unique, merges = deduplicate(papers, dedupe=dedupe)
    name = f"merge of {len(corpora)} corpora"
    report = LoadReport([f for c in corpora for f in c.report.files], [m for c in corpora for m in c.report.merge_log])
    report.merge_log.extend(replace(m, file=name) for m in merges)
    step = FileReport(file=name, format="merge", records=len(papers))
    step.loaded, step.merged = len(unique), len(merges)
    report.files.append(step)
    return Corpus.from_papers(unique, report=report)


def unmerge(corpus: Any, ids: str | Iterable[str] | None = None) -> Any:
    """The corpus with merged papers split back into the records they were made of.

    ``ids`` are paper ids from ``corpus.report.merges["id"]`` (default: every merged paper).
    Each paper is replaced, where it stands, by its records as read (distinct ids);
    the report counts them as loaded again.
    """
    import copy

    from .corpus import Corpus
    from .errors import InvalidArgumentError
    from .report import LoadReport

    log = list(corpus.report.merge_log)
    merged_ids = {m.paper_id for m in log}
    wanted = merged_ids if ids is None else ({ids} if isinstance(ids, str) else set(ids))
    unknown = sorted(wanted - merged_ids)
    if unknown:
        raise InvalidArgumentError(
            f"unmerge: {', '.join(map(repr, unknown[:3]))} is not a merged paper of this corpus "
            f"(the merged ones are in corpus.report.merges['id'])"
        )
    groups: dict[str, dict[int, Paper]] = {}
    for m in log:
        if m.paper_id in wanted:
            group = groups.setdefault(m.paper_id, {})
            group[m.into], group[m.record] = m.into_paper, m.record_paper
    papers: list[Paper] = []
    for paper in corpus:
        group = groups.get(paper.id)
        papers.extend([group[i] for i in sorted(group)] if group else [paper])
    files = [copy.copy(f) for f in corpus.report.files]
    by_name = {f.file: f for f in files}
    for m in log:
        target = by_name.get(m.file) if m.paper_id in wanted else None
        if target is not None:
            target.merged -= 1
            target.loaded += 1
    report = LoadReport(files)
    report.merge_log = [m for m in log if m.paper_id not in wanted]
    return Corpus.from_papers(distinct_ids(papers), report=report)
