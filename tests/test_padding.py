"""Notebook 03: conv arithmetic in ops, its plots, explorers and checkers.

References are independent of the code under test: hand-worked numbers, brute-force loops that
follow TensorFlow's padding rule written out here, and TensorFlow itself.
"""

import math

import numpy as np
import pytest

from cnnlib import ops, widgets
from cnnlib.plots import padding as pplots
from tests.explorer_checks import sweep


# ---------------------------------------------------------------------------------------------
# Brute force: which padded positions does each window read?
# ---------------------------------------------------------------------------------------------
def brute_pads(n, k, s, padding, d):
    k_eff = d * (k - 1) + 1
    if padding == "same":
        out = -(-n // s)
        total = max((out - 1) * s + k_eff - n, 0)
        return total // 2, total - total // 2
    p = 0 if padding == "valid" else padding
    return p, p


def brute_coverage(n, k, s, padding, d):
    before, after = brute_pads(n, k, s, padding, d)
    length = before + n + after
    counts = [0] * length
    top = 0
    while top + d * (k - 1) < length:  # slide the window while its last tap stays inside
        for tap in range(k):
            counts[top + tap * d] += 1
        top += s
    return np.array(counts), before


SETTINGS = [(n, k, s, p, d)
            for n in range(1, 11) for k in range(1, 6) for s in range(1, 4)
            for p in ("valid", "same", 0, 1, 2) for d in (1, 2, 3)]


def test_window_coverage_matches_brute_force():
    checked = 0
    for n, k, s, p, d in SETTINGS:
        expected, before = brute_coverage(n, k, s, p, d)
        if expected.sum() == 0:  # the kernel does not fit
            with pytest.raises(ValueError, match="larger than the padded input"):
                ops.window_coverage(n, k, s, p, d)
            continue
        got = ops.window_coverage(n, k, s, p, d)
        np.testing.assert_array_equal(got, expected, err_msg=str((n, k, s, p, d)))
        np.testing.assert_array_equal(ops.visited_positions(n, k, s, p, d),
                                      expected[before:before + n] > 0)
        checked += 1
    assert checked > 1500


def test_coverage_matches_tensorflow(tf):
    # Independent reference: a one-hot input convolved with an all-ones kernel sums to the
    # number of windows that read that pixel.
    for n, k, s, p in [(6, 3, 2, "valid"), (7, 3, 2, 1), (6, 3, 2, "same"), (9, 4, 3, "same"),
                       (8, 2, 3, "valid"), (5, 5, 1, 2)]:
        eye = np.eye(n, dtype=np.float32).reshape(n, 1, n, 1)  # n images, one pixel lit each
        kernel = np.ones((1, k, 1, 1), np.float32)
        pad = p.upper() if isinstance(p, str) else [[0, 0], [0, 0], [p, p], [0, 0]]
        out = tf.nn.conv2d(eye, kernel, strides=(1, s), padding=pad).numpy()
        counts = out.reshape(n, -1).sum(axis=1)
        before = ops.pad_amounts((1, n), (1, k), (1, s), p)[1][0]
        got = ops.window_coverage(n, k, s, p)[before:before + n]
        np.testing.assert_array_equal(got, counts, err_msg=str((n, k, s, p)))


def test_the_articles_skipped_column():
    # n=6, k=3, s=2, no padding: windows start at 0 and 2, so column 5 is never read.
    assert ops.visited_positions(6, 3, 2).tolist() == [True] * 5 + [False]
    assert ops.visited_positions(7, 3, 2).all()


def _eval_formula(text):
    expr = text.replace("floor", "math.floor").replace("·", "*").replace("−", "-")
    return eval(expr, {"math": math})  # our own string, digits and operators only


def test_output_size_formula_short_form():
    # Without padding and dilation, notebooks 02 and 04 show floor((n − k)/s) + 1.
    assert ops.output_size_formula(5, 3, 2, short=True) == "floor((5 − 3)/2) + 1"
    assert _eval_formula(ops.output_size_formula(451, 3, 2, short=True)) == (451 - 3) // 2 + 1
    # With padding or dilation the short form would be wrong: the full one is given.
    assert ops.output_size_formula(7, 3, 2, 1, short=True) == ops.output_size_formula(7, 3, 2, 1)
    assert ops.output_size_formula(7, 3, 1, 0, 2, short=True) == "floor((7 + 2·0 − 2·(3−1) − 1)/1) + 1"


def test_output_size_formula_text_evaluates_to_output_size():
    assert ops.output_size_formula(7, 3, 2, 1) == "floor((7 + 2·1 − 1·(3−1) − 1)/2) + 1"
    for n, k, s, p, d in SETTINGS[::7]:
        try:
            expected = ops.output_size(n, k, s, p, d)
        except ValueError:
            continue
        assert _eval_formula(ops.output_size_formula(n, k, s, p, d)) == expected


def test_tensorflow_same_padding_is_uneven_for_stride_2(tf):
    # 6 pixels, kernel 3, stride 2: ceil(6/2) = 3 outputs need (3-1)*2 + 3 = 7 pixels: one
    # extra, and TensorFlow puts it at the bottom/right.
    assert ops.pad_amounts((6, 6), (3, 3), 2, "same") == ((0, 1), (0, 1))
    x = np.arange(36, dtype=np.float32).reshape(6, 6)
    k = np.ones((3, 3), np.float32)
    expected = tf.nn.conv2d(x[None, :, :, None], k[:, :, None, None], 2, "SAME").numpy()[0, :, :, 0]
    bottom_right = ops.conv2d(np.pad(x, ((0, 1), (0, 1))), k, stride=2)
    symmetric = ops.conv2d(x, k, stride=2, padding=1)
    np.testing.assert_allclose(bottom_right, expected)
    assert symmetric.shape == expected.shape and not np.allclose(symmetric, expected)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="n"):
        ops.window_coverage(0, 3)
    with pytest.raises(ValueError, match="stride"):
        ops.visited_positions(5, 3, 0)
    with pytest.raises(ValueError, match="padding"):
        ops.output_size_formula(5, 3, padding="full")
    with pytest.raises(ValueError, match="kernel 7 is larger than the padded input 5"):
        ops.window_coverage(5, 7)


