"""cnnlib.core.ops against TensorFlow's own ops, over randomized shapes and settings (hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cnnlib import ops
from tests.strategies import conv_case, pool_case, slow_settings, tf_padding

SETTINGS = slow_settings(150)
#: float32 normals, what TensorFlow's CPU kernels take
TF_CONV_CASES = conv_case(size=11, filters=4, kernel=5, integers=False, dtype=np.float32,
                          tf_cpu=True)
TF_POOL_CASES = pool_case(size=10, explicit_padding=False, integers=False, dtype=np.float32)


@SETTINGS
@given(TF_CONV_CASES)
def test_conv2d_matches_tf(tf, case):
    x, k, stride, padding, dilation, _ = case
    try:
        expected = tf.nn.conv2d(x, k, strides=stride, padding=tf_padding(padding),
                                dilations=dilation).numpy()
    except Exception:  # TensorFlow refuses (kernel larger than the padded input): so must we
        with pytest.raises(ValueError):
            ops.conv2d(x, k, stride, padding, dilation)
        return
    assume(expected.size > 0)
    got = ops.conv2d(x, k, stride, padding, dilation)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # Each axis obeys the output-size formula.
    for axis in (0, 1):
        p = padding if isinstance(padding, str) else padding[axis]
        assert got.shape[1 + axis] == ops.output_size(x.shape[1 + axis], k.shape[axis],
                                                      stride[axis], p, dilation[axis])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TF_CONV_CASES)
def test_conv2d_loops_matches_conv2d(case):
    x, k, stride, padding, dilation, _ = case
    try:
        fast = ops.conv2d(x, k, stride, padding, dilation, bias=np.arange(k.shape[3]))
    except ValueError:
        with pytest.raises(ValueError):
            ops.conv2d_loops(x, k, stride, padding, dilation)
        return
    slow = ops.conv2d_loops(x, k, stride, padding, dilation, bias=np.arange(k.shape[3]))
    np.testing.assert_allclose(slow, fast, rtol=1e-4, atol=1e-4)


@SETTINGS
@given(TF_POOL_CASES, st.sampled_from(["max", "avg"]))
def test_pool2d_matches_tf(tf, case, mode):
    x, size, stride, padding, _ = case
    tf_pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    tf_stride = size if stride is None else stride
    try:
        expected = tf_pool(x, ksize=size, strides=tf_stride, padding=padding.upper()).numpy()
    except Exception:
        with pytest.raises(ValueError):
            ops.pool2d(x, size, stride, padding, mode)
        return
    assume(expected.size > 0)
    got = ops.pool2d(x, size, stride, padding, mode)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(TF_POOL_CASES, st.integers(0, 1))
def test_pool2d_explicit_padding_matches_tf_on_padded_input(tf, case, pad):
    # Reference: pad by hand (-inf for max), pool VALID in TF; for avg divide the sum of
    # zero-padded values by the count of real cells, both pooled by TF.
    x, size, stride, _, _ = case
    assume(pad <= min(size) // 2)
    s = size if stride is None else stride
    paddings = [[0, 0], [pad, pad], [pad, pad], [0, 0]]
    try:
        mx = tf.nn.max_pool2d(np.pad(x, paddings, constant_values=-np.inf), size, s, "VALID")
    except Exception:
        with pytest.raises(ValueError):
            ops.pool2d(x, size, stride, pad, "max")
        return
    assume(mx.shape[1] * mx.shape[2] > 0)
    np.testing.assert_allclose(ops.pool2d(x, size, stride, pad, "max"), mx.numpy(), rtol=1e-6)
    total = tf.nn.avg_pool2d(np.pad(x, paddings), size, s, "VALID").numpy()
    count = tf.nn.avg_pool2d(np.pad(np.ones_like(x), paddings), size, s, "VALID").numpy()
    np.testing.assert_allclose(ops.pool2d(x, size, stride, pad, "avg"), total / count,
                               rtol=1e-5, atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=12), st.integers(1, 3))
def test_softmax_and_activations_match_tf(tf, values, rows):
    z = np.tile(np.array(values, dtype=np.float32), (rows, 1))
    for axis in (-1, 0):
        np.testing.assert_allclose(ops.softmax(z, axis=axis), tf.nn.softmax(z, axis=axis).numpy(),
                                   rtol=1e-5, atol=1e-6)
    # TensorFlow flushes subnormal floats to zero; numpy keeps them.
    np.testing.assert_allclose(ops.relu(z), tf.nn.relu(z).numpy(), atol=1e-37)
    np.testing.assert_allclose(ops.sigmoid(z), tf.math.sigmoid(z).numpy(), rtol=1e-5, atol=1e-7)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 4), st.integers(1, 8), st.booleans(),
       st.integers(1, 50))
def test_param_counts_match_keras(tf, kh, kw, c_in, c_out, bias, n_in):
    import keras

    conv = keras.layers.Conv2D(c_out, (kh, kw), use_bias=bias)
    conv.build((None, 8, 8, c_in))
    assert ops.conv_param_count(kh, kw, c_in, c_out, bias=bias) == conv.count_params()
    dense = keras.layers.Dense(c_out, use_bias=bias)
    dense.build((None, n_in))
    assert ops.dense_param_count(n_in, c_out, bias=bias) == dense.count_params()


def test_layouts_2d_3d_and_batch_agree(tf):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 7, 3)).astype(np.float32)
    k = rng.normal(size=(3, 3, 3)).astype(np.float32)
    one = ops.conv2d(x, k, padding="same")                # one filter -> no channel axis
    assert one.shape == (6, 7)
    many = ops.conv2d(x[None], k[..., None], padding="same")
    assert many.shape == (1, 6, 7, 1)
    np.testing.assert_allclose(one, many[0, :, :, 0], rtol=1e-6)
    ref = tf.nn.conv2d(x[None], k[..., None], 1, "SAME").numpy()
    np.testing.assert_allclose(many, ref, rtol=1e-4, atol=1e-5)
    gray = x[..., 0]
    np.testing.assert_allclose(ops.conv2d(gray, k[..., 0]),
                               ops.conv2d(gray[..., None], k[..., :1]), rtol=1e-6)
    assert ops.pool2d(gray, 2).shape == (3, 3)
    assert ops.pool2d(x, 2).shape == (3, 3, 3)
