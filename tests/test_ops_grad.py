"""The backward passes, ops.conv2d_grad and ops.pool2d_grad (and their loop versions), against
tf.GradientTape in float64, finite differences, and the articles' 5x5 example worked by hand.

TensorFlow's CPU convolution refuses stride > 1 together with dilation > 1, and refuses dilated
backprop; for those the reference is the same convolution with the kernel's taps spread out by
zeros (dilation 1), whose gradient TensorFlow does compute.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlib import ops
from tests.strategies import conv_case, pool_case, slow_settings, tf_padding
from tests.worked_examples import IMAGE_5X5, KERNEL_X

SETTINGS = slow_settings(120)


def spread(k4, dilation):
    """The kernel with dilation-1 zeros between its taps: a dilation-1 kernel doing the same."""
    dh, dw = dilation
    kh, kw = k4.shape[:2]
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1) + k4.shape[2:])
    out[::dh, ::dw] = k4
    return out


def tf_conv_grads(tf, x4, k4, g4, stride, padding, dilation):
    """(out, dx, dk, db) from tf.GradientTape, with the zero-spread kernel when dilated."""
    ks = spread(k4, dilation)
    x_t, k_t = tf.constant(x4), tf.constant(ks)
    with tf.GradientTape() as tape:
        tape.watch([x_t, k_t])
        out = tf.nn.conv2d(x_t, k_t, strides=stride, padding=tf_padding(padding))
    dx, dk = tape.gradient(out, [x_t, k_t], output_gradients=tf.constant(g4))
    return out.numpy(), dx.numpy(), dk.numpy()[::dilation[0], ::dilation[1]], g4.sum(axis=(0, 1, 2))


@SETTINGS
@given(conv_case())
def test_conv2d_grad_matches_gradient_tape(tf, case):
    x, k, stride, padding, dilation, rng = case
    try:
        out = ops.conv2d(x, k, stride, padding, dilation)
    except ValueError:  # the forward pass refuses (kernel larger than the padded input)
        with pytest.raises(ValueError):
            ops.conv2d_grad(x, k, np.zeros((1, 1, 1, 1)), stride, padding, dilation)
        return
    g = rng.normal(size=out.shape)
    ref_out, ref_dx, ref_dk, ref_db = tf_conv_grads(tf, x, k, g, stride, padding, dilation)
    np.testing.assert_allclose(out, ref_out, atol=1e-10)  # the spread kernel is the same conv
    dx, dk, db = ops.conv2d_grad(x, k, g, stride, padding, dilation)
    assert dx.shape == x.shape and dk.shape == k.shape and db.shape == (k.shape[3],)
    np.testing.assert_allclose(dx, ref_dx, atol=1e-9)
    np.testing.assert_allclose(dk, ref_dk, atol=1e-9)
    np.testing.assert_allclose(db, ref_db, atol=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_case())
def test_conv2d_grad_loops_matches_gradient_tape(tf, case):
    x, k, stride, padding, dilation, rng = case
    try:
        out = ops.conv2d(x, k, stride, padding, dilation)
    except ValueError:
        with pytest.raises(ValueError):
            ops.conv2d_grad_loops(x, k, np.zeros((1, 1, 1, 1)), stride, padding, dilation)
        return
    g = rng.normal(size=out.shape)
    _, ref_dx, ref_dk, ref_db = tf_conv_grads(tf, x, k, g, stride, padding, dilation)
    dx, dk, db = ops.conv2d_grad_loops(x, k, g, stride, padding, dilation)
    np.testing.assert_allclose(dx, ref_dx, atol=1e-9)
    np.testing.assert_allclose(dk, ref_dk, atol=1e-9)
    np.testing.assert_allclose(db, ref_db, atol=1e-9)


def test_spread_kernel_reference_agrees_with_tf_where_tf_can_dilate(tf):
    # The zero-spread reference itself, checked once against TensorFlow's own dilated forward.
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=(1, 9, 8, 2)), rng.normal(size=(3, 2, 2, 3))
    ref = tf.nn.conv2d(x, k, 1, "SAME", dilations=(2, 3)).numpy()
    np.testing.assert_allclose(tf.nn.conv2d(x, spread(k, (2, 3)), 1, "SAME").numpy(), ref,
                               atol=1e-12)


@pytest.mark.parametrize("stride, dilation, padding", [((2, 3), (2, 2), "same"),
                                                        ((2, 2), (3, 1), (1, 2)),
                                                        (3, 2, "valid")])
def test_conv2d_grad_finite_differences(stride, dilation, padding):
    # The loss sum(out * g) is linear in x and in k: central differences are exact up to rounding.
    rng = np.random.default_rng(7)
    x, k = rng.normal(size=(2, 9, 10, 2)), rng.normal(size=(3, 2, 2, 2))
    g = rng.normal(size=ops.conv2d(x, k, stride, padding, dilation).shape)

    def loss(xx, kk):
        return float(np.sum(ops.conv2d(xx, kk, stride, padding, dilation) * g))

    dx, dk, db = ops.conv2d_grad(x, k, g, stride, padding, dilation)
    eps = 1e-3
    for arr, grad, other in ((x, dx, "k"), (k, dk, "x")):
        for idx in map(tuple, rng.integers(0, arr.shape, size=(12, arr.ndim))):
            up, down = arr.copy(), arr.copy()
            up[idx] += eps
            down[idx] -= eps
            if other == "k":
                num = (loss(up, k) - loss(down, k)) / (2 * eps)
            else:
                num = (loss(x, up) - loss(x, down)) / (2 * eps)
            assert num == pytest.approx(grad[idx], abs=1e-8)
    b = np.zeros(2)
    bias_num = [(np.sum(ops.conv2d(x, k, stride, padding, dilation, bias=b + eps * e) * g)
                 - np.sum(ops.conv2d(x, k, stride, padding, dilation, bias=b - eps * e) * g))
                / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(db, bias_num, atol=1e-8)


def test_conv2d_grad_layouts(tf):
    rng = np.random.default_rng(1)
    x3 = rng.normal(size=(6, 5, 3))
    k3 = rng.normal(size=(3, 3, 3))
    g = rng.normal(size=(6, 5))
    dx, dk, db = ops.conv2d_grad(x3, k3, g, padding="same")   # one filter: no channel axis
    assert dx.shape == (6, 5, 3) and dk.shape == (3, 3, 3) and isinstance(db, float)
    _, ref_dx, ref_dk, ref_db = tf_conv_grads(tf, x3[None], k3[..., None], g[None, :, :, None],
                                              (1, 1), "same", (1, 1))
    np.testing.assert_allclose(dx, ref_dx[0], atol=1e-12)
    np.testing.assert_allclose(dk, ref_dk[..., 0], atol=1e-12)
    assert db == pytest.approx(ref_db[0])
    gray, k2 = x3[..., 0], k3[..., 0]
    g2 = rng.normal(size=(4, 3))
    dx2, dk2, db2 = ops.conv2d_grad(gray, k2, g2)
    assert dx2.shape == (6, 5) and dk2.shape == (3, 3) and isinstance(db2, float)
    _, ref_dx, ref_dk, _ = tf_conv_grads(tf, gray[None, :, :, None], k2[:, :, None, None],
                                         g2[None, :, :, None], (1, 1), "valid", (1, 1))
    np.testing.assert_allclose(dx2, ref_dx[0, :, :, 0], atol=1e-12)
    np.testing.assert_allclose(dk2, ref_dk[:, :, 0, 0], atol=1e-12)
    assert db2 == pytest.approx(g2.sum())
    for fn in (ops.conv2d_grad, ops.conv2d_grad_loops):
        dxl, dkl, dbl = fn(gray, k2, g2)
        np.testing.assert_allclose(dxl, dx2, atol=1e-12)
        np.testing.assert_allclose(dkl, dk2, atol=1e-12)
        assert isinstance(dbl, float)


# --------------------------------------------------------------------------------------------
# The articles' 5x5 example, worked by hand
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("grad", [ops.conv2d_grad, ops.conv2d_grad_loops])
def test_5x5_example_by_hand(grad):
    # Loss = sum of the 9 outputs, so grad_out is all ones.
    # dk[i, j] = sum of the 3x3 input window that tap (i, j) sweeps: e.g. dk[0, 0] is the sum of
    # rows 0-2, cols 0-2 = 1+1+1 + 0+1+1 + 0+0+1 = 6.
    dx, dk, db = grad(IMAGE_5X5, KERNEL_X, np.ones((3, 3)))
    np.testing.assert_array_equal(dk, [[6, 7, 6], [4, 7, 7], [4, 6, 6]])
    # dx[r, c] = sum of the kernel taps that land on (r, c) over all 9 windows: the corner is hit
    # once by tap (0, 0) = 1; the centre by all 9 taps = 5 (the X has five 1s).
    np.testing.assert_array_equal(dx, [[1, 1, 2, 1, 1],
                                       [1, 2, 3, 2, 1],
                                       [2, 3, 5, 3, 2],
                                       [1, 2, 3, 2, 1],
                                       [1, 1, 2, 1, 1]])
    assert db == 9
    # Only the top-right output counts (grad_out one-hot at (0, 2)): dk is that output's window,
    # x[0:3, 2:5], and dx is the kernel placed over that window.
    one = np.zeros((3, 3))
    one[0, 2] = 1
    dx, dk, db = grad(IMAGE_5X5, KERNEL_X, one)
    np.testing.assert_array_equal(dk, [[1, 0, 0], [1, 1, 0], [1, 1, 1]])
    expected_dx = np.zeros((5, 5))
    expected_dx[0:3, 2:5] = KERNEL_X
    np.testing.assert_array_equal(dx, expected_dx)
    # Stride 2 keeps the four corner windows only: dk sums the four corner windows' pixels.
    dx, dk, db = grad(IMAGE_5X5, KERNEL_X, np.ones((2, 2)), stride=2)
    # per tap, the pixels it meets in the windows at (0,0), (0,2), (2,0), (2,2): e.g. tap (0,0)
    # meets x00 + x02 + x20 + x22 = 1 + 1 + 0 + 1 = 3
    np.testing.assert_array_equal(dk, [[3, 2, 3], [2, 3, 2], [2, 2, 3]])
    assert db == 4


# --------------------------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------------------------
def tf_pool_grad(tf, x, g, size, stride, padding, mode):
    """dx from tf.GradientTape. Explicit padding: pad by hand (-inf for max), pool VALID; for avg
    divide the zero-padded sum by the count of real cells."""
    s = size if stride is None else stride
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        if isinstance(padding, str):
            pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
            out = pool(x_t, size, s, padding.upper())
        else:
            pads = [[0, 0], [padding[0]] * 2, [padding[1]] * 2, [0, 0]]
            if mode == "max":
                out = tf.nn.max_pool2d(tf.pad(x_t, pads, constant_values=-np.inf), size, s, "VALID")
            else:
                total = tf.nn.avg_pool2d(tf.pad(x_t, pads), size, s, "VALID")
                count = tf.nn.avg_pool2d(tf.pad(tf.ones_like(x_t), pads), size, s, "VALID")
                out = total / count
    return out.numpy(), tape.gradient(out, x_t, output_gradients=tf.constant(g)).numpy()


@SETTINGS
@given(pool_case(), st.sampled_from(["max", "avg"]))
def test_pool2d_grad_matches_gradient_tape(tf, case, mode):
    x, size, stride, padding, rng = case
    try:
        out = ops.pool2d(x, size, stride, padding, mode)
    except ValueError:
        with pytest.raises(ValueError):
            ops.pool2d_grad(x, np.zeros((1, 1, 1, 1)), size, stride, padding, mode)
        return
    g = rng.normal(size=out.shape)
    ref_out, ref_dx = tf_pool_grad(tf, x, g, size, stride, padding, mode)
    np.testing.assert_allclose(out, ref_out, atol=1e-12)
    for grad in (ops.pool2d_grad, ops.pool2d_grad_loops):
        dx = grad(x, g, size, stride, padding, mode)
        assert dx.shape == x.shape
        np.testing.assert_allclose(dx, ref_dx, atol=1e-12)


def test_max_pool_grad_ties_and_overlaps_by_hand():
    x = np.array([[1, 3, 3, 0],
                  [3, 2, 1, 3],
                  [0, 1, 1, 1],
                  [2, 0, 1, 1]], dtype=float)
    g = np.array([[10, 20], [30, 40]], dtype=float)
    # Window (0,0) holds 3 at (0,1) and (1,0): the first in row-major order, (0,1), takes it.
    # Window (0,1) holds 3 at (0,2) and (1,3): (0,2). Window (1,1) is all 1s: (2,2).
    expected = np.zeros((4, 4))
    expected[0, 1], expected[0, 2], expected[3, 0], expected[2, 2] = 10, 20, 30, 40
    for grad in (ops.pool2d_grad, ops.pool2d_grad_loops):
        np.testing.assert_array_equal(grad(x, g), expected)
    # Overlapping 3x3 windows, stride 1: the 3 at (0,1) wins windows (0,0) and (0,1) -> 1 + 1;
    # window (1,0) goes to the 3 at (1,0), window (1,1) to the 3 at (1,3).
    dx = ops.pool2d_grad(x, np.ones((2, 2)), size=3, stride=1)
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 0], expected[1, 3] = 2, 1, 1
    np.testing.assert_array_equal(dx, expected)
    # avg with "same" on 3x3, size 2 (one padded row and column, bottom and right): the top-left
    # window shares 10 among 4 real cells, the right one 20 among 2, the bottom one 30 among 2,
    # and the corner window's one real cell gets all of its 40.
    dx = ops.pool2d_grad(np.zeros((3, 3)), g, size=2, padding="same", mode="avg")
    np.testing.assert_array_equal(dx, [[2.5, 2.5, 10], [2.5, 2.5, 10], [15, 15, 40]])


def test_bad_grad_out_is_a_value_error_naming_it():
    x = np.zeros((5, 5))
    with pytest.raises(ValueError, match=r"grad_out.*\(3, 3\).*\(2, 2\)"):
        ops.conv2d_grad(x, KERNEL_X, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="grad_out"):
        ops.conv2d_grad_loops(x, KERNEL_X, np.zeros((3, 3, 1)))
    with pytest.raises(ValueError, match="grad_out"):
        ops.conv2d_grad(x, KERNEL_X, np.array([["a"] * 3] * 3))
    with pytest.raises(ValueError, match=r"grad_out.*\(2, 2\)"):
        ops.pool2d_grad(x, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="grad_out"):
        ops.pool2d_grad_loops(x, np.zeros((2, 2, 1)), mode="avg")
    # Every other parameter follows the forward rules, with the same messages.
    with pytest.raises(ValueError, match="stride"):
        ops.conv2d_grad(x, KERNEL_X, np.zeros((3, 3)), stride=0)
    with pytest.raises(ValueError, match="padding"):
        ops.conv2d_grad(x, KERNEL_X, np.zeros((3, 3)), padding="full")
    with pytest.raises(ValueError, match="kernel 7"):
        ops.conv2d_grad(x, np.ones((7, 7)), np.zeros((1, 1)))
    with pytest.raises(ValueError, match="mode"):
        ops.pool2d_grad(x, np.zeros((2, 2)), mode="median")
    with pytest.raises(ValueError, match="size"):
        ops.pool2d_grad(x, np.zeros((2, 2)), size=0)
