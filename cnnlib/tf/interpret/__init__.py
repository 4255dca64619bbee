"""What a trained network learned: activations, filter and class visualization, saliency, Grad-CAM.

Works for any functional Keras model (built from ``keras.Input``) with ``Conv2D`` layers; conv
layers are found by type. TensorFlow is imported on first use, through ``cnnlib.tf.backend``.

* ``activations(model, x)``: the output of every layer with a 2-D map per channel.
* ``visualize_filter(model, layer, index)``: gradient ascent from noise to the input that makes a
  filter respond most (with jitter, blur and decay as regularizers). Every filter of a layer runs
  as one batch in one ``tf.function``, and the filter numbers go in as a tensor, so choosing
  another filter (or another number of steps) never traces the function again.
* ``class_image(model, classes)``: the same ascent on a class score (the logit before softmax).
* ``saliency(model, x)`` and ``grad_cam(model, x)``: which pixels decide a prediction.

Images go in and come out in the model's layout, channels last: (H, W, C) for one image,
(N, H, W, C) for a batch; (H, W) is accepted for one-channel models. Pass the values the model
was trained on (floats, e.g. pixels / 255 for the series' MNIST models).

The parts: ``layers`` (which layers a model has), ``activations`` (what it computes),
``ascent`` (images made by gradient ascent), ``attribution`` (saliency, Grad-CAM),
``classifier`` (which models the explorers can use, and photos fitted to them); the
TensorFlow speed tricks sit in a private module, ``_graph``.
"""

from cnnlib.tf.interpret._base import default_model
from cnnlib.tf.interpret.activations import activations, filter_scores, logits
from cnnlib.tf.interpret.ascent import class_image, visualize_filter
from cnnlib.tf.interpret.attribution import grad_cam, saliency
from cnnlib.tf.interpret.classifier import (
    ANY_SIZE,
    ClassifierInfo,
    check_classifier,
    check_labels,
    fit_images,
    fit_photo,
    input_range,
    probabilities,
    start_images,
)
from cnnlib.tf.interpret.layers import (
    branches,
    closest_kernels,
    conv_layers,
    conv_stack,
    layer_geometry,
    map_layers,
    size_layer,
    trunk_layers,
    unit_chain,
)

__all__ = [
    "conv_layers",
    "map_layers",
    "layer_geometry",
    "size_layer",
    "closest_kernels",
    "activations",
    "filter_scores",
    "unit_chain",
    "visualize_filter",
    "class_image",
    "logits",
    "saliency",
    "grad_cam",
    "conv_stack",
    "branches",
    "trunk_layers",
    "input_range",
    "default_model",
    "check_classifier",
    "check_labels",
    "ClassifierInfo",
    "fit_photo",
    "fit_images",
    "probabilities",
    "start_images",
    "ANY_SIZE",
]
