"""Gradient ascent on the input: the image that makes a filter respond most
(``visualize_filter``), or that maximizes a class score (``class_image``).

Every filter of a layer runs as one batch in one ``tf.function``, and the filter numbers go in
as a tensor, so choosing another filter (or another number of steps) never traces it again.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t
from cnnlib.tf.backend import import_tf
from cnnlib.tf.interpret._base import as_batch, check_model, get_keras, model_cache
from cnnlib.tf.interpret._graph import forward_to, gaussian_blur, logit_fn, per_image_conv
from cnnlib.tf.interpret.layers import ELEMENTWISE, get_layer, unit_chain


def _make_ascent(score, image_shape: tuple):
    """A tf.function: gradient ascent on score(x, idx)[b] (the score of target idx[b] for image b)
    for every image b of a batch at once.

    Everything that changes between calls (start images, indices, steps, step size, jitter,
    blur, decay, seed, value range) is a tensor argument, so the function is traced once per
    model and layer.
    """
    tf = import_tf()
    spec = [
        tf.TensorSpec([None, *image_shape], tf.float32),          # x0
        tf.TensorSpec([None], tf.int32),                          # idx: one target per image
        tf.TensorSpec([], tf.int32),                              # steps
        tf.TensorSpec([], tf.float32),                            # lr
        tf.TensorSpec([], tf.int32),                              # jitter (pixels)
        tf.TensorSpec([], tf.float32),                            # blur (sigma, pixels)
        tf.TensorSpec([], tf.float32),                            # decay
        tf.TensorSpec([], tf.int32),                              # seed
        tf.TensorSpec([2], tf.float32),                           # (lo, hi) value range
        tf.TensorSpec([], tf.float32),                            # rest: where decay pulls to
    ]

    @tf.function(input_signature=spec)
    def ascend(x0, idx, steps, lr, jitter, blur, decay, seed, value_range, rest):
        x = x0
        history = tf.TensorArray(tf.float32, size=steps + 1)
        history = history.write(0, score(x0, idx))
        for step in tf.range(steps):
            # Jitter: shift the image a few pixels at random, so the result cannot rely on
            # one exact pixel grid (one of the regularizers that keep out high-frequency noise).
            shift = tf.random.stateless_uniform(
                [2], seed=tf.stack([seed, step]), minval=-jitter, maxval=jitter + 1,
                dtype=tf.int32)
            xs = tf.roll(x, shift, axis=[1, 2])
            with tf.GradientTape() as tape:
                tape.watch(xs)
                s = score(xs, idx)
                total = tf.reduce_sum(s)  # the images do not interact: per-image gradients
            if step > 0:  # the score before this step (of the shifted view: no extra pass)
                history = history.write(step, s)
            g = tape.gradient(total, xs)
            g = tf.roll(g, -shift, axis=[1, 2])
            # Normalize per image, so the step size means the same for every filter.
            g = g / (tf.sqrt(tf.reduce_mean(g * g, axis=[1, 2, 3], keepdims=True)) + 1e-8)
            x = x + lr * g
            x = rest + (x - rest) * (1.0 - decay)  # decay: pull quiet pixels back to rest
            x = gaussian_blur(tf, x, blur)
            x = tf.clip_by_value(x, value_range[0], value_range[1])
        history = history.write(steps, score(x, idx))
        return x, history.stack()

    return ascend


def _ascent_for(model, key, build_score_fn):
    cache = model_cache(model)
    if key not in cache:
        cache[key] = _make_ascent(build_score_fn(), tuple(model.inputs[0].shape[1:]))
    return cache[key]


def _filter_score_fn(model, lay, objective: str):
    """(x, idx) -> (B,): how strongly filter idx[b] of conv ``lay`` responds to image b.

    The response is the filter's finished map (after its batch normalization and activation,
    see ``unit_chain``). objective "mean": the mean of that map; "center": its value at the
    middle of the map (one unit, which sees only its receptive field). A small linear term
    (0.01 x the value before the activation) keeps the gradient alive while the filter does not
    fire anywhere yet, as a ReLU filter on a grey start image may not.
    """
    keras = get_keras()
    tf = import_tf()
    to_input = forward_to(model, lay.input)
    chain = unit_chain(model, lay)
    acts = [layer for layer in chain[1:] if type(layer).__name__ in ELEMENTWISE]
    act = acts[0] if acts else lay.activation
    bns = [layer for layer in chain[1:] if isinstance(layer, keras.layers.BatchNormalization)]
    fast = (getattr(lay, "groups", 1) == 1 and None not in tuple(lay.input.shape[1:])
            and not (max(lay.strides) > 1 and max(lay.dilation_rate) > 1))

    def fn(x, idx):
        h = to_input(x)
        if fast:
            z = per_image_conv(tf, lay, h, idx)
        else:
            z = tf.gather(lay.convolution_op(h, lay.kernel), idx, axis=3, batch_dims=1)
        if lay.use_bias:
            z = z + tf.gather(lay.bias, idx)[:, None, None]
        for bn in bns:  # inference mode: a fixed scale and shift per channel
            scale = tf.math.rsqrt(tf.gather(bn.moving_variance, idx) + bn.epsilon)
            if bn.scale:
                scale = scale * tf.gather(bn.gamma, idx)
            shift = -tf.gather(bn.moving_mean, idx) * scale
            if bn.center:
                shift = shift + tf.gather(bn.beta, idx)
            z = z * scale[:, None, None] + shift[:, None, None]
        a = act(z) + 0.01 * z
        if objective == "center":
            return a[:, tf.shape(a)[1] // 2, tf.shape(a)[2] // 2]
        return tf.reduce_mean(a, axis=[1, 2])

    return fn


def _check_steps_etc(steps, lr, jitter, blur, decay, value_range):
    from cnnlib.core.ops import as_int

    steps = as_int(steps, "steps", 0)
    jitter = as_int(jitter, "jitter", 0)
    for name, v, lo in (("lr", lr, 0.0), ("blur", blur, 0.0), ("decay", decay, 0.0)):
        if not isinstance(v, (int, float, np.floating, np.integer)) or isinstance(v, bool) \
                or not np.isfinite(v) or v < lo:
            raise ValueError(t('{name} must be a finite number >= {lo}, got {value!r}', name=name, lo=lo, value=v))
    if decay >= 1:
        raise ValueError(t('decay must be in [0, 1), got {decay}', decay=decay))
    if blur > 3:
        raise ValueError(t('blur must be a sigma in [0, 3] pixels, got {blur}', blur=blur))
    lo, hi = value_range
    if not lo < hi:
        raise ValueError(t('value_range must be (low, high) with low < high, got {value_range!r}', value_range=value_range))
    return steps, jitter


def _own_range(model, value_range):
    """value_range, or the model's own (``interpret.input_range``) when None."""
    if value_range is None:
        from cnnlib.tf.interpret.classifier import input_range

        return input_range(model)
    return tuple(value_range)


