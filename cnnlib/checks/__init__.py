"""Exercise checkers: ``cnnlib.checks.output_size_answer(answer, ...)`` prints a friendly verdict.

Each checker compares a learner's answer with ``cnnlib.ops`` (an independent computation) and
returns True/False, so a notebook can also assert on it. Answers are never ``eval``-ed: they are
values or functions the learner defined in a cell. One module per notebook topic; every public
name is re-exported here, by name.
"""

from .common import output_size_answer, report, unanswered
from .conv import check_conv2d, check_conv_params, check_conv_value, check_neighbour_kernel
from .dense import (
    cross_entropy_answer,
    dense_params_answer,
    flatten_index_answer,
    softmax_answer,
    softmax_function,
)
from .mnist import (
    augmentation_answer,
    most_confused_answer,
    same_padding_flatten_answer,
    seed_params_answer,
)
from .padding import (
    check_output_size,
    check_output_size_function,
    check_receptive_field,
    check_same_padding,
    check_skipped,
    check_tf_same_pads,
)
from .pixels import (
    check_flat_index,
    check_grayscale,
    check_mlp_weights,
    check_normalized,
    check_pixel_count,
    pending,
)
from .pooling import check_pool_function, check_pooled, check_pooled_size, check_value_count

__all__ = [
    "report", "unanswered", "output_size_answer", "pending", "check_pixel_count",
    "check_grayscale", "check_normalized", "check_mlp_weights", "check_flat_index",
    "check_conv_value", "check_conv2d", "check_conv_params", "check_neighbour_kernel",
    "check_output_size", "check_same_padding", "check_tf_same_pads", "check_skipped",
    "check_receptive_field", "check_output_size_function", "check_pooled", "check_pooled_size",
    "check_pool_function", "check_value_count", "softmax_answer", "softmax_function",
    "cross_entropy_answer", "dense_params_answer", "flatten_index_answer",
    "same_padding_flatten_answer", "seed_params_answer", "most_confused_answer",
    "augmentation_answer",
]
