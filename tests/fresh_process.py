"""Run a script in a fresh interpreter with its own environment and read back the arrays it saved:
how the tests check that results do not depend on BLAS or numba threads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np


def arrays_from_fresh_process(script: str, out: Path, env: dict[str, str], timeout: int = 600) -> dict[str, np.ndarray]:
    """``python -c script <out> <tests folder>`` under ``env``; the script writes ``np.savez(out, ...)``."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), str(Path(__file__).parent)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(np.load(out))
