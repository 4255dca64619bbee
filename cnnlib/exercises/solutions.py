"""The answer key: every exercise of the series, solved in code, for teachers.

Each notebook's exercises come in order under the notebook's topic. Numbers are worked the way a
learner would work them (the arithmetic written out, not a call to ``cnnlib.core.ops``), so the
checkers, which compute their answers with ``cnnlib.core.ops``, are held to an independent key:
``tests/test_checks.py`` runs every checker against its solution here.

``exercises()`` lists every exercise: the notebook (by topic), its number there, the checker and
the settings the notebook passes, and the answer. A checker shows these solutions too: the code
of a write-a-function exercise after the second miss, or at once with ``show_answer=True``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Exercise", "exercises", "my_conv2d", "my_output_size", "my_max_pool", "my_avg_pool",
           "my_softmax", "most_confused"]

# ---------------------------------------------------------------------------------------------
# Pixels and channels
# ---------------------------------------------------------------------------------------------
PIXEL_COUNT_FULL_HD = 1920 * 1080 * 3  # 1. one number per channel per pixel: 6,220,800
GRAY_200_100_50 = 0.299 * 200 + 0.587 * 100 + 0.114 * 50  # 2. 59.8 + 58.7 + 5.7 = 124.2


def normalized(toy):
    """3. Divide by the largest value, 255, as floats (not with //, which gives 0 or 1)."""
    return toy / 255


MLP_WEIGHTS_MNIST = 28 * 28 * 1  # 4. one weight per input number: 784
FLAT_INDEX_CAT = 2 * 451 + 5  # 5. two full rows of 451 come first: 907 (the pixel below: 1358)

# ---------------------------------------------------------------------------------------------
# Kernels and stride
# ---------------------------------------------------------------------------------------------
OUTPUT_SIZE_7_3_2 = (7 - 3) // 2 + 1  # 1. floor((n - k)/s) + 1 = 3

# 2. output[1, 2] of the article's 5x5 image and X kernel: the window x[1:4, 2:5] is
#    [[1, 1, 0], [1, 1, 1], [1, 1, 0]]; times the kernel [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
#    number by number: 1 + 0 + 0 + 0 + 1 + 0 + 1 + 0 + 0 = 3.
CONV_VALUE_1_2 = 3
ARTICLE_5X5 = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0],
               [0, 1, 1, 0, 0]]
X_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]


