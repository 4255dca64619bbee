"""What a trained network learned: activations, filter and class visualization, saliency, Grad-CAM.

Works for any functional Keras model (built from ``keras.Input``) with ``Conv2D`` layers; conv
layers are found by type. TensorFlow is imported on first use, through ``cnnlib.backend``.

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
"""

from __future__ import annotations

import weakref

import numpy as np

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
    "default_model",
]

# Per model: sub-models and compiled ascent functions, built once and reused. Weak keys, so a
# model that is thrown away takes its cache with it.
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tf():
    from cnnlib.backend import import_tf

    return import_tf()


def _keras():
    _tf()
    import keras

    return keras


def _cache(model) -> dict:
    try:
        return _CACHE.setdefault(model, {})
    except TypeError:  # not weak-referenceable: no caching, still correct
        return {}


# ---------------------------------------------------------------------------------------------
# Finding layers
# ---------------------------------------------------------------------------------------------
def _check_model(model):
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, got {type(model).__name__}")
    try:
        inputs = model.inputs
    except AttributeError:
        inputs = None
    if not inputs:
        raise ValueError(
            "model has no inputs yet: build it from keras.Input(...) (a functional model), or "
            "call a Sequential model once on data before interpreting it")
    if len(inputs) != 1 or len(inputs[0].shape) != 4:
        raise ValueError("model must take one image input of shape (batch, H, W, C)")
    return model


def conv_layers(model) -> list[str]:
    """Names of the model's ``Conv2D`` layers, input to output."""
    keras = _keras()
    _check_model(model)
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def map_layers(model, finished: bool = False) -> list[str]:
    """Names of the layers whose output is a stack of 2-D maps (batch, h, w, c): conv, pooling,
    normalization, activation, ... (everything before Flatten), input to output.

    finished=True keeps only maps that are complete: for conv -> BN -> ReLU, the ReLU's output
    (the conv's and BN's outputs are steps on the way), see ``unit_chain``.
    """
    keras = _keras()
    _check_model(model)
    names = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):  # a layer never called in this model
            continue
        if len(shape) == 4:
            names.append(layer.name)
    if finished:
        inside = set()
        for name in conv_layers(model):
            chain = unit_chain(model, name)
            inside.update(layer.name for layer in chain[:-1])
        names = [n for n in names if n not in inside]
    return names


def _get_layer(model, layer, kind="conv"):
    """A layer object from a name, a layer, or an int (the i-th conv layer)."""
    keras = _keras()
    if isinstance(layer, keras.layers.Layer):
        if layer not in model.layers:
            raise ValueError(f"layer {layer.name!r} is not part of model {model.name!r}")
        found = layer
    elif isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        convs = conv_layers(model)
        if not -len(convs) <= layer < len(convs):
            raise ValueError(
                f"layer must be a conv layer number in [0, {len(convs) - 1}] or a name, got {layer}")
        found = model.get_layer(convs[layer])
    elif isinstance(layer, str):
        names = [lay.name for lay in model.layers]
        if layer not in names:
            raise ValueError(f"layer must be one of {', '.join(names)}; got {layer!r}")
        found = model.get_layer(layer)
    else:
        raise ValueError(f"layer must be a layer name, a layer, or a conv layer number; got {layer!r}")
    if kind == "conv" and not isinstance(found, keras.layers.Conv2D):
        raise ValueError(
            f"layer must be a Conv2D layer (one of {', '.join(conv_layers(model))}); "
            f"{found.name!r} is a {type(found).__name__}")
    return found


def layer_geometry(model, layer) -> dict:
    """The settings that decide a layer's output size, read from its config: kind ("conv" or
    "pool"), kernel, stride, padding and dilation (each an (h, w) pair where it applies), and the
    number of output channels. Other layers give kind "other" (the size passes through)."""
    keras = _keras()
    lay = _get_layer(model, layer, kind="any")
    out_c = int(lay.output.shape[-1])
    if isinstance(lay, keras.layers.Conv2D):
        return {"kind": "conv", "kernel": tuple(lay.kernel_size), "stride": tuple(lay.strides),
                "padding": lay.padding, "dilation": tuple(lay.dilation_rate), "channels": out_c}
    pools = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    if isinstance(lay, pools):
        return {"kind": "pool", "kernel": tuple(lay.pool_size), "stride": tuple(lay.strides),
                "padding": lay.padding, "dilation": (1, 1), "channels": out_c}
    return {"kind": "other", "channels": out_c}


