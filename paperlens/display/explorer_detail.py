"""HTML for the explorer's detail pane: one paper, its search terms marked, its neighbours and citations.

Pure functions returning escaped HTML (no ipywidgets). Search terms are marked
after escaping: the escaped text is scanned for words, character references such
as ``&amp;`` or ``&#x27;`` are stepped over whole, and a word is wrapped in
``<mark>`` when it reduces to one of the query's tokens (same tokenizer as the
search index, so ``models`` is marked for the query ``model``).

Examples
--------
>>> highlight("Graphs & <b>graph</b> models", ["graph"])
'<mark>Graphs</mark> &amp; &lt;b&gt;<mark>graph</mark>&lt;/b&gt; models'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..text import times, tokenize
from .tables import esc, paper_links

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..record import Paper

__all__ = ["Neighbour", "citation_lists", "citations", "concept_neighbours", "detail_html", "highlight"]

# A character reference (kept whole) or a word (letters/digits, as the tokenizer sees them).
_ESCAPED_PIECE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|[^\W_]+")
_MARK = "<mark>"


class Neighbour(NamedTuple):
    """A paper listed in the detail pane (a concept neighbour or a citation)."""

    id: str
    title: str
    year: int | None = None
    similarity: float | None = None
    shared: tuple[str, ...] = ()


def highlight(text: str | None, terms: Collection[str]) -> str:
    """``text`` HTML-escaped, with words matching the (tokenized) ``terms`` wrapped in ``<mark>``.

    >>> highlight("Tom & Jerry's model", ["jerry"])  # the apostrophe is escaped, then words are marked
    'Tom &amp; <mark>Jerry</mark>&#x27;s model'
    >>> highlight("a < b", [])
    'a &lt; b'
    """
    escaped = esc(text)
    wanted = {t for term in terms for t in tokenize(term)}
    if not wanted:
        return escaped

    def mark(match: re.Match[str]) -> str:
        piece = match.group(0)
        if piece.startswith("&") or not wanted.intersection(tokenize(piece)):
            return piece
        return f"{_MARK}{piece}</mark>"

    return _ESCAPED_PIECE.sub(mark, escaped)


def _paper_list(items: Sequence[Neighbour], empty: str, *, with_similarity: bool = False) -> str:
    if not items:
        return f"<div style='color:#777'>{esc(empty)}</div>"
    rows = []
    for item in items:
        year = f" ({esc(item.year)})" if item.year is not None else ""
        extra = ""
        if with_similarity and item.similarity is not None:
            extra += f" <span style='color:#777'>{item.similarity:.2f}</span>"
        if item.shared:
            extra += f"<br><small style='color:#555'>shared: {esc(', '.join(item.shared))}</small>"
        rows.append(
            f"<li data-paper-id='{esc(item.id)}'>{esc(item.title)}{year} <code style='font-size:10px'>"
            f"{esc(item.id)}</code>{extra}</li>"
        )
    return f"<ul style='margin:2px 0 6px 0;padding-left:18px'>{''.join(rows)}</ul>"


def detail_html(
    paper: Paper | None,
    *,
    terms: Collection[str] = (),
    neighbours: Sequence[Neighbour] | str | None = None,
    cites: Sequence[Neighbour] = (),
    cited_by: Sequence[Neighbour] = (),
    max_authors: int = 12,
) -> str:
    """The detail pane for ``paper`` (a hint when ``None``).

    ``neighbours`` is a list of concept neighbours, or a message string when they
    are unavailable (shown as is, escaped), or ``None`` to leave the section out.

    >>> import paperlens as pl
    >>> html = detail_html(pl.load_sample()["2203.05482"], terms=["soup"])
    >>> "<mark" in html and "arxiv.org/abs/2203.05482" in html
    True
    >>> detail_html(pl.Paper.create(title="<script>x</script>")).count("<script>")
    0
    """
    if paper is None:
        return "<div class='paperlens-detail' style='color:#777'>Click a paper in the table to see it here.</div>"
    authors = list(paper.authors[:max_authors])
    more = f" and {len(paper.authors) - max_authors} more" if len(paper.authors) > max_authors else ""
    meta = [", ".join(authors) + more if authors else "", paper.year, paper.venue, ", ".join(paper.categories)]
    if paper.keywords:
        meta.append("keywords: " + "; ".join(paper.keywords))
    meta_html = " · ".join(esc(x) for x in meta if x not in (None, ""))
    links = " ".join(
        f"<a href='{esc(url)}' target='_blank' rel='noopener noreferrer'>{esc(label)}</a>"
        for label, url in paper_links(paper)
    )
    cited = f" · cited {times(paper.citation_count)}" if paper.citation_count is not None else ""
    abstract = highlight(paper.abstract, terms) if paper.abstract else "<i>no abstract</i>"
    parts = [
        f"<div class='paperlens-detail' data-paper-id='{esc(paper.id)}' style='line-height:1.35'>",
        f"<div style='font-size:15px;font-weight:600'>{highlight(paper.title, terms)}</div>",
        f"<div style='color:#444'>{meta_html}</div>",
        f"<div><code>{esc(paper.id)}</code> {links}{esc(cited)}</div>",
        f"<div style='margin:6px 0;max-height:10.5em;overflow:auto'>{abstract}</div>",
    ]
    if neighbours is not None:
        parts.append("<div style='font-weight:600'>Nearest by concepts</div>")
        if isinstance(neighbours, str):
            parts.append(f"<div style='color:#777'>{esc(neighbours)}</div>")
        else:
            parts.append(_paper_list(neighbours, "no similar paper", with_similarity=True))
    parts.append(f"<div style='font-weight:600'>Cites ({len(cites)} in this corpus)</div>")
    parts.append(_paper_list(cites, "no paper of this corpus"))
    parts.append(f"<div style='font-weight:600'>Cited by ({len(cited_by)} in this corpus)</div>")
    parts.append(_paper_list(cited_by, "no paper of this corpus"))
    parts.append("</div>")
    return "".join(parts)


# --------------------------------------------------------------------------- what the pane lists


def _as_neighbour(root: Corpus, paper_id: str, **extra: Any) -> Neighbour:
    paper = root[paper_id]
    return Neighbour(paper_id, paper.title, paper.year, **extra)


def citation_lists(root: Corpus) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Root position -> root positions it cites, and -> those citing it (resolved once, cached on the root).

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> cites, cited_by = citation_lists(corpus)
    >>> corpus.ids[cites[corpus.position("2203.05482")][0]]
    '2103.00020'
    """
    return root.cached("explorer.citation_lists", lambda: _citation_lists(root))


