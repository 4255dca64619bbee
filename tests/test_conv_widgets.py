"""Notebook 02: the conv explorers, the conv plots, ops.conv_step, the 02 checkers.

References are independent of the code under test: the article's hand-worked 5x5 example,
windows multiplied out here with numpy, TensorFlow's conv2d, and the output-size formula
computed by hand.
"""


import matplotlib.pyplot as plt  # the Agg backend: conftest sets MPLBACKEND
import numpy as np
import pytest
from skimage import data

from cnnlib import images, kernels, ops, plots, widgets
from cnnlib.plots.common import figure_to_png
from tests.explorer_checks import png_pixels, sweep
from tests.worked_examples import IMAGE_5X5, KERNEL_X, RESULT_5X5


def gray_cat() -> np.ndarray:
    rgb = data.chelsea().astype(float)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def tf_conv(tf, x, k, stride=1, bias=0.0):
    """TensorFlow's VALID convolution of a 2-D or (H, W, C) x with one 2-D/(kh, kw, C) kernel."""
    x4 = x[None, :, :, None] if x.ndim == 2 else x[None]
    k4 = k[:, :, None, None] if k.ndim == 2 else k[:, :, :, None]
    out = tf.nn.conv2d(tf.constant(x4, tf.float64), tf.constant(k4, tf.float64),
                       strides=stride, padding="VALID")
    return out.numpy()[0, :, :, 0] + bias


def layered_equals_full(explorer):
    fig = explorer.figure
    saved, fig.dynamic = fig.dynamic, []
    try:
        full = figure_to_png(fig)
    finally:
        fig.dynamic = saved
    np.testing.assert_array_equal(png_pixels(explorer.image.value), png_pixels(full))


# --------------------------------------------------------------------------------------------
# Every explorer: swept, built with no arguments
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["kernel_gallery_explorer", "kernel_editor_explorer",
                                  "rgb_conv_explorer"])
def test_sweep(name):
    explorer = getattr(widgets, name)()
    assert "cnn-explorer" in explorer._dom_classes
    counts = sweep(explorer, n_random=15)
    assert counts["ok"] >= 10
    assert counts["message"] == 0  # no combination of these controls is invalid


# --------------------------------------------------------------------------------------------
# kernel_editor_explorer
# --------------------------------------------------------------------------------------------
def test_editor_stride_changes_output_and_formula(tf):
    explorer = widgets.kernel_editor_explorer()
    before = explorer.image.value
    explorer.controls["stride"].value = 2
    k = np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], dtype=float)  # the Laplacian preset
    np.testing.assert_array_equal(explorer.state["kernel"], k)
    expected = tf_conv(tf, gray_cat(), k, stride=2)
    np.testing.assert_allclose(explorer.state["output"], expected, atol=1e-6)
    rows, cols = (300 - 3) // 2 + 1, (451 - 3) // 2 + 1  # floor((n - k)/s) + 1, by hand
    assert explorer.state["output"].shape == (rows, cols) == (149, 225)
    assert f"floor((300 − 3)/2) + 1 = {rows}" in explorer.info.value
    assert f"floor((451 − 3)/2) + 1 = {cols}" in explorer.info.value
    assert f"<b>output {rows} × {cols}</b>" in explorer.info.value
    assert explorer.image.value != before
    explorer.controls["stride"].value = 5
    assert "floor((300 − 3)/5) + 1 = 60" in explorer.info.value
    assert explorer.state["output"].shape == (60, 90)


def test_editor_boxes_and_presets():
    explorer = widgets.kernel_editor_explorer()
    c = explorer.controls
    c["preset"].value = "sharpen"
    boxes = np.array([[c[f"k{r}{q}"].value for q in range(3)] for r in range(3)])
    np.testing.assert_array_equal(boxes, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    draws = explorer.draw_count
    c["k11"].value = 9.0  # editing a box makes the kernel custom, in one redraw
    assert c["preset"].value == "(custom)" and explorer.draw_count == draws + 1
    k = np.array([[0, -1, 0], [-1, 9, -1], [0, -1, 0]], dtype=float)
    np.testing.assert_allclose(explorer.state["output"], ops.conv2d(gray_cat(), k))
    c["k00"].value = float("nan")
    assert isinstance(explorer.last_error, ValueError) and "[0,0]" in explorer.message.value
    c["k00"].value = 0.0
    assert explorer.last_error is None
    layered_equals_full(explorer)


def test_editor_lays_the_boxes_out_as_a_grid():
    explorer = widgets.kernel_editor_explorer()
    grids = [w for w in explorer.children[1].children if w.__class__.__name__ == "GridBox"]
    assert len(grids) == 1 and len(grids[0].children) == 9
    assert explorer.controls["stride"].description == "stride"


# --------------------------------------------------------------------------------------------
# kernel_gallery_explorer
# --------------------------------------------------------------------------------------------
def test_gallery_kernel_and_relu(tf):
    explorer = widgets.kernel_gallery_explorer()
    explorer.controls["kernel"].value = "sobel y (horizontal edges)"
    sobel_y = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float)
    expected = tf_conv(tf, gray_cat(), sobel_y)
    np.testing.assert_allclose(explorer.state["output"], expected, atol=1e-6)
    assert explorer.state["output"].min() < 0
    explorer.controls["relu"].value = True
    np.testing.assert_allclose(explorer.state["output"], np.maximum(expected, 0), atol=1e-6)
    assert "after ReLU" in explorer.figure.axes[2].get_title()
    explorer.controls["image"].value = "camera"
    assert explorer.state["output"].shape == (510, 510)
    assert "floor((512 − 3)/1) + 1 = 510" in explorer.info.value