def size_layer(model, layer) -> str:
    """The conv or pooling layer that set the size of ``layer``'s maps: the layer itself, or,
    for a batch normalization or activation after a conv, that conv (see ``unit_chain``)."""
    lay = _get_layer(model, layer, kind="any")
    for name in conv_layers(model):
        if lay in unit_chain(model, name):
            return name
    return lay.name


def closest_kernels(kernels, references: dict) -> list[tuple[int, float]]:
    """For each reference kernel (name -> 2-D array), the learned kernel most like it:
    (index, cosine similarity) with the largest similarity (the sign counts: a kernel and its
    negative detect opposite edges). kernels: (kh, kw, [C,] F); C > 1 is averaged. A smaller
    reference (3x3 Sobel against 5x5 kernels) is padded with zeros around it."""
    k = np.asarray(kernels, dtype=float)
    if k.ndim == 4:
        k = k.mean(axis=2)
    if k.ndim != 3:
        raise ValueError(f"kernels must be (kh, kw, F) or (kh, kw, C, F), got shape {k.shape}")
    flat = k.reshape(-1, k.shape[-1]).T                                  # (F, kh*kw)
    flat = flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    out = []
    for name, ref in references.items():
        r = np.asarray(ref, dtype=float)
        extra = np.subtract(k.shape[:2], r.shape) if r.ndim == 2 else (-1, -1)
        if min(extra) < 0 or extra[0] % 2 or extra[1] % 2:
            raise ValueError(f"references[{name!r}] must be 2-D and at most {k.shape[:2]} "
                             f"(odd sizes), got {r.shape}")
        r = np.pad(r, ((extra[0] // 2,) * 2, (extra[1] // 2,) * 2))
        r = r.ravel() / max(np.linalg.norm(r), 1e-12)
        sims = flat @ r
        best = int(np.argmax(sims))
        out.append((best, float(sims[best])))
    return out


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
def _as_batch(model, x, name="x"):
    """x -> float32 (N, H, W, C) matching the model's input; and whether it was one image."""
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.floating)):
        raise ValueError(
            f"{name} must hold floats as the model was trained on (e.g. pixels / 255), got dtype "
            f"{x.dtype}: use cnnlib.images.normalize(x)")
    in_shape = tuple(model.inputs[0].shape[1:])
    c = in_shape[-1]
    single = x.ndim in (2, 3)
    if x.ndim == 2:
        if c != 1:
            raise ValueError(f"{name} of shape {x.shape} has no channel axis, the model wants {c}")
        x = x[None, :, :, None]
    elif x.ndim == 3:
        x = x[None]
    elif x.ndim != 4:
        raise ValueError(f"{name} must be (H, W), (H, W, C) or (N, H, W, C), got shape {x.shape}")
    for got, want, axis in zip(x.shape[1:], in_shape, ("height", "width", "channels")):
        if want is not None and got != want:
            raise ValueError(
                f"{name} has {axis} {got}, but the model's input is {in_shape} (height, width, "
                f"channels): resize it, or use conv_stack(model) for other sizes")
    if 0 in x.shape:
        raise ValueError(f"{name} must not be empty, got shape {x.shape}")
    return x.astype(np.float32, copy=False), single


def _call(fn, x):
    """Run a Keras model (or list-output model) directly: much faster than .predict for a few
    images, and gives numpy arrays back."""
    out = fn(x, training=False)
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    return np.asarray(out)


# ---------------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------------
def _submodel(model, names: tuple):
    keras = _keras()
    cache = _cache(model)
    key = ("sub", names)
    if key not in cache:
        outs = [model.get_layer(n).output for n in names]
        cache[key] = keras.Model(model.inputs[0], outs)
    return cache[key]


def activations(model, x, layers=None) -> dict:
    """The output of each layer for input ``x``: {layer name: array}.

    layers: names (default: every layer whose output is a stack of 2-D maps, see ``map_layers``;
    any layer name works, e.g. "dense"). One image in gives (h, w, c) maps; a batch (N, h, w, c).
    """
    _check_model(model)
    names = map_layers(model) if layers is None else (
        [layers] if isinstance(layers, str) else [_get_layer(model, n, kind="any").name
                                                  for n in layers])
    if not names:
        raise ValueError("layers must name at least one layer")
    for n in names:
        _get_layer(model, n, kind="any")
    xb, single = _as_batch(model, x)
    outs = _call(_submodel(model, tuple(names)), xb)
    if len(names) == 1 and not isinstance(outs, list):
        outs = [outs]
    return {n: (o[0] if single else o) for n, o in zip(names, outs)}


def filter_scores(model, layer, x) -> np.ndarray:
    """How strongly each filter of a conv layer responds to x: the mean of its finished map
    (after its batch normalization and activation, see ``unit_chain``).
    Shape (F,) for one image, (N, F) for a batch."""
    unit = unit_chain(model, layer)[-1]
    maps = activations(model, x, [unit.name])[unit.name]
    return maps.mean(axis=(-3, -2))


# ---------------------------------------------------------------------------------------------
# Gradient ascent: one compiled loop shared by filter and class visualization
# ---------------------------------------------------------------------------------------------
def _blur(tf, x, sigma, radius=2):
    """Gaussian blur (sigma in pixels; 0 = none), separable, with mirrored edges.

    Written as weighted sums of shifted slices: for these small images that is >10x faster on a
    CPU than tf.nn.depthwise_conv2d, whose kernel was the slowest part of the ascent loop."""
    r = tf.cast(tf.range(-radius, radius + 1), tf.float32)
    s = tf.maximum(sigma, 1e-3)  # sigma 0: a delta, i.e. no blur
    w = tf.exp(-(r * r) / (2.0 * s * s))
    w = w / tf.reduce_sum(w)
    h, wd = tf.shape(x)[1], tf.shape(x)[2]
    xp = tf.pad(x, [[0, 0], [radius, radius], [radius, radius], [0, 0]], mode="SYMMETRIC")
    y = tf.add_n([w[i] * xp[:, i:i + h] for i in range(2 * radius + 1)])
    return tf.add_n([w[i] * y[:, :, i:i + wd] for i in range(2 * radius + 1)])


def _make_ascent(score, image_shape: tuple):
    """A tf.function: gradient ascent on score(x, idx)[b] (the score of target idx[b] for image b)
    for every image b of a batch at once.

    Everything that changes between calls (start images, indices, steps, step size, jitter,
    blur, decay, seed, value range) is a tensor argument, so the function is traced once per
    model and layer.
    """
    tf = _tf()
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
            x = _blur(tf, x, blur)
            x = tf.clip_by_value(x, value_range[0], value_range[1])
        history = history.write(steps, score(x, idx))
        return x, history.stack()

    return ascend


def _ascent_for(model, key, build_score_fn):
    cache = _cache(model)
    if key not in cache:
        cache[key] = _make_ascent(build_score_fn(), tuple(model.inputs[0].shape[1:]))
    return cache[key]


def _max_pool_fast_grad(tf, size):
    """Max pooling (window = stride = ``size``, valid) whose gradient is a mask: each window's
    gradient goes to the pixel(s) holding its max. Same values as MaxPooling2D; TensorFlow's own
    MaxPoolGrad is several times slower on a CPU, and it dominated the ascent's time."""
    ph, pw = size

    @tf.custom_gradient
    def pool(h):
        y = tf.nn.max_pool2d(h, (ph, pw), (ph, pw), "VALID")

        def grad(gy):
            oh, ow = tf.shape(y)[1], tf.shape(y)[2]
            up = tf.repeat(tf.repeat(y, ph, axis=1), pw, axis=2)
            g_up = tf.repeat(tf.repeat(gy, ph, axis=1), pw, axis=2)
            inside = h[:, : oh * ph, : ow * pw, :]
            g = tf.where(tf.equal(inside, up), g_up, tf.zeros_like(g_up))
            extra_h, extra_w = tf.shape(h)[1] - oh * ph, tf.shape(h)[2] - ow * pw
            return tf.pad(g, [[0, 0], [0, extra_h], [0, extra_w], [0, 0]])

        return y, grad

    return pool


_MONOTONIC = ("relu", "linear", "sigmoid", "tanh", "elu", "leaky_relu", "relu6", "selu",
              "softplus")


def _fast_pool(keras, lay) -> bool:
    return (isinstance(lay, keras.layers.MaxPooling2D) and lay.padding == "valid"
            and tuple(lay.strides) == tuple(lay.pool_size))


def _activation_name(lay) -> str | None:
    act = getattr(lay, "activation", None)
    return getattr(act, "__name__", None)


def _conv_block(keras, layers, i):
    """If layers[i:] starts with Conv2D -> BatchNorm* -> (monotonic activation) -> MaxPool
    (window = stride, valid): (conv, [BNs], activation function, pool size, index after)."""
    conv = layers[i]
    if not isinstance(conv, keras.layers.Conv2D) or getattr(conv, "groups", 1) != 1:
        return None
    j, bns, act = i + 1, [], conv.activation
    if _activation_name(conv) not in _MONOTONIC:
        return None
    while j < len(layers) and isinstance(layers[j], keras.layers.BatchNormalization) \
            and _activation_name(conv) == "linear" and layers[j].axis in (-1, 3, [-1], [3]):
        bns.append(layers[j])
        j += 1
    if (j < len(layers) and _activation_name(conv) == "linear"
            and type(layers[j]).__name__ == "Activation"
            and _activation_name(layers[j]) in _MONOTONIC):
        act = layers[j].activation
        j += 1
    if j < len(layers) and _fast_pool(keras, layers[j]):
        return conv, bns, act, tuple(layers[j].pool_size), j + 1
    return None


def _fused_conv_block(tf, conv, bns, act, pool_size):
    """conv -> BN -> activation -> max pool, computed in a cheaper but equal order: batch norm
    (inference) is a per-channel scale and shift, so the scale goes into the kernel; max pooling
    commutes with adding a per-channel shift and with any non-decreasing activation, so the pool
    comes first and the shift and activation run on a 4x smaller tensor."""
    pool = _max_pool_fast_grad(tf, pool_size)

    def step(h):
        scale = tf.ones([conv.filters])
        shift = conv.bias if conv.use_bias else tf.zeros([conv.filters])
        for bn in bns:
            s = tf.math.rsqrt(bn.moving_variance + bn.epsilon)
            if bn.scale:
                s = s * bn.gamma
            shift = (shift - bn.moving_mean) * s + (bn.beta if bn.center else 0.0)
            scale = scale * s
        z = conv.convolution_op(h, conv.kernel * scale)
        return act(pool(z) + shift)

    return step


def _forward_to(model, tensor):
    """A function x -> ``tensor`` (an intermediate Keras tensor of the model), for use inside
    tf.function. A plain chain of layers is applied layer by layer, with ``_max_pool_fast_grad``
    standing in for max pooling; anything else goes through a Keras sub-model."""
    keras = _keras()
    tf = _tf()
    chain = []
    t = tensor
    while t is not model.inputs[0]:
        history = getattr(t, "_keras_history", None)
        if history is None:
            chain = None
            break
        lay = history[0]
        if isinstance(lay, keras.layers.InputLayer):
            break
        ins = lay._inbound_nodes[history[1]].input_tensors if hasattr(lay, "_inbound_nodes") else []
        if len(ins) != 1:
            chain = None
            break
        chain.append(lay)
        t = ins[0]
    if chain is None:
        sub = keras.Model(model.inputs[0], tensor)
        return lambda x: sub(x, training=False)
    layers = list(reversed(chain))
    steps = []
    i = 0
    while i < len(layers):
        block = _conv_block(keras, layers, i)
        if block is not None:
            steps.append(_fused_conv_block(tf, *block[:4]))
            i = block[4]
            continue
        lay = layers[i]
        steps.append(_max_pool_fast_grad(tf, tuple(lay.pool_size)) if _fast_pool(keras, lay)
                     else (lambda h, lay=lay: lay(h, training=False)))
        i += 1

    def forward(x):
        for step in steps:
            x = step(x)
        return x

    return forward


_ELEMENTWISE = ("Activation", "ReLU", "LeakyReLU", "ELU")


def _next_layer(model, lay):
    """The one layer that reads ``lay``'s output, or None (several readers, or none)."""
    readers = []
    for other in model.layers:
        try:
            inp = other.input
        except (AttributeError, ValueError):
            continue
        if inp is lay.output:
            readers.append(other)
    return readers[0] if len(readers) == 1 else None


def unit_chain(model, layer) -> list:
    """The conv layer and the per-channel layers after it that finish its maps: batch
    normalization and one activation (conv -> BN -> ReLU in many models; just the conv when it
    has its activation built in). A filter's "unit" is the last of them."""
    keras = _keras()
    lay = _get_layer(model, layer)
    chain = [lay]
    has_act = getattr(lay.activation, "__name__", "") != "linear"
    while not has_act:
        nxt = _next_layer(model, chain[-1])
        if nxt is None:
            break
        if isinstance(nxt, keras.layers.BatchNormalization) and nxt.axis in (-1, 3, [-1], [3]):
            chain.append(nxt)
        elif type(nxt).__name__ in _ELEMENTWISE:
            chain.append(nxt)
            has_act = True
        else:
            break
    return chain


def _per_image_conv(tf, lay, h, idx):
    """z[b] = conv(h[b], kernel[..., idx[b]]): one filter per image, (B, oh, ow), without
    computing the other filters. The batch is folded into the channels of one image, so a single
    depthwise convolution does it: ~10x less work than a full convolution for 64 filters."""
    kh, kw = lay.kernel_size
    _, H, W, C = lay.input.shape
    b = tf.shape(h)[0]
    k = tf.transpose(tf.gather(lay.kernel, idx, axis=3), [0, 1, 3, 2])      # (kh, kw, B, C)
    k = tf.reshape(k, [kh, kw, -1, 1])
    hh = tf.reshape(tf.transpose(h, [1, 2, 0, 3]), [1, H, W, -1])             # (1, H, W, B*C)
    z = tf.nn.depthwise_conv2d(hh, k, [1, *lay.strides, 1], lay.padding.upper(),
                               dilations=lay.dilation_rate)
    oh, ow = tf.shape(z)[1], tf.shape(z)[2]
    z = tf.reduce_sum(tf.reshape(z, [oh, ow, b, C]), axis=-1)                # (oh, ow, B)
    return tf.transpose(z, [2, 0, 1])


def _filter_score_fn(model, lay, objective: str):
    """(x, idx) -> (B,): how strongly filter idx[b] of conv ``lay`` responds to image b.

    The response is the filter's finished map (after its batch normalization and activation,
    see ``unit_chain``). objective "mean": the mean of that map; "center": its value at the
    middle of the map (one unit, which sees only its receptive field). A small linear term
    (0.01 x the value before the activation) keeps the gradient alive while the filter does not
    fire anywhere yet, as a ReLU filter on a grey start image may not.
    """
    keras = _keras()
    tf = _tf()
    to_input = _forward_to(model, lay.input)
    chain = unit_chain(model, lay)
    acts = [layer for layer in chain[1:] if type(layer).__name__ in _ELEMENTWISE]
    act = acts[0] if acts else lay.activation
    bns = [layer for layer in chain[1:] if isinstance(layer, keras.layers.BatchNormalization)]
    fast = (getattr(lay, "groups", 1) == 1 and None not in tuple(lay.input.shape[1:])
            and not (max(lay.strides) > 1 and max(lay.dilation_rate) > 1))

    def fn(x, idx):
        h = to_input(x)
        if fast:
            z = _per_image_conv(tf, lay, h, idx)
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
    from cnnlib.ops import as_int

    steps = as_int(steps, "steps", 0)
    jitter = as_int(jitter, "jitter", 0)
    for name, v, lo in (("lr", lr, 0.0), ("blur", blur, 0.0), ("decay", decay, 0.0)):
        if not isinstance(v, (int, float, np.floating, np.integer)) or isinstance(v, bool) \
                or not np.isfinite(v) or v < lo:
            raise ValueError(f"{name} must be a finite number >= {lo}, got {v!r}")
    if decay >= 1:
        raise ValueError(f"decay must be in [0, 1), got {decay}")
    if blur > 3:
        raise ValueError(f"blur must be a sigma in [0, 3] pixels, got {blur}")
    lo, hi = value_range
    if not lo < hi:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range!r}")
    return steps, jitter


