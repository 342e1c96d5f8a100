"""The bundled sample corpus: 69 papers from a Hugging Face Daily Papers listing."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from .corpus import Corpus

__all__ = ["load_sample"]


@lru_cache(maxsize=1)
def load_sample() -> Corpus:
    """The bundled sample corpus (69 papers with arXiv ids, dates, authors and 13 citation links).

    The same immutable corpus is returned on every call, so what it computes once
    (search index, concept model) is reused.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> corpus
    <Corpus: 69 papers, 2019–2025>
    >>> sum(len(p.references) for p in corpus)
    13
    """
    from .io.base import assemble
    from .io.jsonl import parse_jsonl

    resource = files("paperlens.data") / "sample.jsonl"
    papers, report = parse_jsonl(resource.read_text(encoding="utf-8"), "paperlens sample corpus")
    report.format = "paperlens-sample"
    return assemble([(papers, report)], warn=True)
