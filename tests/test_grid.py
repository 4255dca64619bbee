"""The grid widget: the arrays gridstate computes, what each grid explorer sends, every control
setting swept headless.

References are independent of the code under test: the articles' hand-worked examples, windows
sliced out here with plain loops, the output-size formula written out here, and TensorFlow.
"""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from cnnlib import gridstate, ops, widgets
from cnnlib.widgets import grid_explorers
from cnnlib.widgets.grid import GridWidget, grid_words
from tests.explorer_checks import explorer_names, sweep
from tests.worked_examples import IMAGE_5X5, KERNEL_X, RESULT_5X5

ROOT = Path(__file__).resolve().parents[1]

# The pooling exercise of notebook 04, max- and average-pooled 2x2 / 2 by hand.
X4 = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [2, 0, 7, 4]], dtype=float)
MAX_X4 = np.array([[6, 5], [3, 7]], dtype=float)
AVG_X4 = np.array([[14 / 4, 8 / 4], [6 / 4, 14 / 4]])  # (1+3+4+6)/4, ...


def formula(n, k, s=1, p=0, d=1):
    """floor((n + 2p - d(k-1) - 1)/s) + 1, with TensorFlow's "same" = ceil(n/s)."""
    if p == "same":
        return -(-n // s)
    p = 0 if p == "valid" else p
    return math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1


def brute_pads(n, k, s, p, d):
    if p == "same":
        total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
        return total // 2, total - total // 2
    p = 0 if p == "valid" else p
    return p, p


def brute_windows(x, k, s, p, d):
    """Loops: for every output cell, the (row, col) of each tap in the padded grid and the
    padded input there."""
    (t, b), (lft, r) = brute_pads(x.shape[0], k, s, p, d), brute_pads(x.shape[1], k, s, p, d)
    xp = np.zeros((x.shape[0] + t + b, x.shape[1] + lft + r))
    xp[t:t + x.shape[0], lft:lft + x.shape[1]] = x
    oh, ow = formula(x.shape[0], k, s, p, d), formula(x.shape[1], k, s, p, d)
    coords, values = {}, {}
    for i in range(oh):
        for j in range(ow):
            cells = [(i * s + a * d, j * s + c * d) for a in range(k) for c in range(k)]
            coords[i, j] = cells
            values[i, j] = [xp[rc] for rc in cells]
    return xp, coords, values


# --------------------------------------------------------------------------------------------
# gridstate: the arrays
# --------------------------------------------------------------------------------------------
def test_conv_grid_the_articles_example_by_hand():
    g = gridstate.conv_grid(IMAGE_5X5, KERNEL_X)
    np.testing.assert_array_equal(g["output"], RESULT_5X5)
    assert g["out_shape"] == (3, 3) and not g["pad_mask"].any()
    # output[0, 1]: the window of rows 0-2, columns 1-3, multiplied by the X
    np.testing.assert_array_equal(g["rows"][0, 1], [[0, 0, 0], [1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(g["cols"][0, 1], [[1, 2, 3], [1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(g["products"][0, 1], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    for i in range(3):
        for j in range(3):
            window = IMAGE_5X5[i:i + 3, j:j + 3]
            np.testing.assert_array_equal(g["products"][i, j], window * KERNEL_X)
            assert g["products"][i, j].sum() == RESULT_5X5[i, j]


def test_conv_grid_padding_and_dilation_by_hand():
    # same padding: a ring of zeros; output[0, 0] reads three zeros on top, three on the left
    g = gridstate.conv_grid(IMAGE_5X5, KERNEL_X, padding="same")
    assert g["input"].shape == (7, 7) and g["pad_mask"].sum() == 49 - 25
    assert g["pad_mask"][0].all() and not g["pad_mask"][1:6, 1:6].any()
    np.testing.assert_array_equal(g["taps"][0, 0], [[0, 0, 0], [0, 1, 1], [0, 0, 1]])
    assert g["output"][0, 0] == 2  # 1 (centre) + 1 (bottom right): by hand
    # dilation 2 on 7x7: taps two apart, the window spans 5x5, 3x3 outputs
    g = gridstate.conv_grid(np.arange(49.0).reshape(7, 7), np.ones((3, 3)), dilation=2)
    assert g["out_shape"] == (3, 3)
    np.testing.assert_array_equal(g["rows"][1, 2][:, 0], [1, 3, 5])
    np.testing.assert_array_equal(g["cols"][1, 2][0], [2, 4, 6])
    assert g["output"][0, 0] == sum(7 * r + c for r in (0, 2, 4) for c in (0, 2, 4))


SETTINGS = [(n, k, s, p, d) for n in (3, 5, 6, 7) for k in (1, 2, 3) for s in (1, 2, 3)
            for p in ("valid", "same", 0, 1, 2) for d in (1, 2)]


def test_conv_grid_matches_loops_for_many_settings():
    rng = np.random.default_rng(0)
    checked = 0
    for n, k, s, p, d in SETTINGS:
        x, kern = rng.integers(-3, 4, (n, n)).astype(float), rng.integers(-2, 3, (k, k)) * 1.0
        if formula(n, k, s, p, d) < 1 or (p != "same" and d * (k - 1) + 1 > n + 2 * (
                0 if p == "valid" else p)):
            with pytest.raises(ValueError):
                gridstate.conv_grid(x, kern, s, p, d)
            continue
        g = gridstate.conv_grid(x, kern, s, p, d)
        xp, coords, values = brute_windows(x, k, s, p, d)
        np.testing.assert_array_equal(g["input"], xp)
        assert g["out_shape"] == (formula(n, k, s, p, d),) * 2
        for (i, j), cells in coords.items():
            assert list(zip(g["rows"][i, j].ravel(), g["cols"][i, j].ravel())) == cells
            np.testing.assert_array_equal(g["products"][i, j].ravel(),
                                          np.array(values[i, j]) * kern.ravel())
            assert g["output"][i, j] == pytest.approx(sum(np.array(values[i, j]) * kern.ravel()))
        # how many taps read each cell: np.outer of ops' per-axis count
        rows = ops.window_coverage(n, k, s, p, d)
        np.testing.assert_array_equal(g["coverage"], np.outer(rows, rows))
        checked += 1
    assert checked > 250


def test_conv_grid_sums_match_tensorflow(tf):
    rng = np.random.default_rng(1)
    for n, k, s, p, d in [(7, 3, 2, 1, 1), (6, 3, 2, "same", 1), (9, 3, 1, 2, 2),
                          (8, 2, 3, "valid", 1), (10, 4, 2, 3, 3)]:
        x, kern = rng.normal(size=(n, n)), rng.normal(size=(k, k))
        g = gridstate.conv_grid(x, kern, s, p, d)
        if p == "same":
            pad = "SAME"
        else:
            q = 0 if p == "valid" else p
            pad = [[0, 0], [q, q], [q, q], [0, 0]]
        expected = tf.nn.conv2d(x[None, :, :, None], kern[:, :, None, None], strides=s,
                                padding=pad, dilations=d).numpy()[0, :, :, 0]
        np.testing.assert_allclose(g["products"].sum(axis=(2, 3)), expected, atol=1e-9)
        np.testing.assert_allclose(g["output"], expected, atol=1e-9)


def test_pool_grid_by_hand_and_against_tensorflow(tf):
    g = gridstate.pool_grid(X4, 2, mode="max")
    np.testing.assert_array_equal(g["output"], MAX_X4)
    np.testing.assert_array_equal(g["taps"][1, 1], [[1, 2], [7, 4]])
    assert g["winner"].tolist() == [[3, 2], [0, 2]]  # where each window's max sits
    np.testing.assert_allclose(gridstate.pool_grid(X4, 2, mode="avg")["output"], AVG_X4)
    # 3x3 windows, stride 1, overlapping: every window of the article's 5x5 feature
    feature = ops.conv2d(IMAGE_5X5, KERNEL_X, padding="same")
    g = gridstate.pool_grid(feature, 3, 1, mode="max")
    for i in range(3):
        for j in range(3):
            np.testing.assert_array_equal(g["taps"][i, j], feature[i:i + 3, j:j + 3])
    x4 = feature[None, :, :, None]
    np.testing.assert_array_equal(g["output"], tf.nn.max_pool2d(x4, 3, 1, "VALID")[0, :, :, 0])
    avg = gridstate.pool_grid(feature, 3, 1, mode="avg")["output"]
    np.testing.assert_allclose(avg, tf.nn.avg_pool2d(x4, 3, 1, "VALID")[0, :, :, 0])


def test_gridstate_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="x must be a non-empty 2-D"):
        gridstate.conv_grid(np.ones(3), KERNEL_X)
    with pytest.raises(ValueError, match="kernel must hold finite"):
        gridstate.conv_grid(IMAGE_5X5, np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="stride"):
        gridstate.conv_grid(IMAGE_5X5, KERNEL_X, stride=0)
    with pytest.raises(ValueError, match="larger than the padded input"):
        gridstate.pool_grid(X4, 5)


def test_gridstate_imports_only_ops_and_numpy():
    import ast

    tree = ast.parse((ROOT / "cnnlib" / "core" / "gridstate.py").read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {f"{n.module}.{a.name}" for n in ast.walk(tree)
              if isinstance(n, ast.ImportFrom) for a in n.names}
    # i18n.t (its messages in the learner's language) sits at the bottom layer, beside ops
    assert names <= {"numpy", "__future__.annotations", "cnnlib.core.ops", "cnnlib.text.i18n.t"}, names


# --------------------------------------------------------------------------------------------
# What the browser gets
# --------------------------------------------------------------------------------------------
def test_payload_carries_the_numbers_to_draw():
    e = widgets.conv_arithmetic_explorer(n=5, kernel=3, stride=2, padding=1, dilation=1)
    d = e.grid.data
    json.dumps(d)  # plain JSON: lists and numbers only
    assert d["out_shape"] == [3, 3] and len(d["tap_rows"]) == 9
    # cell (1, 2): window rows 2-4, columns 4-6 of the 7x7 padded grid
    k = 1 * 3 + 2
    assert d["tap_rows"][k] == [2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert d["tap_cols"][k] == [4, 5, 6] * 3
    x = grid_explorers.arithmetic_input(5)
    xp = np.pad(x, 1)
    assert d["input"] == xp.tolist()
    products = [xp[r, c] * KERNEL_X.ravel()[t]
                for t, (r, c) in enumerate(zip(d["tap_rows"][k], d["tap_cols"][k]))]
    assert d["terms"][k] == products
    assert d["outputs"][0]["values"][1][2] == sum(products)
    assert d["outputs"][0]["values"] == ops.conv2d(x, KERNEL_X, 2, 1).tolist()
    assert d["pad"][0] == [1] * 7 and d["pad"][3] == [1, 0, 0, 0, 0, 0, 1]
    assert d["coverage"] == np.outer(*[ops.window_coverage(5, 3, 2, 1)] * 2).tolist()


def test_payload_rounds_for_display_and_marks_unread_cells():
    x = np.array([[0.1 + 0.2, 1 / 3], [2.0, -0.5]])
    g = gridstate.conv_grid(x, np.ones((1, 1)), stride=2)
    from cnnlib.widgets.grid import grid_payload
    d = grid_payload(g, titles={}, digits=2)
    assert d["input"] == [[0.3, 0.33], [2.0, -0.5]]
    assert d["unread"] == [[0, 1], [1, 1]]  # stride 2 on 2 pixels reads only (0, 0)


def test_widget_ships_its_module_and_stylesheet():
    js = (ROOT / "cnnlib" / "widgets" / "grid.js").read_text()
    assert "export default" in js and "render" in js
    assert "--jp-layout-color0" in (ROOT / "cnnlib" / "widgets" / "grid.css").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()  # tomllib is Python 3.11+
    assert '[tool.setuptools.package-data]' in pyproject
    assert '"cnnlib.widgets" = ["*.js", "*.css"]' in pyproject
    w = GridWidget()
    assert "export default" in str(w._esm)  # anywidget read the file


def test_the_view_has_one_source_for_its_words_cell_height_and_play_glyph():
    js = (ROOT / "cnnlib" / "widgets" / "grid.js").read_text()
    css = (ROOT / "cnnlib" / "widgets" / "grid.css").read_text()
    words = grid_words()
    used = set(re.findall(r"\b(?:W|v\.words)\.(\w+)", js)) | {"prev", "play", "next"}
    assert used <= set(words) and {"step", "pointing", "none", "grid", "live", "live_sum",
                                   "live_max", "live_avg"} <= used
    literals = [a or b for a, b in re.findall(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`', js)]
    # no English copy of the catalogue's phrases in the view (single words such as "max" are
    # also the data's op names)
    for english in words.values():
        head = english.split("{")[0].strip(" ·")
        assert " " not in head or not any(head in lit for lit in literals), english
    # the cell height: set in the stylesheet, read by the view (no copy of the number)
    assert re.search(r"--cnn-cell-h:\s*28px", css) and "height: var(--cnn-cell-h)" in css
    assert "--cnn-cell-h" in js and not re.search(r"\b28\b", js)
    assert js.count("\\u25B6\"") == 1 and js.count("\\u23F8") == 1  # ▶ and ⏸, once each


def fill(template: str, **values) -> str:
    """grid.js's fillIn, written out here: {name} fields from values."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), template)


def test_the_live_region_can_say_what_an_output_cell_is_made_of():
    """The words and the numbers sent are enough to say the issue's sentence for the article's
    example: output[1, 2] = 3 (by hand), its window rows 1-3, columns 2-4, nine products."""
    d = widgets.conv_step_explorer().grid.data
    W, k = d["words"], 1 * 3 + 2
    rows, cols = d["tap_rows"][k], d["tap_cols"][k]
    said = fill(W["live"], name=W["output"], i=1, j=2, value=int(d["outputs"][0]["values"][1][2]),
                r0=rows[0], r1=rows[-1], c0=cols[0], c1=cols[-1],
                what=fill(W["live_sum"], n=len(rows)))
    assert RESULT_5X5[1, 2] == 3
    assert said == "output[1, 2] = 3: window rows 1-3, columns 2-4, sum of 9 products"
    assert "Enter" in W["play"] and "Enter" in W["grid"] and "Tab" in W["grid"]
    # pooling says "largest" and "mean", with the window's size
    assert fill(grid_words()["live_max"], n=4) == "the largest of 4 values"
    assert fill(grid_words()["live_avg"], n=4) == "the mean of 4 values"


def test_the_grid_words_are_chinese_in_the_chinese_edition():
    from cnnlib.text import locale

    english = grid_words()
    try:
        locale.set_language("zh")
        chinese = grid_words()
    finally:
        locale.set_language("en")
    assert set(chinese) == set(english)
    for key in ("live", "live_sum", "live_max", "live_avg", "grid", "play"):
        assert chinese[key] != english[key], key
        assert re.search(r"[\u4e00-\u9fff]", chinese[key]), key
        # the same fields to fill in, so grid.js fills either language alike
        assert set(re.findall(r"\{(\w+)\}", chinese[key])) == set(
            re.findall(r"\{(\w+)\}", english[key])), key


def test_the_view_follows_the_wai_aria_grid_pattern():
    """What the view says it does, read from its source: roles, one roving tab stop, Enter and
    Space, a polite live region (the browser test drives it)."""
    js = (ROOT / "cnnlib" / "widgets" / "grid.js").read_text()
    for role in ("grid", "row", "gridcell"):
        assert f'"{role}"' in js, role
    assert 'aria-live", "polite"' in js
    assert "cell.tabIndex = -1" in js and "cell.tabIndex = 0" in js  # roving
    assert 'e.key === "Enter"' in js and 'e.key === " "' in js
    assert "root.tabIndex" not in js  # the output cells are the one tab stop, not the whole box


# --------------------------------------------------------------------------------------------
# The explorers
# --------------------------------------------------------------------------------------------
def _set(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value


def test_conv_step_explorer_sends_the_hand_worked_example():
    e = widgets.conv_step_explorer()
    d = e.grid.data
    assert d["outputs"][0]["values"] == RESULT_5X5.tolist()
    assert d["kernel"] == KERNEL_X.tolist() and d["reveal"]
    for k in range(9):
        i, j = divmod(k, 3)
        assert d["terms"][k] == (IMAGE_5X5[i:i + 3, j:j + 3] * KERNEL_X).ravel().tolist()
    e.grid.step = 8
    _set(e, stride=2)  # 2x2 outputs: the step falls back to the first
    assert e.grid.data["out_shape"] == [2, 2] and e.grid.step == 0
    assert e.grid.data["outputs"][0]["values"] == RESULT_5X5[::2, ::2].tolist()
    assert "floor((5 − 3)/2) + 1 = 2" in e.info.value and "output 2 × 2" in e.info.value


def test_conv_step_examples_agree_with_tensorflow(tf):
    e = widgets.conv_step_explorer()
    for name in widgets.STEP_EXAMPLES:
        for s in (1, 2, 3):
            _set(e, example=name, stride=s)
            x, k = e.state["input"], e.state["kernel"]
            expected = tf.nn.conv2d(x[None, :, :, None], k[:, :, None, None], s,
                                    "VALID").numpy()[0, :, :, 0]
            np.testing.assert_allclose(e.grid.data["outputs"][0]["values"],
                                       np.round(expected, 2), atol=1e-9)
    _set(e, example="7x7 X image, X kernel", stride=1)
    assert e.grid.data["outputs"][0]["values"][2][2] == 5  # an X under the X kernel


def test_conv_arithmetic_info_state_and_bad_settings():
    e = widgets.conv_arithmetic_explorer()
    first = e.info.value.split("<br>")[0]
    assert first == "<b>output: 4 × 4 = floor((7 + 2·1 − 1·(3−1) − 1)/2) + 1</b>"
    _set(e, n=6, padding=0)
    assert e.grid.data["out_shape"] == [2, 2]
    assert "never read: columns (and rows) 5" in e.info.value
    assert e.grid.data["unread"][5] == [1] * 6
    _set(e, n=6, padding="same")
    assert e.state["pads"] == ((0, 1), (0, 1)) and "bottom/right" in e.info.value
    _set(e, n=5, padding=0)
    shown = e.grid.data
    e.controls["kernel"].value = 7
    assert "kernel 7 is larger than the padded input 5" in e.message.value
    assert e.grid.data is shown  # the last good grid stays
    _set(e, kernel=3)
    assert e.message.value == "" and e.grid.data["out_shape"] == [2, 2]


def test_pool_step_explorer_sends_max_and_average():
    e = widgets.pool_step_explorer(X4)
    d = e.grid.data
    assert [o["op"] for o in d["outputs"]] == ["max", "avg"]
    assert d["outputs"][0]["values"] == MAX_X4.tolist()
    assert d["outputs"][1]["values"] == np.round(AVG_X4, 2).tolist()
    assert d["kernel"] is None and d["winner"] == [3, 2, 0, 2]
    assert d["terms"][3] == [1, 2, 7, 4]
    _set(e, size=3, stride=1)
    feature_max = [[max(X4[i:i + 3, j:j + 3].ravel()) for j in range(2)] for i in range(2)]
    assert e.grid.data["outputs"][0]["values"] == feature_max
    assert "pooled output: 2 × 2" in e.info.value
    with pytest.raises(ValueError, match="2-D"):
        widgets.pool_step_explorer(np.ones(4))


# -- every control setting, headless ---------------------------------------------------------
@pytest.mark.parametrize("name", explorer_names("grid"))
def test_sweep_every_control(name):
    e = getattr(widgets, name)()
    assert "cnn-grid-explorer" in e._dom_classes
    counts = sweep(e, max_values=12)
    assert counts["ok"] >= 10
    if name == "conv_arithmetic_explorer":
        assert counts["message"] >= 1  # kernel 7 on a small input is refused, with a message


def test_conv_arithmetic_every_setting_gives_the_formulas_size():
    """All 5,040 settings of the five controls, through the explorer's pure compute step."""
    e = widgets.conv_arithmetic_explorer()
    c = e.controls
    pads = [v for _, v in c["padding"].options]
    seen = {"ok": 0, "message": 0}
    for n in range(c["n"].min, c["n"].max + 1):
        for k in range(c["kernel"].min, c["kernel"].max + 1):
            for s in range(c["stride"].min, c["stride"].max + 1):
                for p in pads:
                    for d in range(c["dilation"].min, c["dilation"].max + 1):
                        fits = p == "same" or d * (k - 1) + 1 <= n + 2 * (
                            0 if p == "valid" else p)
                        try:
                            g, info = e.compute(n=n, kernel=k, stride=s, padding=p,
                                                dilation=d)
                        except ValueError as err:
                            assert not fits, (n, k, s, p, d, err)
                            seen["message"] += 1
                            continue
                        assert fits, (n, k, s, p, d)
                        want = formula(n, k, s, p, d)
                        assert g["out_shape"] == (want, want), (n, k, s, p, d)
                        assert f"output: {want} × {want}" in info
                        seen["ok"] += 1
    assert seen["ok"] + seen["message"] == 10 * 7 * 4 * 6 * 3 and seen["message"] > 0