def _citation_lists(root: Corpus) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    from ..graphs.citation import resolve_references

    lookup = {paper_id: pos for pos, paper_id in enumerate(root.ids)}
    cites: dict[int, list[int]] = {}
    cited_by: dict[int, list[int]] = {}
    for pos, row in enumerate(resolve_references(root)):
        for item in row:
            if item.status == "resolved":
                target = lookup[item.target]
                if target not in cites.setdefault(pos, []):
                    cites[pos].append(target)
                    cited_by.setdefault(target, []).append(pos)
    return cites, cited_by


def citations(root: Corpus, paper: Paper, keep: np.ndarray) -> tuple[list[Neighbour], list[Neighbour]]:
    """The papers ``paper`` cites and those citing it, among root positions where ``keep`` is true."""
    cites, cited_by = citation_lists(root)
    pos = root.position(paper.id)
    ids = root.ids

    def listed(found: list[int]) -> list[Neighbour]:
        return [_as_neighbour(root, ids[p]) for p in found if keep[p]]

    return listed(cites.get(pos, [])), listed(cited_by.get(pos, []))


def concept_neighbours(corpus: Corpus, paper: Paper, n: int) -> list[Neighbour]:
    """The ``n`` papers of ``corpus`` closest to ``paper`` by concepts, with the concepts they share."""
    from ..graphs.concepts import similar

    table = similar(corpus, paper, n=n)
    shared_column = next((c for c in table.columns if str(c).startswith("shared")), None)
    root = corpus.root
    out = []
    for record in table.to_dict("records"):
        shared = record.get(shared_column) if shared_column else ()
        if isinstance(shared, str):
            shared = tuple(s.strip() for s in shared.split(";" if ";" in shared else ",") if s.strip())
        similarity = record.get("similarity")
        out.append(
            _as_neighbour(
                root,
                record["id"],
                similarity=float(similarity) if similarity is not None else None,
                shared=tuple(shared or ()),
            )
        )
    return out
