"""The paperlens exception and warning hierarchy.

Every error paperlens raises on purpose derives from :class:`PaperlensError`, so a
caller can catch them all with one ``except``. Errors about input name the file,
the record and what is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

FIELD_ERROR_SHOWN = 30
"""How many known names a :class:`FieldError` lists."""


class PaperlensError(Exception):
    """Base class of every error paperlens raises on purpose."""


class ParseError(PaperlensError, ValueError):
    """A file could not be read: names the file, the line or record, and the problem.

    Examples
    --------
    >>> err = ParseError("not a BibTeX entry", file="refs.bib", line=3)
    >>> str(err)
    'refs.bib, line 3: not a BibTeX entry'
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        record: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.line = line
        self.record = record
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record:
            where.append(f"record {self.record}")
        return (", ".join(where) + ": " if where else "") + self.problem


class InvalidArgumentError(PaperlensError, ValueError):
    """An argument has a value paperlens cannot use; the message says which and what would do.

    It is a :class:`ValueError` too, so ``except ValueError`` catches it as it would
    in numpy, pandas or scikit-learn.

    Examples
    --------
    >>> import paperlens as pl
    >>> try:
    ...     pl.load_sample().search("")
    ... except ValueError as err:
    ...     print(type(err).__name__, err)
    InvalidArgumentError search needs a non-empty query string
    """


class RecordError(PaperlensError, ValueError):
    """One record could not be understood; the reader turns it into a skip naming file and record."""


class UnknownFormatError(PaperlensError, ValueError):
    """The format of a file could not be recognised from its name or content."""


class FieldError(PaperlensError, KeyError):
    """An unknown field name, with a "did you mean ..." suggestion.

    Long lists of known names are cut after ``FIELD_ERROR_SHOWN`` entries.

    Examples
    --------
    >>> str(FieldError("yaer", ["title", "year"]))
    "unknown field 'yaer'; did you mean 'year'? (known: title, year)"
    """

    def __init__(self, name: str, known: Iterable[str], *, what: str = "field") -> None:
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(known[:FIELD_ERROR_SHOWN])
        if len(known) > FIELD_ERROR_SHOWN:
            shown += f", … ({len(known) - FIELD_ERROR_SHOWN} more)"
        self.name = name
        self.message = f"unknown {what} {name!r}{hint} (known: {shown})"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.message


class PaperNotFoundError(PaperlensError, KeyError):
    """No paper in the corpus has the given id."""

    def __init__(self, key: object, hint: str = "") -> None:
        self.message = f"no paper with id {key!r} in this corpus{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class SourceError(PaperlensError):
    """A remote source (arXiv, OpenAlex, Semantic Scholar, Hugging Face) failed."""


class OfflineError(SourceError):
    """``offline=True`` was asked and the answer is not in the cache."""


class RequestFailedError(SourceError):
    """A request failed for good: an error answer, or retries used up.

    ``url`` is the request URL with API keys removed; ``status`` the last HTTP
    status (``None`` when no answer came).
    """

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NotFittedError(PaperlensError, AttributeError):
    """A :class:`~paperlens.graphs.concepts.ConceptModel` was used before ``fit``."""


class MissingDependencyError(PaperlensError, ImportError):
    """An optional package is needed for this feature; says what to install."""


class PaperlensWarning(UserWarning):
    """Base class of paperlens warnings."""


class LoadWarning(PaperlensWarning):
    """Some records were skipped or merged while loading; see ``corpus.report``.

    Silence with ``warnings.simplefilter("ignore", paperlens.LoadWarning)``.
    """


class SourceWarning(PaperlensWarning):
    """A remote source answered only in part (some ids failed); see the corpus's report.

    Silence with ``warnings.simplefilter("ignore", paperlens.SourceWarning)``.
    """


class GraphWarning(PaperlensWarning):
    """A graph was built but says less than expected (no citation could be resolved, say).

    The graph's ``graph.graph["notes"]`` explains in full. Silence with
    ``warnings.simplefilter("ignore", paperlens.errors.GraphWarning)``.
    """
