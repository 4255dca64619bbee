"""What the randomized tests against TensorFlow share: hypothesis strategies for the settings
and the convolution cases, their settings, and our padding written the way TensorFlow takes it."""

import numpy as np
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

#: An (h, w) pair of small sizes: strides and dilations.
pair = st.tuples(st.integers(1, 3), st.integers(1, 3))
#: "valid", "same", or explicit (h, w) padding.
paddings = st.one_of(st.sampled_from(["valid", "same"]),
                     st.tuples(st.integers(0, 2), st.integers(0, 2)))


@st.composite
def conv_case(draw, *, size: int = 10, filters: int = 3, kernel: int = 4, integers: bool = True,
              dtype=np.float64, tf_cpu: bool = False):
    """(x (N, H, W, C), kernel (kh, kw, C, F), stride, padding, dilation, rng): sides up to
    ``size``, kernels up to ``kernel``, 1 to ``filters`` filters. integers: half the cases are
    small integers (exact sums, many equal values). tf_cpu: only what TensorFlow's CPU kernel
    does (strides and dilations > 1 not at once)."""
    n = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, size)), draw(st.integers(1, size))
    c, f = draw(st.integers(1, 3)), draw(st.integers(1, filters))
    kh, kw = draw(st.integers(1, kernel)), draw(st.integers(1, kernel))
    stride, dilation, padding = draw(pair), draw(pair), draw(paddings)
    if tf_cpu:
        assume(stride == (1, 1) or dilation == (1, 1))
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    if integers and draw(st.booleans()):
        x = rng.integers(-3, 4, size=(n, h, w, c)).astype(dtype)
        k = rng.integers(-2, 3, size=(kh, kw, c, f)).astype(dtype)
    else:
        x = rng.normal(size=(n, h, w, c)).astype(dtype)
        k = rng.normal(size=(kh, kw, c, f)).astype(dtype)
    return x, k, stride, padding, dilation, rng


@st.composite
def pool_case(draw, *, size: int = 9, explicit_padding: bool = True, integers: bool = True,
              dtype=np.float64):
    """(x (N, H, W, C), size, stride (None: the size), padding, rng) for pooling: sides up to
    ``size``; padding "valid", "same" or, with ``explicit_padding``, 0-1 pixels. integers: half
    the cases hold 0..2 (ties in almost every window)."""
    n = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, size)), draw(st.integers(1, size))
    c = draw(st.integers(1, 3))
    window, stride = draw(pair), draw(st.one_of(st.none(), pair))
    names = st.sampled_from(["valid", "same"])
    padding = draw(st.one_of(names, st.tuples(st.integers(0, 1), st.integers(0, 1)))
                   if explicit_padding else names)
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    if integers and draw(st.booleans()):
        x = rng.integers(0, 3, size=(n, h, w, c)).astype(dtype)
    else:
        x = rng.normal(size=(n, h, w, c)).astype(dtype)
    return x, window, stride, padding, rng


def slow_settings(max_examples: int):
    """Many examples, no deadline: a TensorFlow call can take a while on a busy machine."""
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def tf_padding(padding):
    """Our padding as tf.nn.conv2d takes it: "VALID"/"SAME", or explicit pixels per side."""
    if isinstance(padding, str):
        return padding.upper()
    ph, pw = padding
    return [[0, 0], [ph, ph], [pw, pw], [0, 0]]


@st.composite
def single_channel_conv(draw, max_side: int = 9):
    """A 2-D image, a 2-D kernel, a stride pair and a padding, for the matrix view of a
    convolution (``ops.conv_matrix``, ``ops.im2col``); the kernel may be larger than the
    padded image (then both ops, and TensorFlow, refuse)."""
    import numpy as np

    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride, padding = draw(pair), draw(paddings)
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    x = rng.normal(size=(h, w)).astype(np.float32)
    k = rng.normal(size=(kh, kw)).astype(np.float32)
    return x, k, stride, padding
