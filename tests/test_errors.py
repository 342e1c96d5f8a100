"""One error hierarchy: bad argument values raise InvalidArgumentError, a ValueError too."""

from __future__ import annotations

import ast
import tempfile
import warnings
from pathlib import Path

import pytest

import paperlens as pl
from paperlens import errors

PACKAGE = Path(pl.__file__).resolve().parent


@pytest.fixture(scope="module")
def sample() -> pl.Corpus:
    return pl.load_sample()


def _explorer(corpus: pl.Corpus, **options):
    from paperlens.display.explorer import Explorer

    return Explorer(corpus, graph=False, **options)


def _concept_model(**params):
    from paperlens.graphs.concepts import ConceptModel

    return ConceptModel(**params).fit(pl.load_sample())


def _read_bibtex_with(**options):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "refs.bib"
        path.write_text("@article{a, title = {A}}\n", encoding="utf-8")
        return pl.read(path, **options)


# (call, part of the message that must survive) across the core, readers, graphs, sources, display and CLI.
BAD_ARGUMENTS = {
    "corpus.search": (lambda c: c.search(""), "non-empty query"),
    "corpus.filter range": (lambda c: c.filter(year=(1, 2, 3)), "takes a value or a"),
    "corpus.filter authors_mode": (lambda c: c.filter(authors="Hinton", authors_mode="some"), "authors_mode"),
    "Paper doi": (lambda c: pl.Paper(id="x", title="t", doi="not a doi"), "is not a valid doi"),
    "load_sample": (lambda c: pl.load_sample("nope"), "no sample named 'nope'"),
    "read option": (
        lambda c: _read_bibtex_with(delimiter=";"),
        r"refs.bib: option\(s\) delimiter do not apply to BibTeX files",
    ),
    "shortest_connection kind": (lambda c: c.shortest_connection(c.ids[0], c.ids[1], kind="x"), "kind must be"),
    "community_table kind": (
        lambda c: __import__("paperlens.graphs.structure").graphs.structure.community_table(c, kind="x"),
        "'concept' or 'citation'",
    ),
    "concept_graph k": (lambda c: c.concept_graph(k=0), "k must be at least 1"),
    "ConceptModel method": (lambda c: _concept_model(method="x"), "method must be one of"),
    "ConceptModel min_df": (lambda c: _concept_model(min_df=-1), "min_df must be a number of papers"),
    "knn method": (
        lambda c: __import__("paperlens.graphs.knn").graphs.knn.kneighbors(c.concept_model().matrix_, 3, method="x"),
        "unknown neighbour method",
    ),
    "graph max_nodes": (lambda c: c.graph("citation", max_nodes=0), "max_nodes must be at least 1"),
    "Explorer graph_kind": (lambda c: _explorer(c, graph_kind="x"), "graph_kind must be one of"),
    "Explorer page_size": (lambda c: setattr(_explorer(c), "page_size", 0), "page_size must be at least 1"),
    "enrich source": (lambda c: c.enrich("x"), "source must be 'openalex' or 'semantic_scholar'"),
    "from_arxiv sort_by": (lambda c: pl.from_arxiv("x", sort_by="x"), "sort_by must be one of"),
    "from_openalex nothing": (lambda c: pl.from_openalex(), "needs search=, filter=, dois= or ids="),
    "from_semantic_scholar both": (lambda c: pl.from_semantic_scholar(query="x", ids=["y"]), "not both"),
    "from_daily_papers week": (lambda c: pl.from_daily_papers(week="2025-10"), "ISO week"),
    "max_results": (lambda c: pl.from_arxiv("x", max_results=0), "max_results must be a whole number"),
    "teaching task": (lambda c: __import__("paperlens.teaching").teaching.check("task99", None), "unknown task"),
}


