"""TensorFlow speed tricks behind the ascent and the class scores (private).

Inside a ``tf.function`` a plain chain of layers runs layer by layer, with cheaper but equal
pieces: a Gaussian blur as shifted sums, max pooling with a mask gradient, conv -> BN ->
activation -> pool fused (the pool first), and one filter per image as one depthwise
convolution. Each was the slowest part of the ascent loop before (see bench/interpret.py).
"""

from __future__ import annotations

from cnnlib.tf.backend import import_tf
from cnnlib.tf.interpret._base import get_keras, model_cache


def gaussian_blur(tf, x, sigma, radius=2):
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


def forward_to(model, tensor):
    """A function x -> ``tensor`` (an intermediate Keras tensor of the model), for use inside
    tf.function. A plain chain of layers is applied layer by layer, with ``_max_pool_fast_grad``
    standing in for max pooling; anything else goes through a Keras sub-model."""
    keras = get_keras()
    tf = import_tf()
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


def per_image_conv(tf, lay, h, idx):
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


def logit_parts(model):
    """(the Keras tensor before the final softmax, function of it -> logits).

    A last Dense layer with softmax: logits = its input @ kernel + bias. A last Softmax (or
    Activation("softmax")) layer: its input. Otherwise the model's output is taken as the score.
    """
    keras = get_keras()
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


def logit_fn(model, in_graph: bool = False):
    """x -> logits. ``in_graph``: for use inside tf.function (the layer-by-layer forward with
    the cheaper conv blocks); otherwise a Keras sub-model, quicker to call eagerly."""
    keras = get_keras()
    cache = model_cache(model)
    key = ("logits", in_graph)
    if key not in cache:
        tensor, head = logit_parts(model)
        if in_graph:
            forward = forward_to(model, tensor)
            cache[key] = lambda x: head(forward(x))
        else:
            sub = keras.Model(model.inputs[0], tensor)
            cache[key] = lambda x: head(sub(x, training=False))
    return cache[key]

