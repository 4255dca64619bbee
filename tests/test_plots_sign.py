"""The sign of a weight is not told by colour alone: plot_kernels marks "+" and "−" too."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from cnnlib import plots  # noqa: E402

SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)


def positions(art):
    return sorted(map(tuple, np.asarray(art.get_offsets()).astype(int).tolist()))


def test_kernels_carry_plus_and_minus_marks_that_follow_a_redraw():
    kernels = np.stack([SOBEL, -SOBEL], axis=-1)  # (3, 3, 2): the second is the first flipped
    ax = plots.plot_kernels(kernels, ncols=2)
    cache = ax._cnnlib_artists["interpret"]
    plus, minus = cache["signs+"], cache["signs_"]
    assert plus in ax.collections and minus in ax.collections
    # by hand: tile 0 in columns 0-2, tile 1 in columns 4-6 (one pixel of gap); the zeros in the
    # middle column get no mark
    left, right = [(0, y) for y in range(3)], [(2, y) for y in range(3)]
    shift = [(x + 4, y) for x, y in left], [(x + 4, y) for x, y in right]
    assert positions(plus) == sorted(left + shift[1])
    assert positions(minus) == sorted(right + shift[0])
    # the full-strength middle row is dark red or blue: its mark is white; the half ones black
    colours = {tuple(p): tuple(c) for p, c in zip(np.asarray(plus.get_offsets()).astype(int),
                                                   plus.get_edgecolors())}
    assert colours[(0, 1)] == (1, 1, 1, 1) and colours[(0, 0)] == (0, 0, 0, 1)
    # drawn again on the same ax with the signs swapped: the marks move, none is added
    plots.plot_kernels(-kernels, ax=ax, ncols=2)
    assert cache["signs+"] is plus and len(ax.collections) == 2
    assert positions(plus) == sorted(right + shift[0])
    assert positions(minus) == sorted(left + shift[1])


def test_relu_histogram_hatches_the_negative_bars():
    rng = np.random.default_rng(0)
    before = rng.normal(size=(12, 12))
    axes = plots.plot_relu(before, np.maximum(before, 0), bins=10)
    _counts, edges = np.histogram(before.ravel(), bins=10)
    patches = axes[2].patches
    assert len(patches) == 10
    for patch, left in zip(patches, edges[:-1]):
        assert bool(patch.get_hatch()) == (left < 0), (left, patch.get_hatch())
