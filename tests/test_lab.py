"""`bash dev.sh lab` / `paperlens lab` open the same path as Binder (issue 11, item 2).

Binder serves the repository root, so the README's link opens ``lab/tree/examples/01_quickstart.ipynb``.
A local checkout must serve the same layout and print that notebook's URL (also with ``--no-browser``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from paperlens import cli

ROOT = Path(__file__).resolve().parent.parent


def _binder_paths() -> set[str]:
    """Every ``urlpath=`` of a Binder link in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"mybinder\.org/v2/gh/[^)\s]*[?&]urlpath=([^)&\s]+)", readme))
    assert paths, "the README has a Binder link"
    return paths


def test_the_checkout_is_served_from_its_root_with_the_binder_path():
    root, notebook = cli.lab_layout(cli.examples_dir())
    assert root == ROOT  # Binder serves the repository root too
    assert _binder_paths() == {f"lab/tree/{notebook}"}
    assert (root / notebook).is_file()


def test_a_copy_of_the_examples_is_served_from_that_folder(tmp_path):
    root, notebook = cli.lab_layout(cli.examples_dir(), tmp_path)
    assert (root, notebook) == (tmp_path, "01_quickstart.ipynb")


def _stub(path: Path, text: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_dev_sh_lab_says_what_it_does_and_hands_over_to_paperlens_lab(tmp_path):
    """dev.sh in a copy of the project, with a stand-in Python: what it prints and what it runs, in order."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "dev.sh").write_text((ROOT / "dev.sh").read_text(encoding="utf-8"), encoding="utf-8")
    fake = tmp_path / "bin"
    fake.mkdir()
    # "python3 -m venv .venv" makes a venv whose python accepts pip and whose paperlens says how it was called.
    _stub(
        fake / "python3",
        'mkdir -p "$3/bin"\n'
        'printf \'#!/usr/bin/env bash\\necho "python $*" >> "%s"\\n\' "$PWD/calls" > "$3/bin/python"\n'
        'printf \'#!/usr/bin/env bash\\necho "paperlens $*"\\n\' > "$3/bin/paperlens"\n'
        'chmod +x "$3/bin/python" "$3/bin/paperlens"\n',
    )
    result = subprocess.run(
        ["bash", "dev.sh", "lab", "--no-browser"],
        cwd=project,
        env={**os.environ, "PYTHON": str(fake / "python3")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "== creating the virtual environment .venv"
    assert lines[1].startswith("== installing paperlens[lab] and its dependencies into .venv")
    assert lines[2].startswith("== starting JupyterLab")
    assert lines[3] == "paperlens lab --no-browser"  # the layout and the URL are paperlens lab's
    assert "install --quiet --disable-pip-version-check -e .[lab]" in (project / "calls").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    """The body of a 200 answer; the server may print its URL a moment before it answers."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                assert answer.status == 200
                return answer.read().decode("utf-8", "replace")
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.slow
def test_paperlens_lab_prints_the_notebooks_url_and_serves_the_notebook(tmp_path):
    pytest.importorskip("jupyterlab")
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "paperlens.cli", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1"]
    server = subprocess.Popen(
        [*command, f"--ServerApp.port={port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group: stopped below with everything it started
    )
    try:
        url, seen, deadline = None, [], time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            seen.append(line)
            found = re.search(rf"http://127\.0\.0\.1:{port}/\S+", line)
            url = found.group(0) if found else None
        assert url, "".join(seen)
        parts = urllib.parse.urlsplit(url)
        assert parts.path == "/" + next(iter(_binder_paths()))  # the notebook's URL, the README's Binder path
        token = urllib.parse.parse_qs(parts.query)["token"][0]
        api = f"http://127.0.0.1:{port}/api/contents/examples/01_quickstart.ipynb?token={token}"
        model = json.loads(_get(api))
        assert (model["type"], model["path"]) == ("notebook", "examples/01_quickstart.ipynb")
        stored = json.loads((ROOT / "examples" / "01_quickstart.ipynb").read_text(encoding="utf-8"))
        assert model["content"]["cells"][0]["source"] == "".join(stored["cells"][0]["source"])
        assert "JupyterLab" in _get(url)  # the printed URL itself opens
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
