"""Docstring sections that many public functions share, written once (as pandas' ``@doc`` does).

A docstring names a section by a placeholder line such as ``{reader parameters}``;
:func:`shared_doc` replaces it at import, so ``help()``, numpydoc and the doctests
all see the full text.

Examples
--------
>>> @shared_doc
... def read_things(path, *, warn=True):
...     '''Read things.
...
...     {reader parameters}
...     '''
>>> "warn : bool, default True" in read_things.__doc__
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["SECTIONS", "shared_doc"]

F = TypeVar("F", bound=Callable[..., object])

_PATH = """path : str, path-like or iterable of them
    A file, or several files read into one corpus (records of the same paper merged)."""
_COLUMNS = """columns : mapping of str to str, optional
    ``{paper_field: column_name}`` for columns the aliases do not recognise."""
_WARN = """warn : bool, default True
    Warn (:class:`~paperlens.LoadWarning`) when records were skipped or merged."""
_PROGRESS = """progress : bool, optional
    Show a progress bar (default: for more than a few requests)."""
_HTTP = """**http_options
    :class:`~paperlens.sources.http.HttpSettings` values for this call (``offline=True``, ``cache_dir=...``)."""
_WRITER = """Parameters
----------
path : str or path-like, optional
    Also write the text to this file."""
_RETURNS = """Returns
-------
Corpus
    The papers; ``corpus.report`` says what happened to every record."""

SECTIONS: dict[str, str] = {
    "reader parameters": f"Parameters\n----------\n{_PATH}\n{_WARN}\n\n{_RETURNS}",
    "reader sections": f"Parameters\n----------\n{_PATH}\n{_WARN}\n\n{_RETURNS}\n\nExamples\n--------",
    "path": _PATH,
    "columns": _COLUMNS,
    "warn": _WARN,
    "reader returns": _RETURNS,
    "reader returns and examples": f"{_RETURNS}\n\nExamples\n--------",
    "source options": f"{_PROGRESS}\n{_WARN}\n{_HTTP}",
    "writer parameters": _WRITER,
    "per paper sections": (
        "Parameters\n----------\ncorpus : Corpus\n    The papers.\n\nReturns\n-------\npandas.Series\n"
        "    One value per paper, in corpus order, indexed by paper id.\n\nExamples\n--------"
    ),
    "top table sections": (
        "Parameters\n----------\ncorpus : Corpus\n    The papers.\nn : int or None, default 15\n"
        "    How many rows (``None``: all).\n\nReturns\n-------\npandas.DataFrame\n"
        "    Most papers first; ties by name.\n\nExamples\n--------"
    ),
}
"""Placeholder name -> its text (unindented; indented like the placeholder line when filled in)."""


def shared_doc(func: F) -> F:
    """Fill the ``{name}`` placeholders of ``func``'s docstring from :data:`SECTIONS`.

    A placeholder is a line of its own, or ends a line of text (a one-line summary
    ``Write RIS. {writer parameters}``): then the section follows that line
    after a blank line. Sections are indented like the docstring's other lines (by
    default four spaces for a function, eight for a method).
    """
    lines = (func.__doc__ or "").split("\n")
    body = [line for line in lines[1:] if line.strip()]
    default = " " * (4 * (1 + func.__qualname__.rpartition("<locals>.")[2].count(".")))
    out = []
    for number, line in enumerate(lines):
        text, _, tail = line.rstrip().rpartition("{")
        key = tail[:-1] if tail.endswith("}") else None
        if key not in SECTIONS:
            out.append(line)
            continue
        if text.strip():  # the placeholder ends a line of text
            indent = min((b[: len(b) - len(b.lstrip())] for b in body), key=len, default=default)
            out += [text.rstrip(), ""]
        else:
            indent = text
        out += [indent + part if part else "" for part in SECTIONS[key].split("\n")]
        if number == len(lines) - 1 and text.strip():
            out.append(indent)
    func.__doc__ = "\n".join(out)
    return func
