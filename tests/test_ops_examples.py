"""cnnlib.core.ops against examples worked by hand (the articles, d2l.ai, CS231n)."""

import numpy as np
import pytest

from cnnlib import ops
from tests.worked_examples import IMAGE_5X5, KERNEL_X


@pytest.mark.parametrize("conv", [ops.conv2d, ops.conv2d_loops])
def test_eli5_article_5x5_image_x_kernel(conv):
    # "A Comprehensive Guide to CNNs: the ELI5 way": 5x5x1 image, 3x3x1 kernel -> 3x3x1.
    expected = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    np.testing.assert_array_equal(conv(IMAGE_5X5, KERNEL_X), expected)


@pytest.mark.parametrize("conv", [ops.conv2d, ops.conv2d_loops])
def test_eli5_same_padding_keeps_5x5(conv):
    # Padded to 7x7 with zeros; the centre 3x3 is the valid result, the border worked by hand.
    out = conv(IMAGE_5X5, KERNEL_X, padding="same")
    assert out.shape == (5, 5)
    np.testing.assert_array_equal(out[1:4, 1:4], [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    # Top-left: window rows -1..1, cols -1..1 -> x[0,0]*1 (centre) + x[1,1]*1 (bottom-right) = 2
    assert out[0, 0] == 2
    # Top-right: centre x[0,4]=0, bottom-left corner x[1,3]=1 -> 1
    assert out[0, 4] == 1
    np.testing.assert_array_equal(out, conv(IMAGE_5X5, KERNEL_X, padding=1))


def test_eli5_stride_2():
    # Stride 2 visits rows/cols 0 and 2 of the valid positions: the corners of the 3x3 result.
    np.testing.assert_array_equal(ops.conv2d(IMAGE_5X5, KERNEL_X, stride=2), [[4, 4], [2, 4]])


def test_d2l_2x2_kernel():
    # d2l.ai 7.2: X = 0..8 as 3x3, K = [[0,1],[2,3]] -> [[19,25],[37,43]].
    x = np.arange(9).reshape(3, 3)
    k = np.array([[0, 1], [2, 3]])
    np.testing.assert_array_equal(ops.conv2d(x, k), [[19, 25], [37, 43]])
    np.testing.assert_array_equal(ops.conv2d_loops(x, k), [[19, 25], [37, 43]])


def test_d2l_multi_input_channels():
    # d2l.ai 7.4: two input channels, summed -> [[56,72],[104,120]]. d2l is channels-first.
    x = np.stack([np.arange(9).reshape(3, 3), np.arange(1, 10).reshape(3, 3)], axis=-1)
    k = np.stack([[[0, 1], [2, 3]], [[1, 2], [3, 4]]], axis=-1)
    np.testing.assert_array_equal(ops.conv2d(x, k), [[56, 72], [104, 120]])
    # Three filters K, K+1, K+2 -> three output channels (d2l's multi-output example).
    k3 = np.stack([k, k + 1, k + 2], axis=-1)
    out = ops.conv2d(x, k3)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[..., 0], [[56, 72], [104, 120]])
    np.testing.assert_array_equal(out[..., 1], [[76, 100], [148, 172]])
    np.testing.assert_array_equal(out[..., 2], [[96, 128], [192, 224]])


def test_bias_is_added_per_filter():
    x = np.ones((3, 3, 1))
    k = np.ones((3, 3, 1, 2))
    np.testing.assert_array_equal(ops.conv2d(x, k, bias=[1, -1]).reshape(2), [10, 8])
    np.testing.assert_array_equal(ops.conv2d_loops(x, k, bias=[1, -1]).reshape(2), [10, 8])


def test_cs231n_demo_two_filters_stride_2_pad_1():
    # CS231n conv demo shape arithmetic: 5x5x3 input, two 3x3x3 filters, stride 2, pad 1 -> 3x3x2.
    x = np.ones((5, 5, 3))
    k = np.ones((3, 3, 3, 2))
    out = ops.conv2d(x, k, stride=2, padding=1, bias=[1, 0])
    assert out.shape == (3, 3, 2)
    # Corner windows overlap the image in 2x2 pixels x 3 channels = 12; the centre in 3x3x3 = 27.
    assert out[0, 0, 0] == 13 and out[1, 1, 0] == 28 and out[1, 1, 1] == 27
    assert out[0, 1, 1] == 18  # edge window: 2 rows x 3 cols x 3 channels


def test_cross_correlation_not_convolution():
    # An asymmetric kernel shows there is no flip: a 1 at the kernel's top-left picks the
    # window's top-left pixel.
    x = np.arange(16).reshape(4, 4)
    k = np.zeros((3, 3))
    k[0, 0] = 1
    np.testing.assert_array_equal(ops.conv2d(x, k), x[:2, :2])


def test_dilation_spreads_the_kernel():
    # A 2x2 kernel of ones with dilation 2 sums pixels two apart: x[i,j]+x[i,j+2]+x[i+2,j]+x[i+2,j+2].
    x = np.arange(25).reshape(5, 5)
    out = ops.conv2d(x, np.ones((2, 2)), dilation=2)
    expected = x[:3, :3] + x[:3, 2:] + x[2:, :3] + x[2:, 2:]
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(
    "n, k, s, p, d, expected",
    [
        (5, 3, 1, "valid", 1, 3),      # the articles' 5x5 -> 3x3
        (6, 3, 1, "valid", 1, 4),      # article 003: 6x6 image, 3x3 filter -> 4x4
        (5, 3, 1, "same", 1, 5),
        (8, 3, 1, 1, 1, 8),            # d2l 7.3: padding 1 keeps 8x8
        (8, 3, 2, 1, 1, 4),            # d2l 7.3: stride 2 halves it
        (8, 3, 3, 0, 1, 2),            # d2l 7.3: kernel 3, pad 0, stride 3
        (8, 5, 4, 1, 1, 2),            # d2l 7.3: kernel 5, pad 1, stride 4
        (7, 3, 2, 0, 1, 3),            # CS231n: 7x7, 3x3, stride 2 -> 3x3
        (227, 11, 4, 0, 1, 55),        # AlexNet conv1
        (224, 7, 2, 3, 1, 112),        # ResNet conv1
        (32, 5, 1, 0, 1, 28),          # LeNet-5 C1
        (7, 3, 1, 0, 2, 3),            # dilation 2: a 3x3 kernel spans 5
        (28, 3, 2, "same", 1, 14),
        (5, 2, 2, "same", 1, 3),       # ceil(5/2)
    ],
)
def test_output_size_worked_examples(n, k, s, p, d, expected):
    assert ops.output_size(n, k, stride=s, padding=p, dilation=d) == expected


def test_pooling_worked_examples():
    # d2l.ai 7.5: 3x3 input 0..8, 2x2 window, stride 1.
    x = np.arange(9).reshape(3, 3)
    np.testing.assert_array_equal(ops.pool2d(x, 2, stride=1), [[4, 5], [7, 8]])
    np.testing.assert_array_equal(ops.pool2d(x, 2, stride=1, mode="avg"), [[2, 3], [5, 6]])
    # CS231n: the 4x4 -> 2x2 max pooling example.
    y = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(ops.pool2d(y, 2), [[6, 8], [3, 4]])
    np.testing.assert_array_equal(ops.pool2d(y, 2, mode="avg"), [[3.25, 5.25], [2, 2]])
    # 3x3 pooling with stride 1 over a 5x5 feature map -> 3x3.
    z = np.arange(25).reshape(5, 5)
    np.testing.assert_array_equal(ops.pool2d(z, 3, stride=1), z[2:, 2:])


def test_pooling_keeps_channels_separate():
    x = np.zeros((4, 4, 2))
    x[0, 0, 0] = 5
    x[3, 3, 1] = 7
    out = ops.pool2d(x, 2)
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out[..., 0], [[5, 0], [0, 0]])
    np.testing.assert_array_equal(out[..., 1], [[0, 0], [0, 7]])


