"""What to read next: rank the unlabelled papers of a corpus by their relatedness to the ones marked relevant.

Two kinds of evidence are mixed, because text and citations together place papers better than either
alone (Boyack & Klavans 2010; Ahlgren et al. 2020):

- **Text.** With relevant and irrelevant papers, a linear SVM (scikit-learn's ``LinearSVC``, as
  arxiv-sanity and ASReview's default model use) is trained on the concept model's TF-IDF rows
  (:class:`~paperlens.graphs.concepts.ConceptModel`, fitted once per corpus and reused); its decision
  value is the text score. With relevant papers only ("seeds"), the text score is the cosine
  similarity to the seeds' mean TF-IDF row.
- **Citations**, resolved as in :func:`~paperlens.graphs.citation.citation_graph`: direct citations
  both ways between a paper and the relevant ones, bibliographic coupling (references shared with
  them, a reference held by many papers counting less) and co-citation (cited together with them).

The score is the text score scaled to the candidates' largest absolute value, plus
``citation_weight`` times the citation evidence scaled the same way; papers close to the
irrelevant ones by citation lose half as much. Every step is sparse matrix products and one
liblinear fit on the labelled rows, so re-ranking after a label is fast at any corpus size once
the concept model is fitted, and the result does not depend on BLAS threads.

Examples
--------
>>> import paperlens as pl
>>> reviewed = pl.load_sample("donners2021")
>>> seeds = [p.id for p in reviewed if p.extra["included"]][:3]  # three papers the reviewers included
>>> picks = reviewed.recommend(relevant=seeds, n=3)
>>> len(picks), picks.scores.is_monotonic_decreasing
(3, True)
>>> print(picks.reasons.iloc[0])  # doctest: +ELLIPSIS
cites 1 of your relevant papers; is cited by 2 of your relevant papers; shares ... references with ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InvalidArgumentError, PaperlensError
from ..record import Paper

if TYPE_CHECKING:
    from scipy import sparse

    from ..corpus import Corpus

__all__ = ["citation_evidence", "citation_matrices", "recommend", "recommend_table"]

COUPLING_WEIGHT = 1.0
COCITATION_WEIGHT = 0.5
DIRECT_WEIGHT = 1.0
IRRELEVANT_PENALTY = 0.5
SVM_C = 0.11  # ASReview's tuned value for the same model on the SYNERGY sets


def citation_matrices(corpus: Corpus) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """``(C, R, idf)`` of the root of ``corpus``, built once and cached.

    ``C[i, j] = 1`` when paper ``i`` cites corpus paper ``j``; ``R[i, k] = 1`` when paper ``i``
    references work ``k`` (in the corpus or not, by normalised identifier or folded title); ``idf``
    weighs each referenced work by ``log(1 + n / holders)``.

    >>> import paperlens as pl
    >>> reviewed = pl.load_sample("donners2021")
    >>> C, R, idf = citation_matrices(reviewed)
    >>> C.shape == (len(reviewed), len(reviewed)), int(C.sum())  # the 801 citation links
    (True, 801)
    """
    root = corpus.root
    return root.cached("recommend.citation_matrices", lambda: _build_matrices(root))


def _build_matrices(root: Corpus) -> tuple[Any, Any, np.ndarray]:
    from scipy import sparse

    from .citation import resolve_references

    positions = {pid: i for i, pid in enumerate(root.ids)}
    rows, cols, ref_rows, ref_keys = [], [], [], []
    keys: dict[tuple[str, str], int] = {}
    for i, resolved in enumerate(resolve_references(root)):
        seen_keys = set()
        for r in resolved:
            if r.status == "resolved" and r.target in positions:
                rows.append(i)
                cols.append(positions[r.target])
            if r.key[1] and r.key not in seen_keys:  # as coupling_graph counts them
                seen_keys.add(r.key)
                ref_rows.append(i)
                ref_keys.append(keys.setdefault(r.key, len(keys)))
    n = len(root)
    C = sparse.csr_matrix((np.ones(len(rows), np.float64), (rows, cols)), shape=(n, n))
    C.data[:] = 1.0  # a paper citing another twice is one link
    R = sparse.csr_matrix((np.ones(len(ref_rows), np.float64), (ref_rows, ref_keys)), shape=(n, len(keys)))
    holders = np.asarray(R.sum(axis=0)).ravel()
    idf = np.log1p(n / np.maximum(holders, 1))
    return C, R, idf


def citation_evidence(corpus: Corpus, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Citation links of every root paper to the papers at root ``rows``.

    Returns arrays over the root's papers: ``cites`` (how many of them it cites), ``cited_by`` (how
    many of them cite it), ``coupling`` (references shared with them, summed), ``coupling_idf``
    (the same weighted by rarity), ``cocitation`` (papers citing it and one of them, summed).
    A paper's links to itself do not count.
    """
    C, R, idf = citation_matrices(corpus)
    n = C.shape[0]
    r = np.zeros(n, dtype=np.float64)
    r[np.asarray(rows, dtype=np.int64)] = 1.0
    cites = C @ r
    cited_by = C.T @ r
    held = R.T @ r
    coupling = R @ held - (R.multiply(R).sum(axis=1).A1 * r)
    coupling_idf = R @ (held * idf) - (R @ idf) * r
    cocitation = C.T @ (C @ r) - C.sum(axis=0).A1 * r
    return {
        "cites": cites,
        "cited_by": cited_by,
        "coupling": coupling,
        "coupling_idf": coupling_idf,
        "cocitation": np.maximum(cocitation, 0),
    }


