"""Notebook 01: the pixel explorer, the pixel plots, the layered figure, the 01 checkers."""

import subprocess
import sys

import matplotlib.pyplot as plt  # the Agg backend: conftest sets MPLBACKEND
import numpy as np
import pytest
from skimage import data

from cnnlib import images, plots, widgets
from cnnlib.plots.common import figure_to_png
from tests.explorer_checks import png_pixels, sweep


# --------------------------------------------------------------------------------------------
# pixel_explorer
# --------------------------------------------------------------------------------------------
def test_pixel_explorer_sweep():
    explorer = widgets.pixel_explorer()
    counts = sweep(explorer)
    assert counts["ok"] > 20
    # The only refusals: a colour channel of a grayscale photo.
    assert explorer.last_error is None


def test_pixel_explorer_patch_is_the_photo_numbers():
    explorer = widgets.pixel_explorer()
    cat = data.chelsea()  # independent of cnnlib.core.images
    c = explorer.controls
    before = explorer.image.value
    c["row"].value, c["col"].value, c["size"].value = 230, 265, 5
    c["channel"].value = "blue"
    np.testing.assert_array_equal(explorer.state["patch"], cat[230:235, 265:270, 2])
    assert "rows 230-234, columns 265-269" in explorer.info.value
    assert f"max {cat[230:235, 265:270, 2].max()}" in explorer.info.value
    assert explorer.image.value != before


def test_pixel_explorer_gray_is_weighted_sum():
    explorer = widgets.pixel_explorer()
    explorer.controls["channel"].value = "gray (luminance)"
    r, c = explorer.state["position"]
    rgb = data.chelsea()[r:r + 6, c:c + 6].astype(float)
    expected = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    np.testing.assert_allclose(explorer.state["patch"], expected)


def test_pixel_explorer_sliders_follow_the_photo():
    explorer = widgets.pixel_explorer()
    c = explorer.controls
    c["image"].value = "camera"  # 512 x 512, grayscale
    c["channel"].value = "gray (luminance)"
    assert explorer.last_error is None
    assert c["row"].max == 512 - c["size"].value and c["col"].max == 512 - c["size"].value
    c["image"].value = "cat (chelsea)"  # 300 x 451: positions are pulled back inside
    assert c["row"].max == 300 - c["size"].value
    assert c["row"].value <= c["row"].max
    c["size"].value = 8
    assert c["col"].max == 451 - 8
    assert explorer.last_error is None


def test_pixel_explorer_colour_channel_of_gray_photo_is_a_message():
    explorer = widgets.pixel_explorer()
    explorer.controls["image"].value = "coins"
    explorer.controls["channel"].value = "green"
    assert isinstance(explorer.last_error, ValueError)
    assert "grayscale" in explorer.message.value and "Traceback" not in explorer.message.value
    explorer.controls["channel"].value = "gray (luminance)"
    assert explorer.last_error is None and explorer.message.value == ""


def test_layered_redraw_equals_full_draw():
    # A redraw that pastes the static part must give exactly the pixels of a full draw.
    explorer = widgets.pixel_explorer()
    explorer.controls["col"].value = 200
    explorer.controls["row"].value = 120
    fig = explorer.figure
    assert fig.dynamic and fig.get_layout_engine() is None
    saved, fig.dynamic = fig.dynamic, []
    full = figure_to_png(fig)
    fig.dynamic = saved
    np.testing.assert_array_equal(png_pixels(explorer.image.value), png_pixels(full))


# --------------------------------------------------------------------------------------------
# Plots (Agg)
# --------------------------------------------------------------------------------------------
def test_plot_patch_shows_the_numbers():
    cat = images.load()
    axes = plots.plot_patch(cat, cat[..., 0], 106, 162, 4, name="red")
    numbers = [t.get_text() for t in axes[2].texts]
    assert numbers == [str(v) for v in cat[106:110, 162:166, 0].ravel()]
    assert "4x4" in axes[2].get_title()
    assert len(axes[0].images) == 1 and len(axes[1].images) == 1
    with pytest.raises(ValueError, match="does not fit"):
        plots.plot_patch(cat, cat[..., 0], 298, 0, 4)


def test_plot_channels_draws_three_planes():
    axes = plots.plot_channels(images.load())
    assert len(axes) == 4
    assert [ax.get_title().split(":")[1].split()[0] for ax in axes[1:]] == ["red", "green", "blue"]
    np.testing.assert_array_equal(axes[3].images[0].get_array(), images.load()[..., 2])
    with pytest.raises(ValueError, match="RGB"):
        plots.plot_channels(np.zeros((4, 4)))


def test_plot_rgb_numbers_prints_all_48():
    toy = images.toy_rgb()
    axes = plots.plot_rgb_numbers(toy)
    texts = [t.get_text() for ax in axes[1:] for t in ax.texts]
    assert len(texts) == 48
    assert texts[:16] == [str(v) for v in toy[..., 0].ravel()]


def test_plot_flat_vectors_lays_rows_end_to_end():
    a = np.arange(6).reshape(2, 3)
    axes = plots.plot_flat_vectors([a, a[::-1]], ["a", "flipped"])
    vector_texts = [t.get_text() for t in axes[2].texts]
    assert vector_texts == [str(v) for v in [0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2]]
    with pytest.raises(ValueError):
        plots.plot_flat_vectors([a, np.zeros((3, 3))])


def test_plot_param_bars_labels():
    ax = plots.plot_param_bars(["small", "big"], [28, 678_601])
    assert [t.get_text() for t in ax.texts] == ["28", "678,601"]
    assert ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="counts"):
        plots.plot_param_bars(["zero"], [0])


def test_plot_image_row():
    axes = plots.plot_image_row([np.zeros((3, 3)), np.ones((4, 5))], ["a", "b"])
    assert [ax.get_title() for ax in axes] == ["a", "b"]
    with pytest.raises(ValueError, match="titles"):
        plots.plot_image_row([np.zeros((3, 3))], ["a", "b"])


def test_plot_grid_live_updates_in_place():
    _, ax = plt.subplots()
    plots.plot_grid_live(np.array([[1, 2], [3, 4]]), ax, highlight=(0, 0, 1, 1))
    texts = list(ax.texts)
    plots.plot_grid_live(np.array([[5, np.nan], [7, 8]]), ax, highlight=(1, 1, 1, 1), title="t")
    assert list(ax.texts) == texts  # same artists, new numbers
    assert [t.get_text() for t in ax.texts] == ["5", "", "7", "8"]
    rect = plots.artists(ax, "live_grid")["rect"]
    assert rect.get_visible() and rect.get_xy() == (0.5, 0.5)
    assert ax.get_title() == "t"
    plots.plot_grid_live(np.zeros((3, 3)), ax)  # new shape: drawn afresh
    assert len(ax.texts) == 9 and not plots.artists(ax, "live_grid")["rect"].get_visible()


def test_plot_image_live_keeps_the_artist():
    _, ax = plt.subplots()
    plots.plot_image_live(np.zeros((4, 6)), ax)
    im = ax.images[0]
    plots.plot_image_live(np.ones((2, 3)), ax, extent=(10 - 0.5, 13 - 0.5, 21.5, 19.5))
    assert list(ax.images) == [im] and im.get_array().shape == (2, 3)
    assert ax.get_xlim() == (9.5, 12.5)


def test_notebook_01_needs_no_tensorflow():
    # Everything notebook 01 touches starts without TensorFlow (a fast, light first lesson).
    code = ("import sys; from cnnlib import checks, images, kernels, ops, plots, widgets; "
            "widgets.pixel_explorer(); print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
