"""Augmentation: one random affine warp per digit (rotate, zoom, shift), done by TensorFlow;
and dropout shown on an array.

Elastic distortion of digits, and the whole training warp (affine, then elastic), in TensorFlow.

Elastic distortion (Simard, Steinkraus and Platt, 2003, "Best practices for convolutional neural
networks applied to visual document analysis"): every pixel gets a random displacement, uniform
in [-1, 1] in each direction, the field is smoothed with a Gaussian of width ``sigma`` pixels
(so neighbours move together, like a hand that wobbles), multiplied by ``alpha``, and the digit
is resampled there (bilinear, zero outside). ``alpha = 0`` is the identity.

``warp_batch`` is what ``cnnlib.tf.models.train`` applies to each training batch: the random affine
warp of ``models.augment`` (rotation, zoom, shift, shear), then the elastic distortion. Both are
stateless: the same seed gives the same warps.

``shift`` and ``shift_each`` move digits by whole pixels (numpy), to test how well a network
reads digits that are not centred (notebook 07's dense baseline).
"""

from __future__ import annotations

import math

import numpy as np

from .builders import keras_module

# Augmentation: one random affine warp per digit (rotate, zoom, shift), done by TensorFlow
AUGMENT = {"rotation": 12.0, "zoom": 0.12, "shift": 0.12, "shear": 0.0}
#: Elastic distortion (below), off unless asked for: strength and smoothing width.
ELASTIC = {"elastic": 0.0, "elastic_sigma": 4.0}


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
AUGMENT_MAX = {"rotation": 180.0, "zoom": 0.9, "shift": 0.5, "shear": 1.0, "elastic": 100.0,
               "elastic_sigma": 10.0}


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
    if params.get("elastic_sigma", 1) == 0:
        raise ValueError("elastic_sigma must be a number in (0, 10], got 0")
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


# Elastic distortion, the whole training warp, and whole-pixel shifts
#: Simard et al.'s smoothing width for MNIST, in pixels.
ELASTIC_SIGMA = 4.0


def _tf():
    from cnnlib.tf.backend import import_tf

    return import_tf()


def gaussian_kernel(sigma: float) -> np.ndarray:
    """A 1-D Gaussian of width ``sigma`` sampled at -r..r (r = ceil(3 sigma)), summing to 1."""
    if not isinstance(sigma, (int, float, np.integer, np.floating)) or not 0 < sigma <= 10:
        raise ValueError(f"sigma must be a number in (0, 10], got {sigma!r}")
    r = max(1, int(math.ceil(3 * sigma)))
    k = np.exp(-np.arange(-r, r + 1, dtype=np.float64) ** 2 / (2 * sigma ** 2))
    return (k / k.sum()).astype(np.float32)


def _displace_tf(images, field):
    """Sample ``images`` (N, H, W, C) at (row + field[..., 0], col + field[..., 1]), bilinearly,
    reading 0 outside the image."""
    import tensorflow as tf  # not _tf(): this runs inside tf.data's graph, where it would be traced
    shape = tf.shape(images)
    n, h, w, c = shape[0], shape[1], shape[2], shape[3]
    rows = tf.cast(tf.range(h), tf.float32)[None, :, None] + field[..., 0]
    cols = tf.cast(tf.range(w), tf.float32)[None, None, :] + field[..., 1]
    r0, c0 = tf.floor(rows), tf.floor(cols)
    fr, fc = rows - r0, cols - c0
    flat = tf.reshape(images, (n, h * w, c))
    hf, wf = tf.cast(h, tf.float32), tf.cast(w, tf.float32)

    def at(r, q):
        inside = (r >= 0) & (r <= hf - 1) & (q >= 0) & (q <= wf - 1)
        ri = tf.cast(tf.clip_by_value(r, 0, hf - 1), tf.int32)
        qi = tf.cast(tf.clip_by_value(q, 0, wf - 1), tf.int32)
        idx = tf.reshape(ri * w + qi, (n, h * w))
        got = tf.reshape(tf.gather(flat, idx, batch_dims=1), (n, h, w, c))
        return got * tf.cast(inside, images.dtype)[..., None]

    out = ((1 - fr) * (1 - fc))[..., None] * at(r0, c0) + \
        ((1 - fr) * fc)[..., None] * at(r0, c0 + 1) + \
        (fr * (1 - fc))[..., None] * at(r0 + 1, c0) + \
        (fr * fc)[..., None] * at(r0 + 1, c0 + 1)
    return out


