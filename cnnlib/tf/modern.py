"""Modern CNNs on the digits (notebook 09): LeNet-5, VGG-style and residual blocks, a small
ResNet, deep plain and residual stacks, and transfer learning. TensorFlow is imported on first
use, as in ``cnnlib.tf.models``.

- ``lenet5()``: LeNet-5 as ``architectures.lenet5_spec()`` lays it out (full C3 table), with
  ReLU and max pooling in place of the paper's scaled tanh and trainable subsampling.
- ``vgg_block(x, ...)`` / ``residual_block(x, ...)``: the two building blocks, on Keras tensors.
- ``small_resnet()``: ``architectures.digits_resnet_spec()`` in Keras.
- ``deep_stack(depth, residual=...)``: the same conv layers with or without shortcuts.
- ``first_layer_grad_norm(model, x, y)``: how much gradient reaches the first convolution.
- ``fit_steps(model, x, y, steps=...)``: a fixed number of steps, whatever the data size.
- ``few_shot(y, k, classes)``, ``feature_base``, ``new_head``, ``freeze``: transfer learning.
"""

from __future__ import annotations

import time

import numpy as np

from cnnlib.text.i18n import t

__all__ = [
    "STEPS",
    "RATES",
    "lenet5",
    "vgg_block",
    "residual_block",
    "small_resnet",
    "deep_stack",
    "conv_layers",
    "first_layer_grad_norm",
    "fit_steps",
    "few_shot",
    "relabel",
    "digit_base",
    "with_head",
    "copy_model",
    "freeze",
    "n_trainable",
    "accuracy",
    "progress_bar",
]


#: Training steps of notebook 09 at full size (quick mode takes a few). Steps, not epochs: the
#: time is the same whether the digits are the 4,000 offline ones or full MNIST. bench/modern.py
#: times each of them.
STEPS = {"lenet": 240, "resnet": 150, "deep": 150, "base": 200, "head": 100, "tune": 30}
#: Runs of at most this many steps go eagerly (no graph to build: faster for a few steps).
EAGER_STEPS = 20
#: Adam's learning rate for each of them (from scratch: "scratch", as many steps as head + tune).
RATES = {"lenet": 1e-3, "resnet": 3e-3, "deep": 2e-3, "base": 3e-3, "head": 3e-3, "tune": 1e-3,
         "scratch": 3e-3}


def _keras(seed: int | None = None):
    from cnnlib.tf.backend import import_tf

    import_tf(seed)
    import keras

    return keras


def _whole(value, name: str, low: int, high: int | None = None) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        span = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an integer in {span}, got {value!r}")
    return int(value)


def _compile(keras, model, learning_rate: float = 1e-3):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# ---------------------------------------------------------------------------------------------
# LeNet-5
# ---------------------------------------------------------------------------------------------
def lenet5(input_shape=(28, 28, 1), n_classes: int = 10, seed: int = 0):
    """LeNet-5 on 28x28 digits, padded to the paper's 32x32: C1 (6 maps, 5x5) -> S2 (2x2 max
    pool) -> C3 (16 maps, 5x5, every map sees all 6 of S2) -> S4 -> C5 (120 maps, 5x5: 1x1
    each) -> F6 (84) -> 10 outputs. ReLU instead of the scaled tanh, max pooling instead of
    trainable subsampling: the weight count is that of ``architectures.lenet5_spec()``."""
    keras = _keras(seed)
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.ZeroPadding2D(2, name="pad_to_32")(inputs)   # 28 -> 32, as in the paper
    x = layers.Conv2D(6, 5, activation="relu", name="C1")(x)          # 32 -> 28
    x = layers.MaxPooling2D(2, name="S2")(x)                          # 28 -> 14
    x = layers.Conv2D(16, 5, activation="relu", name="C3")(x)         # 14 -> 10
    x = layers.MaxPooling2D(2, name="S4")(x)                          # 10 -> 5
    x = layers.Conv2D(120, 5, activation="relu", name="C5")(x)        # 5 -> 1
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation="relu", name="F6")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return _compile(keras, keras.Model(inputs, outputs, name="lenet5"))


# ---------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------
def vgg_block(x, filters: int, n_convs: int = 2, name: str = "vgg"):
    """VGG's block: ``n_convs`` 3x3 convolutions ('same', ReLU), then 2x2 max pooling."""
    _keras()
    from keras import layers

    _whole(filters, "filters", 1)
    _whole(n_convs, "n_convs", 1)
    for i in range(1, n_convs + 1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu",
                          name=f"{name}_conv{i}")(x)
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def residual_block(x, filters: int, stride: int = 1, name: str = "res", bn: bool = True):
    """ResNet's basic block: out = ReLU(x' + F(x)), with F = 3x3 conv -> BN -> ReLU -> 3x3 conv
    -> BN, and x' = x (identity shortcut), or a 1x1 convolution (+ BN) when the shape changes.
    Convolutions followed by batch norm carry no bias (BN's shift does that job)."""
    _keras()
    from keras import layers

    _whole(filters, "filters", 1)
    _whole(stride, "stride", 1, 2)

    def norm(y, part):
        # momentum 0.9 (Keras: 0.99): the running statistics settle within a short run
        return layers.BatchNormalization(momentum=0.9, name=f"{name}_{part}_bn")(y) if bn else y

    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=not bn,
                      name=f"{name}_conv1")(x)
    y = layers.Activation("relu", name=f"{name}_relu1")(norm(y, "conv1"))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=not bn, name=f"{name}_conv2")(y)
    y = norm(y, "conv2")
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=not bn,
                                 name=f"{name}_proj")(x)
        shortcut = norm(shortcut, "proj")
    out = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.Activation("relu", name=f"{name}_out")(out)


