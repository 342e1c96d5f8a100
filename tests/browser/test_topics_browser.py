"""The explorer's "find topics" in a real JupyterLab (headless Chromium): the button, its progress bar, the topics.

An explorer over 6,000 generated papers in 12 vocabularies (above the 5,000 papers whose topics are found at
open time, so the "find topics" button shows) is opened in a private JupyterLab. The test clicks the button as
a person would and records, with a MutationObserver on the progress bar, every width and visibility the browser
shows while the kernel works in its thread; then it waits for the topic select to fill. The bar must have been
shown, moved only forward through the stages' shares, and be hidden at the end; the status line named a stage;
the topics offered are the ones ``community_table`` finds here, in the test process.
"""

from __future__ import annotations

import pytest
from lab import JupyterLab, require_chromium, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI = ".paperlens-explorer"
PAPERS = 6000

CORPUS = f"""\
import random
import paperlens as pl
from paperlens.record import Paper

def generated(n={PAPERS}, topics=12, seed=0):
    rng = random.Random(seed)
    vocabularies = [[f"topic{{t}}word{{w}}" for w in range(40)] for t in range(topics)]
    shared = [f"common{{w}}" for w in range(200)]
    papers = []
    for i in range(n):
        words = vocabularies[i % topics]
        text = " ".join(rng.choice(words) if rng.random() < 0.6 else rng.choice(shared) for _ in range(60))
        papers.append(Paper.create(title=f"Paper {{i}} " + " ".join(rng.sample(words, 4)), abstract=text,
                                   year=2000 + i % 20, arxiv_id=f"2001.{{i:05d}}"))
    return pl.Corpus(papers)

corpus = generated()"""
EXPLORER = "explorer = corpus.explore(graph=False)\nexplorer"

JS_WATCH = """() => {
  const bar = document.querySelector('.paperlens-explorer .pl-topics-progress');
  window.__bar = [];
  const record = () => {
    const inner = bar.querySelector('.progress-bar');
    const status = document.querySelector('.paperlens-explorer .pl-status');
    window.__bar.push({shown: getComputedStyle(bar).display !== 'none',
                       width: inner ? parseFloat(inner.style.width || '0') : null,
                       status: status ? status.innerText : ''});
  };
  new MutationObserver(record).observe(bar, {attributes: true, subtree: true, attributeFilter: ['style', 'class']});
  const status = document.querySelector('.paperlens-explorer .pl-status');
  new MutationObserver(record).observe(status, {subtree: true, childList: true, characterData: true});
  record();
  return true;
}"""


def _generated():
    """The notebook's corpus, built here too (the same code)."""
    namespace: dict = {}
    exec(CORPUS, namespace)
    return namespace["corpus"]


def test_find_topics_shows_its_progress_and_fills_the_select(tmp_path):
    require_chromium()
    from paperlens.display.explorer_state import TOPIC_STAGES
    from paperlens.graphs.structure import community_table

    table = community_table(_generated(), kind="concept")
    topics = sum(len(ids) >= 2 for ids in table["ids"])
    assert topics >= 2
    write_notebook(tmp_path / "topics.ipynb", [CORPUS, EXPLORER])
    with JupyterLab(tmp_path, viewport=(1400, 1000)) as lab:
        page = lab.open("topics.ipynb")
        lab.run_all(page, timeout_ms=240_000)
        assert lab.cell_errors(page) == []
        button = page.locator(f"{UI} .pl-find-topics")
        button.wait_for(state="visible", timeout=120_000)
        bar = page.locator(f"{UI} .pl-topics-progress")
        assert not bar.is_visible()  # hidden until the button is pressed
        assert page.evaluate(JS_WATCH)
        button.click()
        lab.screenshot(page.locator(f"{UI} .pl-controls").first, "topics-finding.png")  # while it works
        page.wait_for_function(
            f"(n) => document.querySelectorAll('{UI} .pl-filter-community select option').length === n + 1",
            arg=topics,
            timeout=240_000,
        )
        page.wait_for_function(
            f"() => getComputedStyle(document.querySelector('{UI} .pl-topics-progress')).display === 'none'",
            timeout=30_000,
        )
        seen = page.evaluate("() => window.__bar")
        lab.screenshot(page.locator(UI).first, "topics-found.png")
    shown = [s for s in seen if s["shown"]]
    assert shown, seen  # the bar was on screen while the kernel worked
    widths = [s["width"] for s in shown if s["width"] is not None]
    allowed = {round(100 * share) for share in (*TOPIC_STAGES, 1.0)}
    assert widths and all(round(w) in allowed for w in widths), widths
    assert widths == sorted(widths)  # only forward
    assert any(0 < w < 100 for w in widths), widths  # a stage between the start and the end was shown
    assert any("Finding topics in the background" in s["status"] for s in seen), seen
    assert not seen[-1]["shown"]
    assert lab.events["dialogs"] == []
    assert lab.external_requests == []