def elastic_batch(images, seed, alpha: float, sigma: float = ELASTIC_SIGMA):
    """Elastic distortion of a batch (N, H, W, C) of float tensors; ``seed`` is a pair of ints."""
    import tensorflow as tf  # not _tf(): this runs inside tf.data's graph, where it would be traced
    if not alpha:
        return images
    shape = tf.shape(images)
    noise = tf.random.stateless_uniform((shape[0], shape[1], shape[2], 2), seed=seed,
                                        minval=-1.0, maxval=1.0)
    k = tf.constant(gaussian_kernel(sigma))
    kr = tf.tile(tf.reshape(k, (-1, 1, 1, 1)), (1, 1, 2, 1))   # along rows, each channel alone
    kc = tf.tile(tf.reshape(k, (1, -1, 1, 1)), (1, 1, 2, 1))   # along columns
    smooth = tf.nn.depthwise_conv2d(noise, kr, (1, 1, 1, 1), "SAME")
    smooth = tf.nn.depthwise_conv2d(smooth, kc, (1, 1, 1, 1), "SAME")
    return _displace_tf(images, float(alpha) * smooth)


def _check_images(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, H, W, C) floats, got shape {x.shape}")
    return x


def displace(x, field) -> np.ndarray:
    """``x`` (N, H, W, C) resampled at each pixel's position plus ``field`` (N, H, W, 2: rows,
    columns), bilinearly, 0 outside: the sampling step of ``elastic``."""
    tf = _tf()
    x = _check_images(x)
    field = np.asarray(field, dtype=np.float32)
    if field.shape != x.shape[:3] + (2,):
        raise ValueError(f"field must have shape {x.shape[:3] + (2,)}, got {field.shape}")
    return _displace_tf(tf.constant(x), tf.constant(field)).numpy()


def elastic(x, seed: int = 0, alpha: float = 34.0, sigma: float = ELASTIC_SIGMA) -> np.ndarray:
    """Elastically distorted copies of float digits (N, H, W, C); alpha in [0, 100] scales the
    smoothed displacements (Simard et al. use 34 with sigma 4 on MNIST)."""
    tf = _tf()
    x = _check_images(x)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) \
            or not 0 <= alpha <= 100:
        raise ValueError(f"alpha must be a number in [0, 100], got {alpha!r}")
    gaussian_kernel(sigma)  # checks sigma
    return elastic_batch(tf.constant(x), tf.constant([seed, 0], tf.int64), alpha,
                         sigma).numpy()


def warp_batch(images, seed, rotation: float = 0.0, zoom: float = 0.0, shift: float = 0.0,
               shear: float = 0.0, elastic: float = 0.0, elastic_sigma: float = ELASTIC_SIGMA):
    """The training warp of one batch: a random affine warp (``models.augment``'s), then an
    elastic distortion of strength ``elastic`` (its own random stream, split from ``seed``)."""
    import tensorflow as tf  # inside tf.data's graph: no set-up calls to trace

    out = images
    if rotation or zoom or shift or shear:
        out = affine_batch(out, seed, rotation, zoom, shift, shear)
    if elastic:
        out = elastic_batch(out, tf.random.experimental.stateless_split(seed, 2)[1], elastic,
                            elastic_sigma)
    return out


def warp(x, seed: int = 0, **params) -> np.ndarray:
    """Numpy copies of float digits (N, H, W, C) warped as one training batch is: ``params``
    are ``warp_batch``'s (rotation, zoom, shift, shear, elastic, elastic_sigma), checked as
    ``models.train`` checks them."""
    tf = _tf()
    x = _check_images(x)
    check_augment(dict(params))
    return np.asarray(warp_batch(tf.constant(x), tf.constant([seed, 0], tf.int64), **params))


def shift(x, dy: int, dx: int) -> np.ndarray:
    """Digits (N, H, W[, C]) moved ``dy`` pixels down and ``dx`` right (negative: up, left):
    what leaves the frame is lost, paper (0) comes in."""
    x = np.asarray(x)
    if x.ndim < 3:
        raise ValueError(f"x must be digits (N, H, W) or (N, H, W, C), got shape {x.shape}")
    h, w = x.shape[1:3]
    for name, v, size in (("dy", dy, h), ("dx", dx, w)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or abs(v) > size:
            raise ValueError(f"{name} must be a whole number in [-{size}, {size}], got {v!r}")
    out = np.zeros_like(x)
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


#: up, down, left, right, as (dy, dx)
DIRECTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def shift_each(x, pixels: int, seed: int = 0) -> np.ndarray:
    """Each digit moved ``pixels`` pixels in one of the four directions, drawn at random (the
    same for every ``pixels`` with the same seed)."""
    x = np.asarray(x)
    way = np.random.default_rng(seed).integers(0, len(DIRECTIONS), len(x))
    out = np.empty_like(x)
    for k, (dy, dx) in enumerate(DIRECTIONS):
        out[way == k] = shift(x[way == k], pixels * dy, pixels * dx)
    return out
