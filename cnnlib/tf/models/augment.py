"""Augmentation: one random affine warp per digit (rotate, zoom, shift), done by TensorFlow;
and dropout shown on an array."""

from __future__ import annotations

import math

import numpy as np

from .builders import keras_module

# Augmentation: one random affine warp per digit (rotate, zoom, shift), done by TensorFlow
AUGMENT = {"rotation": 12.0, "zoom": 0.12, "shift": 0.12, "shear": 0.0}


def affine_batch(images, seed, rotation: float, zoom: float, shift: float, shear: float = 0.0):
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
AUGMENT_MAX = {"rotation": 180.0, "zoom": 0.9, "shift": 0.5, "shear": 1.0}


def check_augment(params: dict) -> dict:
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
    return params


def augment(x, seed: int = 0, rotation: float = AUGMENT["rotation"],
            zoom: float = AUGMENT["zoom"], shift: float = AUGMENT["shift"],
            shear: float = AUGMENT["shear"]) -> np.ndarray:
    """Randomly rotated, zoomed, shifted (and sheared) copies of float digits (N, 28, 28, 1)."""
    tf = keras_module() and __import__("tensorflow")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, H, W, C) floats, got shape {x.shape}")
    check_augment(dict(rotation=rotation, zoom=zoom, shift=shift, shear=shear))
    out = affine_batch(tf.constant(x), tf.constant([seed, 0], tf.int64), rotation, zoom, shift,
                        shear)
    return out.numpy()


def apply_dropout(x, rate: float = 0.5, seed: int = 0) -> np.ndarray:
    """What a Keras Dropout layer does to ``x`` during training: zero each value with
    probability ``rate`` and scale the rest by 1 / (1 - rate)."""
    keras = keras_module()
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    layer = keras.layers.Dropout(rate, seed=seed)
    return np.asarray(layer(np.asarray(x, dtype=np.float32), training=True))
