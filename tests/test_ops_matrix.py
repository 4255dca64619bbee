"""The matrix view of a convolution: ops.conv_matrix (C) and ops.im2col, against the article's
worked example, TensorFlow's convolution and its gradients, and ops.conv2d / ops.conv2d_grad."""

import numpy as np
import pytest
from hypothesis import given

from cnnlib import ops
from tests.strategies import single_channel_conv, slow_settings, tf_padding
from tests.worked_examples import IMAGE_5X5, KERNEL_X, RESULT_5X5

SETTINGS = slow_settings(80)


def test_article_5x5_x_kernel_by_hand():
    # Article 000's 5x5 image and X kernel: C is 9x25. Row i*3 + j is the kernel laid over
    # window (i, j) of the 5x5 grid, zeros elsewhere; written out here for rows 0, 1 and 8.
    c = ops.conv_matrix((5, 5), KERNEL_X)
    assert c.shape == (9, 25)
    row0 = np.zeros((5, 5))
    row0[0, [0, 2]] = row0[1, 1] = row0[2, [0, 2]] = 1      # the X over rows 0-2, columns 0-2
    assert np.array_equal(c[0], row0.ravel())
    assert np.array_equal(c[1], np.roll(row0, 1, axis=1).ravel())   # one column right
    assert np.array_equal(c[8], np.roll(row0, (2, 2), axis=(0, 1)).ravel())
    assert np.array_equal(c @ IMAGE_5X5.ravel(), RESULT_5X5.ravel())
    # Every row holds the same nine numbers (five ones, four zeros) over a window of nine
    # pixels; the other 16 entries of a row are zeros outside the window.
    window = ops.conv_matrix((5, 5), np.ones((3, 3))) != 0
    assert window.sum(axis=1).tolist() == [9] * 9 and c.sum(axis=1).tolist() == [5] * 9
    assert all(sorted(row[w]) == sorted(KERNEL_X.ravel()) for row, w in zip(c, window))


def test_im2col_article_rows_are_the_windows():
    cols = ops.im2col(IMAGE_5X5, (3, 3))
    assert cols.shape == (9, 9)
    assert cols[0].tolist() == [1, 1, 1, 0, 1, 1, 0, 0, 1]          # x[0:3, 0:3], row by row
    assert cols[5].tolist() == IMAGE_5X5[1:4, 2:5].ravel().tolist()  # window (1, 2)
    assert np.array_equal(cols @ KERNEL_X.ravel(), RESULT_5X5.ravel())


def test_transpose_of_c_is_the_gradient_by_hand():
    # A gradient of 1 at output (0, 0) only: dLoss/dx is the kernel over window (0, 0).
    g = np.zeros(9)
    g[0] = 1
    k = np.arange(1.0, 10.0).reshape(3, 3)
    dx = (ops.conv_matrix((5, 5), k).T @ g).reshape(5, 5)
    want = np.zeros((5, 5))
    want[:3, :3] = k
    assert np.array_equal(dx, want)


def test_padding_taps_have_no_column():
    # Same padding on a 3x3 image: output (0, 0)'s window hangs over the top-left corner, so its
    # row keeps only the kernel's bottom-right 2x2 block.
    k = np.arange(1.0, 10.0).reshape(3, 3)
    c = ops.conv_matrix((3, 3), k, padding="same")
    assert c.shape == (9, 9)
    assert c[0].reshape(3, 3).tolist() == [[5, 6, 0], [8, 9, 0], [0, 0, 0]]


