"""Notebook 04: pooling helpers in ops, the pooling plots, explorers and checkers.

References are independent of the code under test: hand-worked examples, plain loops, scipy and
numpy's own correlation.
"""

import re

import numpy as np
import pytest

from cnnlib import images, ops, widgets
from cnnlib.plots import pooling as pplots
from tests.explorer_checks import sweep

FEATURE_4X4 = np.array([[1, 3, 2, 1],
                        [4, 6, 5, 0],
                        [3, 1, 1, 2],
                        [2, 0, 7, 4]], dtype=float)


def loop_pool(x, size, stride, mode):
    oh, ow = (x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1
    out = np.empty((oh, ow))
    for r in range(oh):
        for c in range(ow):
            window = x[r * stride:r * stride + size, c * stride:c * stride + size]
            out[r, c] = window.max() if mode == "max" else window.mean()
    return out


# ---------------------------------------------------------------------------------------------
# The articles' numbers
# ---------------------------------------------------------------------------------------------
def test_worked_examples_by_hand():
    # 2x2 windows, stride 2: {1,3,4,6} {2,1,5,0} / {3,1,2,0} {1,2,7,4}
    np.testing.assert_array_equal(ops.pool2d(FEATURE_4X4, 2), [[6, 5], [3, 7]])
    np.testing.assert_allclose(ops.pool2d(FEATURE_4X4, 2, mode="avg"),
                               [[14 / 4, 8 / 4], [6 / 4, 14 / 4]])
    # 3x3 pooling with stride 1 over a 5x5 feature gives 3x3.
    x = np.arange(25, dtype=float).reshape(5, 5)
    out = ops.pool2d(x, 3, stride=1)
    assert out.shape == (3, 3) and out[0, 0] == 12 and out[2, 2] == 24


def test_the_saving_without_and_with_pooling():
    side = ops.output_size(96, 8)
    assert side == 96 - 8 + 1 == 89
    assert side**2 * 400 == 3_168_400
    pooled = ops.output_size(side, 2, 2)
    assert pooled == 44 and pooled**2 * 400 == 774_400


# ---------------------------------------------------------------------------------------------
# New ops
# ---------------------------------------------------------------------------------------------
def test_edge_magnitude_matches_scipy():
    from scipy.signal import correlate2d

    rng = np.random.default_rng(1)
    x = rng.random((9, 12))
    sx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)
    gx = correlate2d(x, sx, mode="valid")
    gy = correlate2d(x, sx.T, mode="valid")
    np.testing.assert_allclose(ops.edge_magnitude(x), np.sqrt(gx**2 + gy**2))
    with pytest.raises(ValueError, match="x must be"):
        ops.edge_magnitude(np.ones((4, 4, 3)))


def test_add_noise_kinds():
    x = np.linspace(0, 1, 10_000).reshape(100, 100)
    np.testing.assert_array_equal(ops.add_noise(x, 0.0, "salt"), x)
    g = ops.add_noise(x, 0.1, "gaussian", seed=3)
    assert abs(np.std(g - x) - 0.1) < 0.005  # level x (max - min) = 0.1
    np.testing.assert_array_equal(g, ops.add_noise(x, 0.1, "gaussian", seed=3))  # repeatable
    salt = ops.add_noise(x, 0.2, "salt")
    changed = salt != x
    assert abs(changed.mean() - 0.2) < 0.02 and np.all(salt[changed] == 1.0)
    pepper = ops.add_noise(x, 0.2, "pepper")
    assert np.all(pepper[pepper != x] == 0.0)
    with pytest.raises(ValueError, match="kind"):
        ops.add_noise(x, 0.1, "speckle")
    with pytest.raises(ValueError, match="level"):
        ops.add_noise(x, 1.5)


def test_correlation_matches_numpy():
    rng = np.random.default_rng(2)
    a, b = rng.random((7, 5)), rng.random((7, 5))
    assert ops.correlation(a, b) == pytest.approx(np.corrcoef(a.ravel(), b.ravel())[0, 1])
    assert ops.correlation(a, 3 * a + 1) == pytest.approx(1.0)
    assert ops.correlation(np.ones(3), np.ones(3)) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        ops.correlation(a, b[:3])


