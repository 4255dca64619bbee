"""*_explorer() builders: controls + output, wiring only; each returns the widget.

Numbers come from ``cnnlib.core.ops`` (and ``cnnlib.core.experiments``), pictures from
``cnnlib.plots``; see ``base.Explorer`` for the one contract (a pure ``compute``, a separate
``draw``) and ``controls`` for every control. One module per topic; every public name is
re-exported here, by name. The Keras explorers live in ``widgets.tf`` and
load on first use (``widgets.grad_cam_explorer``), so ``from cnnlib import widgets`` in a numpy
notebook loads nothing of the TensorFlow side.
"""

import importlib

from .base import Explorer
from .conv import (
    STEP_EXAMPLES,
    kernel_editor_explorer,
    kernel_gallery_explorer,
    rgb_conv_explorer,
)
from .dense import (
    connections_explorer,
    forward_pass_explorer,
    softmax_explorer,
)
from .grid import (
    GridWidget,
    grid_payload,
)
from .grid_explorers import (
    POOL_EXAMPLE,
    GridExplorer,
    arithmetic_input,
    conv_arithmetic_explorer,
    conv_step_explorer,
    pool_step_explorer,
    x_kernel,
)
from .learning import (
    LANDSCAPE_TAP,
    kernel_learning_explorer,
    loss_landscape_explorer,
)
from .padding import (
    PADDING_OPTIONS,
    receptive_field_explorer,
)
from .pixels import pixel_explorer
from .pooling import (
    POOL_IMAGES,
    pool_noise_explorer,
    pool_shift_explorer,
    pooling_explorer,
)

__all__ = [
    # base
    "Explorer",
    # pixels
    "pixel_explorer",
    # conv
    "STEP_EXAMPLES", "kernel_gallery_explorer", "kernel_editor_explorer", "rgb_conv_explorer",
    # grid
    "GridWidget", "grid_payload",
    # grid_explorers
    "GridExplorer", "conv_step_explorer", "conv_arithmetic_explorer", "pool_step_explorer",
    "POOL_EXAMPLE", "arithmetic_input", "x_kernel",
    # padding
    "PADDING_OPTIONS", "receptive_field_explorer",
    # pooling
    "POOL_IMAGES", "pooling_explorer", "pool_shift_explorer", "pool_noise_explorer",
    # dense
    "softmax_explorer", "connections_explorer", "forward_pass_explorer",
    # learning
    "LANDSCAPE_TAP", "loss_landscape_explorer", "kernel_learning_explorer",
    # mnist
    "DigitCanvas", "DigitCanvasExplorer", "digit_canvas_explorer",
    # interpret
    "activation_explorer", "filter_visualization_explorer", "class_visualization_explorer",
    "grad_cam_explorer", "top_k_explorer",
]

#: The Keras explorers' names, served from ``widgets.tf`` when first used.
_TF_EXPLORERS = frozenset({"DigitCanvas", "DigitCanvasExplorer", "digit_canvas_explorer", "activation_explorer",
                           "filter_visualization_explorer", "class_visualization_explorer",
                           "grad_cam_explorer", "top_k_explorer"})


def __getattr__(name):
    if name in _TF_EXPLORERS:
        # importlib, not an import statement: the layer contracts read this package as numpy-only
        return getattr(importlib.import_module("cnnlib.widgets.tf"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _TF_EXPLORERS)