def _indices(index, n: int, what: str):
    """index -> (int32 array, single?)."""
    if index is None or (isinstance(index, str) and index == "all"):
        return np.arange(n, dtype=np.int32), False
    single = np.ndim(index) == 0
    idx = np.atleast_1d(np.asarray(index))
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(t('{what} must be an int, a list of ints or None (all), got {index!r}', what=what, index=index))
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(t('{what} must be in [0, {last}], got {index!r}', what=what, last=n - 1, index=index))
    return idx.astype(np.int32), single


def _start_images(model, n, start, seed, value_range):
    in_shape = tuple(model.inputs[0].shape[1:])
    if start is not None:
        x0, _ = as_batch(model, start, "start")
        if x0.shape[0] == 1 and n > 1:
            x0 = np.repeat(x0, n, axis=0)
        if x0.shape[0] != n:
            raise ValueError(t('start must be one image or {n} images, got {shape}', n=n, shape=x0.shape[0]))
        return x0
    if None in in_shape:
        raise ValueError(t("the model's input size is not fixed: pass start images"))
    lo, hi = value_range
    rng = np.random.default_rng(seed)
    mid, spread = (lo + hi) / 2, (hi - lo) * 0.1
    return (mid + spread * rng.standard_normal((n, *in_shape))).clip(lo, hi).astype(np.float32)


def _run_ascent(fn, x0, idx, steps, lr, jitter, blur, decay, seed, value_range, rest):
    tf = import_tf()
    x, hist = fn(tf.constant(x0), tf.constant(idx, tf.int32), tf.constant(steps, tf.int32),
                 tf.constant(lr, tf.float32), tf.constant(jitter, tf.int32),
                 tf.constant(blur, tf.float32), tf.constant(decay, tf.float32),
                 tf.constant(seed, tf.int32), tf.constant(value_range, tf.float32),
                 tf.constant(rest, tf.float32))
    return x.numpy(), hist.numpy()