def small_resnet(input_shape=(28, 28, 1), n_classes: int = 10, widths=(8, 16, 32),
                 seed: int = 0):
    """``architectures.digits_resnet_spec(widths)`` in Keras: a 3x3 stem (BN, ReLU), one
    residual block per width (the first keeps the size, each next one halves it with stride 2),
    global average pooling, one dense layer."""
    keras = _keras(seed)
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.Conv2D(widths[0], 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = layers.BatchNormalization(momentum=0.9, name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    for i, w in enumerate(widths, start=1):
        x = residual_block(x, w, stride=1 if i == 1 else 2, name=f"res{i}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    return _compile(keras, keras.Model(inputs, outputs, name="small_resnet"))


def deep_stack(depth: int = 12, residual: bool = False, width: int = 8, bn: bool = False,
               n_classes: int = 10, input_shape=(28, 28, 1), seed: int = 0):
    """``depth`` 3x3 convolutions (ReLU, Keras' default initialization) after a stem convolution
    and 2x2 pooling (28 -> 14), then global average pooling and a dense layer. With
    ``residual=True`` every pair of them gets an identity shortcut (``residual_block``): the
    same layers, the same weights count, only the ``Add`` differs. ``depth`` must be even."""
    keras = _keras(seed)
    from keras import layers

    _whole(depth, "depth", 2, 100)
    if depth % 2:
        raise ValueError(f"depth must be even (pairs of convolutions), got {depth}")
    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.Conv2D(width, 3, padding="same", activation="relu", name="stem_conv")(inputs)
    x = layers.MaxPooling2D(2, name="stem_pool")(x)
    for i in range(1, depth // 2 + 1):
        if residual:
            x = residual_block(x, width, name=f"block{i}", bn=bn)
            continue
        for j in (1, 2):
            x = layers.Conv2D(width, 3, padding="same", use_bias=not bn,
                              name=f"block{i}_conv{j}")(x)
            if bn:
                x = layers.BatchNormalization(momentum=0.9, name=f"block{i}_conv{j}_bn")(x)
            x = layers.Activation("relu", name=f"block{i}_relu{j}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    name = ("residual" if residual else "plain") + f"_{depth}"
    return _compile(keras, keras.Model(inputs, outputs, name=name))


def conv_layers(model) -> list:
    """The model's Conv2D layers in order (shortcut projections left out)."""
    return [la for la in model.layers
            if type(la).__name__ == "Conv2D" and not la.name.endswith("_proj")]


def first_layer_grad_norm(model, x, y, layer: str | None = None) -> float:
    """The size (L2 norm) of dLoss/dkernel of the first convolution after the stem (or of
    ``layer``), for one batch ``x, y`` in training mode: how much gradient reaches it."""
    import tensorflow as tf

    keras = _keras()
    convs = conv_layers(model)
    if layer is None:
        target = next((la for la in convs if la.name != "stem_conv"), convs[0])
    else:
        target = model.get_layer(layer)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(np.asarray(x, np.float32), training=True))
    grad = tape.gradient(loss, target.kernel)
    return float(tf.norm(grad))


# ---------------------------------------------------------------------------------------------
# Training by steps
# ---------------------------------------------------------------------------------------------
def fit_steps(model, x, y, *, steps: int = 100, batch_size: int = 64,
              learning_rate: float | None = None, seed: int = 0, bar=None,
              desc: str | None = None, record_every: int = 0, validation=None):
    """Train ``model`` for exactly ``steps`` batches of ``min(batch_size, len(x))`` digits
    (reshuffled each pass; a 5-digit set is simply seen many times). ``learning_rate``
    re-compiles with Adam at that rate (None keeps the model's optimizer). ``bar``: a tqdm bar
    to advance by one per step (shared by several short runs); ``desc``: a bar of its own. With ``record_every`` and ``validation=(xv, yv)``, returns the
    validation accuracy every ``record_every`` steps as a list of (step, accuracy); else [].
    The wall time of the run is in ``model.fit_seconds``."""
    keras = _keras(seed)
    import tensorflow as tf

    _whole(steps, "steps", 1)
    x = np.asarray(x, np.float32)
    y = np.asarray(y).astype(np.int32)
    if x.ndim != 4 or len(x) != len(y) or not len(x):
        raise ValueError(f"x must be digits (N, H, W, C) with one label each, got {x.shape} "
                         f"and {y.shape}")
    batch = min(_whole(batch_size, "batch_size", 1), len(x))
    if learning_rate is not None:
        _compile(keras, model, learning_rate)
    # A handful of steps costs less run eagerly than traced into a graph first (quick mode).
    eager = steps <= EAGER_STEPS
    if bool(model.run_eagerly) != eager:
        model.run_eagerly = eager
        model.train_function = None  # rebuilt in the new mode by the next fit
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat()
    ds = ds.batch(batch, drop_remainder=True).prefetch(2)

    record = bool(record_every) and validation is not None
    if record and steps % _whole(record_every, "record_every", 1):
        raise ValueError(f"steps must be a multiple of record_every ({record_every}), "
                         f"got {steps}")
    chunk = record_every if record else steps
    curve = []

    class Advance(keras.callbacks.Callback):
        def on_train_batch_end(self, b, logs=None):
            if bar is not None:
                bar.update(1)

        def on_epoch_end(self, epoch, logs=None):
            if record:
                curve.append(((epoch + 1) * chunk, accuracy(self.model, *validation)))

    own_bar = bar is None and desc is not None
    if own_bar:
        bar = progress_bar(steps, desc)
    start = time.perf_counter()
    # One fit over an endless dataset: each "epoch" is ``chunk`` steps of the same stream.
    model.fit(ds, steps_per_epoch=chunk, epochs=steps // chunk, verbose=0, shuffle=False,
              callbacks=[Advance()])
    model.fit_seconds = time.perf_counter() - start
    if own_bar:
        bar.close()
    return curve


def accuracy(model, x, y, batch_size: int = 500) -> float:
    """The share of digits whose most probable class is the label (inference mode)."""
    x = np.asarray(x, np.float32)
    probs = np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                            for i in range(0, len(x), batch_size)])
    return float(np.mean(probs.argmax(axis=1) == np.asarray(y)))


# ---------------------------------------------------------------------------------------------
# Transfer learning
# ---------------------------------------------------------------------------------------------
def few_shot(y, k: int, classes, seed: int = 0) -> np.ndarray:
    """Indices of exactly ``k`` examples of each class in ``classes`` (a seeded draw), in a
    seeded order."""
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    picked = []
    for c in classes:
        pool = np.flatnonzero(y == c)
        if not 1 <= k <= len(pool):
            raise ValueError(f"k must be in [1, {len(pool)}] (the examples of class {c}), "
                             f"got {k}")
        picked.append(rng.permutation(pool)[:k])
    return rng.permutation(np.concatenate(picked))


def relabel(y, classes) -> np.ndarray:
    """Labels ``classes[i]`` -> ``i`` (digits 5-9 become 0-4 for a five-way head)."""
    lookup = {c: i for i, c in enumerate(classes)}
    y = np.asarray(y)
    bad = sorted(set(y.tolist()) - set(lookup))
    if bad:
        raise ValueError(f"y must hold only the classes {list(classes)}, got {bad}")
    return np.array([lookup[v] for v in y.tolist()], np.int64)


def digit_base(input_shape=(28, 28, 1), widths=(16, 32), seed: int = 0):
    """The part that is transferred: two conv blocks (3x3 conv -> BN -> ReLU -> 2x2 max pool),
    flattened: 7 * 7 * ``widths[-1]`` features per digit. (Flatten, not global average
    pooling: two blocks are too shallow to encode where a stroke is, and digits need it.)"""
    keras = _keras(seed)
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = inputs
    for i, w in enumerate(widths, start=1):
        x = layers.Conv2D(w, 3, padding="same", use_bias=False, name=f"block{i}_conv")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"block{i}_bn")(x)
        x = layers.Activation("relu", name=f"block{i}_relu")(x)
        x = layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    x = layers.Flatten(name="features")(x)
    return keras.Model(inputs, x, name="base")


def with_head(base, n_classes: int = 5, seed: int = 0, name: str = "head"):
    """``base`` followed by a fresh dense softmax layer of ``n_classes`` (its own name, so two
    heads on one base do not clash), compiled with Adam."""
    keras = _keras(seed)
    from keras import layers

    inputs = keras.Input(shape=base.input_shape[1:], name="digit")
    # A frozen base's batch norm runs in inference mode: Keras does that for a non-trainable
    # BatchNormalization layer, so its running statistics stay those of digits 0-4.
    features = base(inputs)
    outputs = layers.Dense(n_classes, activation="softmax", name=name)(features)
    return _compile(keras, keras.Model(inputs, outputs, name=f"{base.name}_{name}"))


def copy_model(model):
    """A new model with the same layers and the same weights (running statistics included)."""
    keras = _keras()
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return twin


def freeze(model, frozen: bool = True):
    """Set ``trainable = not frozen`` on ``model`` (and so on all its layers); returns it.
    Re-compile afterwards: Keras reads ``trainable`` when it builds the training step."""
    model.trainable = not frozen
    return model


def n_trainable(model) -> int:
    """How many numbers training may change."""
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def progress_bar(total: int, desc: str):
    """One tqdm bar (for a series of short trainings that share it)."""
    from tqdm.auto import tqdm

    from cnnlib.config import wrapping_bar

    return wrapping_bar(tqdm(total=total, desc=desc, unit=t("step"), leave=True))