@SETTINGS
@given(single_channel_conv())
def test_conv_matrix_and_im2col_match_tf(tf, case):
    x, k, stride, padding = case
    try:
        expected = tf.nn.conv2d(x[None, :, :, None], k[:, :, None, None], strides=stride,
                                padding=tf_padding(padding)).numpy()[0, :, :, 0]
    except Exception:  # TensorFlow refuses (kernel larger than the padded input)
        expected = np.zeros((0, 0))
    if expected.size == 0:  # refused, or an empty output: we refuse with a ValueError
        with pytest.raises(ValueError):
            ops.conv_matrix(x.shape, k, stride, padding)
        with pytest.raises(ValueError):
            ops.im2col(x, k.shape, stride, padding)
        return
    c = ops.conv_matrix(x.shape, k, stride, padding)
    cols = ops.im2col(x, k.shape, stride, padding)
    assert c.shape == (expected.size, x.size) and cols.shape == (expected.size, k.size)
    np.testing.assert_allclose(c @ x.ravel(), expected.ravel(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(cols @ k.ravel(), expected.ravel(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(c @ x.ravel(), ops.conv2d(x, k, stride, padding).ravel(),
                               rtol=1e-5, atol=1e-5)


@SETTINGS
@given(single_channel_conv())
def test_transposes_are_tf_gradients(tf, case):
    # dLoss/dx = Cᵀ·G (a transposed convolution), dLoss/dk = im2colᵀ·G.
    x, k, stride, padding = case
    try:
        ops.conv_matrix(x.shape, k, stride, padding)
    except ValueError:
        return
    x_t, k_t = tf.Variable(x[None, :, :, None]), tf.Variable(k[:, :, None, None])
    with tf.GradientTape() as tape:
        out = tf.nn.conv2d(x_t, k_t, strides=stride, padding=tf_padding(padding))
    g = np.random.default_rng(1).normal(size=out.shape).astype(np.float32)
    dx_tf, dk_tf = (v.numpy() for v in tape.gradient(out, [x_t, k_t], output_gradients=g))
    c = ops.conv_matrix(x.shape, k, stride, padding)
    cols = ops.im2col(x, k.shape, stride, padding)
    np.testing.assert_allclose((c.T @ g.ravel()).reshape(x.shape), dx_tf[0, :, :, 0],
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose((cols.T @ g.ravel()).reshape(k.shape), dk_tf[:, :, 0, 0],
                               rtol=1e-4, atol=1e-4)
    dx, dk, _ = ops.conv2d_grad(x, k, g[0, :, :, 0], stride, padding)
    np.testing.assert_allclose((c.T @ g.ravel()).reshape(x.shape), dx, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose((cols.T @ g.ravel()).reshape(k.shape), dk, rtol=1e-4, atol=1e-4)


def test_transposed_conv_matches_tf_conv2d_transpose(tf):
    # Stride 2: Cᵀ·G is TensorFlow's conv2d_transpose, the "fractionally strided" convolution.
    rng = np.random.default_rng(0)
    k = rng.normal(size=(3, 3)).astype(np.float32)
    g = rng.normal(size=(1, 3, 3, 1)).astype(np.float32)
    want = tf.nn.conv2d_transpose(g, k[:, :, None, None], output_shape=(1, 7, 7, 1),
                                  strides=2, padding="VALID").numpy()[0, :, :, 0]
    got = (ops.conv_matrix((7, 7), k, stride=2).T @ g.ravel()).reshape(7, 7)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_im2col_channels_match_tf(tf):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 5, 3)).astype(np.float32)
    k = rng.normal(size=(3, 2, 3, 4)).astype(np.float32)
    want = tf.nn.conv2d(x[None], k, strides=(2, 1), padding="SAME").numpy()[0]
    cols = ops.im2col(x, (3, 2), stride=(2, 1), padding="same")
    got = (cols @ k.reshape(-1, 4)).reshape(want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("call, words", [
    (lambda: ops.conv_matrix(5, np.ones((3, 3))), ["input_shape", "(H, W)"]),
    (lambda: ops.conv_matrix((5, 5, 1), np.ones((3, 3))), ["input_shape", "(H, W)"]),
    (lambda: ops.conv_matrix((5, 0), np.ones((3, 3))), ["input_shape[1]", ">= 1"]),
    (lambda: ops.conv_matrix((5, 5), np.ones(3)), ["kernel", "2-D"]),
    (lambda: ops.conv_matrix((5, 5), [["a"]]), ["kernel", "numeric"]),
    (lambda: ops.conv_matrix((5, 5), np.ones((3, 3)), stride=0), ["stride", ">= 1"]),
    (lambda: ops.conv_matrix((5, 5), np.ones((3, 3)), padding="full"), ["padding", '"same"']),
    (lambda: ops.conv_matrix((2, 2), np.ones((3, 3))), ["kernel", "padded input 2"]),
    (lambda: ops.im2col(np.ones(5), (3, 3)), ["x", "(H, W)"]),
    (lambda: ops.im2col(np.ones((5, 5)), 3), ["kernel_shape", "(kh, kw)"]),
    (lambda: ops.im2col(np.ones((5, 5)), (3, 0)), ["kernel_shape[1]", ">= 1"]),
    (lambda: ops.im2col(np.ones((5, 5)), (3, 3), stride=(1, 2, 3)), ["stride", "pair"]),
    (lambda: ops.im2col(np.array([["a"]]), (1, 1)), ["x", "numeric"]),
])
def test_bad_input_names_the_parameter(call, words):
    with pytest.raises(ValueError) as err:
        call()
    assert all(w in str(err.value) for w in words), str(err.value)
