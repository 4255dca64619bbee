"""The pictures of the matrix view (notebooks 02, 05, 06) draw what they are given: smoke tests
with the Agg backend, and the cues that do not rely on colour."""

import numpy as np
import pytest

from cnnlib import plots
from tests.worked_examples import KERNEL_X


def _c_by_hand():
    # Article 000's X kernel over the 9 windows of a 5x5 image, written out without cnnlib.
    c = np.zeros((9, 25))
    window = np.zeros((9, 25), dtype=bool)
    for i in range(3):
        for j in range(3):
            row, mask = np.zeros((5, 5)), np.zeros((5, 5), dtype=bool)
            row[i:i + 3, j:j + 3], mask[i:i + 3, j:j + 3] = KERNEL_X, True
            c[i * 3 + j], window[i * 3 + j] = row.ravel(), mask.ravel()
    return c, window


def test_conv_matrix_plot_numbers_window_cells_only():
    c, window = _c_by_hand()
    ax = plots.plot_conv_matrix(c, window, image_width=5, title="C")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 81                      # the 9 windows' cells, the kernel's zeros too
    assert texts.count("1") == 45 and texts.count("0") == 36
    assert len(ax.lines) == 4                    # lines between the image's 5 rows
    image = ax.images[0].get_array()
    assert image.mask.sum() == 225 - 81          # every other cell is blank
    assert ax.get_title() == "C"


def test_conv_matrix_plot_defaults_to_the_nonzero_entries():
    ax = plots.plot_conv_matrix(np.array([[0, 2.5], [-1, 0]]))
    assert sorted(t.get_text() for t in ax.texts) == ["-1", "2.5"]
    with pytest.raises(ValueError, match="window"):
        plots.plot_conv_matrix(np.eye(2), np.ones((3, 3), dtype=bool))
    with pytest.raises(ValueError, match="2-D"):
        plots.plot_conv_matrix(np.ones(3))


def test_loss_contours_and_paths():
    w1s, w2s = np.linspace(-2, 2, 21), np.linspace(-1, 3, 17)
    g1, g2 = np.meshgrid(w1s, w2s)
    surface = 3 * g1 ** 2 + 0.3 * (g2 - 1) ** 2
    paths = {"a": np.array([[-2, 3], [1, 2.5], [-0.5, 2]]), "b": np.array([[-2, 3], [-1, 2]])}
    ax = plots.plot_loss_contours(w1s, w2s, surface, paths=paths, best=(0, 1))
    labels = [line.get_label() for line in ax.lines]
    assert "a" in labels and "b" in labels and "lowest loss" in labels
    styles = {line.get_label(): (line.get_marker(), line.get_linestyle()) for line in ax.lines
              if line.get_label() in paths}
    assert styles["a"] != styles["b"]            # told apart without colour
    assert ax.collections                        # the contour lines
    with pytest.raises(ValueError, match="losses"):
        plots.plot_loss_contours(w1s, w2s, surface.T)


def test_error_projections():
    steps = np.arange(50)
    parts = np.stack([0.5 ** steps, 0.99 ** steps], axis=1)
    ax = plots.plot_error_projections(parts, [13.0, 0.054])
    assert [line.get_label() for line in ax.lines] == ["curvature λ = 13", "curvature λ = 0.054"]
    assert ax.get_yscale() == "log"
    assert ax.lines[0].get_marker() != ax.lines[1].get_marker()
    assert ax.get_ylim()[0] == pytest.approx(1e-6)   # rounding noise stays off the picture
    with pytest.raises(ValueError, match="projections"):
        plots.plot_error_projections(parts, [1.0])
