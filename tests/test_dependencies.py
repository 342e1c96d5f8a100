"""The dependencies in pyproject.toml are exactly the third-party packages paperlens imports."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "paperlens"


def _declared(extras: bool = False) -> set[str]:
    """The [project] dependencies (with ``extras``: and those of the optional extras, e.g. ``lab``)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    if extras:
        specs += [spec for group in project.get("optional-dependencies", {}).values() for spec in group]
    return {_canonical(re.match(r"[A-Za-z0-9._-]+", spec).group()) for spec in specs}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(source: str) -> set[str]:
    """Top-level names of the absolute imports in ``source``, and of modules looked up by name
    (``importlib.import_module("x")``, ``importlib.util.find_spec("x")``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("import_module", "find_spec")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def _used_distributions() -> dict[str, set[str]]:
    """Distribution name -> the paperlens files importing it."""
    owners = metadata.packages_distributions()
    used: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for module in imported_modules(path.read_text(encoding="utf-8")):
            if module in sys.stdlib_module_names or module == "paperlens" or module == "__future__":
                continue
            for dist in owners.get(module, [f"<no installed distribution provides {module!r}>"]):
                used.setdefault(_canonical(dist), set()).add(str(path.relative_to(ROOT)))
    return used


def test_every_imported_package_is_declared():
    # An optional extra's package may be looked for (``paperlens lab`` checks for JupyterLab), never needed.
    used, declared = _used_distributions(), _declared(extras=True)
    missing = {dist: sorted(files) for dist, files in used.items() if dist not in declared}
    assert not missing, f"imported but not in [project] dependencies: {missing}"


def test_every_declared_package_is_imported():
    unused = _declared() - set(_used_distributions())
    assert not unused, f"declared in [project] dependencies but never imported: {sorted(unused)}"


def test_the_import_scan_sees_every_kind_of_import():
    code = (
        "import numpy.linalg\nfrom pandas import DataFrame\nfrom . import corpus\n"
        "def f():\n    import scipy\n    importlib.util.find_spec('pyvis')\n    importlib.import_module('rispy.x')\n"
    )
    assert imported_modules(code) == {"numpy", "pandas", "scipy", "pyvis", "rispy"}


def test_the_package_says_it_is_typed():
    # PEP 561: type checkers read paperlens's annotations only if py.typed is in the installed package
    # (hatch puts every file under paperlens/ in the wheel: checked by hand with `pip wheel .`).
    from importlib.resources import files

    assert files("paperlens").joinpath("py.typed").is_file()
