"""cnnlib.core.drawing: a digit drawn with the mouse, prepared as MNIST's digits were (against
scipy and real MNIST digits)."""

import numpy as np
import pytest

from cnnlib import data, drawing


# ---------------------------------------------------------------------------------------------
# a drawn digit, prepared MNIST-style
# ---------------------------------------------------------------------------------------------
def test_resize_area_integer_factor_is_block_mean():
    rng = np.random.default_rng(0)
    img = rng.random((12, 8))
    expected = img.reshape(4, 3, 4, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(drawing.resize_area(img, (4, 4)), expected, atol=1e-12)


def test_resize_area_keeps_the_mean_for_any_factor():
    rng = np.random.default_rng(1)
    img = rng.random((37, 23))
    for shape in [(20, 13), (5, 9), (50, 40)]:
        out = drawing.resize_area(img, shape)
        assert out.shape == shape
        assert out.mean() == pytest.approx(img.mean(), rel=1e-9)


def test_center_of_mass_against_scipy():
    from scipy import ndimage

    rng = np.random.default_rng(2)
    img = rng.random((15, 11)) ** 4
    assert drawing.center_of_mass(img) == pytest.approx(ndimage.center_of_mass(img))
    with pytest.raises(ValueError, match="no ink"):
        drawing.center_of_mass(np.zeros((3, 3)))


def test_draw_stroke_paints_a_capsule():
    ink = np.zeros((200, 200))
    drawing.draw_stroke(ink, [(50, 100), (150, 100)], width=20)
    # a 100 x 20 rectangle plus two half-disks of radius 10
    assert ink.sum() == pytest.approx(100 * 20 + np.pi * 10 ** 2, rel=0.03)
    assert ink[100, 100] == 1 and ink[100, 30] == 0 and ink[80, 100] == 0
    assert ink.max() <= 1
    with pytest.raises(ValueError, match="width"):
        drawing.draw_stroke(ink, [(0, 0)], width=0)


def test_prepare_drawing_crops_scales_and_centres():
    ink = np.zeros((280, 280))
    # an off-centre "7": a bar and a slanted stroke, in the top-left corner
    drawing.draw_stroke(ink, [(20, 20), (120, 20), (60, 180)], width=18)
    steps = drawing.prepare_drawing(ink)
    digit = steps["digit"]
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert 0 <= digit.min() and digit.max() <= 1
    rows = np.flatnonzero(digit.max(axis=1) > 0.05)
    cols = np.flatnonzero(digit.max(axis=0) > 0.05)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20  # the longer side is 20 px
    r, c = drawing.center_of_mass(digit)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5  # whole-pixel shift: within half a pixel
    top, bottom, left, right = steps["box"]
    assert top < 20 < bottom and left < 20 and right < 140  # the box hugs the ink
    assert steps["scaled"].shape[0] == 20 and steps["scaled"].shape[1] < 20  # tall, not wide


def test_prepare_drawing_recovers_a_real_mnist_digit():
    # MNIST digits were made by this very recipe, so an enlarged one drawn anywhere on the
    # canvas must come back almost unchanged.
    X, _ = data.offline_subset()
    for i in (0, 1, 2, 3, 4):
        original = X[i] / 255.0
        big = np.kron(original, np.ones((8, 8)))
        canvas = np.zeros((300, 300))
        canvas[40:40 + 224, 70:70 + 224] = big
        digit = drawing.prepare_drawing(canvas)["digit"]
        corr = np.corrcoef(original.ravel(), digit.ravel())[0, 1]
        assert corr > 0.98, (i, corr)


def test_prepare_drawing_accepts_rgba_and_0_255():
    ink = np.zeros((100, 100))
    drawing.draw_stroke(ink, [(50, 20), (50, 80)], width=10)
    rgba = np.zeros((100, 100, 4), dtype=np.uint8)
    rgba[..., 3] = (255 * ink).astype(np.uint8)
    a = drawing.prepare_drawing(ink)["digit"]
    b = drawing.prepare_drawing(rgba)["digit"]
    np.testing.assert_allclose(a, b, atol=0.01)


@pytest.mark.parametrize("bad, match", [(np.zeros((50, 50)), "empty"),
                                        (np.zeros(10), "2-D"),
                                        (np.zeros((0, 5)), "2-D")])
def test_prepare_drawing_rejects_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        drawing.prepare_drawing(bad)
