"""Every snippet of the README runs as written (issue 11, item 3).

The Python blocks run in order in one namespace, in a scratch folder laid out like the
repository (``examples/data`` copied in), so what they write lands there. The command-line
block runs line by line. A block is left out only when the line before it says
``<!-- readme-test: skip, ... -->`` with the reason; the set-up block (``bash dev.sh ...``) and
``paperlens lab`` (a server that runs until stopped) are not run here: tests/test_lab.py covers them.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"(?:<!-- readme-test: (?P<marker>[^>]*?) -->\n)?```(?P<lang>\w+)\n(?P<code>.*?)```", re.S)


def blocks(lang: str) -> list[tuple[str | None, str]]:
    return [(m["marker"], m["code"]) for m in BLOCK.finditer(README) if m["lang"] == lang]


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_has_snippets_and_skips_only_network_ones():
    python = blocks("python")
    assert len(python) >= 4
    skipped = [code for marker, code in python if marker]
    assert len(skipped) == 2 and all("needs the network" in m for m, _ in python if m)
    assert ".expand(" in skipped[0]  # growing a corpus through OpenAlex
    assert "pl.from_arxiv(" in skipped[1]  # the live sources


@pytest.mark.slow
def test_every_python_snippet_runs(scratch):
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the load report's warning is part of the story
        for number, (marker, code) in enumerate(blocks("python"), start=1):
            if marker:
                continue
            exec(compile(code, f"README.md python block {number}", "exec"), namespace)
    assert namespace["mine"].report.records == 14  # the Zotero export the quickstart reads
    assert (scratch / "merged.bib").exists() and (scratch / "merged.parquet").exists()
    assert len(namespace["explorer"].corpus) > 0


def test_every_command_line_snippet_runs(scratch):
    script = Path(sys.executable).parent / "paperlens"
    ran = 0
    for marker, code in blocks("bash"):
        for line in code.splitlines():
            command = shlex.split(line.split("#")[0])
            if marker or not command or command[0] != "paperlens" or command[1:2] == ["lab"]:
                continue
            result = subprocess.run(
                [str(script), *command[1:]], cwd=scratch, capture_output=True, text=True, timeout=300
            )
            assert result.returncode == 0, (line, result.stderr)
            ran += 1
    assert ran == 3
    assert (scratch / "graph.html").exists() and (scratch / "library.ris").exists()
