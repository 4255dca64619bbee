"""*_explorer() builders: controls + output, wiring only; each returns the widget.

Numbers come from ``cnnlib.ops`` (and ``cnnlib.experiments``), pictures from ``cnnlib.plots``;
see ``base.Explorer`` for the pattern and ``controls`` for every control. One module per topic;
every public name is re-exported here, by name.
"""

from .base import Explorer
from .conv import (
    STEP_EXAMPLES,
    conv_step_explorer,
    kernel_editor_explorer,
    kernel_gallery_explorer,
    rgb_conv_explorer,
)
from .dense import connections_explorer, forward_pass_explorer, softmax_explorer
from .interpret import (
    activation_explorer,
    class_visualization_explorer,
    filter_visualization_explorer,
    grad_cam_explorer,
)
from .mnist import DigitCanvas, digit_canvas_explorer
from .padding import PADDING_OPTIONS, conv_arithmetic_explorer, receptive_field_explorer
from .pixels import pixel_explorer
from .pooling import POOL_IMAGES, pool_noise_explorer, pool_shift_explorer, pooling_explorer

__all__ = [
    "Explorer", "pixel_explorer", "STEP_EXAMPLES", "conv_step_explorer",
    "kernel_gallery_explorer", "kernel_editor_explorer", "rgb_conv_explorer",
    "PADDING_OPTIONS", "conv_arithmetic_explorer", "receptive_field_explorer", "POOL_IMAGES",
    "pooling_explorer", "pool_shift_explorer", "pool_noise_explorer", "softmax_explorer",
    "connections_explorer", "forward_pass_explorer", "DigitCanvas", "digit_canvas_explorer",
    "activation_explorer", "filter_visualization_explorer", "class_visualization_explorer",
    "grad_cam_explorer",
]