def _indices(index, n: int, what: str):
    """index -> (int32 array, single?)."""
    if index is None or (isinstance(index, str) and index == "all"):
        return np.arange(n, dtype=np.int32), False
    single = np.ndim(index) == 0
    idx = np.atleast_1d(np.asarray(index))
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"{what} must be an int, a list of ints or None (all), got {index!r}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"{what} must be in [0, {n - 1}], got {index!r}")
    return idx.astype(np.int32), single


def _start_images(model, n, start, seed, value_range):
    in_shape = tuple(model.inputs[0].shape[1:])
    if start is not None:
        x0, _ = _as_batch(model, start, "start")
        if x0.shape[0] == 1 and n > 1:
            x0 = np.repeat(x0, n, axis=0)
        if x0.shape[0] != n:
            raise ValueError(f"start must be one image or {n} images, got {x0.shape[0]}")
        return x0
    if None in in_shape:
        raise ValueError("the model's input size is not fixed: pass start images")
    lo, hi = value_range
    rng = np.random.default_rng(seed)
    mid, spread = (lo + hi) / 2, (hi - lo) * 0.1
    return (mid + spread * rng.standard_normal((n, *in_shape))).clip(lo, hi).astype(np.float32)


def _run_ascent(fn, x0, idx, steps, lr, jitter, blur, decay, seed, value_range, rest):
    tf = _tf()
    x, hist = fn(tf.constant(x0), tf.constant(idx, tf.int32), tf.constant(steps, tf.int32),
                 tf.constant(lr, tf.float32), tf.constant(jitter, tf.int32),
                 tf.constant(blur, tf.float32), tf.constant(decay, tf.float32),
                 tf.constant(seed, tf.int32), tf.constant(value_range, tf.float32),
                 tf.constant(rest, tf.float32))
    return x.numpy(), hist.numpy()


