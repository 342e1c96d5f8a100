"""The in-corpus citation graph: who cites whom among the papers of a corpus.

Each paper's ``references`` (identifier strings or titles) are resolved to corpus
papers through the corpus's own identifier index: DOI, arXiv id (any form, also
old-style ids and ``10.48550/arXiv.`` DOIs), OpenAlex ``W`` id, Semantic Scholar id,
the paper id itself, and as a last resort the folded title
(:func:`paperlens.ids.title_key`). What cannot be resolved is counted, never
silently dropped: the graph's ``graph.graph`` holds the counts and a note.

Examples
--------
>>> import paperlens as pl
>>> graph = pl.load_sample().citation_graph()
>>> graph.number_of_edges(), graph.graph["references_resolved"]
(13, 13)
>>> graph.edges["2203.05482", "2103.00020"]["kind"], graph.edges["2203.05482", "2103.00020"]["via"]
('cites', 'arxiv')
>>> graph.nodes["2103.00020"]["in_degree"]
7
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import GraphWarning
from ..ids import parse_identifier, title_key
from ..text import plural

if TYPE_CHECKING:
    import networkx as nx

    from ..corpus import Corpus

__all__ = ["Resolution", "citation_graph", "node_attributes", "resolve_references"]

_ARXIV_DOI = "10.48550/arxiv."
_MIN_TITLE_WORDS = 4  # a title found inside a longer citation string must be at least this long


class Resolution(NamedTuple):
    """What one reference string of one paper turned out to be.

    ``key`` identifies the cited work whatever form the reference took:
    ``("paper", id)`` for a corpus paper, else ``(kind, normalised identifier)``
    or ``("title", folded title)``. ``target`` is the cited corpus paper's id (or
    ``None``); ``via`` names the identifier kind that resolved it (``"doi"``,
    ``"arxiv"``, ``"openalex"``, ``"s2"``, ``"id"``, ``"title"``); ``status`` is
    ``"resolved"``, ``"self"`` (a paper citing itself), ``"external"`` (an
    identifier of a work outside the corpus) or ``"unresolved"`` (free text that
    matches no corpus title).
    """

    reference: str
    key: tuple[str, str]
    target: str | None
    via: str | None
    status: str


class _Resolver:
    """Finds the corpus paper a reference string points to."""

    def __init__(self, corpus: Corpus) -> None:
        self.ids = corpus.ids
        self.index = corpus.identifier_index()
        titles: dict[str, int | None] = {}
        for pos, title in enumerate(corpus.column("title").tolist()):
            key = title_key(title)
            if key:
                titles[key] = None if key in titles and titles[key] != pos else pos  # None: ambiguous
        self.titles = titles
        # Titles found inside longer citation strings ("Radford et al. 2021. Learning ..."):
        # index the first words of each long enough title.
        self.title_starts: dict[str, list[str]] = {}
        for key, pos in titles.items():
            words = key.split()
            if pos is not None and len(words) >= _MIN_TITLE_WORDS:
                self.title_starts.setdefault(" ".join(words[:_MIN_TITLE_WORDS]), []).append(key)

    def _lookup(self, value: str) -> int | None:
        return self.index.get(value)

    def resolve(self, reference: str) -> tuple[tuple[str, str], int | None, str | None]:
        """``(key, position or None, via)`` of one reference."""
        text = reference.strip() if isinstance(reference, str) else ""
        parsed = parse_identifier(text)
        if parsed:
            kind, value = parsed
            pos = self._lookup(value)
            if pos is None and kind == "arxiv":
                pos = self._lookup(_ARXIV_DOI + value.lower())
            if pos is None and kind == "doi" and value.startswith(_ARXIV_DOI):
                pos = self._lookup(value[len(_ARXIV_DOI) :])
            return (kind, value), pos, kind if pos is not None else None
        pos = self._lookup(text)
        if pos is not None:
            return ("id", text), pos, "id"
        folded = title_key(text)
        pos = self.titles.get(folded)
        if pos is not None:
            return ("title", folded), pos, "title"
        words = folded.split()
        for start in range(max(len(words) - _MIN_TITLE_WORDS + 1, 0)):
            for key in self.title_starts.get(" ".join(words[start : start + _MIN_TITLE_WORDS]), ()):
                if f" {key} " in f" {folded} ":
                    return ("title", key), self.titles[key], "title"
        return ("title", folded), None, None


def resolve_references(corpus: Corpus) -> list[list[Resolution]]:
    """Every reference of every paper of ``corpus``, resolved against the corpus (cached per corpus).

    Returns one list per paper, in corpus order.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> resolved = resolve_references(corpus)
    >>> resolved[corpus.position("2401.02460")][1]
    Resolution(reference='2006.10029', key=('paper', '2006.10029'), target='2006.10029', via='arxiv', status='resolved')
    """
    return corpus.cached("citation.resolutions", lambda: _resolve_all(corpus))


def _resolve_all(corpus: Corpus) -> list[list[Resolution]]:
    resolver = _Resolver(corpus)
    ids = resolver.ids
    out: list[list[Resolution]] = []
    for pos, references in enumerate(corpus.column("references").tolist()):
        row: list[Resolution] = []
        for reference in references or ():
            key, target, via = resolver.resolve(reference)
            if target is None:
                status = "external" if key[0] != "title" else "unresolved"
                row.append(Resolution(reference, key, None, None, status))
            else:
                status = "self" if target == pos else "resolved"
                row.append(Resolution(reference, ("paper", ids[target]), ids[target], via, status))
        out.append(row)
    return out


def node_attributes(corpus: Corpus) -> dict[str, dict[str, Any]]:
    """Node attributes for every paper of ``corpus``: GraphML-safe scalars, missing values left out.

    ``title``, ``year``, ``date`` (ISO), ``authors`` and ``categories`` (``"; "``-joined),
    ``venue``, ``citation_count`` (the external count, when known).

    >>> import paperlens as pl
    >>> node_attributes(pl.load_sample())["2103.00020"]["year"]
    2021
    """
    out: dict[str, dict[str, Any]] = {}
    for paper in corpus:
        attrs: dict[str, Any] = {"title": paper.title}
        if paper.year is not None:
            attrs["year"] = int(paper.year)
        if paper.date is not None:
            attrs["date"] = paper.date.isoformat()
        if paper.authors:
            attrs["authors"] = "; ".join(paper.authors)
        if paper.venue:
            attrs["venue"] = paper.venue
        if paper.categories:
            attrs["categories"] = "; ".join(paper.categories)
        if paper.citation_count is not None:
            attrs["citation_count"] = int(paper.citation_count)
        out[paper.id] = attrs
    return out


MENTIONS_AUTO_LIMIT = 20_000
"""Above this many papers, inferred mention links are off unless asked for (about a minute at 75,000)."""


def citation_graph(corpus: Corpus, mentions: bool | None = None, *, isolates: bool = True) -> nx.DiGraph:
    """The citation graph of ``corpus``: an edge ``citing -> cited`` for each in-corpus citation.

    Parameters
    ----------
    corpus : the papers; references pointing outside it are counted, not drawn.
    mentions : also add inferred ``kind="mentions"`` edges where an abstract names
        another corpus paper (see :mod:`paperlens.graphs.mentions`). A mention of a
        paper already cited is recorded on the ``cites`` edge as ``mention``. ``None``
        (default): on up to :data:`MENTIONS_AUTO_LIMIT` papers, off above (and the notes say so).
    isolates : keep papers with no edge (default ``True``).

    Returns
    -------
    networkx.DiGraph
        Nodes are paper ids with ``title``, ``year``, ``date``, ``authors``, ``venue``,
        ``categories``, ``citation_count`` (when known) and ``in_degree`` /
        ``out_degree`` (edges of this graph). Edges carry ``kind`` (``"cites"`` or
        ``"mentions"``) and ``via`` (identifier kind that resolved a citation) or
        ``evidence`` (the phrase that names the mentioned paper). ``graph.graph``
        holds ``references_total``, ``references_resolved``, ``references_external``
        (identifiers of works outside the corpus), ``references_unresolved`` (free
        text matching no corpus title), ``references_self``, ``mentions`` and ``notes``.
        When no reference resolves, a :class:`paperlens.errors.GraphWarning` says why.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> graph = corpus.citation_graph(mentions=False)
    >>> sorted(graph.predecessors("2003.10555"))
    ['2112.07869', '2302.09268']
    >>> graph.nodes["2003.10555"]["title"][:7], graph.nodes["2003.10555"]["in_degree"]
    ('ELECTRA', 2)
    >>> print(graph.graph["notes"])
    13 of 13 references resolve to papers of this corpus (13 citation links).
    """
    import networkx as nx

    resolutions = resolve_references(corpus)
    ids = corpus.ids
    graph = nx.DiGraph()
    for node, attrs in node_attributes(corpus).items():
        graph.add_node(node, **attrs)

    counts: Counter[str] = Counter()
    for pos, row in enumerate(resolutions):
        for item in row:
            counts[item.status] += 1
            if item.status == "resolved" and not graph.has_edge(ids[pos], item.target):
                graph.add_edge(ids[pos], item.target, kind="cites", via=item.via)
    cites = graph.number_of_edges()

    added_mentions = 0
    skipped_mentions = mentions is None and len(corpus) > MENTIONS_AUTO_LIMIT
    if mentions is None:
        mentions = not skipped_mentions
    if mentions:
        from .mentions import find_mentions

        for found in find_mentions(corpus):
            if graph.has_edge(found.citing, found.cited):
                graph.edges[found.citing, found.cited]["mention"] = found.evidence
            else:
                graph.add_edge(found.citing, found.cited, kind="mentions", evidence=found.evidence)
                added_mentions += 1

    total = sum(counts.values())
    stats = {
        "references_total": total,
        "references_resolved": counts["resolved"],
        "references_external": counts["external"],
        "references_unresolved": counts["unresolved"],
        "references_self": counts["self"],
        "citations": cites,
        "mentions": added_mentions,
    }
    graph.graph.update(stats)
    graph.graph["notes"] = _notes(len(corpus), stats, mentions)
    if skipped_mentions:
        graph.graph["notes"] += (
            f"\nInferred mention links are off above {MENTIONS_AUTO_LIMIT:,} papers (finding them takes "
            "about a minute at 75,000): pass mentions=True to add them."
        )
    if counts["resolved"] == 0 and len(corpus) > 1:
        warnings.warn(
            graph.graph["notes"].split("\n")[0] + ' See graph.graph["notes"]; silence with '
            'warnings.simplefilter("ignore", paperlens.errors.GraphWarning).',
            GraphWarning,
            stacklevel=3,
        )

    for node in graph:
        graph.nodes[node]["in_degree"] = graph.in_degree(node)
        graph.nodes[node]["out_degree"] = graph.out_degree(node)
    if not isolates:
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    return graph


def _are(n: int, one: str, many: str) -> str:
    """``"1 is a title"`` / ``"3 are titles"``."""
    return f"1 is {one}" if n == 1 else f"{n:,} are {many}"


def _notes(n_papers: int, stats: dict[str, int], mentions: bool) -> str:
    """A plain-language account of what the references gave."""
    total, resolved = stats["references_total"], stats["references_resolved"]
    external, unresolved = stats["references_external"], stats["references_unresolved"]
    lines = []
    if total == 0:
        whose = (
            "the paper lists no references" if n_papers == 1 else f"none of the {n_papers:,} papers lists references"
        )
        lines.append(
            f"No citation links: {whose}. "
            "Load a source that has them (OpenAlex or Semantic Scholar records, or corpus.enrich())."
        )
    elif resolved == 0:
        parts = [f"{_are(external, 'an identifier', 'identifiers')} of works outside this corpus"] if external else []
        if unresolved:
            parts.append(
                _are(unresolved, "a title or citation text", "titles or citation texts") + " matching no paper here"
            )
        if stats["references_self"]:
            parts.append(_are(stats["references_self"], "a paper citing itself", "papers citing themselves"))
        listed = (
            f"the paper lists {plural(total, 'reference')}"
            if n_papers == 1
            else (f"the {n_papers:,} papers list {plural(total, 'reference')}")
        )
        lines.append(
            f"No citation links: {listed}, but {'it does not point' if total == 1 else 'none points'} to "
            f"another paper of this corpus ({'; '.join(parts)})."
        )
    else:
        lines.append(
            f"{resolved} of {plural(total, 'reference')} {'resolves' if resolved == 1 else 'resolve'} to papers "
            f"of this corpus ({plural(stats['citations'], 'citation link')})."
        )
        rest = [f"{external} {'points' if external == 1 else 'point'} to works outside the corpus"] if external else []
        if unresolved:
            rest.append(f"{_are(unresolved, 'a title or text', 'titles or texts')} matching no paper here")
        if rest:
            lines.append("; ".join(rest) + ".")
    if mentions and stats["mentions"]:
        count = stats["mentions"]
        lines.append(
            f"{count} more link{' is' if count == 1 else 's are'} inferred from abstracts naming another paper."
        )
    return "\n".join(lines)
