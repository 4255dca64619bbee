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
