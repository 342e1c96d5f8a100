"""Drive a real JupyterLab (or Notebook 7) in headless Chromium: the harness of paperlens's browser tests.

Usage (inside a test marked ``@pytest.mark.browser``)::

    from lab import JupyterLab, require_chromium, write_notebook

    require_chromium()                      # skip (or fail when CI=true) without /usr/bin/chromium
    write_notebook(tmp_path / "demo.ipynb", ["import paperlens as pl", "pl.load_sample().graph('citation')"])
    with JupyterLab(tmp_path) as lab:
        page = lab.open("demo.ipynb")       # waits until the kernel is really idle
        lab.run_all(page)                   # Run > Run All Cells, waits for every [n] and idle
        frame = lab.graph_frames(page)[0]   # the <iframe srcdoc> of the first graph
        print(lab.probe_graph(frame))       # vis loaded? nodes, edges, drawn pixels
        lab.screenshot(page, "demo.png", whole_notebook=True)
    assert lab.external_requests == []      # nothing left 127.0.0.1

``JupyterLab(root, app="notebook")`` drives Jupyter Notebook 7 instead (``jupyter notebook``,
pages at ``/notebooks/<path>``): the same methods work there.

What it does:

* starts ``jupyter lab`` (or ``jupyter notebook``) on 127.0.0.1 with a free port, a random token, ``--allow-root``
  when run as root, and every piece of Jupyter state (config, data with the trust
  database, runtime, settings, workspaces, IPython dir) in a private temp folder;
  the settings turn off news and update checks and set ``windowingMode: none`` so
  every cell stays in the DOM (Notebook 7 reads the same settings folder and the
  same ``@jupyterlab/notebook-extension:tracker`` plugin);
* launches ``/usr/bin/chromium`` through Playwright (``executable_path``; never
  ``playwright install``) with a fresh profile and no background networking;
* records, for every page it opens, console errors, page errors, dialogs
  (``alert``...) and every request that left 127.0.0.1;
* stops only what it started: ``POST /api/shutdown`` (which also stops the
  kernels), then SIGTERM / SIGKILL of that one process if needed.

Screenshots go to ``artifacts/screenshots/`` at the repository root (git-ignored),
or to ``$PAPERLENS_SCREENSHOTS``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("PAPERLENS_SCREENSHOTS", ROOT / "artifacts" / "screenshots"))

# Without these Chromium tries to reach Google services at start and may hang on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

KERNEL_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}

# The toolbar indicator says "idle" while the status bar still reads "No Kernel | Initializing":
# a Run All clicked then runs nothing. Require both.
JS_KERNEL_IDLE = """() => {
  const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
  const bar = [...document.querySelectorAll('#jp-main-statusbar .jp-StatusBar-TextItem')]
    .some(e => /\\|\\s*Idle\\s*$/.test(e.textContent) && !/No Kernel/.test(e.textContent));
  return bar && !!s && s.getAttribute('data-status') === 'idle';
}"""

# Notebook 7 has no status bar. Its kernel name reads "No Kernel" until a session exists; its kernel status
# widget is empty and faded only for "idle"/"busy" ("Kernel Starting"... otherwise); the tab icon shows busy.
JS_NOTEBOOK7_KERNEL_IDLE = """() => {
  const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
  const name = document.querySelector('.jp-KernelName');
  const status = document.querySelector('.jp-NotebookKernelStatus');
  const icon = document.querySelector("link[rel*='icon']");
  return !!s && s.getAttribute('data-status') === 'idle'
    && !!name && name.textContent.trim() !== '' && !/No Kernel/.test(name.textContent)
    && !!status && status.classList.contains('jp-NotebookKernelStatus-fade') && status.textContent.trim() === ''
    && !(icon && /busy/.test(icon.getAttribute('href') || ''));
}"""

JS_ALL_RUN = """() => {
  const ps = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
  return ps.length > 0 && ps.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

JS_RUN_STARTED = """() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"  # the scrolling part of a notebook

# Run inside a graph's iframe: did vis-network draw, and how much?
JS_GRAPH_PROBE = """() => {
  const c = document.querySelector('#pl-graph canvas') || document.querySelector('canvas');
  const net = window.network || null;
  const r = {vis_loaded: typeof window.vis !== 'undefined', network: !!net, nodes: null, edges: null,
             ready: document.body.getAttribute('data-ready') === '1', canvas: !!c, ink_pixels: 0,
             canvas_size: null, pwned: window.__pwned || null};
  if (net && net.body) {
    r.nodes = net.body.data.nodes.length; r.edges = net.body.data.edges.length; r.scale = net.getScale();
    // Nodes whose centre is inside the drawing area: a view fitted while the frame had no size shows a corner.
    const box = document.getElementById('pl-graph') || (c && c.parentElement);
    if (box) {
      const w = box.clientWidth, h = box.clientHeight, at = net.getPositions();
      r.in_view = Object.values(at).map(p => net.canvasToDOM(p))
        .filter(p => p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h).length;
    }
  }
  if (c && c.width && c.height) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    r.ink_pixels = n; r.canvas_size = [c.width, c.height];
  }
  return r;
}"""


# Added to a page before its scripts run (``JupyterLab(init_scripts=[GL_PROBE])``): records, in
# ``window.__plProbe``, the time (performance.now) of every WebGL draw call with its vertex count, of every
# texture upload with its size, of every big kernel message, and of every mouse press and release, so a
# test or benchmark can wait on "the map drew again after that click" instead of sleeping, and time it.
GL_PROBE = """(() => {
  const probe = window.__plProbe = {draws: [], uploads: [], clicks: [], ups: [], outputs: [], max: 20000};
  const keep = (list, item) => { if (list.length < probe.max) list.push(item); };
  for (const proto of [window.WebGLRenderingContext, window.WebGL2RenderingContext].filter(Boolean)
                        .map((c) => c.prototype)) {
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const original = proto[name];
      if (!original) continue;
      proto[name] = function (...args) {
        const count = name.startsWith('drawArrays') ? args[2] : args[1];
        keep(probe.draws, {t: performance.now(), count, instances: args[4] || args[3] || 1});
        return original.apply(this, args);
      };
    }
    for (const name of ['texImage2D', 'texSubImage2D', 'bufferData', 'bufferSubData']) {
      const original = proto[name];
      if (!original) continue;
      proto[name] = function (...args) {
        const size = name.startsWith('tex') && typeof args[3] === 'number' ? args[3] * args[4]
          : (args[1] && args[1].byteLength) || (typeof args[1] === 'number' ? args[1] : 0);
        keep(probe.uploads, {t: performance.now(), name, size});
        return original.apply(this, args);
      };
    }
  }
  const Socket = window.WebSocket;  // big kernel messages (widget state, e.g. a map's points): when they arrive
  probe.messages = [];
  window.WebSocket = function (...args) {
    const socket = new Socket(...args);
    socket.addEventListener('message', (event) => {
      const size = event.data.byteLength || event.data.size || event.data.length || 0;
      if (size > 20000) keep(probe.messages, {t: performance.now(), size});
    });
    return socket;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  addEventListener('mousedown', () => keep(probe.clicks, performance.now()), true);
  addEventListener('mouseup', () => keep(probe.ups, performance.now()), true);
  new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) {
      if (node.nodeType !== 1) continue;
      const found = [...(node.matches('.jp-OutputArea-output') ? [node] : []),
                     ...node.querySelectorAll('.jp-OutputArea-output')];
      for (const output of found) if (!output.__plSeen) { output.__plSeen = 1; keep(probe.outputs, performance.now()); }
    }
  }).observe(document, {childList: true, subtree: true});
})();"""


# Inside a graph frame (an explorer's pane): this paper's node alone is selected and ringed, its card open.
JS_NODE_RINGED = """(id) => {
  const data = JSON.parse(document.getElementById('pl-data').textContent);
  const i = data.papers.findIndex((p) => p.id === id);
  const rings = network.body.data.nodes.get().filter((n) => n.borderWidth === 5).map((n) => n.id);
  const selected = network.getSelectedNodes();
  const card = document.querySelector('#pl-details .pl-title');
  return i >= 0 && selected.length === 1 && selected[0] === i && rings.length === 1 && rings[0] === i
    && !!card && card.textContent === (data.papers[i].title || id);
}"""


class BrowserUnavailable(RuntimeError):
    """Chromium is not installed where the harness looks for it."""


def require_chromium() -> None:
    """Skip the calling test when Chromium is missing, with the reason; under ``CI=true`` fail instead."""
    import pytest

    if Path(CHROMIUM).exists():
        return
    reason = f"real-browser test needs Chromium at {CHROMIUM} (apt-get install chromium, or set $CHROMIUM)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def write_notebook(path: str | Path, cells: Iterable[str]) -> Path:
    """Write a notebook of code cells (a cell starting with ``# md:`` becomes Markdown) with nbformat."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    notebook = new_notebook(metadata=KERNEL_METADATA)
    for source in cells:
        if source.startswith("# md:"):
            notebook.cells.append(new_markdown_cell(source[len("# md:") :].strip()))
        else:
            notebook.cells.append(new_code_cell(source))
    path = Path(path)
    nbformat.write(notebook, path)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A private JupyterLab (or Notebook 7) serving ``root`` plus a headless Chromium; use as a context manager.

    Parameters
    ----------
    root : the folder the server shows (notebooks are opened relative to it).
    screenshots : where :meth:`screenshot` writes.
    viewport : the browser window size (width, height).
    start_timeout : seconds to wait for the server to answer.
    app : ``"lab"`` (JupyterLab) or ``"notebook"`` (Notebook 7: no status bar, its own kernel indicators).
    windowing : ``False`` (default) keeps every cell in the DOM (``windowingMode: none``); ``True`` keeps the
        front end's own default, which virtualises cells out of view, as a user's does.
    init_scripts : JavaScript run in every page before its own scripts (e.g. :data:`GL_PROBE`).
    """

    def __init__(
        self,
        root: str | Path,
        *,
        screenshots: str | Path = SCREENSHOTS,
        viewport: tuple[int, int] = (1400, 1000),
        start_timeout: float = 90.0,
        app: str = "lab",
        windowing: bool = False,
        init_scripts: Iterable[str] = (),
    ) -> None:
        if app not in ("lab", "notebook"):
            raise ValueError(f"app must be 'lab' or 'notebook', not {app!r}")
        self.app = app
        self.windowing = windowing
        self.init_scripts = list(init_scripts)
        self._kernel_idle = JS_KERNEL_IDLE if app == "lab" else JS_NOTEBOOK7_KERNEL_IDLE
        self.root = Path(root).resolve()
        self.screenshots = Path(screenshots)
        self.viewport = viewport
        self.start_timeout = start_timeout
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timings: dict[str, float] = {}
        self.events: dict[str, list[str]] = {
            "console_errors": [],
            "console": [],
            "page_errors": [],
            "dialogs": [],
            "requests": [],
            "external_requests": [],
        }
        self._state: Path | None = None
        self._process: subprocess.Popen | None = None
        self._log = None
        self._playwright = None
        self._context = None
        self._profile: str | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> JupyterLab:
        try:
            self._start_server()
            self._start_browser()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def log_path(self) -> Path:
        return self.screenshots / f"jupyter-{self.app}-{self.port}.log"  # one per server: tests may run side by side

    def _start_server(self) -> None:
        t0 = time.monotonic()
        self._state = Path(tempfile.mkdtemp(prefix="paperlens-lab-state-"))
        for name, data in LAB_SETTINGS.items():
            if self.windowing and name.startswith("@jupyterlab/notebook-extension/tracker"):
                continue
            path = self._state / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data))
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self._state / "config"),
            JUPYTER_RUNTIME_DIR=str(self._state / "runtime"),
            JUPYTER_DATA_DIR=str(self._state / "data"),  # also the trust database (nbsignatures.db)
            JUPYTERLAB_SETTINGS_DIR=str(self._state / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self._state / "workspaces"),
            IPYTHONDIR=str(self._state / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
        )
        command = [
            str(Path(sys.executable).with_name("jupyter")),
            self.app,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # jupyter refuses to run as root without it
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in close()
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=self.root)
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited with {self._process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (TimeoutError, urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() - t0 > self.start_timeout:
                raise RuntimeError(
                    f"jupyter {self.app} did not answer within {self.start_timeout} s; see {self.log_path}"
                )
            time.sleep(0.2)
        self.timings["server_start"] = round(time.monotonic() - t0, 2)

    def _start_browser(self) -> None:
        from playwright.sync_api import sync_playwright

        t0 = time.monotonic()
        self._playwright = sync_playwright().start()
        self._profile = tempfile.mkdtemp(prefix="paperlens-chromium-")
        self._context = self._playwright.chromium.launch_persistent_context(
            self._profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": self.viewport[0], "height": self.viewport[1]},
        )
        for script in self.init_scripts:
            self._context.add_init_script(script)
        self.timings["browser_start"] = round(time.monotonic() - t0, 2)

    def close(self) -> None:
        """Close the browser and stop the server (idempotent)."""
        if self._context is not None:
            try:
                self._context.close()
            finally:
                self._context = None
        if self._playwright is not None:
            try:
                self._playwright.stop()
            finally:
                self._playwright = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None
        if self._process is not None:
            if self._process.poll() is None:
                try:  # the server also shuts its kernels down
                    request = urllib.request.Request(f"{self.url}/api/shutdown?token={self.token}", method="POST")
                    urllib.request.urlopen(request, timeout=5).close()
                    self._process.wait(timeout=15)
                except Exception:
                    self._process.terminate()
                    try:
                        self._process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        self._process.kill()
                        self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._state is not None:
            shutil.rmtree(self._state, ignore_errors=True)
            self._state = None

    # ------------------------------------------------------------------ pages

    def _record(self, page: Any) -> None:
        ev = self.events

        def on_console(message: Any) -> None:
            ev["console"].append(f"{message.type}: {message.text[:300]}")
            if message.type == "error":
                ev["console_errors"].append(message.text[:300])

        def on_request(request: Any) -> None:
            ev["requests"].append(request.url[:200])
            if request.url.startswith(("http:", "https:", "ws:", "wss:")):
                host = request.url.split("/")[2].split(":")[0]
                if host != "127.0.0.1":
                    ev["external_requests"].append(request.url[:200])

        def on_dialog(dialog: Any) -> None:
            ev["dialogs"].append(f"{dialog.type}: {dialog.message[:200]}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda error: ev["page_errors"].append(str(error)[:300]))
        page.on("request", on_request)
        page.on("dialog", on_dialog)

    @property
    def external_requests(self) -> list[str]:
        """Every request, from any page opened here, that went to a host other than 127.0.0.1."""
        return list(self.events["external_requests"])

    def new_page(self) -> Any:
        """A new browser tab whose console, errors, dialogs and requests are recorded."""
        page = self._context.new_page()
        self._record(page)
        return page

    def open(self, notebook: str, *, timeout_ms: int = 90_000) -> Any:
        """Open ``notebook`` (relative to the root) in a new tab; return the page once its kernel is idle."""
        t0 = time.monotonic()
        page = self.new_page()
        if self.app == "lab":
            address = f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"  # reset: no saved layout
        else:
            address = f"{self.url}/notebooks/{notebook}?token={self.token}"  # Notebook 7: one notebook a page
        page.goto(address, timeout=timeout_ms)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
        page.wait_for_function(self._kernel_idle, timeout=timeout_ms)
        self.timings["open_to_idle"] = round(time.monotonic() - t0, 2)
        return page

    def run_all(self, page: Any, *, timeout_ms: int = 120_000, tries: int = 3) -> int:
        """Run > Run All Cells through the menu, as a person would; wait for every ``[n]`` and idle.

        Returns how many clicks it took (the click is retried if no cell started).
        """
        t0 = time.monotonic()
        for attempt in range(1, tries + 1):
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            item = page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first
            item.hover()
            page.wait_for_timeout(200)
            item.click()
            try:
                page.wait_for_function(JS_RUN_STARTED, timeout=5_000)
                break
            except Exception:
                page.keyboard.press("Escape")
                if attempt == tries:
                    raise RuntimeError("Run > Run All Cells did not start any cell") from None
        page.wait_for_function(JS_ALL_RUN, timeout=timeout_ms)
        page.wait_for_function(self._kernel_idle, timeout=timeout_ms)
        self.timings["run_all"] = round(time.monotonic() - t0, 2)
        return attempt

    def cell_errors(self, page: Any) -> list[str]:
        """The text of every error output (tracebacks) in the notebook."""
        return [text[:500] for text in page.locator(".jp-RenderedText[data-mime-type*='error']").all_inner_texts()]

    # ------------------------------------------------------------------ graphs

    def graph_frames(self, page: Any, *, expected: int | None = None, timeout_ms: int = 30_000) -> list[Any]:
        """The ``<iframe>`` elements of the paperlens graphs in the notebook, in order (element handles)."""
        locator = page.locator(".paperlens-graph iframe")
        if expected:
            locator.nth(expected - 1).wait_for(state="attached", timeout=timeout_ms)
        return locator.element_handles()

    def probe_graph(self, iframe: Any, *, timeout_ms: int = 20_000) -> dict[str, Any]:
        """Inside one graph iframe: vis loaded, nodes/edges in its DataSets, drawn pixels on the canvas.

        Waits until the page reports it has drawn (``body[data-ready]``, set after
        the physics settled or the first frame without physics). ``iframe`` is an
        element handle or a locator; give a locator for a frame that may be
        replaced while it is probed (the explorer redraws its graph pane): the
        probe then starts again on the new frame.
        """
        if not hasattr(iframe, "element_handle"):
            return self._probe_frame(iframe, timeout_ms)
        for attempt in range(3):
            try:
                return self._probe_frame(iframe.element_handle(), timeout_ms)
            except Exception as error:  # the frame was replaced (closed, detached) under the probe
                if attempt == 2 or not re.search(r"closed|detached|not attached", str(error), re.I):
                    raise
        raise AssertionError("unreachable")

    def _probe_frame(self, iframe: Any, timeout_ms: int) -> dict[str, Any]:
        iframe.scroll_into_view_if_needed()
        frame = iframe.content_frame()
        if frame is None:
            return {"error": "the iframe has no document"}
        try:
            frame.wait_for_selector("body[data-ready='1']", timeout=timeout_ms)
        except Exception as error:
            found = frame.evaluate(JS_GRAPH_PROBE)
            found["error"] = f"not drawn after {timeout_ms} ms ({type(error).__name__})"
            return found
        # "Drawn" can precede the first painted frame (a fresh canvas, a view still fitting):
        # read the canvas until it shows ink, for a few seconds at most.
        found = frame.evaluate(JS_GRAPH_PROBE)
        for _ in range(40):
            if found.get("ink_pixels"):
                break
            frame.wait_for_timeout(250)
            found = frame.evaluate(JS_GRAPH_PROBE)
        return found

    def node_point(self, iframe: Any, node_id: int) -> tuple[float, float]:
        """Where node ``node_id`` is drawn, in page coordinates (for ``page.mouse``); scrolls it into view."""
        iframe.scroll_into_view_if_needed()
        frame = iframe.content_frame()
        x, y = frame.evaluate(
            """(id) => {
              const p = network.canvasToDOM(network.getPositions([id])[id]);
              const box = document.getElementById('pl-graph').getBoundingClientRect();
              return [box.left + p.x, box.top + p.y];
            }""",
            node_id,
        )
        box = iframe.bounding_box()
        return box["x"] + x, box["y"] + y

    # ------------------------------------------------------------------ pictures

    def fit_to_notebook(self, page: Any, *, max_height: int = 12_000) -> None:
        """Grow the viewport to the notebook's full height and scroll it to the top.

        JupyterLab scrolls inside its notebook panel, so a full-page screenshot
        would otherwise show one screen only.
        """
        sizes = page.evaluate(
            f"() => {{ const o = document.querySelector('{PANEL}'); "
            "return o ? [o.scrollHeight, o.clientHeight] : null; }"
        )
        if sizes:
            scroll_height, client_height = sizes
            height = page.viewport_size["height"]
            page.set_viewport_size(
                {"width": self.viewport[0], "height": min(max_height, height + scroll_height - client_height + 40)}
            )
            page.wait_for_timeout(400)
        page.evaluate(f"() => {{ const o = document.querySelector('{PANEL}'); if (o) o.scrollTop = 0; }}")
        page.wait_for_timeout(300)

    def screenshot(self, target: Any, name: str, *, whole_notebook: bool = False) -> Path:
        """Save a PNG of a page or an element into the screenshot folder; returns its path."""
        path = self.screenshots / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if whole_notebook:
            self.fit_to_notebook(target)
            target.screenshot(path=str(path), full_page=True)
        else:
            # A graph frame scrolled out of view is not repainted (its animation frames pause) until it is
            # back in view: scroll first and give it a moment, or the picture can catch a cleared canvas.
            if hasattr(target, "scroll_into_view_if_needed"):  # an element, not a page
                target.scroll_into_view_if_needed()
                time.sleep(0.4)
            target.screenshot(path=str(path))
        return path


# The explorer over the reviewed sample, with a read-back of its labels and ticked rows that a test can wait on.
EXPLORER_READBACK_CELLS = [
    "import json, ipywidgets as w\nimport paperlens as pl",
    'reviewed = pl.load_sample("donners2021")\n'
    "explorer = reviewed.explore(graph=False, communities=False, page_size=10)\nexplorer",
    'readback = w.HTML("<pre>{}</pre>")\nreadback.add_class("pl-readback")\n'
    "def show(_change=None):\n"
    "    state = {'labels': explorer.labels, 'checked': sorted(explorer.checked)}\n"
    "    readback.value = '<pre>' + json.dumps(state, sort_keys=True) + '</pre>'\n"
    "explorer.observe(show, names=['labels', 'checked'])\nshow()\nreadback",
]


def open_explorer(lab: JupyterLab, notebook: str, timeout: int = 60_000) -> tuple[Any, Any]:
    """Open ``notebook``, run every cell (none may fail) and wait for its first explorer: ``(page, explorer)``."""
    page = lab.open(notebook)
    lab.run_all(page)
    assert lab.cell_errors(page) == []
    explorer = page.locator(".paperlens-explorer").first
    explorer.wait_for(state="visible", timeout=timeout)
    return page, explorer


def wait_readback(page: Any, want: dict, timeout: int = 30_000) -> None:
    """Wait until the read-back of :data:`EXPLORER_READBACK_CELLS` shows ``want``; else fail saying what it shows."""
    try:
        page.wait_for_function(
            "(want) => document.querySelector('.pl-readback pre')?.innerText === want",
            arg=json.dumps(want, sort_keys=True),
            timeout=timeout,
        )
    except Exception:
        got = page.locator(".pl-readback pre").inner_text()
        raise AssertionError(f"explorer read back {got}, not {json.dumps(want, sort_keys=True)}") from None


def wait_detail(page: Any, paper_id: str, timeout: int = 60_000) -> None:
    """Wait until the explorer's detail pane shows the paper ``paper_id``."""
    page.wait_for_function(
        "(id) => !!document.querySelector(`.paperlens-explorer .pl-detail [data-paper-id='${id}']`)",
        arg=paper_id,
        timeout=timeout,
    )


def lasso_middle(page: Any, canvas: Any, lasso_button: Any, pause_ms: int = 0) -> None:
    """Draw a lasso around the middle of a map's ``canvas`` (a square half its height wide), as a person
    would: click the map's ``lasso_button``, then press, drag round and release the mouse."""
    box = canvas.bounding_box()
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["height"] / 4
    lasso_button.click()
    page.mouse.move(cx - r, cy - r)
    page.mouse.down()
    for x, y in [(cx + r, cy - r), (cx + r, cy + r), (cx - r, cy + r), (cx - r, cy - r + 2)]:
        page.mouse.move(x, y, steps=8)
        if pause_ms:
            page.wait_for_timeout(pause_ms)
    page.mouse.up()
