"""Exercise checkers: ``checks.check_output_size(answer, n=7, kernel=3)`` prints a verdict.

Each checker compares a learner's answer with its own computation (``cnnlib.core.ops``), prints ✅,
❌ with a hint, or ✏️ while the answer is still ``None``, and returns a ``CheckResult``: truthy
when right, so a notebook or a test can assert on it, and shown as nothing in a notebook. No
answer makes a checker raise. The first miss on an exercise gets a hint; the second also shows
the answer (``show_answer=True`` shows it at once). Answers are never ``eval``-ed. The answer key
for every exercise is ``cnnlib.exercises.solutions``. In the classroom setting (``CNNLIB_CLASSROOM=1`` or
``cnnlib.setup(classroom=True)``) the hints stay, no answer is ever shown, and the key is never
imported.
"""

from .common import CheckResult
from .conv import check_conv2d, check_conv_params, check_conv_value, check_neighbour_kernel
from .dense import check_cross_entropy, check_dense_params, check_softmax, check_softmax_function
from .learning import check_input_grad, check_kernel_grad, check_max_pool_grad
from .matrix import check_conv_matrix_shape
from .mnist import (
    check_augmentation,
    check_most_confused,
    check_same_padding_flatten,
    check_seed_params,
)
from .modern import check_lenet_c3_params, check_residual_block_params, check_shortcut_gradient
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
)
from .pooling import check_pool_function, check_pooled, check_pooled_size, check_value_count

__all__ = [
    "CheckResult",
    # pixels and channels
    "check_pixel_count", "check_grayscale", "check_normalized", "check_mlp_weights",
    "check_flat_index",
    # kernels and stride
    "check_conv_value", "check_conv2d", "check_conv_params", "check_neighbour_kernel",
    "check_conv_matrix_shape",
    # padding
    "check_output_size", "check_same_padding", "check_tf_same_pads", "check_skipped",
    "check_receptive_field", "check_output_size_function",
    # pooling
    "check_pooled", "check_pooled_size", "check_pool_function", "check_value_count",
    # dense layer and softmax
    "check_softmax", "check_softmax_function", "check_cross_entropy", "check_dense_params",
    # MNIST
    "check_same_padding_flatten", "check_seed_params", "check_most_confused",
    "check_augmentation",
    # how a CNN learns
    "check_kernel_grad", "check_input_grad", "check_max_pool_grad",
    # modern CNNs and transfer learning
    "check_lenet_c3_params", "check_residual_block_params", "check_shortcut_gradient",
]