@pytest.mark.parametrize("name", sorted(BAD_ARGUMENTS))
def test_bad_argument_values_are_value_errors_with_their_message(sample, name):
    call, message = BAD_ARGUMENTS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=message) as info:
            call(sample)
    assert type(info.value) is errors.InvalidArgumentError, type(info.value)
    assert isinstance(info.value, pl.PaperlensError)


def test_the_cli_reports_a_bad_argument_as_such(capsys):
    from paperlens.cli import main

    assert main(["export", "--sample", "-o", "out.xyz"]) != 0
    assert "cannot export to .xyz" in capsys.readouterr().err


def test_unknown_names_in_the_explorer_are_field_errors(sample):
    with pytest.raises(pl.FieldError, match=r"unknown Explorer option 'qurey'; did you mean 'query'\?"):
        _explorer(sample, qurey="x")
    explorer = _explorer(sample)
    with pytest.raises(KeyError, match=r"unknown category 'cs.CLL'; did you mean 'cs.CL'\?"):
        explorer.categories = ("cs.CLL",)
    with pytest.raises(pl.FieldError, match="unknown filter 'yeers'; did you mean 'years'"):
        explorer.set_filters(yeers=(2020, 2021))


def test_a_long_list_of_known_names_is_cut():
    known = [f"name{i:02d}" for i in range(45)]
    message = str(pl.FieldError("nope", known, what="thing"))
    assert message.endswith(f"(known: {', '.join(known[:30])}, … (15 more))")


def test_moved_classes_are_one_object_everywhere():
    from paperlens.graphs import concepts
    from paperlens.sources import http

    assert pl.NotFittedError is errors.NotFittedError is concepts.NotFittedError
    assert pl.SourceWarning is errors.SourceWarning is http.SourceWarning
    assert pl.RequestFailedError is errors.RequestFailedError is http.RequestFailedError
    assert issubclass(pl.RequestFailedError, pl.SourceError)
    assert issubclass(pl.SourceWarning, pl.PaperlensWarning)
    assert issubclass(pl.NotFittedError, AttributeError)
    assert issubclass(pl.InvalidArgumentError, ValueError)


# Plain PaperlensError is left for failures that are not about an argument's value: the state of the corpus,
# or of the installation. Each is listed here by file and the start of its message.
NOT_ABOUT_AN_ARGUMENT = {
    ("cli.py", "the example notebooks are not installed"),
    ("graphs/structure.py", "no "),  # no citation or concept links connect a and b
    ("graphs/concepts.py", "cannot fit a concept model on this corpus"),
    ("teaching.py", "task2 expects one paper by Geoffrey Hinton"),
    ("teaching.py", "task3 has no single answer"),
    ("display/explorer_state.py", "topics are not available for this corpus"),
}


def plain_raises(source: str, names: tuple[str, ...] = ("PaperlensError", "ValueError")) -> list[tuple[str, str]]:
    """``(class, message start)`` of every ``raise X(...)`` of one of ``names`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        call = node.exc if isinstance(node, ast.Raise) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in names:
            first = call.args[0] if call.args else None
            if isinstance(first, ast.JoinedStr):
                first = first.values[0] if first.values else None
            text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
            found.append((node.lineno, call.func.id, text))
    return [(cls, text) for _, cls, text in sorted(found)]


def test_no_plain_error_is_raised_for_a_bad_argument():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        for cls, text in plain_raises(path.read_text(encoding="utf-8")):
            if cls == "ValueError" or not any(where == f and text.startswith(s) for f, s in NOT_ABOUT_AN_ARGUMENT):
                wrong.append(f"{where}: raise {cls}({text!r}...)")
    assert not wrong, "raise InvalidArgumentError (or a more specific error) instead:\n" + "\n".join(wrong)


def test_the_raise_scan_finds_plain_raises():
    code = 'def f(x):\n    if x:\n        raise PaperlensError(f"k must be {x}")\n    raise ValueError("bad")\n'
    assert plain_raises(code) == [("PaperlensError", "k must be "), ("ValueError", "bad")]
