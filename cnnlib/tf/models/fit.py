"""Training with a progress bar and timings; predicting and evaluating; a model's layer table."""

from __future__ import annotations

import time

import numpy as np

from cnnlib.config import wrapping_bar
from cnnlib.core import metrics
from cnnlib.text.i18n import t

from .augment import AUGMENT, AUGMENT_MAX, ELASTIC, check_augment, warp_batch
from .builders import keras_module


# Training
def _progress_callback(keras, total_steps: int, desc: str):
    from tqdm.auto import tqdm

    class Progress(keras.callbacks.Callback):
        """One bar for the whole run; loss and accuracy beside it."""

        def on_train_begin(self, logs=None):
            self.bar = wrapping_bar(tqdm(total=total_steps, desc=desc, unit=t("step"),
                                         leave=True))

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
    elastic/elastic_sigma (``models.augment``).
    label_smoothing: train against targets 1 - s on the label and s / 10 spread over all ten
    classes (then the model is compiled back to the plain loss, so it saves and loads as ever).
    schedule: None keeps the optimizer the model was compiled with; "constant" or "cosine"
    (linear warm-up over ``warmup`` of the steps, then cosine decay to 0) re-compiles with adam
    at ``learning_rate``. Shows one progress bar. Returns Keras' ``History``, with
    ``history.seconds`` (wall time of the whole fit) and ``history.epoch_seconds``.
    """
    keras = keras_module(seed)
    import tensorflow as tf

    n_classes = class_count(model)
    x, y = check_digits(x, y, n_classes)
    if validation_data is not None:
        try:
            xv, yv = validation_data
        except (TypeError, ValueError):
            raise ValueError("validation_data must be a pair (x, y)") from None
        validation_data = check_digits(xv, yv, n_classes, "validation_data")
    if augment is not True and augment is not False:
        if not isinstance(augment, dict):
            raise ValueError(f"augment must be True, False or a dict of "
                             f"{', '.join(AUGMENT_MAX)}; got {augment!r}")
        check_augment(augment)
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


def class_count(model) -> int:
    try:
        return int(model.outputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError):
        return 10


def check_digits(x, y, n_classes: int = 10, name: str = "x"):
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
    x, y = check_digits(x, y, class_count(model))
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
