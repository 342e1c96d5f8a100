"""Corpus methods are thin delegates: each has its function's defaults, and the layers above keep to
Corpus's public hooks."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.corpus import Corpus

PACKAGE = Path(pl.__file__).resolve().parent


def delegates() -> dict[str, object]:
    """Corpus method name -> the function it hands over to, read from each method's own
    ``from .module import function`` and the call of that function in its body."""
    tree = ast.parse((PACKAGE / "corpus.py").read_text(encoding="utf-8"))
    corpus_class = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Corpus")
    found = {}
    for method in corpus_class.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        imports = {
            alias.asname or alias.name: (node.module, alias.name)
            for node in method.body
            if isinstance(node, ast.ImportFrom) and node.level == 1
            for alias in node.names
        }
        called = {
            node.func.id for node in ast.walk(method) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        for name in called & set(imports):
            module, attribute = imports[name]
            target = getattr(importlib.import_module(f"paperlens.{module}"), attribute)
            if callable(target):
                found[method.name] = target
    return found


def test_the_delegates_are_found():
    found = delegates()
    assert found["shortest_connection"].__module__ == "paperlens.graphs.structure"
    assert found["communities"].__name__ == "community_table"
    assert found["explore"].__name__ == "Explorer"
    assert len(found) >= 17


@pytest.mark.parametrize("name", sorted(delegates()))
def test_a_delegate_has_its_functions_defaults(name):
    method = inspect.signature(getattr(Corpus, name))
    function = inspect.signature(delegates()[name])
    for parameter in list(method.parameters.values())[1:]:  # after self
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        assert parameter.name in function.parameters, f"Corpus.{name}({parameter.name}=...) is not a parameter there"
        theirs = function.parameters[parameter.name]
        assert parameter.default == theirs.default, (
            f"Corpus.{name}({parameter.name}={parameter.default!r}) but the function defaults to {theirs.default!r}"
        )


def test_every_community_finder_starts_from_the_same_seed():
    from paperlens.display.graphview import GraphView
    from paperlens.graphs import structure

    seeds = {
        "structure.communities": inspect.signature(structure.communities).parameters["seed"].default,
        "structure.community_table": inspect.signature(structure.community_table).parameters["seed"].default,
        "Corpus.communities": inspect.signature(Corpus.communities).parameters["seed"].default,
        "GraphView": inspect.signature(GraphView).parameters["seed"].default,
    }
    assert len(set(seeds.values())) == 1, seeds


def test_the_sample_communities_are_the_same_through_corpus_and_function():
    from paperlens.graphs.structure import community_table

    sample = pl.load_sample()
    through_corpus = sample.communities(kind="citation")
    direct = community_table(sample, kind="citation")
    assert through_corpus["ids"].tolist() == direct["ids"].tolist()


# Corpus's private state, which no module but corpus.py may touch (on anything but its own ``self``).
PRIVATE = {"_cache", "_df", "_lookup", "_positions", "_report", "_root", "_from_frame", "_select", "_init", "_index"}


def private_uses(source: str) -> list[tuple[int, str]]:
    """``(line, "name._attribute")`` for each use of a Corpus private attribute on something not ``self``/``cls``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append((node.lineno, f"{ast.unparse(owner)}.{node.attr}"))
    return sorted(found)


def test_no_module_but_corpus_touches_its_private_state():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "corpus.py":
            continue
        found += [f"{path.relative_to(PACKAGE)}:{n}: {use}" for n, use in private_uses(path.read_text("utf-8"))]
    assert not found, "use Corpus's public hooks (subset, cached, column, from_papers ...):\n" + "\n".join(found)


def test_the_private_state_scan_finds_uses():
    code = "root._cache[key] = model\nCorpus._from_frame(df)\nself._cache = {}\ncorpus.cached(key, f)\n"
    assert private_uses(code) == [(1, "root._cache"), (2, "Corpus._from_frame")]
