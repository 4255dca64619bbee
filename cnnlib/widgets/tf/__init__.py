"""The Keras explorers (notebooks 07-09): the digit canvas and what a trained network learned.

They reach a model only through ``cnnlib.tf``'s public functions. ``cnnlib.widgets`` loads this
subpackage on first use of one of these names, so the numpy notebooks never load the TensorFlow
side.
"""

from .interpret import (
    activation_explorer,
    class_visualization_explorer,
    filter_visualization_explorer,
    grad_cam_explorer,
    top_k_explorer,
)
from .mnist import (
    DigitCanvas,
    DigitCanvasExplorer,
    digit_canvas_explorer,
)

__all__ = [
    "DigitCanvas", "DigitCanvasExplorer", "digit_canvas_explorer",
    "activation_explorer", "filter_visualization_explorer", "class_visualization_explorer",
    "grad_cam_explorer", "top_k_explorer",
]
