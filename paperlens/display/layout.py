"""Fast 2-D graph layouts in numpy for graphs too big for in-browser physics.

:func:`force_layout` is a Fruchterman-Reingold layout whose repulsion is computed
on a grid (every node repels every other through an FFT convolution of the node
density with the 1/r force kernel), so one step costs O(nodes + edges + grid²
log grid) instead of O(nodes²). Ten thousand nodes and forty thousand edges take
well under a second. :func:`time_layout` pins x to the publication date and
lets the same forces spread the papers in y.

Both take plain integer edge arrays and return an ``(n, 2)`` array; they never
touch a networkx graph.
"""

from __future__ import annotations

import numpy as np

__all__ = ["COMPILED_MIN_NODES", "force_layout", "time_layout"]

# From this many nodes each step runs compiled (paperlens.display._layout_kernel): the same positions, bit for
# bit, about 3x faster; smaller layouts stay in numpy and never wait for numba to load.
COMPILED_MIN_NODES = 3000


def _kernel_fft(grid: int) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """The FFT of the x and y repulsion kernels (force ∝ 1/r, in cell units) on a padded grid."""
    size = 2 * grid
    offsets = np.fft.fftfreq(size, d=1.0 / size)  # 0, 1, ..., grid-1, -grid, ..., -1
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx * dx + dy * dy
    r2[0, 0] = 1.0
    kx, ky = dx / r2, dy / r2
    kx[0, 0] = ky[0, 0] = 0.0
    return np.fft.rfft2(kx), np.fft.rfft2(ky), (size, size)


