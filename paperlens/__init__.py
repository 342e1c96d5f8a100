"""paperlens: explore a corpus of research papers in Jupyter.

Load papers, narrow them down, and see how they connect: who cites whom, and
which papers talk about the same concepts.

>>> import paperlens as pl
>>> pl.load_sample()
<Corpus: 69 papers, 2019–2025>

The core (records, corpus, readers, graphs) never imports IPython, ipywidgets,
pyvis or scikit-learn at import time; the display layer loads them when used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .corpus import Corpus
from .errors import (
    FieldError,
    GraphWarning,
    InvalidArgumentError,
    LoadWarning,
    MissingDependencyError,
    NotFittedError,
    OfflineError,
    PaperlensError,
    PaperlensWarning,
    PaperNotFoundError,
    ParseError,
    RequestFailedError,
    SourceError,
    SourceWarning,
    UnknownFormatError,
)
from .record import Paper
from .report import FileReport, LoadReport, Skip
from .sample import load_sample

__version__ = "0.1.0"

# Public names that live in heavier modules, imported on first use.
_LAZY = {
    "read": "paperlens.io",
    "read_bibtex": "paperlens.io.bibtex",
    "read_ris": "paperlens.io.ris",
    "read_csv": "paperlens.io.tabular",
    "read_parquet": "paperlens.io.tabular",
    "from_dataframe": "paperlens.io.tabular",
    "read_json": "paperlens.io.jsonl",
    "read_jsonl": "paperlens.io.jsonl",
    "read_daily_papers": "paperlens.io.daily_papers",
    "read_openalex": "paperlens.io.openalex",
    "ConceptModel": "paperlens.graphs.concepts",
    "Explorer": "paperlens.display.explorer",
    "GraphView": "paperlens.display.graphview",
    "from_arxiv": "paperlens.sources.arxiv",
    "from_openalex": "paperlens.sources.openalex",
    "from_semantic_scholar": "paperlens.sources.semantic_scholar",
    "from_daily_papers": "paperlens.sources.daily_papers",
}

__all__ = [
    "Corpus",
    "FieldError",
    "FileReport",
    "GraphWarning",
    "InvalidArgumentError",
    "LoadReport",
    "LoadWarning",
    "MissingDependencyError",
    "NotFittedError",
    "OfflineError",
    "Paper",
    "PaperNotFoundError",
    "PaperlensError",
    "PaperlensWarning",
    "ParseError",
    "RequestFailedError",
    "Skip",
    "SourceError",
    "SourceWarning",
    "UnknownFormatError",
    "load_sample",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'paperlens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