def visualize_filter(model, layer, index=None, steps: int = 60, lr: float = 0.1,
                     jitter: int = 1, blur: float = 0.3, decay: float = 0.0, seed: int = 0,
                     start=None, value_range=None, objective: str = "mean",
                     return_scores: bool = False):
    """The input that makes filter ``index`` of conv ``layer`` respond most: gradient ascent.

    Start from grey noise (or ``start``); at each of ``steps`` steps, shift the image by up to
    ``jitter`` pixels, take the gradient of the filter's response with respect to the pixels,
    step ``lr`` along it (normalized to unit RMS per image), pull every pixel towards mid-grey
    by ``decay``, blur with a Gaussian of sigma ``blur`` and clip to ``value_range`` (default:
    the model's own, see ``interpret.input_range``). ``lr`` is a fraction of that range, so a
    model that takes 0-255 gets the same steps as one that takes 0-1.

    The response is the filter's finished map (after the batch normalization and activation that
    follow the conv, see ``unit_chain``), plus 0.01 x its value before the activation (so a
    filter that fires nowhere yet still has a gradient). objective "mean": the mean of the whole
    map (the best input is a texture); "center": the single unit in the middle of the map (only
    its receptive field can change).

    layer: a conv layer name, a layer, or a number (0 = the first conv layer).
    index: a filter number, a list of them, or None for every filter; all run as one batch.
    Returns the image (H, W, C) for one int index, else (B, H, W, C); with ``return_scores``
    also the scores (steps + 1, B): each filter's response at the start, at every step (of the
    shifted image the step used) and at the end.
    """
    check_model(model)
    lay = get_layer(model, layer)
    value_range = _own_range(model, value_range)
    steps, jitter = _check_steps_etc(steps, lr, jitter, blur, decay, value_range)
    lr = lr * (value_range[1] - value_range[0])
    idx, single = _indices(index, int(lay.filters), "index")
    if objective not in ("mean", "center"):
        raise ValueError(t('objective must be "mean" or "center", got {objective!r}', objective=objective))
    fn = _ascent_for(model, ("filter", lay.name, objective),
                     lambda: _filter_score_fn(model, lay, objective))
    x0 = _start_images(model, len(idx), start, seed, value_range)
    rest = (value_range[0] + value_range[1]) / 2
    x, hist = _run_ascent(fn, x0, idx, steps, lr, jitter, blur, decay, seed, value_range, rest)
    out = x[0] if single else x
    if return_scores:
        return out, (hist[:, 0] if single else hist)
    return out


def class_image(model, classes=None, steps: int = 150, lr: float = 0.05, jitter: int = 1,
                blur: float = 0.5, decay: float = 0.02, seed: int = 0, start=None,
                value_range=None, return_scores: bool = False):
    """The input that maximizes a class score (the logit before softmax): gradient ascent,
    as in ``visualize_filter``. Without regularization the ascent finds noise the model likes;
    ``decay`` (pull back to ``value_range[0]``, the black background of MNIST), ``blur`` and
    ``jitter`` make it look more like the digit. value_range: default the model's own;
    ``lr`` is a fraction of it.

    classes: a class number, a list, or None for every class.
    Returns (H, W, C) for one int, else (B, H, W, C); with ``return_scores`` also the logits
    of the target classes, (steps + 1, B).
    """
    check_model(model)
    value_range = _own_range(model, value_range)
    steps, jitter = _check_steps_etc(steps, lr, jitter, blur, decay, value_range)
    lr = lr * (value_range[1] - value_range[0])
    n_classes = int(model.outputs[0].shape[-1])
    idx, single = _indices(classes, n_classes, "classes")

    def build():
        tf = import_tf()
        to_logits = logit_fn(model, in_graph=True)
        return lambda x, idx: tf.gather(to_logits(x), idx, axis=1, batch_dims=1)

    fn = _ascent_for(model, ("class",), build)
    lo = float(value_range[0])
    if start is None:
        rng = np.random.default_rng(seed)
        in_shape = tuple(model.inputs[0].shape[1:])
        x0 = (lo + 0.05 * (value_range[1] - lo) * rng.random((len(idx), *in_shape)))
        start = x0.astype(np.float32)
    x0 = _start_images(model, len(idx), start, seed, value_range)
    x, hist = _run_ascent(fn, x0, idx, steps, lr, jitter, blur, decay, seed, value_range, lo)
    out = x[0] if single else x
    if return_scores:
        return out, (hist[:, 0] if single else hist)
    return out