# ---------------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------------
def _set(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


def test_receptive_field_explorer():
    e = widgets.receptive_field_explorer()
    assert sweep(e)["ok"] > 10
    _set(e, layers=3, kernel=3, stride=1, dilation=1)
    assert e.state["fields"] == [1, 3, 5, 7]
    # Three 3x3 layers: 3 * 9 * C^2 weights; one 7x7: 49 * C^2 (C = 64, no biases).
    assert e.state["params_stack"] == 27 * 64 * 64
    assert e.state["params_single"] == 49 * 64 * 64
    before = e.image.value
    e.controls["layers"].value = 4
    assert e.state["fields"][-1] == 9 and e.image.value != before


# ---------------------------------------------------------------------------------------------
# Plots (Agg)
# ---------------------------------------------------------------------------------------------
def test_plot_window_coverage_writes_counts_and_outlines_windows():

    rows = ops.window_coverage(6, 3, 2)
    cov = np.outer(rows, rows)
    def numbers(ax):  # the counts are drawn as text markers, one scatter per number
        shown = {}
        for c in ax.collections:
            if (c.get_gid() or "").startswith("count "):
                label = c.get_gid().split()[1]
                shown[label] = shown.get(label, 0) + len(c.get_offsets())
        return shown

    ax = pplots.plot_window_coverage(cov, ((0, 0), (0, 0)), [(0, 0), (0, 2)], 3)
    # 6x6 with stride 2: counts 1, 2 or 4 where windows meet, 0 in the unread row and column.
    assert numbers(ax) == {"0": 11, "1": 16, "2": 8, "4": 1}
    outlines = [p for p in ax.patches if not p.get_hatch()]
    assert sum(p.get_visible() for p in outlines) == 1 + 2  # border + two windows
    # the never-read cells are hatched as well as red (tests/test_plots_cues.py: which ones)
    assert sum(p.get_visible() for p in ax.patches if p.get_hatch()) == 1
    # Drawing again on the same ax updates instead of piling up artists.
    pplots.plot_window_coverage(np.outer(rows[:4], rows[:4]), ((0, 0), (0, 0)), [(0, 0)], 3,
                                ax=ax)
    assert len(ax.images) == 1 and sum(numbers(ax).values()) == 16
    assert not any(p.get_visible() for p in ax.patches if p.get_hatch())  # all read now


def test_other_padding_plots():

    x = np.pad(np.ones((5, 5)), 1)
    ax = pplots.plot_padded_grid(x, ((1, 1), (1, 1)), window=(0, 0, 3), title="same")
    assert len(ax.texts) == 49 and ax.get_title() == "same"
    ax = pplots.plot_layer_curves({"valid 5×5": [32, 28, 24], "same": [32, 32, 32]})
    assert len(ax.lines) == 2
    ax = pplots.plot_receptive_field([1, 3, 5, 7])
    assert len(ax.patches) == 4 and "7×7" in ax.get_title()
