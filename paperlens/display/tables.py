"""HTML tables for Corpus and Paper in Jupyter. Pure functions returning escaped HTML.

Every value shown passes through :func:`html.escape`; links are shown only for
http(s) URLs, arXiv ids and DOIs. A failure inside a repr is shown as a short
escaped message instead of breaking the notebook output.
"""

from __future__ import annotations

import html
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..text import readable

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..record import Paper
    from ..report import LoadReport

__all__ = ["corpus_html", "paper_html", "paper_links", "report_html", "safe_url"]

MAX_ROWS = 10
_STYLE = "border-collapse:collapse;font-size:12px"


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(url: Any) -> str | None:
    """The URL if it is plain http(s), else ``None`` (no ``javascript:``/``data:`` links)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith(("https://", "http://")) and not any(c in url for c in "\"'<> \n\t"):
        return url
    return None


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, url) pairs for a paper: arXiv, DOI and its own http(s) URL."""
    links = []
    if paper.arxiv_id:
        links.append(("arXiv", f"https://arxiv.org/abs/{quote(paper.arxiv_id, safe='/.')}"))
    if paper.doi:
        links.append(("DOI", f"https://doi.org/{quote(paper.doi, safe='/.()-_;:')}"))
    url = safe_url(paper.url)
    if url and all(url != u for _, u in links):
        links.append(("link", url))
    return links


def _link_html(paper: Paper) -> str:
    return " ".join(
        f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'
        for label, url in paper_links(paper)
    )


def _authors(authors: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(authors[:limit])
    return shown + (f" +{len(authors) - limit}" if len(authors) > limit else "")


def _guard(render):
    def wrapper(obj: Any) -> str:
        try:
            return render(obj)
        except Exception as exc:  # a repr must never break the notebook: show what went wrong
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            try:
                text = repr(obj)
            except Exception:
                text = object.__repr__(obj)
            return f"<pre>{esc(text)}\n(paperlens could not render HTML: {esc(last)})</pre>"

    wrapper.__doc__ = render.__doc__
    wrapper.__name__ = render.__name__
    return wrapper


@_guard
def corpus_html(corpus: Corpus) -> str:
    """A compact table of the first papers, with a one-line summary.

    >>> import paperlens as pl
    >>> "<table" in corpus_html(pl.load_sample())
    True
    """
    n = len(corpus)
    shown = corpus[:MAX_ROWS]
    has_score = corpus.scores is not None
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("id", "title", "authors", "year", "venue"))
    if has_score:
        head += "<th>score</th>"
    rows = []
    scores = shown.scores.tolist() if has_score else [None] * len(shown)
    for paper, score in zip(shown, scores, strict=True):
        cells = [
            f"<td><code>{esc(paper.id)}</code></td>",
            f"<td>{esc(readable(paper.title)) or '<i>(untitled)</i>'}</td>",
            f"<td>{esc(_authors(paper.authors))}</td>",
            f"<td>{esc(paper.year if paper.year is not None else '')}</td>",
            f"<td>{esc(paper.venue or '')}</td>",
        ]
        if has_score:
            cells.append(f"<td>{score:.2f}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p style='margin:2px 0'>… and {n - len(shown)} more</p>" if n > len(shown) else ""
    return (
        f"<div class='paperlens-corpus'><p style='margin:2px 0'><b>{esc(repr(corpus))}</b></p>"
        f"<table style='{_STYLE}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}</div>"
    )


@_guard
def paper_html(paper: Paper) -> str:
    """A card: title, authors, year, venue, links, abstract.

    >>> import paperlens as pl
    >>> "Model soups" in paper_html(pl.load_sample()["2203.05482"])
    True
    """
    meta = " · ".join(
        esc(x)
        for x in (
            _authors(paper.authors, 8),
            paper.year,
            paper.venue,
            ", ".join(paper.categories),
            "keywords: " + "; ".join(paper.keywords) if paper.keywords else "",
        )
        if x
    )
    abstract = esc(readable(paper.abstract)) if paper.abstract else "<i>no abstract</i>"
    title = esc(readable(paper.title)) or "<i>(untitled)</i>"
    return (
        f"<div class='paperlens-paper'><b>{title}</b><br><small>{meta}</small><br>"
        f"<small><code>{esc(paper.id)}</code> {_link_html(paper)}</small>"
        f"<p style='max-width:60em'>{abstract}</p></div>"
    )


_REPORT_ROWS = 200  # skips and notes listed; the rest are counted


@_guard
def report_html(report: LoadReport) -> str:
    """A load report as a table: one row per file (records, loaded, merged, skipped), then each note and skip.

    >>> import paperlens as pl
    >>> html = report_html(pl.load_sample().report)
    >>> html.count("<tr>"), "69 records" in html
    (2, True)
    """
    head = "".join(f"<th>{h}</th>" for h in ("file", "format", "records", "loaded", "merged", "skipped"))
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{esc(v)}</td>" for v in (f.file, f.format, f.records, f.loaded, f.merged, len(f.skipped)))
        + "</tr>"
        for f in report.files
    )
    details = [(f"{f.file}: note", note) for f in report.files for note in f.notes]
    details += [(", ".join(p for p in (s.file, s.where) if p), f"skipped: {s.reason}") for s in report.skipped]
    items = "".join(f"<li><code>{esc(where)}</code> {esc(what)}</li>" for where, what in details[:_REPORT_ROWS])
    more = (
        f"<li>… and {len(details) - _REPORT_ROWS} more (print(report) lists them all)</li>"
        if len(details) > _REPORT_ROWS
        else ""
    )
    listing = f"<ul style='margin:4px 0;font-size:12px'>{items}{more}</ul>" if details else ""
    return (
        f"<div class='paperlens-report'><p style='margin:2px 0'><b>{esc(report.summary())}</b></p>"
        f"<table style='{_STYLE}'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{listing}</div>"
    )
