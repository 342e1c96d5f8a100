"""`import paperlens` stays light: no IPython, ipywidgets, pyvis or scikit-learn until used."""

import json
import subprocess
import sys

HEAVY = ("IPython", "ipywidgets", "pyvis", "sklearn", "requests", "bibtexparser")


def _modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_paperlens_does_not_import_heavy_packages():
    loaded = _modules_after("import paperlens")
    assert not [m for m in HEAVY if m in loaded]


def test_core_work_stays_light():
    code = (
        "import paperlens as pl\n"
        "c = pl.load_sample()\n"
        "c.filter(year=(2023, None)).sort_by('date').head(3)\n"
        "c.search('language model')\n"
        "repr(c); c._repr_html_()\n"
    )
    loaded = _modules_after(code)
    assert not [m for m in ("IPython", "ipywidgets", "pyvis") if m in loaded]


def test_the_guard_can_fail():
    assert "json" in _modules_after("import json")
