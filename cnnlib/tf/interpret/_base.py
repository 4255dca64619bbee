"""What every part of ``cnnlib.tf.interpret`` needs: TensorFlow and Keras on first use, a cache
per model, and checking a model and the images it is given. Private: the public names are in
``cnnlib.tf.interpret``."""

from __future__ import annotations

import weakref

import numpy as np

from cnnlib.text.i18n import t
from cnnlib.tf.backend import import_tf

# Per model: sub-models and compiled functions, built once and reused. Weak keys, so a model
# that is thrown away takes its cache with it.
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_keras():
    """Keras, imported after TensorFlow (quietly, through ``import_tf``)."""
    import_tf()
    import keras

    return keras


def model_cache(model) -> dict:
    """This model's cache: sub-models and compiled functions by key."""
    try:
        return _CACHE.setdefault(model, {})
    except TypeError:  # not weak-referenceable: no caching, still correct
        return {}


def model_input(model):
    """The one input of a Keras model; else a ValueError saying what to do."""
    keras = get_keras()
    if not isinstance(model, keras.Model):
        raise ValueError(t('model must be a Keras model, got {name}', name=type(model).__name__))
    try:
        inputs = model.inputs
    except AttributeError:
        inputs = None
    if not inputs:
        raise ValueError(t('model has no input yet: build it on keras.Input(...), or call it once on a batch of images'))
    if len(inputs) != 1:
        raise ValueError(t('model must take one image input, it takes {n}', n=len(inputs)))
    return inputs[0]


def check_model(model):
    """The model, if it is a Keras model with one image input (batch, H, W, C); else a
    ValueError saying what to do."""
    if len(model_input(model).shape) != 4:
        raise ValueError(t('model must take one image input of shape (batch, H, W, C)'))
    return model


def as_batch(model, x, name="x"):
    """x -> float32 (N, H, W, C) matching the model's input; and whether it was one image."""
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.floating)):
        raise ValueError(
            t('{name} must hold floats as the model was trained on (e.g. pixels / 255), got dtype {dtype}: use cnnlib.core.images.normalize(x)', name=name, dtype=x.dtype))
    in_shape = tuple(model.inputs[0].shape[1:])
    c = in_shape[-1]
    single = x.ndim in (2, 3)
    if x.ndim == 2:
        if c != 1:
            raise ValueError(t('{name} of shape {shape} has no channel axis, the model wants {c}', name=name, shape=x.shape, c=c))
        x = x[None, :, :, None]
    elif x.ndim == 3:
        x = x[None]
    elif x.ndim != 4:
        raise ValueError(t('{name} must be (H, W), (H, W, C) or (N, H, W, C), got shape {shape}', name=name, shape=x.shape))
    for got, want, axis in zip(x.shape[1:], in_shape, ("height", "width", "channels")):
        if want is not None and got != want:
            raise ValueError(
                t("{name} has {axis} {got}, but the model's input is {in_shape} (height, width, channels): resize it, or use conv_stack(model) for other sizes", name=name, axis=t(axis), got=got, in_shape=in_shape))
    if 0 in x.shape:
        raise ValueError(t('{name} must not be empty, got shape {shape}', name=name, shape=x.shape))
    return x.astype(np.float32, copy=False), single


def run_model(fn, x):
    """Run a Keras model (or list-output model) directly: much faster than .predict for a few
    images, and gives numpy arrays back."""
    out = fn(x, training=False)
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    return np.asarray(out)


_DEFAULT: dict = {}


def default_model():
    """The series' trained MNIST CNN, for explorers called without a model: the one saved in
    data/ (``python -m cnnlib.train``, or notebook 07) if there is one, else ``better_cnn``
    trained quickly on a small sample (seconds; rough, but enough to look inside). Loaded or
    trained once per process."""
    if "model" not in _DEFAULT:
        from cnnlib.tf import models

        _DEFAULT["model"] = models.load_or_train(quick=True, verbose=False)
    return _DEFAULT["model"]

