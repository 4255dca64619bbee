"""The numbers behind every lesson, in pure numpy.

Everything here is checked against TensorFlow's own ops in ``tests/test_ops_vs_tf.py``.
Conventions, as in Keras:

* channels last: an image is ``(H, W)``, ``(H, W, C)`` or a batch ``(N, H, W, C)``;
* "convolution" is cross-correlation: the kernel is *not* flipped;
* ``padding`` is ``"valid"`` (none), ``"same"`` (exactly TensorFlow's SAME: ``ceil(n / stride)``
  outputs, the odd extra pixel going to the bottom/right), or a number of zero pixels on each
  side (an int, or an ``(ph, pw)`` pair).

Bad settings raise ``ValueError`` with a message that names the parameter and what is allowed.

A package of one concern per module (``validate``, ``arithmetic``, ``counting``, ``activations``,
``dense``, ``conv``, ``pool``, ``features``, ``backward``, ``matrix``); every public name is re-exported here,
so callers write ``ops.conv2d`` whichever module holds it.
"""

from __future__ import annotations

from .activations import cross_entropy, relu, sigmoid, softmax, softmax_naive
from .arithmetic import (
    output_size,
    output_size_formula,
    pad_amounts,
    visited_positions,
    window_coverage,
)
from .backward import conv2d_grad, conv2d_grad_loops, pool2d_grad, pool2d_grad_loops
from .conv import conv2d, conv2d_loops, conv_step, window_positions
from .counting import conv_param_count, dense_param_count, local_param_count, receptive_field
from .dense import dense, flatten
from .features import NOISE_KINDS, add_noise, correlation, edge_magnitude
from .matrix import conv_matrix, im2col
from .pool import pool2d
from .validate import PADDING_HELP, as_int

__all__ = [
    "PADDING_HELP", "as_int",  # validate
    "output_size", "pad_amounts", "window_coverage", "visited_positions", "output_size_formula",  # arithmetic
    "conv_param_count", "dense_param_count", "receptive_field", "local_param_count",  # counting
    "relu", "sigmoid", "softmax", "cross_entropy", "softmax_naive",  # activations
    "flatten", "dense",  # dense
    "conv2d", "conv2d_loops", "window_positions", "conv_step",  # conv
    "pool2d",  # pool
    "edge_magnitude", "NOISE_KINDS", "add_noise", "correlation",  # features
    "conv2d_grad", "conv2d_grad_loops", "pool2d_grad", "pool2d_grad_loops",  # backward
    "conv_matrix", "im2col",  # matrix
]
