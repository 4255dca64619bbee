"""Pooling: max and average, over windows of any size, stride and padding."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t

from .validate import padding_spec, pads_1d, pair


# Pooling
def pool_setup(x, size, stride, padding, mode):
    """Validate pool2d's arguments: (mode, x4 (N, H, W, C), ksize, stride, pads, oh, ow)."""
    if not isinstance(mode, str) or mode.lower() not in ("max", "avg", "average", "mean"):
        raise ValueError(t('mode must be "max" or "avg", got {mode!r}', mode=mode))
    mode = "max" if mode.lower() == "max" else "avg"
    x = np.asarray(x)
    if x.dtype == bool:
        x = x.astype(np.uint8)
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(t('x must be a numeric array, got dtype {dtype}', dtype=x.dtype))
    if x.ndim not in (2, 3, 4):
        raise ValueError(t('x must be (H, W), (H, W, C) or (N, H, W, C), got shape {shape}', shape=x.shape))
    if 0 in x.shape:
        raise ValueError(t('x must not be empty, got shape {shape}', shape=x.shape))
    ksize = pair(size, "size")
    s = ksize if stride is None else pair(stride, "stride")
    pad = padding_spec(padding)
    if isinstance(pad, tuple):
        for p, k, axis in zip(pad, ksize, ("height", "width")):
            if p > k // 2:
                raise ValueError(
                    t('padding {p} ({axis}) must be at most half the pool size {k}, i.e. <= {half}', p=p, axis=t(axis), k=k, half=k // 2)
                )
    x4 = x[None] if x.ndim == 3 else (x[None, :, :, None] if x.ndim == 2 else x)
    pads = []
    for i, axis in enumerate(("height", "width")):
        p = pad if isinstance(pad, str) else pad[i]
        pads.append(pads_1d(x4.shape[1 + i], ksize[i], s[i], p, t("pool size"), axis))
    pads = tuple(pads)
    oh, ow = (
        (x4.shape[1 + i] + sum(pads[i]) - ksize[i]) // s[i] + 1 for i in range(2)
    )
    return mode, x4, ksize, s, pads, oh, ow


def pool_pad(x4, pads, mode):
    """x4 padded for pooling: with the lowest value for max (padded cells never win), else 0."""
    if mode == "max":
        fill = -np.inf if np.issubdtype(x4.dtype, np.floating) else np.iinfo(x4.dtype).min
        return np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=fill)
    return np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)))


def pool_restore(out4, ndim):
    if ndim == 2:
        return out4[0, :, :, 0]
    return out4 if ndim == 4 else out4[0]


def pool2d(x, size=2, stride=None, padding="valid", mode="max"):
    """Max or average pooling over each channel separately.

    x: (H, W), (H, W, C) or (N, H, W, C); size and stride: an int or (h, w) pair; stride
    defaults to size. padding as in conv2d, but padded cells never count: max ignores them, and
    the average is taken over the real cells only (TensorFlow's rule for SAME). Explicit padding
    may be at most half the window, so that every window holds a real cell.
    """
    mode, x4, ksize, s, pads, oh, ow = pool_setup(x, size, stride, padding, mode)
    dtype = np.result_type(x4.dtype, np.float32) if mode == "avg" else x4.dtype
    xp = pool_pad(x4.astype(dtype, copy=False), pads, mode)
    if mode == "avg":
        # Count the real (unpadded) cells under each window, to divide by.
        real = np.pad(np.ones(x4.shape[1:3], dtype), pads)
    acc = None
    count = None
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            rows = slice(i, i + s[0] * (oh - 1) + 1, s[0])
            cols = slice(j, j + s[1] * (ow - 1) + 1, s[1])
            v = xp[:, rows, cols, :]
            if mode == "max":
                acc = v.copy() if acc is None else np.maximum(acc, v)
            else:
                acc = v.copy() if acc is None else acc + v
                r = real[rows, cols]
                count = r.copy() if count is None else count + r
    out = acc if mode == "max" else acc / count[None, :, :, None]
    return pool_restore(out, np.ndim(x))