def _repulsion(
    density: np.ndarray, kfx: np.ndarray, kfy: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The x and y repulsion on the ``grid x grid`` cells: ``density`` convolved with the two kernels (FFTs given).

    The same numbers as ``np.fft.irfft2(np.fft.rfft2(density, s=shape) * kfx, s=shape)[:grid, :grid]`` (and
    ``kfy``) with less work: the zero rows of the padding are never transformed along the last axis, nor
    are the rows the slice drops; every 1-D transform is the one rfft2/irfft2 compute.
    """
    grid = density.shape[0]
    spectrum = np.fft.fft(np.fft.rfft(density, n=shape[1], axis=1), n=shape[0], axis=0)
    return tuple(  # type: ignore[return-value]
        np.fft.irfft(np.fft.ifft(spectrum * k, axis=0)[:grid], n=shape[1], axis=1)[:, :grid] for k in (kfx, kfy)
    )


def _layout(
    n: int,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray | None,
    *,
    iterations: int | None,
    seed: int,
    fixed_x: np.ndarray | None,
) -> np.ndarray:
    if iterations is None:  # big layouts settle in fewer steps (and each step costs more)
        iterations = 80 if n <= 5000 else 50
    rng = np.random.default_rng(seed)
    side = max(np.sqrt(n), 1.0)  # ideal edge length is 1, so n nodes fill about side x side
    x = rng.uniform(0.0, side, size=n) if fixed_x is None else np.array(fixed_x, dtype=float)
    y = rng.uniform(0.0, side, size=n)
    if n < 2:
        return np.column_stack([x, y])
    grid = int(np.clip(2 ** round(np.log2(2 * np.sqrt(n))), 16, 128))  # a power of two: fast FFTs
    kfx, kfy, shape = _kernel_fft(grid)
    order = np.argsort(sources, kind="stable")  # edges sorted by source: friendlier memory access
    sources, targets = sources[order], targets[order]
    w = np.ones(len(sources)) if weights is None else np.asarray(weights, dtype=float)[order]
    # Linear gravity against the grid repulsion: with no edges the nodes settle
    # in a disc of even density (radius about sqrt(n)); edges then gather the
    # linked nodes, and separate components and lonely papers stay in view.
    gravity = 1.0
    temperature = side / 8.0
    cool = 0.01 ** (1.0 / max(iterations, 1))
    kernel = None
    if n >= COMPILED_MIN_NODES:  # the same steps compiled (bit for bit the same positions)
        from . import _layout_kernel as kernel
    for _ in range(iterations):
        if kernel is not None:
            flat, density, cell = kernel.bin_nodes(x, y, grid)
        else:
            x0, y0 = x.min(), y.min()
            span = max(x.max() - x0, y.max() - y0, 1e-9)
            cell = span / (grid - 1)
            cx = np.minimum(((x - x0) / cell).astype(np.int64), grid - 1)
            cy = np.minimum(((y - y0) / cell).astype(np.int64), grid - 1)
            flat = cx * grid + cy
            density = np.bincount(flat, minlength=grid * grid).reshape(grid, grid).astype(float)
        # FR repulsion k²/d with k = 1, in cell units, so divide by the cell size.
        field_x, field_y = _repulsion(density, kfx, kfy, shape)
        # Attraction along edges: d² / k, pulling both ends together.
        if kernel is not None:
            dx, dy = kernel.forces(field_x, field_y, flat, cell, x, y, sources, targets, w)
        else:
            dx = field_x.ravel()[flat] / cell
            dy = field_y.ravel()[flat] / cell
            ex, ey = x[targets] - x[sources], y[targets] - y[sources]
            pull = np.sqrt(ex * ex + ey * ey) * w
            ex *= pull
            ey *= pull
            dx += np.bincount(sources, ex, minlength=n) - np.bincount(targets, ex, minlength=n)
            dy += np.bincount(sources, ey, minlength=n) - np.bincount(targets, ey, minlength=n)
        dx -= gravity * (x - x.mean())
        dy -= gravity * (y - y.mean())
        if fixed_x is not None:
            dx[:] = 0.0
        length = np.sqrt(dx * dx + dy * dy) + 1e-9
        step = np.minimum(length, temperature) / length
        # Nodes sharing a cell feel no force from each other: a little noise moves them apart.
        noise = 0.02 * temperature
        if fixed_x is None:
            x += dx * step + rng.normal(0.0, noise, size=n)
        y += dy * step + rng.normal(0.0, noise, size=n)
        temperature *= cool
    return _pull_in(np.column_stack([x, y]), only_y=fixed_x is not None)


def _pull_in(pos: np.ndarray, *, only_y: bool) -> np.ndarray:
    """Bring far-flung stragglers (papers with few or no links) back to the edge of the crowd.

    Outside a dense cluster the repulsion of all its nodes balances gravity far
    away, which would leave a lonely paper at a distance that shrinks the rest
    of the picture to a dot.
    """
    if len(pos) < 20:
        return pos
    center = np.median(pos, axis=0)
    offset = pos - center
    if only_y:
        offset[:, 0] = 0.0
    radius = np.sqrt((offset * offset).sum(axis=1))
    limit = float(np.percentile(radius, 98)) * 1.08
    far = radius > limit
    if limit > 0 and far.any():
        pos = pos.copy()
        moved = center + offset[far] * (limit / radius[far])[:, None]
        pos[far, 1] = moved[:, 1]
        if not only_y:
            pos[far, 0] = moved[:, 0]
    return pos


def force_layout(
    n: int,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    iterations: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Positions for ``n`` nodes joined by edges ``sources[i] -- targets[i]`` (integer arrays).

    Returns an ``(n, 2)`` array, about ``sqrt(n)`` wide; linked nodes end up close together.

    >>> import numpy as np
    >>> pos = force_layout(4, np.array([0, 2]), np.array([1, 3]), seed=1)
    >>> pos.shape
    (4, 2)
    >>> bool(np.linalg.norm(pos[0] - pos[1]) < np.linalg.norm(pos[0] - pos[2]))
    True
    """
    sources, targets = np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64)
    return _layout(n, sources, targets, weights, iterations=iterations, seed=seed, fixed_x=None)


def time_layout(
    x: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    iterations: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Positions whose x is given (e.g. the publication date) and whose y the forces choose.

    ``x`` should span about ``sqrt(n)`` units so that the forces have room to
    act; it is returned unchanged in column 0.

    >>> import numpy as np
    >>> pos = time_layout(np.array([0.0, 1.0, 2.0]), np.array([0]), np.array([1]))
    >>> pos[:, 0].tolist()
    [0.0, 1.0, 2.0]
    """
    x = np.asarray(x, dtype=float)
    sources, targets = np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64)
    return _layout(len(x), sources, targets, weights, iterations=iterations, seed=seed, fixed_x=x)