# --------------------------------------------------------------------------------------------
# rgb_conv_explorer
# --------------------------------------------------------------------------------------------
def test_rgb_step_sums_channels_plus_bias(tf):
    explorer = widgets.rgb_conv_explorer()
    x, k = explorer.state["x"], explorer.state["kernel"]
    st = explorer.state["step"]
    # Channel by channel, multiplied out here: window * slice, summed.
    sums = [np.sum(x[0:3, 0:3, ch] * k[:, :, ch]) for ch in range(3)]
    np.testing.assert_array_equal(st["channel_sums"], sums)
    assert st["total"] == sum(sums) + 1.0  # default bias 1
    explorer.controls["bias"].value = -2.0
    explorer.controls["step"].value = 4
    st = explorer.state["step"]
    sums = [np.sum(x[1:4, 1:4, ch] * k[:, :, ch]) for ch in range(3)]
    assert st["position"] == (1, 1) and st["total"] == sum(sums) - 2.0
    np.testing.assert_allclose(explorer.state["output"], tf_conv(tf, x, k, bias=-2.0))
    assert f"= <b>{sum(sums) - 2.0:g}</b>" in explorer.info.value
    layered_equals_full(explorer)


def test_rgb_luminance_kernel_is_grayscale():
    explorer = widgets.rgb_conv_explorer()
    explorer.controls["kernel"].value = "luminance (centre only)"
    explorer.controls["bias"].value = 0.0
    x = explorer.state["x"]
    gray = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    np.testing.assert_allclose(explorer.state["output"], gray[1:-1, 1:-1])
    explorer.controls["stride"].value = 2
    assert explorer.controls["step"].max == 3