# ---------------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------------
def test_pooling_explorer_sweeps_and_matches_loops():
    e = widgets.pooling_explorer()
    assert sweep(e)["ok"] > 20
    for mode, size, stride in [("max", 2, 2), ("avg", 3, 2), ("max", 4, 1), ("avg", 2, 5)]:
        e.controls["mode"].value = mode
        e.controls["size"].value = size
        e.controls["stride"].value = stride
        feature, pooled = e.state["feature"], e.state["pooled"]
        np.testing.assert_allclose(pooled, ops.pool2d(feature, size, stride, mode=mode))
        np.testing.assert_allclose(pooled, loop_pool(feature, size, stride, mode))
        h, w = feature.shape
        first = re.sub("<[^>]+>", "", e.info.value.split("<br>")[0])
        assert first.startswith(f"pooled: {(h - size) // stride + 1} × {(w - size) // stride + 1}")
    assert "gaps" in e.info.value  # stride 5 > size 2 leaves pixels unseen


def test_pooling_explorer_feature_is_the_sobel_map_of_the_photo():
    e = widgets.pooling_explorer()
    photo = images.grayscale(images.load("cat (chelsea)")) / 255
    small = loop_pool(photo, 2, 2, "avg")  # the explorer shrinks the photo 2x by averaging
    edges = ops.edge_magnitude(small)
    np.testing.assert_allclose(e.state["feature"], edges / edges.max())


def test_shift_explorer_pooled_map_changes_less():
    e = widgets.pool_shift_explorer()
    assert sweep(e)["ok"] > 20
    e.controls["shift"].value = 1
    s = e.state
    raw = 1 - np.corrcoef(s["raw_before"].ravel(), s["raw_after"].ravel())[0, 1]
    pooled = 1 - np.corrcoef(s["pooled_before"].ravel(), s["pooled_after"].ravel())[0, 1]
    assert s["change_raw"] == pytest.approx(raw) and s["change_pooled"] == pytest.approx(pooled)
    # The real property: after a one-pixel move the pooled map changes far less than the raw.
    assert pooled < 0.6 * raw
    assert s["curve_raw"][0] == pytest.approx(0) and s["curve_pooled"][1] == pytest.approx(pooled)
    # The moved edge map is the edge map of the moved photo (translation equivariance).
    np.testing.assert_allclose(s["raw_after"][:, 1:], s["raw_before"][:, :-1])
    before = e.image.value
    e.controls["shift"].value = 3
    assert e.image.value != before and e.state["change_raw"] > raw


def test_noise_explorer_compares_max_and_average_honestly():
    e = widgets.pool_noise_explorer()
    assert sweep(e)["ok"] > 15
    e.controls["size"].value = 2
    results = {}
    for kind, level in [("gaussian", 0.2), ("salt", 0.1), ("pepper", 0.3)]:
        e.controls["kind"].value = kind
        e.controls["level"].value = level
        s = e.state
        clean = s["clean"]
        r = {m: np.corrcoef(loop_pool(s["noisy"], 2, 2, m).ravel(),
                            loop_pool(clean, 2, 2, m).ravel())[0, 1] for m in ("max", "avg")}
        assert s["r_max"] == pytest.approx(r["max"]) and s["r_avg"] == pytest.approx(r["avg"])
        results[kind] = r
    # Averaging cancels zero-mean noise, and a bright speck wins the max...
    assert results["gaussian"]["avg"] > results["gaussian"]["max"]
    assert results["salt"]["avg"] > results["salt"]["max"]
    # ...but when activations drop out, the max survives and the average sinks.
    assert results["pepper"]["max"] > results["pepper"]["avg"]
    e.controls["level"].value = 0.0
    assert e.state["r_max"] == pytest.approx(1.0) and e.state["r_avg"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# Plots (Agg)
# ---------------------------------------------------------------------------------------------
def test_pool_plots():

    ax = pplots.plot_map(np.ones((5, 8)))
    image = ax.images[0]
    pplots.plot_map(np.zeros((3, 4)), ax=ax, title="again")
    assert list(ax.images) == [image] and image.get_array().shape == (3, 4)
    assert ax.get_title() == "again"
    axes = pplots.plot_map_row({"a": np.ones((4, 4)), "b": np.ones((2, 2))})
    assert "2 × 2" in axes[1].get_title()
    ax = pplots.plot_curves([0, 1, 2], {"raw": [0, 0.3, 0.5], "pooled": [0, 0.1, 0.2]}, 1)
    pplots.plot_curves([0, 1, 2], {"raw": [0, 0.2, 0.4], "pooled": [0, 0.1, 0.3]}, 2, ax=ax)
    assert len(ax.lines) == 3  # two curves and the marker, reused
    ax = pplots.plot_value_counts(["none", "2×2"], [3_168_400, 774_400])
    assert [t.get_text() for t in ax.texts] == ["3,168,400", "774,400"]