def my_conv2d(x, kernel, stride=1):
    """3. A valid convolution as CNN layers do it: the kernel slides as it is (not flipped)."""
    kh, kw = kernel.shape
    out_h = (x.shape[0] - kh) // stride + 1
    out_w = (x.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = np.sum(window * kernel)
    return out


CONV_PARAMS_64_5X5_RGB = 5 * 5 * 3 * 64 + 64  # 4. a 5x5x3 kernel per filter, plus a bias: 4,864

# 5. A quarter on each of the four neighbours, nothing on the corners or the centre.
NEIGHBOUR_KERNEL = np.array([[0, 0.25, 0],
                             [0.25, 0, 0.25],
                             [0, 0.25, 0]])

# 6. C @ x.ravel() is the flattened output: one row per output cell, one column per input pixel.
#    7x7 input, 3x3 kernel, stride 2: (7 - 3) // 2 + 1 = 3 outputs a side, so 3·3 = 9 rows;
#    7·7 = 49 columns.
CONV_MATRIX_SHAPE_7_3_2 = (((7 - 3) // 2 + 1) ** 2, 7 * 7)

# ---------------------------------------------------------------------------------------------
# Padding, stride and dilation
# ---------------------------------------------------------------------------------------------
OUTPUT_SIZE_32_5 = 32 - 5 + 1  # 1. 28
SAME_PADDING_5 = (5 - 1) // 2  # 2. the kernel overhangs by 2 on each side
# 3. SAME, n=7, k=4, s=2: output ceil(7/2) = 4; total padding (4-1)*2 + 4 - 7 = 3;
#    before 3 // 2 = 1, after the rest = 2.
TF_SAME_PADS_7_4_2 = (1, 2)
# 4. n=10, k=3, s=4: the windows read rows 0-2 and 4-6 (a third would need rows 8-10);
#    rows 3, 7, 8 and 9 are never read.
SKIPPED_10_3_4 = 4
# 5. Start at 1; each layer adds (k-1) times the product of the strides below it:
#    1 + 2*1 + 2*1 + 2*(1*2) = 9.
RECEPTIVE_FIELD_3_3_3 = 1 + 2 * 1 + 2 * 1 + 2 * 2


def my_output_size(n, k, s, p, d):
    """6. The output-size formula; // is the floor."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


# ---------------------------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------------------------
POOL_X = [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [2, 0, 7, 4]]
MAX_POOLED_X = [[max(1, 3, 4, 6), max(2, 1, 5, 0)],  # 1. [[6, 5], [3, 7]]
                [max(3, 1, 2, 0), max(1, 2, 7, 4)]]
AVG_POOLED_X = [[(1 + 3 + 4 + 6) / 4, (2 + 1 + 5 + 0) / 4],  # 2. [[3.5, 2.0], [1.5, 3.5]]
                [(3 + 1 + 2 + 0) / 4, (1 + 2 + 7 + 4) / 4]]
POOLED_SIZE_89_3 = (89 - 3) // 3 + 1  # 3. 29 (the two cells left over are dropped)
# 4. 96 - 8 + 1 = 89 per side; pooled: (89 - 4) // 4 + 1 = 22; 22 * 22 * 400 = 193,600.
VALUE_COUNT_POOLED = ((96 - 8 + 1 - 4) // 4 + 1) ** 2 * 400


def my_max_pool(x, size):
    """5. The max of each size x size window, stride = size; leftover rows/columns dropped."""
    h, w = x.shape[0] // size, x.shape[1] // size
    out = np.zeros((h, w))
    for r in range(h):
        for c in range(w):
            out[r, c] = x[r * size:(r + 1) * size, c * size:(c + 1) * size].max()
    return out


def my_avg_pool(x, size):
    """(Not in a notebook.) The same with the mean: ``check_pool_function(fn, mode="avg")``."""
    h, w = x.shape[0] // size, x.shape[1] // size
    return x[:h * size, :w * size].reshape(h, size, w, size).mean(axis=(1, 3))


# ---------------------------------------------------------------------------------------------
# How a CNN learns
# ---------------------------------------------------------------------------------------------
LEARN_X = [[1, 0, 2, 1], [0, 1, 1, 0], [2, 1, 0, 1], [1, 0, 1, 2]]
LEARN_G = [[1, 0], [0, -1]]
# 1. dk[a][b] = G[0][0]·x[a][b] + G[1][1]·x[a+1][b+1] = x[a][b] − x[a+1][b+1]
KERNEL_GRAD = [[LEARN_X[a][b] - LEARN_X[a + 1][b + 1] for b in range(3)] for a in range(3)]
# 2. G = identity: the kernel lands on the windows of outputs (0, 0) and (1, 1) and they add up
INPUT_GRAD = [[1, 2, 0], [3, 1 + 4, 2], [0, 3, 4]]


def my_max_pool_grad(x, grad_out, size):
    """3. Each window's gradient goes to its first largest cell; leftovers get 0."""
    dx = np.zeros_like(x, dtype=float)
    for r in range(x.shape[0] // size):
        for c in range(x.shape[1] // size):
            window = x[r * size:(r + 1) * size, c * size:(c + 1) * size]
            i, j = np.unravel_index(np.argmax(window), window.shape)  # argmax: the first max
            dx[r * size + i, c * size + j] += grad_out[r, c]
    return dx


# ---------------------------------------------------------------------------------------------
# Fully connected layer and softmax
# ---------------------------------------------------------------------------------------------
# 1. e^1, e^2, e^3 = 2.718, 7.389, 20.09; their sum is 30.19; divided: 0.090, 0.245, 0.665.
_E = [math.exp(1), math.exp(2), math.exp(3)]
SOFTMAX_1_2_3 = [round(e / sum(_E), 2) for e in _E]  # [0.09, 0.24, 0.67]
CROSS_ENTROPY_07 = -math.log(0.7)  # 2. the natural log of p[1] = 0.7, with a minus: 0.357


def my_softmax(z):
    """3. Subtract the largest logit first (exp(1000) overflows), along the last axis."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


DENSE_PARAMS_5408_100 = 13 * 13 * 32 * 100 + 100  # 4. 540,900
# 5. 896, whatever the image size: a filter's weights do not depend on it.
CONV_PARAMS_32_3X3_RGB = 3 * 3 * 3 * 32 + 32
# 6. Row 2 comes after 2 full rows of 13 pixels, column 5 after 5 pixels; each pixel holds 4
#    numbers: (2*13 + 5)*4 + 1 = 125.
FLAT_INDEX_13X13X4 = (2 * 13 + 5) * 4 + 1

# ---------------------------------------------------------------------------------------------
# Training a CNN on MNIST
# ---------------------------------------------------------------------------------------------
SAME_PADDING_FLATTEN = 14 * 14 * 32  # 1. 'same' keeps 28x28, pooling halves it: 6,272
# 2. conv 3*3*1*32 + 32 = 320; hidden (13*13*32)*50 + 50 = 270,450; output 50*10 + 10 = 510.
SEED_PARAMS_50 = (3 * 3 * 1 * 32 + 32) + (13 * 13 * 32 * 50 + 50) + (50 * 10 + 10)


def most_confused(counts):
    """3. The biggest count off the diagonal: (row, column) = (true digit, predicted)."""
    best, pair = -1, None
    for true in range(len(counts)):
        for pred in range(len(counts)):
            if true != pred and counts[true][pred] > best:
                best, pair = counts[true][pred], (true, pred)
    return pair


AUGMENTATION = "c"  # 4. a mirrored 3 (or 7) is no digit at all; the others keep the digit

# ---------------------------------------------------------------------------------------------
# What the network learned
# ---------------------------------------------------------------------------------------------
ALEXNET_FIRST_OUTPUT = (227 - 11) // 4 + 1  # 1. 55
# 2. 102,764,544, about 74% of VGG-16's 138,357,544.
VGG_FIRST_DENSE = 7 * 7 * 512 * 4096 + 4096
ALEXNET_SECOND_CONV = 5 * 5 * 48 * 256 + 256  # 3. 307,456
# 4. 5x5 conv (stride 1), 2x2 pool (stride 2), 5x5 conv, 2x2 pool (stride 2):
#    1 + 4*1 + 1*1 + 4*2 + 1*2 = 16 (the second conv alone sees 14; its 2x2 pool adds one of its
#    steps, 2 input pixels).
RECEPTIVE_FIELD_SECOND_POOL = 1 + 4 * 1 + 1 * 1 + 4 * 2 + 1 * 2


# ---------------------------------------------------------------------------------------------
# Modern CNNs and transfer learning
# ---------------------------------------------------------------------------------------------
# 1. LeNet-5's C3 with the paper's table: 6 maps see 3 of S2's maps, 9 see 4, 1 sees all 6,
#    so 6*3 + 9*4 + 1*6 = 18 + 36 + 6 = 60 (map, input) pairs, each a 5x5 kernel of 25 weights:
#    60 * 25 = 1,500, plus one bias per map: 1,516 (every map connected: 16 * 150 + 16 = 2,416).
LENET_C3_PARTIAL = (6 * 3 + 9 * 4 + 1 * 6) * 25 + 16
# 2. A residual block, 32 maps in and out: two 3x3 convolutions without bias, 9 * 32 * 32 =
#    9,216 weights each; two batch norms, gamma and beta per channel, 2 * 32 = 64 each; the
#    identity shortcut and the Add learn nothing: 2 * 9,216 + 2 * 64 = 18,560.
RESIDUAL_BLOCK_32 = 2 * 9216 + 2 * 64
# 3. Five blocks y = x + F(x), each branch passing back 0.1: dy/dx = 1 + 0.1 per block, and the
#    chain rule multiplies: 1.1^5 = 1.21 * 1.21 * 1.1 = 1.4641 * 1.1 = 1.61051 (without the
#    shortcuts 0.1^5 = 0.00001).
SHORTCUT_GRADIENT_5 = 1.4641 * 1.1


# ---------------------------------------------------------------------------------------------
# Every exercise, with the checker and settings its notebook uses
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Exercise:
    """One exercise: ``checks.<checker>(solve(...), **params)`` must say ✅.

    ``solve`` takes the params it names (the toy image, the confusion matrix) and returns the
    answer; for a write-a-function exercise it returns the function.
    """

    notebook: str  # the notebook's file name without its number, e.g. "padding"
    number: int
    checker: str
    params: dict = field(default_factory=dict)
    solve: Callable = None


def _sample_counts() -> np.ndarray:
    """A confusion matrix for the MNIST exercise (the notebook uses its own model's)."""
    counts = np.diag(np.full(10, 95))
    counts[4, 9], counts[9, 4], counts[7, 2], counts[3, 5] = 7, 4, 5, 3
    return counts


def toy_rgb() -> np.ndarray:
    """The pixels notebook's 4x4x3 toy image (``images.toy_rgb``), made here the same way, since
    the key imports nothing of the core it checks (a test holds the two equal)."""
    return np.random.default_rng(4).integers(0, 256, size=(4, 4, 3)).astype(np.uint8)


def exercises() -> list[Exercise]:
    """Every exercise of the series, in notebook order."""
    def value(v):
        return lambda: v

    return [
        Exercise("pixels_and_channels", 1, "check_pixel_count",
                 dict(height=1080, width=1920, channels=3), value(PIXEL_COUNT_FULL_HD)),
        Exercise("pixels_and_channels", 2, "check_grayscale", dict(rgb=(200, 100, 50)),
                 value(GRAY_200_100_50)),
        Exercise("pixels_and_channels", 3, "check_normalized", dict(img=toy_rgb()),
                 lambda img: normalized(img)),
        Exercise("pixels_and_channels", 4, "check_mlp_weights",
                 dict(height=28, width=28, channels=1), value(MLP_WEIGHTS_MNIST)),
        Exercise("pixels_and_channels", 5, "check_flat_index", dict(row=2, col=5, width=451),
                 value(FLAT_INDEX_CAT)),

        Exercise("kernels_and_stride", 1, "check_output_size", dict(n=7, kernel=3, stride=2),
                 value(OUTPUT_SIZE_7_3_2)),
        Exercise("kernels_and_stride", 2, "check_conv_value",
                 dict(x=np.array(ARTICLE_5X5, float), kernel=np.array(X_KERNEL, float), row=1,
                      col=2), value(CONV_VALUE_1_2)),
        Exercise("kernels_and_stride", 3, "check_conv2d", {}, value(my_conv2d)),
        Exercise("kernels_and_stride", 4, "check_conv_params",
                 dict(kh=5, kw=5, c_in=3, c_out=64), value(CONV_PARAMS_64_5X5_RGB)),
        Exercise("kernels_and_stride", 5, "check_neighbour_kernel", {}, value(NEIGHBOUR_KERNEL)),
        Exercise("kernels_and_stride", 6, "check_conv_matrix_shape",
                 dict(n=7, kernel=3, stride=2), value(CONV_MATRIX_SHAPE_7_3_2)),

        Exercise("padding", 1, "check_output_size", dict(n=32, kernel=5),
                 value(OUTPUT_SIZE_32_5)),
        Exercise("padding", 2, "check_same_padding", dict(kernel=5), value(SAME_PADDING_5)),
        Exercise("padding", 3, "check_tf_same_pads", dict(n=7, kernel=4, stride=2),
                 value(TF_SAME_PADS_7_4_2)),
        Exercise("padding", 4, "check_skipped", dict(n=10, kernel=3, stride=4),
                 value(SKIPPED_10_3_4)),
        Exercise("padding", 5, "check_receptive_field", dict(layers=[(3, 1), (3, 2), (3, 1)]),
                 value(RECEPTIVE_FIELD_3_3_3)),
        Exercise("padding", 6, "check_output_size_function", {}, value(my_output_size)),

        Exercise("pooling", 1, "check_pooled", dict(x=np.array(POOL_X), size=2, mode="max"),
                 value(MAX_POOLED_X)),
        Exercise("pooling", 2, "check_pooled", dict(x=np.array(POOL_X), size=2, mode="avg"),
                 value(AVG_POOLED_X)),
        Exercise("pooling", 3, "check_pooled_size", dict(n=89, size=3), value(POOLED_SIZE_89_3)),
        Exercise("pooling", 4, "check_value_count",
                 dict(image=96, kernel=8, features=400, pool=4), value(VALUE_COUNT_POOLED)),
        Exercise("pooling", 5, "check_pool_function", {}, value(my_max_pool)),

        Exercise("dense_and_softmax", 1, "check_softmax", dict(logits=[1.0, 2.0, 3.0]),
                 value(SOFTMAX_1_2_3)),
        Exercise("dense_and_softmax", 2, "check_cross_entropy",
                 dict(probs=[0.1, 0.7, 0.2], label=1), value(CROSS_ENTROPY_07)),
        Exercise("dense_and_softmax", 3, "check_softmax_function", {}, value(my_softmax)),
        Exercise("dense_and_softmax", 4, "check_dense_params", dict(n_in=13 * 13 * 32, n_out=100),
                 value(DENSE_PARAMS_5408_100)),
        Exercise("dense_and_softmax", 5, "check_conv_params", dict(kh=3, kw=3, c_in=3, c_out=32),
                 value(CONV_PARAMS_32_3X3_RGB)),
        Exercise("dense_and_softmax", 6, "check_flat_index",
                 dict(row=2, col=5, width=13, channel=1, channels=4), value(FLAT_INDEX_13X13X4)),

        Exercise("how_a_cnn_learns", 1, "check_kernel_grad",
                 dict(x=np.array(LEARN_X), grad_out=np.array(LEARN_G)), value(KERNEL_GRAD)),
        Exercise("how_a_cnn_learns", 2, "check_input_grad",
                 dict(kernel=[[1, 2], [3, 4]], grad_out=[[1, 0], [0, 1]]), value(INPUT_GRAD)),
        Exercise("how_a_cnn_learns", 3, "check_max_pool_grad", {}, value(my_max_pool_grad)),

        Exercise("mnist_cnn", 1, "check_same_padding_flatten", {}, value(SAME_PADDING_FLATTEN)),
        Exercise("mnist_cnn", 2, "check_seed_params", dict(dense_units=50),
                 value(SEED_PARAMS_50)),
        Exercise("mnist_cnn", 3, "check_most_confused", dict(counts=_sample_counts()),
                 lambda counts: most_confused(counts)),
        Exercise("mnist_cnn", 4, "check_augmentation", {}, value(AUGMENTATION)),

        Exercise("what_the_network_learned", 1, "check_output_size",
                 dict(n=227, kernel=11, stride=4), value(ALEXNET_FIRST_OUTPUT)),
        Exercise("what_the_network_learned", 2, "check_dense_params",
                 dict(n_in=7 * 7 * 512, n_out=4096), value(VGG_FIRST_DENSE)),
        Exercise("what_the_network_learned", 3, "check_conv_params",
                 dict(kh=5, kw=5, c_in=48, c_out=256), value(ALEXNET_SECOND_CONV)),
        Exercise("what_the_network_learned", 4, "check_receptive_field",
                 dict(layers=[(5, 1), (2, 2), (5, 1), (2, 2)]), value(RECEPTIVE_FIELD_SECOND_POOL)),

        Exercise("modern_cnns", 1, "check_lenet_c3_params", dict(partial=True),
                 value(LENET_C3_PARTIAL)),
        Exercise("modern_cnns", 2, "check_residual_block_params", dict(channels=32),
                 value(RESIDUAL_BLOCK_32)),
        Exercise("modern_cnns", 3, "check_shortcut_gradient", dict(slope=0.1, blocks=5),
                 value(SHORTCUT_GRADIENT_5)),
    ]
