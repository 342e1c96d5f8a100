"""Hugging Face Daily Papers: the listing page copied as text, and the ``api/daily_papers`` JSON.

The listing text is what a user gets by copying a Daily Papers page: a few lines
of page chrome, then per paper a title line and its abstract paragraph, blank
lines between. The JSON is what the site's ``api/daily_papers`` endpoint
returns for a day: a list of entries, each with the paper and its listing data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import PaperlensError
from ..ids import normalize_arxiv_id
from ..record import Paper
from ..report import FileReport
from ..text import normalize_space
from .base import Parsed, read_files
from .mapping import RecordError, parse_date

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["parse_daily_papers_json", "parse_daily_papers_text", "read_daily_papers"]

# A paragraph this long, or with sentence punctuation, is an abstract, not a title.
_ABSTRACT_MIN_CHARS = 200


def _blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs (runs of non-blank lines) with the line number they start on."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line.strip())
        elif lines:
            blocks.append((start, " ".join(lines)))
            lines = []
    if lines:
        blocks.append((start, " ".join(lines)))
    return blocks


def _is_abstract(block: str) -> bool:
    return len(block) >= _ABSTRACT_MIN_CHARS or block.count(". ") >= 2


def parse_daily_papers_text(text: str, file: str = "<text>") -> Parsed:
    """Parse a Daily Papers listing copied as text.

    Page chrome (short lines before the first title + abstract pair) is noted in
    the report, not counted as records. After the first paper, a title whose
    next paragraph is another title loads without an abstract.

    >>> papers, report = parse_daily_papers_text("new\\n\\nMar 12\\n\\nA Title\\n\\n" + "Words. " * 40)
    >>> [p.title for p in papers], report.records, report.notes
    (['A Title'], 1, ['page chrome before the first paper (lines 1-3): new | Mar 12'])
    """
    report = FileReport(file=file, format="daily-papers-text")
    blocks = _blocks(text)
    papers: list[Paper] = []
    i = 0
    chrome: list[tuple[int, str]] = []
    while i < len(blocks) and not (
        i + 1 < len(blocks) and not _is_abstract(blocks[i][1]) and _is_abstract(blocks[i + 1][1])
    ):
        chrome.append(blocks[i])
        i += 1
    if chrome:
        if i == len(blocks):
            report.notes.append("no title + abstract pair found: is this a Daily Papers listing?")
        last = chrome[-1][0]
        report.notes.append(
            f"page chrome before the first paper (lines {chrome[0][0]}-{last}): " + " | ".join(b for _, b in chrome)
        )
    while i < len(blocks):
        line, title = blocks[i]
        report.records += 1
        if _is_abstract(title):
            report.skip(f"line {line}", "paragraph where a title was expected (an abstract without a title?)")
            i += 1
            continue
        abstract = None
        if i + 1 < len(blocks) and _is_abstract(blocks[i + 1][1]):
            abstract = blocks[i + 1][1]
            i += 1
        papers.append(Paper.create(title=title, abstract=abstract, source="daily-papers-text"))
        i += 1
    return papers, report


@shared_doc
def read_daily_papers(path: str | os.PathLike[str] | Any, *, warn: bool = True) -> Corpus:
    """Read Daily Papers listings: the page copied as text, or the ``api/daily_papers`` JSON.

    {reader sections}
    >>> import paperlens as pl
    >>> from importlib.resources import files
    >>> corpus = pl.read_daily_papers(files("paperlens.data") / "seed" / "daily_papers_snapshot.txt")
    >>> len(corpus), corpus[0].title[:22]
    (69, 'Seismic Arrival-time P')
    """

    def parse(text: str, name: str) -> Parsed:
        if text.lstrip().startswith(("[", "{")):
            return parse_daily_papers_json(text, name)
        return parse_daily_papers_text(text, name)

    return read_files(path, parse, warn=warn)


# API field (under "paper", else at the top of the entry) -> our name in ``extra``; None: not kept.
_DAILY_EXTRA: dict[str, str | None] = {
    "upvotes": "upvotes",
    "numComments": "num_comments",
    "submittedOnDailyAt": "submitted_on_daily_at",
    "discussionId": "discussion_id",
    "ai_summary": "ai_summary",
    "ai_keywords": "ai_keywords",
    "ai_summary_model": "ai_summary_model",
    "githubRepo": "github_repo",
    "githubStars": "github_stars",
    "githubRepoAddedBy": "github_repo_added_by",
    "projectPage": "project_page",
    "mediaUrls": "media_urls",
    "isAuthorParticipating": "is_author_participating",
    "withdrawnAt": "withdrawn_at",
    # Page furniture: thumbnails and the copies of the paper's own fields.
    "thumbnail": None,
    "mediaUrl": None,
    "title": None,
    "summary": None,
    "authors": None,
    "id": None,
    "publishedAt": None,
}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _person_name(value: Any) -> str | None:
    if isinstance(value, Mapping):
        name = value.get("fullname") or value.get("name") or value.get("user")
        return str(name) if name else None
    return None


def _daily_entry(entry: Any) -> Paper:
    if not isinstance(entry, Mapping):
        raise RecordError(f"expected a JSON object, got {type(entry).__name__}")
    paper = entry.get("paper") if isinstance(entry.get("paper"), Mapping) else entry
    title = normalize_space(str(paper.get("title") or entry.get("title") or ""))
    raw_id = str(paper.get("id") or "")
    arxiv = normalize_arxiv_id(raw_id)
    summary = paper.get("summary") or entry.get("summary")
    listed = paper.get("authors") if isinstance(paper.get("authors"), list) else ()
    authors = tuple(normalize_space(str(a["name"])) for a in listed if isinstance(a, Mapping) and a.get("name"))
    date = parse_date(paper.get("publishedAt"))
    extra: dict[str, Any] = {}
    if raw_id and not arxiv:
        extra["hf_paper_id"] = raw_id
    if entry is not paper and entry.get("publishedAt"):
        extra["daily_published_at"] = str(entry["publishedAt"])
    for source in (paper, entry) if entry is not paper else (paper,):
        for key, value in source.items():
            if key == "paper" or value is None or value == "" or value == []:
                continue
            if key in ("submittedBy", "submittedOnDailyBy"):
                name = _person_name(value)
                if name:
                    extra.setdefault("submitted_by", name)
                continue
            ours = _DAILY_EXTRA.get(key, _snake(key))
            if ours is None or ours in extra or isinstance(value, Mapping):
                continue
            if ours == "submitted_on_daily_at":
                day = parse_date(value)
                value = day.isoformat() if day else str(value)
            extra[ours] = value
    return Paper.create(
        title=title,
        abstract=normalize_space(str(summary)) if summary else None,
        authors=authors,
        date=date,
        arxiv_id=arxiv,
        url=f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
        source="hf-daily-papers",
        extra=extra,
    )


def parse_daily_papers_json(text: str, file: str = "<json>") -> Parsed:
    """Parse a Hugging Face ``api/daily_papers`` response: a JSON list of daily entries.

    Each entry holds a ``paper`` (arXiv id, title, summary, authors, publishedAt,
    upvotes, and over time discussionId, ai_summary, ai_keywords, githubRepo,
    githubStars, projectPage...) and listing fields (publishedAt of the listing,
    numComments, submittedBy). The paper's fields become the Paper; the rest go
    into ``extra`` in snake_case (``upvotes``, ``num_comments``,
    ``submitted_on_daily_at``, ``daily_published_at``, ``ai_keywords``,
    ``github_repo``, ``submitted_by``...); page thumbnails and account details are
    left out.

    >>> import json
    >>> entry = {"paper": {"id": "2203.05482", "title": "Model soups", "summary": "We average\\nweights.",
    ...          "authors": [{"name": "Mitchell Wortsman"}], "publishedAt": "2022-03-10T18:00:00.000Z",
    ...          "upvotes": 3, "ai_keywords": ["weight averaging"]},
    ...          "publishedAt": "2024-05-27T03:50:58.348Z", "numComments": 1}
    >>> papers, report = parse_daily_papers_json(json.dumps([entry, {"paper": {"id": "x"}}]))
    >>> p = papers[0]
    >>> p.id, p.abstract, p.date, p.extra["upvotes"], p.extra["ai_keywords"]
    ('2203.05482', 'We average weights.', datetime.date(2022, 3, 10), 3, ('weight averaging',))
    >>> p.extra["daily_published_at"], p.extra["num_comments"]
    ('2024-05-27T03:50:58.348Z', 1)
    >>> report.records, [str(s) for s in report.skipped]
    (2, ['<json>, record 2: no title, and no identifier or authors and year to tell the record apart'])
    """
    from .jsonl import json_list

    data = json_list(text, file, ("papers", "dailyPapers", "data", "results"), "Daily Papers entries")
    report = FileReport(file=file, format="daily-papers-json")
    papers: list[Paper] = []
    for number, entry in enumerate(data, start=1):
        report.records += 1
        try:
            papers.append(_daily_entry(entry))
        except (RecordError, PaperlensError, ValueError) as exc:
            report.skip(f"record {number}", str(exc))
    return papers, report
