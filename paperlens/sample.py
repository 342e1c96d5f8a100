"""The bundled sample corpora.

- ``"daily-papers"`` (the default): 69 papers from a Hugging Face Daily Papers listing, with arXiv ids,
  dates, authors, primary categories and 13 evidenced citation links.
- ``"donners2021"``: 258 OpenAlex works screened for a systematic review of emicizumab (Donners et al.
  2021), with abstracts, references (801 citation links inside the set) and, in ``extra["included"]``,
  whether the review included the work. A real citation network to study.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

from .corpus import Corpus
from .errors import InvalidArgumentError
from .ids import normalize_openalex_id

__all__ = ["SAMPLES", "load_sample"]

SAMPLES = {
    "daily-papers": "69 Hugging Face Daily Papers (2019–2025) with arXiv metadata and 13 citation links",
    "donners2021": "258 OpenAlex works of a systematic review on emicizumab, with references and inclusion labels",
}


@cache
def load_sample(name: str = "daily-papers") -> Corpus:
    """A bundled sample corpus (see :data:`SAMPLES`).

    The same immutable corpus is returned on every call, so what it computes once
    (search index, concept model) is reused.

    Parameters
    ----------
    name : {"daily-papers", "donners2021"}, default "daily-papers"
        Which sample.

    Returns
    -------
    Corpus
        The same immutable corpus on every call.

    Examples
    --------
    >>> import paperlens as pl
    >>> pl.load_sample() is pl.load_sample(), sum(len(p.references) for p in pl.load_sample())
    (True, 13)
    >>> reviewed = pl.load_sample("donners2021")
    >>> len(reviewed), sum(bool(p.extra["included"]) for p in reviewed)
    (258, 15)
    """
    from .io.base import assemble

    if name == "daily-papers":
        from .io.jsonl import parse_jsonl

        resource = files("paperlens.data") / "sample.jsonl"
        papers, report = parse_jsonl(resource.read_text(encoding="utf-8"), "paperlens sample corpus")
        report.format = "paperlens-sample"
        return assemble([(papers, report)], warn=True)
    if name == "donners2021":
        return _donners2021()
    raise InvalidArgumentError(f"no sample named {name!r}; the samples are: {', '.join(SAMPLES)}")


def _donners2021() -> Corpus:
    from .io.openalex import read_openalex

    folder = files("paperlens.data") / "donners2021"
    with folder.joinpath("labels.csv").open(encoding="utf-8") as handle:
        included = {
            normalize_openalex_id(row["openalex_id"]): row["label_included"] == "1"
            for row in csv.DictReader(io.StringIO(handle.read()))
        }
    corpus = read_openalex(folder / "works_1.zip")
    papers = [p.replace(extra={**p.extra, "included": included.get(p.openalex_id)}) for p in corpus]
    return Corpus(papers, report=corpus.report)
