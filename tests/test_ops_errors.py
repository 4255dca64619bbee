"""Bad input: a ValueError that names the parameter and what is allowed, never a numpy error."""

import numpy as np
import pytest

from cnnlib import ops

X = np.ones((5, 5))
K = np.ones((3, 3))


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: ops.conv2d(X, K, stride=0), ["stride", ">= 1"]),
        (lambda: ops.conv2d(X, K, stride=-2), ["stride", ">= 1"]),
        (lambda: ops.conv2d(X, K, stride=1.5), ["stride", "integer"]),
        (lambda: ops.conv2d(X, K, stride=(1, 0)), ["stride", ">= 1"]),
        (lambda: ops.conv2d(X, K, stride=(1, 2, 3)), ["stride", "pair"]),
        (lambda: ops.conv2d(X, K, stride=True), ["stride", "integer"]),
        (lambda: ops.conv2d(X, K, stride="2"), ["stride", "integer"]),
        (lambda: ops.conv2d(X, K, dilation=0), ["dilation", ">= 1"]),
        (lambda: ops.conv2d(X, K, padding=-1), ["padding", '"valid"', '"same"']),
        (lambda: ops.conv2d(X, K, padding=(1, -1)), ["padding", ">= 0"]),
        (lambda: ops.conv2d(X, K, padding="full"), ["padding", '"valid"', '"same"']),
        (lambda: ops.conv2d(X, np.ones((7, 7))), ["kernel", "7", "padded input 5"]),
        (lambda: ops.conv2d(X, np.ones((8, 8)), padding=1), ["kernel", "8", "padded input 7"]),
        (lambda: ops.conv2d(X, K, dilation=3), ["dilated kernel", "7", "5"]),
        (lambda: ops.conv2d(np.ones((5, 5, 3)), np.ones((3, 3, 2))), ["channel", "3", "2"]),
        (lambda: ops.conv2d(np.ones((5, 5, 3)), K), ["kernel", "channel", "3"]),
        (lambda: ops.conv2d(np.ones(5), K), ["x", "(H, W)"]),
        (lambda: ops.conv2d(np.ones((1, 1, 5, 5, 1)), K), ["x", "(N, H, W, C)"]),
        (lambda: ops.conv2d(X, np.ones(3)), ["kernel", "(kh, kw)"]),
        (lambda: ops.conv2d(X, np.ones((3, 3, 1, 1, 1))), ["kernel", "(kh, kw, C, F)"]),
        (lambda: ops.conv2d(X, np.ones((3, 3, 1, 2)), bias=[1, 2, 3]), ["bias", "2"]),
        (lambda: ops.conv2d_loops(X, K, stride=0), ["stride", ">= 1"]),
        (lambda: ops.conv2d_loops(X, np.ones((6, 6))), ["kernel", "6", "5"]),
        (lambda: ops.pool2d(X, size=0), ["size", ">= 1"]),
        (lambda: ops.pool2d(X, size=2, stride=0), ["stride", ">= 1"]),
        (lambda: ops.pool2d(X, size=6), ["pool size", "6", "5"]),
        (lambda: ops.pool2d(X, mode="median"), ["mode", '"max"', '"avg"']),
        (lambda: ops.pool2d(X, padding="full"), ["padding"]),
        (lambda: ops.pool2d(X, size=2, padding=2), ["padding", "half"]),
        (lambda: ops.pool2d(np.ones(4)), ["x", "(H, W)"]),
        (lambda: ops.output_size(5, 7), ["kernel", "7", "5"]),
        (lambda: ops.output_size(5, 3, stride=0), ["stride", ">= 1"]),
        (lambda: ops.output_size(5, 3, padding=-1), ["padding"]),
        (lambda: ops.output_size(5, 3, padding="full"), ["padding"]),
        (lambda: ops.output_size(0, 3), ["n", ">= 1"]),
        (lambda: ops.output_size(5, 0), ["kernel", ">= 1"]),
        (lambda: ops.output_size(5, 3, dilation=0), ["dilation", ">= 1"]),
        (lambda: ops.output_size(5, 3, dilation=3), ["dilated kernel", "7"]),
        (lambda: ops.conv_param_count(0, 3, 1, 1), ["kh", ">= 1"]),
        (lambda: ops.dense_param_count(10, -1), ["n_out", ">= 1"]),
        (lambda: ops.softmax(np.ones(3), axis=2), ["axis"]),
        (lambda: ops.cross_entropy([0.5, 0.5], 2), ["label", "[0, 1]"]),
    ],
)
def test_bad_input_names_the_parameter(call, words):
    with pytest.raises(ValueError) as err:
        call()
    message = str(err.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_kernel_larger_than_input_is_fine_with_same_padding():
    # TensorFlow pads enough for SAME, so this is not an error.
    assert ops.conv2d(np.ones((2, 2)), np.ones((5, 5)), padding="same").shape == (2, 2)


def test_float_integers_accepted_from_sliders():
    assert ops.output_size(5.0, 3.0, stride=2.0) == 2
