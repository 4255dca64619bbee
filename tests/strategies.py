"""What the randomized tests against TensorFlow share: hypothesis strategies for the settings,
their settings, and our padding written the way TensorFlow takes it."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: An (h, w) pair of small sizes: strides and dilations.
pair = st.tuples(st.integers(1, 3), st.integers(1, 3))
#: "valid", "same", or explicit (h, w) padding.
paddings = st.one_of(st.sampled_from(["valid", "same"]),
                     st.tuples(st.integers(0, 2), st.integers(0, 2)))


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