# --------------------------------------------------------------------------------------------
# ops.conv_step, ops.window_positions
# --------------------------------------------------------------------------------------------
def test_conv_step_every_step_rebuilds_the_output():
    x = np.arange(42, dtype=float).reshape(6, 7)
    k = np.array([[1, -1], [2, 0]], dtype=float)
    for stride in (1, 2, 3):
        first = ops.conv_step(x, k, 0, stride=stride)
        oh, ow = first["out_shape"]
        out = np.zeros((oh, ow))
        for i in range(first["n_steps"]):
            st = ops.conv_step(x, k, i, stride=stride)
            out[st["cell"]] = st["total"]
            r, c = st["position"]
            np.testing.assert_array_equal(st["window"], x[r:r + 2, c:c + 2])
        assert (oh, ow) == ((6 - 2) // stride + 1, (7 - 2) // stride + 1)
        np.testing.assert_array_equal(out, ops.conv2d_loops(x, k, stride=stride))


def test_conv_step_bad_input():
    x, k = IMAGE_5X5, KERNEL_X
    with pytest.raises(ValueError, match=r"step must be in \[0, 8\]"):
        ops.conv_step(x, k, 9)
    with pytest.raises(ValueError, match="step"):
        ops.conv_step(x, k, -1)
    with pytest.raises(ValueError, match="bias"):
        ops.conv_step(x, k, 0, bias="one")
    with pytest.raises(ValueError, match="stride"):
        ops.conv_step(x, k, 0, stride=0)
    with pytest.raises(ValueError, match="x and kernel"):
        ops.conv_step(x, k[..., None], 0)
    with pytest.raises(ValueError, match="kernel"):
        ops.conv_step(x, np.ones((6, 6)), 0)
    assert ops.window_positions(5, 3, stride=2) == [0, 2]
    assert ops.window_positions(7, 3, stride=3) == [0, 3]
    with pytest.raises(ValueError, match="stride"):
        ops.window_positions(5, 3, stride=0)


def test_new_sample_arrays():
    assert images.cross_7x7().shape == (7, 7) and images.cross_7x7()[3, 3] == 1
    assert ops.conv2d(images.cross_7x7(), KERNEL_X).max() == 5
    e = images.edge_6x6()
    assert e.shape == (6, 6) and 0 <= e.min() and e.max() <= 1
    assert e[:, :3].max() < e[:, 3:].min()  # dark left half, bright right half
    assert images.toy_rgb_5x5().shape == (5, 5, 3)
    assert kernels.rgb_example().shape == (3, 3, 3)
    np.testing.assert_allclose(kernels.rgb_luminance()[1, 1], [0.299, 0.587, 0.114])


# --------------------------------------------------------------------------------------------
# Plots (Agg)
# --------------------------------------------------------------------------------------------
def test_plot_conv_step():
    st = ops.conv_step(IMAGE_5X5, KERNEL_X, 4)
    axes = plots.plot_conv_step(IMAGE_5X5, KERNEL_X, st, RESULT_5X5)
    assert len(axes) == 4
    assert [t.get_text() for t in axes[2].texts] == [
        f"{v:g}" for v in (IMAGE_5X5[1:4, 1:4] * KERNEL_X).ravel()]
    # Output drawn up to this step: 5 cells filled, 4 blank.
    assert [t.get_text() for t in axes[3].texts] == ["4", "3", "4", "2", "4", "", "", "", ""]
    assert "sum = 4" in axes[2].get_title()


def test_plot_rgb_conv_step():
    x, k = images.toy_rgb_5x5(), kernels.rgb_example()
    st = ops.conv_step(x, k, 0, bias=1.0)
    axes = plots.plot_rgb_conv_step(x, k, st, ops.conv2d(x, k, bias=1.0))
    assert axes.shape == (3, 4)
    assert [ax.get_title() for ax in axes[:, 0]] == ["red channel", "green channel",
                                                    "blue channel"]
    assert f"= {st['total']:g}" in axes[1, 3].texts[0].get_text()
    with pytest.raises(ValueError):
        plots.plot_rgb_conv_step(x[..., 0], k, st, np.zeros((3, 3)))


def test_plot_feature_map_scales():
    _, ax = plt.subplots()
    plots.plot_feature_map(np.array([[-2.0, 1.0], [0.0, 2.0]]), ax)
    im = ax.images[0]
    assert im.get_cmap().name == "RdBu_r" and im.get_clim()[0] == -im.get_clim()[1]
    plots.plot_feature_map(np.array([[0.0, 100.0], [50.0, 200.0]]), ax)
    assert ax.images[0].get_clim() == (0, 255)
    assert plots.kernel_is_signed(kernels.get("sobel x (vertical edges)"))
    assert not plots.kernel_is_signed(kernels.get("sharpen"))
    assert not plots.kernel_is_signed(kernels.get("x (article)"))


def test_plot_kernel_on_image_and_gallery():
    g = gray_cat()[:40, :50]
    k = kernels.get("emboss")
    axes = plots.plot_kernel_on_image(g, k, ops.conv2d(g, k))
    assert [t.get_text() for t in axes[1].texts] == [f"{v:g}" for v in k.ravel()]
    outputs = {n: ops.conv2d(g, kernels.get(n)) for n in kernels.names()}
    axes = plots.plot_kernel_gallery(outputs, kernels.KERNELS)
    assert [ax.get_title() for ax in axes.ravel()] == kernels.names()
    signed = [plots.kernel_is_signed(kernels.get(n)) for n in kernels.names()]
    # the kernel inset on every map, and a colour bar on the signed ones
    assert [len(ax.child_axes) for ax in axes.ravel()] == [1 + s for s in signed]
    assert any(signed) and not all(signed)
    with pytest.raises(ValueError):
        plots.plot_kernel_gallery({"nope": g}, kernels.KERNELS)


def test_plot_feature_stack_relu_stride_timings():
    stack = np.random.default_rng(0).normal(size=(6, 7, 3))
    axes = plots.plot_feature_stack(stack, ["a", "b", "c"])
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]
    axes = plots.plot_relu(stack[..., 0], ops.relu(stack[..., 0]))
    assert "negative" in axes[2].get_title()
    axes = plots.plot_stride_positions(7, 3, {s: ops.window_positions(7, 3, s) for s in (1, 2)})
    assert len(axes[0].texts) == 25 and len(axes[1].texts) == 9
    ax = plots.plot_timings(["slow", "fast"], [0.2, 0.001])
    assert "200x" in ax.texts[0].get_text() and "fastest" in ax.texts[1].get_text()
    with pytest.raises(ValueError):
        plots.plot_timings(["a"], [0.0])
