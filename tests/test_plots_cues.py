"""Colour is never the only cue, and text over colour reaches WCAG AA (4.5:1).

Each test reads the drawn matplotlib figure (hatched patches, texts, line styles, colours) and
checks the cue against what the data says, worked out here from numpy: which weights are clearly
negative, which digit is a mistake, which pixels no window reads. Contrast is computed here with
WCAG 2.1's relative luminance formula, not with the code under test.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402

from cnnlib import ops, plots, tinycnn  # noqa: E402

FLOOR = 0.25  # a weight below -25% of the largest |weight| counts as clearly negative


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def luminance(color):
    """WCAG 2.1 relative luminance of an sRGB colour."""
    r, g, b = mcolors.to_rgb(color)
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hatched_cells(ax, shape, origin=(0, 0)):
    """Boolean (h, w): which cell centres lie inside a visible hatched PathPatch of ax, and the
    hatch colour of each such cell."""
    h, w = shape
    rr, cc = np.mgrid[0:h, 0:w]
    centres = np.column_stack([cc.ravel() + origin[0], rr.ravel() + origin[1]]).astype(float)
    inside = np.zeros(h * w, bool)
    colour = np.full(h * w, None, dtype=object)
    for p in ax.patches:
        if isinstance(p, PathPatch) and p.get_hatch() and p.get_visible():
            hit = p.get_path().contains_points(centres)
            assert not (inside & hit).any(), "a cell hatched twice"
            inside |= hit
            colour[hit] = mcolors.to_hex(p.get_hatchcolor())
    return inside.reshape(h, w), colour.reshape(h, w)


def drawn_colours(image):
    """The colour every cell of an AxesImage is drawn in (its data through its own norm)."""
    return image.to_rgba(image.get_array())


def check_negative_hatch(ax, values, lim):
    """Hatched exactly where values < -FLOOR * lim, the hatch 3:1 or more against its cell."""
    values = np.asarray(values, float)
    want = values < -FLOOR * lim
    got, colour = hatched_cells(ax, values.shape)
    assert want.any() and (~want).any()  # the example has both kinds of cell
    assert np.array_equal(got, want)
    cells = drawn_colours(ax.images[0])
    for r, c in zip(*np.nonzero(want)):
        assert contrast(colour[r, c], cells[r, c]) >= 3, (r, c, colour[r, c])


# ---------------------------------------------------------------------------------------------
# the sign of a weight: hatched where clearly negative
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(784, 10), (30, 4)])
def test_weight_matrix_hatches_the_clearly_negative_weights(shape):
    w = np.random.default_rng(1).normal(size=shape)
    ax = plots.plot_weight_matrix(w)
    check_negative_hatch(ax, w.T, np.abs(w).max())   # drawn transposed: one row per output
    assert len([p for p in ax.patches if p.get_hatch()]) <= 2  # two artists, not one per cell
    # the colour bar is the key: its ends read "+" (top) and "−" (bottom), and it is hatched
    # from its bottom up to -25% of the largest weight, not above
    cax = ax.figure.axes[-1]
    ends = {t.get_text(): t.get_position()[1] for t in cax.texts}
    assert ends.keys() == {"+", "−"} and ends["+"] > ends["−"]
    lim = np.abs(w).max()
    spans = sorted((p.get_y(), p.get_y() + p.get_height()) for p in cax.patches if p.get_hatch())
    assert spans[0][0] == pytest.approx(-lim) and spans[-1][1] == pytest.approx(-FLOOR * lim)
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(spans, spans[1:]))  # no gap


def test_weight_templates_hatch_negatives_and_say_so_in_a_legend():
    shape = (3, 3, 2)
    w = np.random.default_rng(2).normal(size=(18, 3))
    fig = plots.plot_weight_templates(w, shape)
    lim = np.abs(w).max()
    # tile (ch, j) holds w[:, j] folded back: pixel (r, c) of channel ch is entry (r*3 + c)*2 + ch
    for ch in range(2):
        for j in range(3):
            tile = np.array([[w[(r * 3 + c) * 2 + ch, j] for c in range(3)] for r in range(3)])
            ax = fig.axes[ch * 3 + j]
            got, _ = hatched_cells(ax, tile.shape)
            assert np.array_equal(got, tile < -FLOOR * lim), (ch, j)
    (legend,) = fig.legends
    hatches = {t.get_text(): h.get_hatch() for t, h in zip(legend.get_texts(),
                                                           legend.legend_handles)}
    assert len(hatches) == 2
    assert [bool(h) for label, h in hatches.items() if label.startswith("−")] == [True]
    assert [bool(h) for label, h in hatches.items() if label.startswith("+")] == [False]


def test_forward_pass_hatches_negatives_before_relu_only_and_updates_in_place():
    net = tinycnn.untrained()
    x = np.zeros((28, 28))
    x[6:22, 12:16] = 1.0   # a bar: edge kernels respond with both signs
    stages = tinycnn.forward(x, net)
    conv = np.asarray(stages["conv"])
    fig = plots.plot_forward_pass(stages, maps="conv")
    map_axes = fig._cnnlib_artists["forward_pass"]["axes"]["maps"]
    lim = np.abs(conv).max()
    n_patches = [len(ax.patches) for ax in map_axes]
    for i, ax in enumerate(map_axes):
        got, _ = hatched_cells(ax, conv.shape[:2])
        assert np.array_equal(got, conv[:, :, i] < -FLOOR * lim), i
    assert (conv < -FLOOR * lim).any()
    # after ReLU nothing is negative: no hatching; back to conv: the same artists again
    plots.plot_forward_pass(stages, maps="relu", fig=fig)
    assert not any(hatched_cells(ax, conv.shape[:2])[0].any() for ax in map_axes)
    moved = tinycnn.forward(np.roll(x, 5, axis=1), net)
    plots.plot_forward_pass(moved, maps="conv", fig=fig)
    conv2 = np.asarray(moved["conv"])
    for i, ax in enumerate(map_axes):
        got, _ = hatched_cells(ax, conv.shape[:2])
        assert np.array_equal(got, conv2[:, :, i] < -FLOOR * np.abs(conv2).max()), i
    assert [len(ax.patches) for ax in map_axes] == n_patches


def test_backward_hatches_signed_grids_only_when_no_numbers_show_the_sign():
    rng = np.random.default_rng(3)
    g, small, plain = rng.normal(size=(26, 26)), rng.normal(size=(3, 3)), rng.random((26, 26))
    axes = plots.plot_backward({"g": g, "plain": plain}, numbers=False)
    check_negative_hatch(axes[0], g, np.abs(g).max())
    assert not hatched_cells(axes[1], plain.shape)[0].any()   # nothing negative
    axes = plots.plot_backward({"small": small})              # numbers written: "-" says it
    assert not hatched_cells(axes[0], small.shape)[0].any()
    assert any(t.get_text().startswith("-") for t in axes[0].texts)


def test_window_coverage_crosses_the_pixels_no_window_reads():
    # by hand: an 8-pixel axis, 3-wide windows with stride 3 start at 0 and 3 and read 0-5;
    # pixels 6 and 7 are never read. In 2-D: every cell in row 6 or 7 or column 6 or 7.
    cov_1d = ops.window_coverage(8, 3, stride=3)
    ax = plots.plot_window_coverage(np.outer(cov_1d, cov_1d), ((0, 0), (0, 0)))
    never = np.zeros((8, 8), bool)
    never[6:, :] = never[:, 6:] = True
    assert np.array_equal(hatched_cells(ax, (8, 8))[0], never)


# ---------------------------------------------------------------------------------------------
# a highlighted bar, a mistake
# ---------------------------------------------------------------------------------------------
def check_hatch_contrast(bars):
    """A hatch is a cue only if it shows: 3:1 or more against its bar (WCAG 1.4.11)."""
    for bar in bars:
        if bar.get_hatch():
            assert contrast(bar.get_hatchcolor(), bar.get_facecolor()) >= 3


def test_value_counts_hatch_the_baseline_bar_only():
    counts = [3_168_400, 774_400, 336_400]
    ax = plots.plot_value_counts(["no pooling", "2×2", "3×3"], counts)
    bars = ax.patches[:len(counts)]
    assert [bool(b.get_hatch()) for b in bars] == [True, False, False]
    assert mcolors.to_hex(bars[0].get_facecolor()) != mcolors.to_hex(bars[1].get_facecolor())
    check_hatch_contrast(bars)


def test_the_true_label_bar_is_hatched_and_follows_a_redraw():
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    probs = ops.softmax(logits)
    ax_p = plots.plot_softmax(logits, probs, label=2)
    ax_z = ax_p.figure.axes[0]
    for label in (2, 0):
        plots.plot_softmax(logits, probs, label=label, axes=(ax_z, ax_p))
        for ax in (ax_z, ax_p):
            assert [bool(b.get_hatch()) for b in ax.patches] == [i == label for i in range(4)]
            check_hatch_contrast(ax.patches)
    net = tinycnn.untrained()
    stages = tinycnn.forward(np.zeros((28, 28)), net)
    fig = plots.plot_forward_pass(stages, label=7)
    bars = fig._cnnlib_artists["forward_pass"]["bars"]
    assert [bool(b.get_hatch()) for b in bars] == [i == 7 for i in range(10)]
    check_hatch_contrast(bars)


def test_explanations_mark_mistakes_with_a_cross_and_the_word():
    labels, preds = np.array([3, 5, 7, 1]), np.array([3, 6, 7, 4])
    tiles = np.random.default_rng(4).random((4, 8, 8))
    fig = plots.plot_explanations(tiles, tiles, tiles, labels, preds)
    for i, wrong in enumerate(labels != preds):
        text = fig.axes[3 * i].get_ylabel()
        assert ("✗" in text, "✓" in text) == (wrong, not wrong), text
        assert ("wrong" in text) == wrong


def test_digits_mark_mistakes_with_a_cross():
    labels, preds = np.array([1, 2, 3, 4]), np.array([1, 7, 3, 9])
    fig = plots.plot_digits(np.zeros((4, 28, 28)), labels=labels, preds=preds)
    titles = [ax.get_title() for ax in fig.axes[:4]]
    assert ["✗" in t for t in titles] == (labels != preds).tolist(), titles


def test_test_bars_and_dense_layers_are_hatched():
    ax = plots.plot_class_counts(np.arange(1, 11) * 10, np.arange(1, 11))
    bars = ax.patches
    assert [bool(b.get_hatch()) for b in bars] == [False] * 10 + [True] * 10  # train, then test
    check_hatch_contrast(bars)
    rows = [{"name": n, "type": k, "params": p, "output": (1, 1, 1)} for n, k, p in
            [("c1", "conv", 10), ("p1", "pool", 0), ("f1", "dense", 100), ("f2", "dense", 5)]]
    ax = plots.plot_architecture_layers(rows)
    assert [bool(b.get_hatch()) for b in ax.patches] == [False, True, True]  # pool: no bar
    check_hatch_contrast(ax.patches)


# ---------------------------------------------------------------------------------------------
# lines: a marker or dash style each, not only a colour
# ---------------------------------------------------------------------------------------------
def styles(lines):
    return [(ln.get_linestyle(), ln.get_marker()) for ln in lines]


def test_lines_differ_in_more_than_colour():
    series = {name: np.arange(5.0) + i for i, name in enumerate("abcd")}
    ax = plots.plot_curves(np.arange(5), series)
    assert len(set(styles(ax.lines[:4]))) == 4
    ax = plots.plot_loss_curves({n: v + 1 for n, v in series.items()})
    assert len(set(styles(ax.lines))) == 4
    hist = {n: {"val_accuracy": list(v / 10)} for n, v in series.items()}
    ax = plots.plot_histories(hist)
    assert len(set(styles(ax.lines))) == 4
    z = np.linspace(-3, 3, 7)
    probs = np.stack([ops.softmax(np.array([v, 1.0, 0.0])) for v in z])
    fig = plots.plot_activations(z, ops.relu(z), ops.sigmoid(z), z, probs)
    assert len(set(styles(fig.axes[2].lines))) == 3
    ax = plots.plot_ascent(np.random.default_rng(5).random((6, 4)), highlight=1)
    (mean,) = [ln for ln in ax.lines if ln.get_linewidth() == 2 and ln.get_color() == "black"]
    (hl,) = [ln for ln in ax.lines if ln.get_linewidth() == 2 and ln is not mean]
    assert hl.get_linestyle() != mean.get_linestyle()   # the highlighted target vs the mean
    axes = plots.plot_stride_positions(7, 3, {2: [0, 2, 4]})
    first, second = [p for p in np.ravel(axes)[0].patches if not p.get_fill()]
    assert first.get_linestyle() != second.get_linestyle()
    rows = [{"type": "conv", "output": (s, s, c)} for s, c in ((28, 8), (14, 16), (7, 32))]
    fig = plots.plot_architecture_shapes({"A": rows, "B": rows, "C": rows})
    assert len(set(styles(fig.axes[0].lines))) == 3


# ---------------------------------------------------------------------------------------------
# text contrast: numbers over a colour map, coloured text on white
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cmap", ["RdBu_r", "PuOr_r", "Greys", "Blues", "Greens", "Oranges",
                                  "magma", "viridis", "red", "green", "blue"])
def test_numbers_over_a_colour_map_reach_aa(cmap):
    values = np.linspace(-1, 1, 64).reshape(8, 8)   # every shade of the map, end to end
    ax = plots.plot_grid_live(values, cmap=cmap)   # as plot_grid, and updated in place
    plots.plot_grid_live(values[::-1], ax=ax, cmap=cmap)
    cells = drawn_colours(ax.images[0])
    assert len(ax.texts) == 64
    for text in ax.texts:
        c, r = (int(round(v)) for v in text.get_position())
        assert contrast(text.get_color(), cells[r, c]) >= 4.5, (cmap, r, c)


def test_conv_matrix_and_coverage_numbers_reach_aa():
    m = np.arange(1.0, 37.0).reshape(6, 6) - 18
    ax = plots.plot_conv_matrix(m, cmap="RdBu_r")
    cells = drawn_colours(ax.images[0])
    for text in ax.texts:
        c, r = (int(round(v)) for v in text.get_position())
        assert contrast(text.get_color(), cells[r, c]) >= 4.5, (r, c)
    cov = np.outer(*[ops.window_coverage(7, 3, stride=1, padding="same")] * 2)
    ax = plots.plot_window_coverage(cov, ((1, 1), (1, 1)))
    image = ax.images[0].get_array()   # an RGBA picture: the colours drawn
    counted = 0
    for dots in ax.collections:
        if str(dots.get_gid()).startswith("count"):
            (colour,) = {mcolors.to_hex(c) for c in dots.get_facecolors()}
            for x, y in dots.get_offsets():
                assert contrast(colour, image[int(y), int(x)]) >= 4.5, (x, y)
                counted += 1
    assert counted == cov.size


def test_coloured_text_on_white_reaches_aa():
    ax = plots.plot_layer_curves({"a": [1, 3, 5], "b": [1, 5, 9], "c": [1, 2, 3]})
    for text in ax.texts:
        assert contrast(text.get_color(), "white") >= 4.5, text.get_text()
    fig = plots.plot_flatten(np.arange(9.0).reshape(3, 3), np.arange(9.0))
    tags = [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None]
    assert len(tags) == 9
    for text in tags:
        assert contrast(text.get_color(), text.get_bbox_patch().get_facecolor()) >= 4.5
    wrong = plots.plot_digits(np.zeros((1, 28, 28)), labels=[1], preds=[2]).axes[0].title
    assert contrast(wrong.get_color(), "white") >= 4.5


def test_the_hatch_colour_rule_is_wcag_not_a_guess():
    # a contrast test of the helpers against this file's own formula, over every map colour
    from cnnlib.plots.cues import readable_on, text_color_on

    rgba = mpl.colormaps["RdBu_r"](np.linspace(0, 1, 257))
    for colour, pick in zip(rgba, text_color_on(rgba)):
        other = "white" if pick == "black" else "black"
        assert contrast(pick, colour) >= contrast(other, colour) and contrast(pick, colour) >= 4.5
    for colour in ("tab:orange", "tab:green", "yellow"):   # 2.9:1, 3.3:1, 1.1:1 on white
        assert contrast(colour, "white") < 4.5
        darker = readable_on(colour)
        assert 4.5 <= contrast(darker, "white") < 4.8, colour   # just dark enough
    assert contrast("tab:blue", "white") >= 4.5                 # already readable: kept
    assert readable_on("tab:blue") == mcolors.to_rgb("tab:blue")