def test_avg_pool_same_counts_only_real_cells():
    # 3x3 input, 2x2 window, stride 2, SAME: the right column and bottom row of windows hang
    # over the edge; their averages use only the cells inside.
    x = np.arange(1, 10).reshape(3, 3).astype(float)
    out = ops.pool2d(x, 2, padding="same", mode="avg")
    np.testing.assert_allclose(out, [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2], [(7 + 8) / 2, 9]])


def test_max_pool_padding_never_wins():
    x = -np.ones((3, 3))
    assert ops.pool2d(x, 2, padding="same").max() == -1
    assert ops.pool2d(x, 3, stride=1, padding=1).max() == -1


def test_softmax_and_activations():
    np.testing.assert_allclose(ops.softmax([0.0, 0.0]), [0.5, 0.5])
    np.testing.assert_allclose(ops.softmax([1.0, 2.0, 3.0]),
                               np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    big = ops.softmax([1e4, 0.0, -1e4])
    assert np.all(np.isfinite(big)) and big[0] == pytest.approx(1.0)
    np.testing.assert_allclose(ops.softmax([[1e4, 1e4], [0, np.log(3)]], axis=1),
                               [[0.5, 0.5], [0.25, 0.75]])
    np.testing.assert_array_equal(ops.relu([-2, 0, 3]), [0, 0, 3])
    np.testing.assert_allclose(ops.sigmoid([0.0]), [0.5])
    s = ops.sigmoid([-1000.0, 1000.0])
    np.testing.assert_array_equal(s, [0.0, 1.0])
    assert ops.cross_entropy([0.25, 0.75], 1) == pytest.approx(-np.log(0.75))


def test_parameter_counts_worked_examples():
    # Article 002: a 1000x1000 image, 10^6 hidden units fully connected -> 10^12 weights;
    # local 10x10 fields -> 10^8; shared 10x10 kernel -> 100 (no biases in the article's count).
    assert ops.dense_param_count(1000 * 1000, 1000 * 1000, bias=False) == 10**12
    assert ops.conv_param_count(10, 10, 1, 1, bias=False) == 100
    # Keras' MNIST model from article 003: Conv2D(32, 3x3) on 1 channel -> 320 parameters.
    assert ops.conv_param_count(3, 3, 1, 32) == 320
    assert ops.dense_param_count(5408, 100) == 540900
    # LeNet-5 C1: 6 filters 5x5 -> 156 parameters (LeCun et al. 1998).
    assert ops.conv_param_count(5, 5, 1, 6) == 156


def test_receptive_field():
    assert ops.receptive_field([(3, 1)] * 3) == 7
    assert ops.receptive_field([(3, 1)] * 2) == 5
    assert ops.receptive_field([(2, 2), (2, 2)]) == 4   # two 2x2 pools
    assert ops.receptive_field([(3, 1, 2)]) == 5
