"""Which pixels decide a prediction: saliency (the gradient of the class score) and Grad-CAM."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t
from cnnlib.tf.backend import import_tf
from cnnlib.tf.interpret._base import as_batch, check_model, get_keras, model_cache
from cnnlib.tf.interpret._graph import logit_fn, logit_parts
from cnnlib.tf.interpret.layers import conv_layers, get_layer, unit_chain


def _target_indices(model, n: int, class_index) -> np.ndarray:
    """(n,) int32 class numbers; -1 stands for "the predicted class" (worked out in-graph)."""
    n_classes = int(model.outputs[0].shape[-1])
    if class_index is None:
        return np.full(n, -1, np.int32)
    idx = np.broadcast_to(np.asarray(class_index), (n,))
    if not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= n_classes:
        raise ValueError(t('class_index must be None (the predicted class) or in [0, {last}], got {class_index!r}', last=n_classes - 1, class_index=class_index))
    return idx.astype(np.int32)


def _specs(tf, model):
    return [tf.TensorSpec([None, *model.inputs[0].shape[1:]], tf.float32),
            tf.TensorSpec([None], tf.int32)]


def _pick(tf, z, idx):
    """The logit of class idx[b] (or of the predicted class where idx[b] < 0), per image."""
    idx = tf.where(idx < 0, tf.argmax(z, axis=-1, output_type=tf.int32), idx)
    return tf.gather(z, idx, axis=1, batch_dims=1)


def saliency(model, x, class_index=None) -> np.ndarray:
    """|d logit / d pixel|, the largest over channels: how much each pixel can move the score.

    class_index: None (each image's predicted class), an int, or one per image.
    Returns (H, W) for one image, (N, H, W) for a batch.
    """
    tf = import_tf()
    check_model(model)
    xb, single = as_batch(model, x)
    idx = _target_indices(model, len(xb), class_index)
    cache = model_cache(model)
    if "saliency" not in cache:
        to_logits = logit_fn(model)

        @tf.function(input_signature=_specs(tf, model))
        def grads(x, idx):
            with tf.GradientTape() as tape:
                tape.watch(x)
                total = tf.reduce_sum(_pick(tf, to_logits(x), idx))
            return tape.gradient(total, x)

        cache["saliency"] = grads
    g = np.abs(cache["saliency"](tf.constant(xb), tf.constant(idx)).numpy()).max(axis=-1)
    return g[0] if single else g


def _cam_fn(model, lay, upsample: bool):
    """A tf.function (x, idx) -> Grad-CAM heat (N, h, w) or (N, H, W), cached per layer."""
    keras = get_keras()
    tf = import_tf()
    cache = model_cache(model)
    key = ("cam", lay.name, upsample)
    if key not in cache:
        tensor, head = logit_parts(model)
        both = keras.Model(model.inputs[0], [lay.output, tensor])

        @tf.function(input_signature=_specs(tf, model))
        def cam(x, idx):
            with tf.GradientTape() as tape:
                maps, h = both(x, training=False)
                tape.watch(maps)
                total = tf.reduce_sum(_pick(tf, head(h), idx))
            grads = tape.gradient(total, maps)
            if grads is None:
                raise ValueError(t('the class score does not depend on layer {name!r}', name=lay.name))
            alpha = tf.reduce_mean(grads, axis=[1, 2], keepdims=True)        # (N, 1, 1, K)
            heat = tf.nn.relu(tf.reduce_sum(alpha * maps, axis=-1))          # (N, h, w)
            if upsample:
                # the input's own size: a model that takes any size has none fixed
                heat = tf.image.resize(heat[..., None], tf.shape(x)[1:3],
                                       method="bilinear")[..., 0]
            return heat

        cache[key] = cam
    return cache[key]


def grad_cam(model, x, class_index=None, layer=None, upsample: bool = True,
             normalize: bool = True) -> np.ndarray:
    """Grad-CAM (Selvaraju et al., 2017): where in the image the evidence for a class lies.

    For ``layer`` (default: the finished maps of the last conv layer, i.e. after its BN and
    ReLU if it has them) with maps A_k: weight each map by the mean gradient of the class logit
    with respect to it, alpha_k = mean(d logit / d A_k), then heat = ReLU(sum_k alpha_k A_k).
    ``upsample`` resizes the (h, w) heatmap to the input size (bilinear); ``normalize`` divides
    by its maximum, so it lies in [0, 1]. class_index: None (each image's predicted class), an
    int, or one per image.

    Returns (H, W) for one image, (N, H, W) for a batch (or (h, w) maps without upsample).
    """
    tf = import_tf()
    check_model(model)
    convs = conv_layers(model)
    if not convs:
        raise ValueError(t('model has no Conv2D layer for Grad-CAM'))
    if layer is None:
        lay = unit_chain(model, convs[-1])[-1]
    else:
        lay = get_layer(model, layer, kind="any")
        if len(lay.output.shape) != 4:
            raise ValueError(t('layer must output maps (batch, h, w, c) for Grad-CAM; {name!r} outputs {shape}', name=lay.name, shape=tuple(lay.output.shape)))
    xb, single = as_batch(model, x)
    idx = _target_indices(model, len(xb), class_index)
    heat = _cam_fn(model, lay, upsample)(tf.constant(xb), tf.constant(idx)).numpy()
    if normalize:
        peak = heat.max(axis=(1, 2), keepdims=True)
        heat = np.where(peak > 0, heat / np.where(peak > 0, peak, 1), 0.0)
    return heat[0] if single else heat

