"""plot_* functions: take arrays (and an optional ``ax``), draw, return the ax or figure.

No computing happens here: numbers come from ``cnnlib.core.ops``. One module per topic; every public
name is re-exported here by name: ``from cnnlib import plots; plots.plot_grid(...)``.
"""

from .architectures import (
    plot_architecture_layers,
    plot_architecture_params,
    plot_architecture_shapes,
)
from .common import (
    apply_style,
    figure_to_png,
    get_ax,
    new_figure,
    plot_grid,
    plot_image,
)
from .conv import (
    kernel_is_signed,
    plot_conv_matrix,
    plot_conv_step,
    plot_feature_map,
    plot_feature_stack,
    plot_kernel_gallery,
    plot_kernel_on_image,
    plot_relu,
    plot_rgb_conv_step,
    plot_stride_positions,
    plot_timings,
)
from .dense import (
    plot_activations,
    plot_dense_product,
    plot_flatten,
    plot_forward_pass,
    plot_softmax,
    plot_weight_matrix,
    plot_weight_templates,
)
from .interpret import (
    mosaic,
    plot_ascent,
    plot_class_images,
    plot_explanations,
    plot_filter_images,
    plot_heatmap,
    plot_kernel_matches,
    plot_kernels,
    plot_map_stack,
    plot_maps,
)
from .learning import (
    plot_backward,
    plot_error_projections,
    plot_kernel_fit,
    plot_loss_contours,
    plot_loss_curves,
    plot_loss_landscape,
)
from .live import (
    CHANNEL_NAMES,
    LayeredFigure,
    artists,
    changing_parts,
    channel_cmap,
    new_layered_figure,
    outline,
    plot_grid_live,
    plot_image_live,
)
from .mnist import (
    plot_augmented,
    plot_class_counts,
    plot_confusion,
    plot_digits,
    plot_drawing_steps,
    plot_histories,
    plot_history,
    plot_probs,
    probs_html,
)
from .modern import plot_grad_norms, plot_step_curves, plot_transfer_curve
from .network import plot_connections, plot_layer_stack, plot_param_counts, plot_training_loss
from .padding import (
    WINDOW_COLORS,
    plot_layer_curves,
    plot_padded_grid,
    plot_receptive_field,
    plot_window_coverage,
)
from .pixels import (
    plot_channels,
    plot_flat_vectors,
    plot_image_row,
    plot_param_bars,
    plot_patch,
    plot_rgb_numbers,
)
from .pooling import (
    plot_curves,
    plot_map,
    plot_map_row,
    plot_value_counts,
)

__all__ = [
    # common
    "apply_style", "get_ax", "new_figure", "figure_to_png", "plot_grid", "plot_image",
    # live
    "CHANNEL_NAMES", "LayeredFigure", "new_layered_figure", "changing_parts", "channel_cmap",
    "plot_grid_live", "plot_image_live", "outline", "artists",
    # pixels
    "plot_patch", "plot_channels", "plot_rgb_numbers", "plot_image_row", "plot_flat_vectors",
    "plot_param_bars",
    # conv
    "plot_conv_step", "plot_rgb_conv_step", "plot_feature_map", "kernel_is_signed",
    "plot_kernel_on_image", "plot_kernel_gallery", "plot_feature_stack", "plot_relu",
    "plot_stride_positions", "plot_timings", "plot_conv_matrix",
    # padding
    "WINDOW_COLORS", "plot_window_coverage", "plot_padded_grid", "plot_layer_curves",
    "plot_receptive_field",
    # pooling
    "plot_map", "plot_map_row", "plot_curves", "plot_value_counts",
    # dense
    "plot_flatten", "plot_dense_product", "plot_weight_matrix", "plot_weight_templates",
    "plot_activations", "plot_softmax", "plot_param_counts", "plot_connections",
    "plot_layer_stack", "plot_training_loss", "plot_forward_pass",
    # learning
    "plot_loss_landscape", "plot_backward", "plot_kernel_fit", "plot_loss_curves",
    "plot_loss_contours", "plot_error_projections",
    # mnist
    "plot_digits", "plot_class_counts", "plot_history", "plot_histories", "plot_confusion",
    "plot_probs", "plot_augmented", "plot_drawing_steps", "probs_html",
    # interpret
    "mosaic", "plot_maps", "plot_map_stack", "plot_kernels", "plot_kernel_matches",
    "plot_filter_images", "plot_ascent", "plot_class_images", "plot_heatmap", "plot_explanations",
    "plot_architecture_params", "plot_architecture_shapes", "plot_architecture_layers",
    # modern CNNs
    "plot_step_curves", "plot_grad_norms", "plot_transfer_curve",
]