def _combined(evidence: dict[str, np.ndarray], n_rows: int) -> np.ndarray:
    if n_rows == 0:
        return np.zeros_like(evidence["cites"])
    return (
        DIRECT_WEIGHT * (evidence["cites"] + evidence["cited_by"])
        + COUPLING_WEIGHT * evidence["coupling_idf"] / n_rows
        + COCITATION_WEIGHT * evidence["cocitation"]
    )


def _rows(corpus: Corpus, papers: Iterable[str | Paper] | str | Paper | None, what: str) -> np.ndarray:
    if papers is None:
        return np.zeros(0, dtype=np.int64)
    if isinstance(papers, (str, Paper)):
        papers = [papers]
    root = corpus.root
    found = []
    for paper in papers:
        try:
            found.append(root.position(paper))
        except PaperlensError as exc:
            raise InvalidArgumentError(f"{what} paper {paper!r:.80}: {exc}") from None
    return np.unique(np.asarray(found, dtype=np.int64))


def _text_scores(X: Any, relevant: np.ndarray, irrelevant: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Text score of every row and the weight vector that explains it (SVM or seed centroid)."""
    if len(relevant) and len(irrelevant):
        from sklearn.svm import LinearSVC

        labelled = np.concatenate([relevant, irrelevant])
        y = np.concatenate([np.ones(len(relevant), int), np.zeros(len(irrelevant), int)])
        # Irrelevant papers come in far larger numbers while screening: weigh the classes like ASReview's
        # balancer does, so a handful of relevant ones still move the boundary.
        weights = np.where(y == 1, 1.0, min(1.0, len(relevant) / (9.8 * len(irrelevant))) if len(irrelevant) else 1)
        model = LinearSVC(C=SVM_C, loss="squared_hinge", random_state=seed, dual=True, max_iter=5000)
        model.fit(X[labelled], y, sample_weight=weights)
        w = model.coef_.ravel().astype(np.float64)
        return np.asarray(X @ w).ravel() + float(model.intercept_[0]), w
    if len(relevant):
        w = np.asarray(X[relevant].mean(axis=0)).ravel().astype(np.float64)
    elif len(irrelevant):
        w = -np.asarray(X[irrelevant].mean(axis=0)).ravel().astype(np.float64)
    else:
        raise InvalidArgumentError(
            "recommend needs relevant papers (or irrelevant ones): pass relevant=[ids] or label some "
            "with corpus.annotate(ids, 'relevant')"
        )
    return np.asarray(X @ w).ravel(), w


def _scaled(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    top = np.max(np.abs(values[candidates])) if len(candidates) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _quote(title: str, limit: int = 60) -> str:
    title = " ".join(str(title).split())
    return f"'{title if len(title) <= limit else title[: limit - 1] + '…'}'"


def _reasons(
    row: int, X: Any, w: np.ndarray, terms: np.ndarray, evidence: dict[str, np.ndarray] | None, extra: dict[str, Any]
) -> str:
    out = []
    if evidence is not None:
        for key, verb in (("cites", "cites"), ("cited_by", "is cited by")):
            k = round(float(evidence[key][row]))
            if k:
                out.append(f"{verb} {k} of your relevant papers")
        shared = round(float(evidence["coupling"][row]))
        if shared:
            out.append(f"shares {shared} reference{'s' if shared != 1 else ''} with your relevant papers")
        partner = extra["cocited_with"](row)
        if partner:
            out.append(f"co-cited with {partner}")
    x = X[row]
    contributions = x.data * w[x.indices]
    order = np.argsort(-contributions, kind="stable")
    phrases = [str(terms[x.indices[i]]) for i in order[:3] if contributions[i] > 0]
    if phrases:
        out.append("shares " + ", ".join(f"'{p}'" for p in phrases))
    return "; ".join(out)


def recommend_table(
    corpus: Corpus,
    relevant: Iterable[str | Paper] | str | Paper | None = None,
    irrelevant: Iterable[str | Paper] | str | Paper | None = None,
    n: int | None = 20,
    *,
    citations: bool = True,
    citation_weight: float = 1.0,
    seed: int = 0,
    corpus_labels: bool = True,
    explain: bool = True,
) -> pd.DataFrame:
    """The unlabelled papers of ``corpus`` ranked by relatedness to the relevant ones, best first.

    Parameters
    ----------
    relevant, irrelevant : paper ids (any form) or Papers; ``None`` takes the corpus's own labels
        (:meth:`~paperlens.Corpus.annotate`). Papers given or labelled are not recommended.
    n : how many to return (``None``: all).
    citations : mix in citation proximity (``False``: text only).
    citation_weight : how much citation evidence counts against the text score.
    seed : the SVM's random state (liblinear shuffles); the same seed gives the same ranking.
    corpus_labels : take the corpus's labels into account (``False``: only ``relevant``/``irrelevant``
        count, as the explorer does with the labels given in it).
    explain : write the ``reasons`` (``False``: empty, for rankings of every paper where only the order counts).

    Returns
    -------
    DataFrame with ``id``, ``title``, ``position`` (row in ``corpus``), ``score``, ``text_score``,
    ``citation_score`` and ``reasons``.
    """
    root = corpus.root
    labels = corpus.root.column("label")
    if not corpus_labels:
        labels = pd.Series([None] * len(labels), dtype=object)
    rel = (
        _rows(corpus, relevant, "relevant")
        if relevant is not None
        else np.flatnonzero((labels == "relevant").to_numpy())
    )
    irr = (
        _rows(corpus, irrelevant, "irrelevant")
        if irrelevant is not None
        else np.flatnonzero((labels == "irrelevant").to_numpy())
    )
    both = np.intersect1d(rel, irr)
    if len(both):
        raise InvalidArgumentError(f"papers given as both relevant and irrelevant: {[root.ids[i] for i in both[:5]]}")
    from .concepts import fitted_model

    model = fitted_model(corpus)
    X = model.matrix_
    text, w = _text_scores(X, rel, irr, seed)
    mine = corpus.root_positions
    labelled = np.zeros(len(root), dtype=bool)
    labelled[rel] = labelled[irr] = True
    labelled |= labels.notna().to_numpy()
    keep = ~labelled[mine]
    candidates = mine[keep]
    score = _scaled(text, candidates)
    cite = np.zeros(len(root))
    evidence = None
    C, R, _ = citation_matrices(corpus)
    if citations and len(rel) and (C.nnz or R.nnz):  # a corpus without references has no citation evidence
        evidence = citation_evidence(corpus, rel)
        cite = _combined(evidence, len(rel))
        if len(irr):
            against = _combined(citation_evidence(corpus, irr), len(irr))
            cite = cite - IRRELEVANT_PENALTY * against
        if np.any(cite[candidates] != 0):
            score = score + citation_weight * _scaled(cite, candidates)
    order = np.lexsort((candidates, -score[candidates]))
    if n is not None:
        order = order[: max(int(n), 0)]
    top = candidates[order]
    titles = root.column("title").to_numpy(dtype=object)
    all_ids = root.ids
    extra: dict[str, Any] = {}
    if evidence is not None:
        CT = C.T.tocsr()
        rel_mask = np.zeros(len(root))
        rel_mask[rel] = 1

        def cocited_with(row: int) -> str | None:
            citing = CT[row].indices  # papers citing this one
            if len(citing) == 0:
                return None
            together = np.asarray(C[citing].multiply(rel_mask).sum(axis=0)).ravel()
            best = int(np.argmax(together))
            return f"{_quote(titles[best])} ({int(together[best])}×)" if together[best] > 0 else None

        extra["cocited_with"] = cocited_with
    local = np.full(len(root), -1, dtype=np.int64)
    local[mine] = np.arange(len(mine))
    return pd.DataFrame(
        {
            "id": [all_ids[i] for i in top.tolist()] if len(top) else [],
            "title": titles[top].tolist(),
            "position": local[top],
            "score": score[top],
            "text_score": text[top],
            "citation_score": cite[top],
            "reasons": [_reasons(int(i), X, w, model.terms_, evidence, extra) if explain else "" for i in top.tolist()],
        }
    )


def recommend(
    corpus: Corpus,
    relevant: Iterable[str | Paper] | str | Paper | None = None,
    irrelevant: Iterable[str | Paper] | str | Paper | None = None,
    n: int | None = 20,
    **options: Any,
) -> Corpus:
    """:func:`recommend_table` as a Corpus of the recommended papers, best first, with ``score`` and ``reasons``."""
    table = recommend_table(corpus, relevant, irrelevant, n, **options)
    return corpus.subset(table["position"].to_numpy(), table["score"].to_numpy(), columns={"reasons": table["reasons"]})
