"""Real-browser tests: every test in this folder carries the ``browser`` marker.

Run only them with ``pytest -m browser tests/browser``, or leave them out with
``pytest -m "not browser"``. Without ``/usr/bin/chromium`` they skip with the
reason (see :func:`lab.require_chromium`), except under ``CI=true``, where a
missing browser is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