def visualize_filter(model, layer, index=None, steps: int = 60, lr: float = 0.1,
                     jitter: int = 1, blur: float = 0.3, decay: float = 0.0, seed: int = 0,
                     start=None, value_range=(0.0, 1.0), objective: str = "mean",
                     return_scores: bool = False):
    """The input that makes filter ``index`` of conv ``layer`` respond most: gradient ascent.

    Start from grey noise (or ``start``); at each of ``steps`` steps, shift the image by up to
    ``jitter`` pixels, take the gradient of the filter's response with respect to the pixels,
    step ``lr`` along it (normalized to unit RMS per image), pull every pixel towards mid-grey
    by ``decay``, blur with a Gaussian of sigma ``blur`` and clip to ``value_range``.

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
    _check_model(model)
    lay = _get_layer(model, layer)
    steps, jitter = _check_steps_etc(steps, lr, jitter, blur, decay, value_range)
    idx, single = _indices(index, int(lay.filters), "index")
    if objective not in ("mean", "center"):
        raise ValueError(f'objective must be "mean" or "center", got {objective!r}')
    fn = _ascent_for(model, ("filter", lay.name, objective),
                     lambda: _filter_score_fn(model, lay, objective))
    x0 = _start_images(model, len(idx), start, seed, value_range)
    rest = (value_range[0] + value_range[1]) / 2
    x, hist = _run_ascent(fn, x0, idx, steps, lr, jitter, blur, decay, seed, value_range, rest)
    out = x[0] if single else x
    if return_scores:
        return out, (hist[:, 0] if single else hist)
    return out


# ---------------------------------------------------------------------------------------------
# Class scores (logits)
# ---------------------------------------------------------------------------------------------
def _logit_parts(model):
    """(the Keras tensor before the final softmax, function of it -> logits).

    A last Dense layer with softmax: logits = its input @ kernel + bias. A last Softmax (or
    Activation("softmax")) layer: its input. Otherwise the model's output is taken as the score.
    """
    keras = _keras()
    last = model.layers[-1]
    act = getattr(last, "activation", None)
    act_name = getattr(act, "__name__", str(act))
    if isinstance(last, keras.layers.Dense) and act_name == "softmax":
        def head(h):
            z = keras.ops.matmul(h, last.kernel)
            return z + last.bias if last.use_bias else z

        return last.input, head
    if isinstance(last, keras.layers.Softmax) or (
            isinstance(last, keras.layers.Activation) and act_name == "softmax"):
        return last.input, lambda h: h
    return model.outputs[0], lambda h: h


def _logit_fn(model, in_graph: bool = False):
    """x -> logits. ``in_graph``: for use inside tf.function (the layer-by-layer forward with
    the cheaper conv blocks); otherwise a Keras sub-model, quicker to call eagerly."""
    keras = _keras()
    cache = _cache(model)
    key = ("logits", in_graph)
    if key not in cache:
        tensor, head = _logit_parts(model)
        if in_graph:
            forward = _forward_to(model, tensor)
            cache[key] = lambda x: head(forward(x))
        else:
            sub = keras.Model(model.inputs[0], tensor)
            cache[key] = lambda x: head(sub(x, training=False))
    return cache[key]


def logits(model, x) -> np.ndarray:
    """The class scores before softmax: (K,) for one image, (N, K) for a batch."""
    _check_model(model)
    xb, single = _as_batch(model, x)
    z = np.asarray(_logit_fn(model)(xb))
    return z[0] if single else z


def class_image(model, classes=None, steps: int = 150, lr: float = 0.05, jitter: int = 1,
                blur: float = 0.5, decay: float = 0.02, seed: int = 0, start=None,
                value_range=(0.0, 1.0), return_scores: bool = False):
    """The input that maximizes a class score (the logit before softmax): gradient ascent,
    as in ``visualize_filter``. Without regularization the ascent finds noise the model likes;
    ``decay`` (pull back to ``value_range[0]``, the black background of MNIST), ``blur`` and
    ``jitter`` make it look more like the digit.

    classes: a class number, a list, or None for every class.
    Returns (H, W, C) for one int, else (B, H, W, C); with ``return_scores`` also the logits
    of the target classes, (steps + 1, B).
    """
    _check_model(model)
    steps, jitter = _check_steps_etc(steps, lr, jitter, blur, decay, value_range)
    n_classes = int(model.outputs[0].shape[-1])
    idx, single = _indices(classes, n_classes, "classes")

    def build():
        tf = _tf()
        to_logits = _logit_fn(model, in_graph=True)
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


# ---------------------------------------------------------------------------------------------
# Saliency and Grad-CAM
# ---------------------------------------------------------------------------------------------
def _target_indices(model, n: int, class_index) -> np.ndarray:
    """(n,) int32 class numbers; -1 stands for "the predicted class" (worked out in-graph)."""
    n_classes = int(model.outputs[0].shape[-1])
    if class_index is None:
        return np.full(n, -1, np.int32)
    idx = np.broadcast_to(np.asarray(class_index), (n,))
    if not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= n_classes:
        raise ValueError(f"class_index must be None (the predicted class) or in "
                         f"[0, {n_classes - 1}], got {class_index!r}")
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
    tf = _tf()
    _check_model(model)
    xb, single = _as_batch(model, x)
    idx = _target_indices(model, len(xb), class_index)
    cache = _cache(model)
    if "saliency" not in cache:
        to_logits = _logit_fn(model)

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
    keras = _keras()
    tf = _tf()
    cache = _cache(model)
    key = ("cam", lay.name, upsample)
    if key not in cache:
        tensor, head = _logit_parts(model)
        both = keras.Model(model.inputs[0], [lay.output, tensor])
        size = tuple(model.inputs[0].shape[1:3])

        @tf.function(input_signature=_specs(tf, model))
        def cam(x, idx):
            with tf.GradientTape() as tape:
                maps, h = both(x, training=False)
                tape.watch(maps)
                total = tf.reduce_sum(_pick(tf, head(h), idx))
            grads = tape.gradient(total, maps)
            if grads is None:
                raise ValueError(f"the class score does not depend on layer {lay.name!r}")
            alpha = tf.reduce_mean(grads, axis=[1, 2], keepdims=True)        # (N, 1, 1, K)
            heat = tf.nn.relu(tf.reduce_sum(alpha * maps, axis=-1))          # (N, h, w)
            if upsample:
                heat = tf.image.resize(heat[..., None], size, method="bilinear")[..., 0]
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
    tf = _tf()
    _check_model(model)
    convs = conv_layers(model)
    if not convs:
        raise ValueError("model has no Conv2D layer for Grad-CAM")
    if layer is None:
        lay = unit_chain(model, convs[-1])[-1]
    else:
        lay = _get_layer(model, layer, kind="any")
        if len(lay.output.shape) != 4:
            raise ValueError(f"layer must output maps (batch, h, w, c) for Grad-CAM; "
                             f"{lay.name!r} outputs {tuple(lay.output.shape)}")
    xb, single = _as_batch(model, x)
    idx = _target_indices(model, len(xb), class_index)
    heat = _cam_fn(model, lay, upsample)(tf.constant(xb), tf.constant(idx)).numpy()
    if normalize:
        peak = heat.max(axis=(1, 2), keepdims=True)
        heat = np.where(peak > 0, heat / np.where(peak > 0, peak, 1), 0.0)
    return heat[0] if single else heat


# ---------------------------------------------------------------------------------------------
# Other input sizes, and the series' model
# ---------------------------------------------------------------------------------------------
def conv_stack(model, input_shape=(None, None, None)):
    """The model's layers up to (not including) the first Flatten / Dense / global pooling,
    rebuilt on an input of any size, with copies of the trained weights.

    Lets a photo larger than 28x28 pass through a digit model's convolution layers, to see
    its activation maps. Only a plain chain of layers (no branches) can be rebuilt.
    """
    keras = _keras()
    _check_model(model)
    c = input_shape[-1] if input_shape[-1] is not None else int(model.inputs[0].shape[-1])
    inp = keras.Input(shape=(input_shape[0], input_shape[1], c), name="image")
    x = inp
    stop = (keras.layers.Flatten, keras.layers.Dense, keras.layers.GlobalAveragePooling2D,
            keras.layers.GlobalMaxPooling2D)
    prev = model.inputs[0]
    copies = []
    for lay in model.layers:
        if isinstance(lay, keras.layers.InputLayer):
            continue
        if isinstance(lay, stop):
            break
        if lay.input is not prev:
            raise ValueError("conv_stack needs a plain chain of layers; this model branches")
        copy = type(lay).from_config(lay.get_config())
        x = copy(x)
        copy.set_weights(lay.get_weights())
        copies.append(copy)
        prev = lay.output
    if not copies:
        raise ValueError("model has no layers before its first Flatten/Dense")
    return keras.Model(inp, x, name=f"{model.name}_conv_stack")


_DEFAULT: dict = {}


def default_model():
    """The series' trained MNIST CNN, for explorers called without a model: the one saved in
    data/ (``python -m cnnlib.train``, or notebook 07) if there is one, else ``better_cnn``
    trained quickly on a small sample (seconds; rough, but enough to look inside). Loaded or
    trained once per process."""
    if "model" not in _DEFAULT:
        from cnnlib import models

        _DEFAULT["model"] = models.load_or_train(quick=True, verbose=False)
    return _DEFAULT["model"]
