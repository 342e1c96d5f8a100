"""The compiled steps of the force layout give the numpy steps' positions bit for bit, and the trimmed FFT
convolution gives the full 2-D transforms' numbers."""

from __future__ import annotations

import numpy as np
import pytest

from paperlens.display import layout


def _graph(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = (src + rng.integers(1, 40, m)) % n  # local links, so that clusters form; a few nodes stay unlinked
    return src, dst, rng.uniform(0.5, 1.5, m)


def _both(monkeypatch: pytest.MonkeyPatch, run) -> tuple[np.ndarray, np.ndarray]:
    monkeypatch.setattr(layout, "COMPILED_MIN_NODES", 10**12)
    plain = run()
    monkeypatch.setattr(layout, "COMPILED_MIN_NODES", 0)
    return plain, run()


@pytest.mark.parametrize(("n", "m", "seed"), [(4000, 16000, 0), (300, 200, 5), (2, 1, 1)])
def test_compiled_force_layout_is_the_numpy_one(monkeypatch: pytest.MonkeyPatch, n: int, m: int, seed: int) -> None:
    src, dst, w = _graph(n, m, seed)
    plain, compiled = _both(monkeypatch, lambda: layout.force_layout(n, src, dst, w, seed=seed))
    assert plain.shape == (n, 2)
    assert np.array_equal(plain, compiled)


def test_compiled_time_layout_is_the_numpy_one(monkeypatch: pytest.MonkeyPatch) -> None:
    src, dst, w = _graph(3500, 9000, 3)
    x = np.repeat(np.arange(35.0), 100)  # many papers of one year share an x
    plain, compiled = _both(monkeypatch, lambda: layout.time_layout(x, src, dst, w, seed=4))
    assert np.array_equal(plain[:, 0], x)
    assert np.array_equal(plain, compiled)


def test_unweighted_and_crowded_layouts_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    src, dst, _ = _graph(3200, 3000, 7)
    src[:50] = dst[:50] = 0  # self-links (the scene drops them; the layout takes them as given)
    plain, compiled = _both(monkeypatch, lambda: layout.force_layout(3200, src, dst, iterations=12, seed=9))
    assert np.array_equal(plain, compiled)


@pytest.mark.parametrize("grid", [16, 64, 128])
def test_repulsion_is_the_full_fft_convolution(grid: int) -> None:
    rng = np.random.default_rng(grid)
    density = rng.poisson(2.0, (grid, grid)).astype(float)
    kfx, kfy, shape = layout._kernel_fft(grid)
    spectrum = np.fft.rfft2(density, s=shape)
    got_x, got_y = layout._repulsion(density, kfx, kfy, shape)
    assert np.array_equal(got_x, np.fft.irfft2(spectrum * kfx, s=shape)[:grid, :grid])
    assert np.array_equal(got_y, np.fft.irfft2(spectrum * kfy, s=shape)[:grid, :grid])
