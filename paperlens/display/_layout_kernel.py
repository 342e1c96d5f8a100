"""The compiled steps of :func:`paperlens.display.layout.force_layout` for big graphs (numba, imported on first use).

Each function does, in one pass, what a few whole-array numpy operations of
:func:`paperlens.display.layout._layout` do, with the same floating-point
operations in the same order (a weighted ``np.bincount`` adds its values one by
one, in the order given, from 0.0), so the positions come out bit for bit the
same as the numpy steps give (``tests/test_layout_kernel.py`` compares them).
The FFT convolution and the random numbers stay in numpy.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def bin_nodes(x, y, grid):  # pragma: no cover - compiled
    """Each node's grid cell (``cx * grid + cy``), the node count of every cell and the cell size."""
    n = len(x)
    x0, x1, y0, y1 = x[0], x[0], y[0], y[0]
    for i in range(1, n):
        x0, x1 = min(x0, x[i]), max(x1, x[i])
        y0, y1 = min(y0, y[i]), max(y1, y[i])
    span = max(x1 - x0, y1 - y0, 1e-9)
    cell = span / (grid - 1)
    flat = np.empty(n, dtype=np.int64)
    density = np.zeros((grid, grid), dtype=np.float64)
    for i in range(n):
        cx = min(np.int64((x[i] - x0) / cell), grid - 1)
        cy = min(np.int64((y[i] - y0) / cell), grid - 1)
        flat[i] = cx * grid + cy
        density[cx, cy] += 1.0
    return flat, density, cell


@njit(cache=True, nogil=True)
def forces(field_x, field_y, flat, cell, x, y, sources, targets, weights):  # pragma: no cover - compiled
    """The repulsion read from the convolved grid at each node's cell, plus the pull along every edge."""
    n, grid = len(x), field_x.shape[1]
    dx = np.empty(n, dtype=np.float64)
    dy = np.empty(n, dtype=np.float64)
    for i in range(n):
        r, c = flat[i] // grid, flat[i] % grid
        dx[i] = field_x[r, c] / cell
        dy[i] = field_y[r, c] / cell
    out_x = np.zeros(n, dtype=np.float64)
    in_x = np.zeros(n, dtype=np.float64)
    out_y = np.zeros(n, dtype=np.float64)
    in_y = np.zeros(n, dtype=np.float64)
    for e in range(len(sources)):
        s, t = sources[e], targets[e]
        ex = x[t] - x[s]
        ey = y[t] - y[s]
        pull = np.sqrt(ex * ex + ey * ey) * weights[e]
        ex = ex * pull
        ey = ey * pull
        out_x[s] += ex
        in_x[t] += ex
        out_y[s] += ey
        in_y[t] += ey
    for i in range(n):
        dx[i] += out_x[i] - in_x[i]
        dy[i] += out_y[i] - in_y[i]
    return dx, dy
