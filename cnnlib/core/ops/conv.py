"""Convolution, vectorised and as plain loops, and one step of it for the step-by-step pictures
(notebook 02)."""

from __future__ import annotations

import numbers

import numpy as np

from cnnlib.text.i18n import t

from .arithmetic import (
    output_size,
    pad_amounts,
)
from .validate import as_int, pair


# Convolution
def prepare_conv(x, kernel, stride, padding, dilation, bias):
    """Validate and bring everything to 4-D: x (N, H, W, C), kernel (kh, kw, C, F), bias (F,).

    Returns (x4, k4, bias, stride, dilation, pads, out_shape_fn) where out_shape_fn restores the
    caller's layout.
    """
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    if x.dtype == object or kernel.dtype == object:
        raise ValueError(t('x and kernel must be numeric arrays'))
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(t('x must be a numeric array, got dtype {dtype}', dtype=x.dtype))
    if not (np.issubdtype(kernel.dtype, np.number) or kernel.dtype == bool):
        raise ValueError(t('kernel must be a numeric array, got dtype {dtype}', dtype=kernel.dtype))
    if x.ndim not in (2, 3, 4):
        raise ValueError(t('x must be (H, W), (H, W, C) or (N, H, W, C), got shape {shape}', shape=x.shape))
    if kernel.ndim not in (2, 3, 4):
        raise ValueError(
            t('kernel must be (kh, kw), (kh, kw, C) or (kh, kw, C, F), got shape {shape}', shape=kernel.shape)
        )
    batched = x.ndim == 4
    x4 = x[None] if x.ndim == 3 else (x[None, :, :, None] if x.ndim == 2 else x)
    c = x4.shape[-1]
    if kernel.ndim == 2:
        if c != 1:
            raise ValueError(
                t('kernel of shape {shape} has no channel axis, but x has {c} channels: give the kernel shape {wanted_shape}', shape=kernel.shape, c=c, wanted_shape=kernel.shape + (c,))
            )
        k4 = kernel[:, :, None, None]
    elif kernel.ndim == 3:
        k4 = kernel[:, :, :, None]
    else:
        k4 = kernel
    if k4.shape[2] != c:
        raise ValueError(
            t('channel mismatch: kernel expects {k_channels} input channels (shape {kernel_shape}), but x has {c} (shape {x_shape})', k_channels=k4.shape[2], kernel_shape=kernel.shape, c=c, x_shape=x.shape)
        )
    if 0 in x4.shape or 0 in k4.shape:
        raise ValueError(t('x and kernel must not be empty, got shapes {x_shape} and {kernel_shape}', x_shape=x.shape, kernel_shape=kernel.shape))
    f = k4.shape[3]
    if bias is None:
        b = np.zeros(f, dtype=np.result_type(x4.dtype, k4.dtype, np.float32))
    else:
        b = np.asarray(bias)
        if b.ndim > 1 or (b.ndim == 1 and b.shape[0] != f):
            raise ValueError(t('bias must hold one value per filter ({f}), got shape {shape}', f=f, shape=b.shape))
        if not np.issubdtype(b.dtype, np.number):
            raise ValueError(t('bias must be numeric, got dtype {dtype}', dtype=b.dtype))
        b = np.broadcast_to(b, (f,))  # a single number serves every filter
    s = pair(stride, "stride")
    d = pair(dilation, "dilation")
    pads = pad_amounts(x4.shape[1:3], k4.shape[:2], s, padding, d)

    def restore(out4):  # out4: (N, oh, ow, F)
        if kernel.ndim < 4:
            out4 = out4[..., 0]
        return out4 if batched else out4[0]

    return x4, k4, b, s, d, pads, restore


def out_hw(x4, k4, s, d, pads):
    return tuple(
        (x4.shape[1 + i] + sum(pads[i]) - (d[i] * (k4.shape[i] - 1) + 1)) // s[i] + 1
        for i in range(2)
    )


def pad4(x4, pads):
    if pads == ((0, 0), (0, 0)):
        return x4
    return np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)))


def conv2d(x, kernel, stride=1, padding="valid", dilation=1, bias=None):
    """2-D convolution (cross-correlation, no kernel flip), vectorized.

    x       (H, W), (H, W, C) or (N, H, W, C)
    kernel  (kh, kw) for a 2-D x; (kh, kw, C): one filter, the output has no channel axis;
            (kh, kw, C, F): F filters, the output ends in F.
    stride, dilation: an int or an (h, w) pair, each >= 1.
    padding: "valid", "same" (TensorFlow's SAME) or zero pixels per side (int or (ph, pw)).
    bias: one value per filter.
    """
    x4, k4, b, s, d, pads, restore = prepare_conv(x, kernel, stride, padding, dilation, bias)
    dtype = np.result_type(x4.dtype, k4.dtype, b.dtype, np.float32)
    xp = pad4(x4.astype(dtype, copy=False), pads)
    k4 = k4.astype(dtype, copy=False)
    kh, kw, c, f = k4.shape
    oh, ow = out_hw(x4, k4, s, d, pads)
    n = x4.shape[0]

    def tap(i, j):
        # The input pixels that kernel tap (i, j) meets, for every output position at once.
        r0, c0 = i * d[0], j * d[1]
        return xp[:, r0 : r0 + s[0] * (oh - 1) + 1 : s[0], c0 : c0 + s[1] * (ow - 1) + 1 : s[1], :]

    if c * f == 1:
        # One channel, one filter: a weighted sum of shifted images beats a matrix product.
        out = np.zeros((n, oh, ow, 1), dtype=dtype)
        for i in range(kh):
            for j in range(kw):
                out += k4[i, j, 0, 0] * tap(i, j)
    else:
        # im2col: gather every window into a row, then one matrix product with all filters.
        cols = np.empty((n, oh, ow, kh, kw, c), dtype=dtype)
        for i in range(kh):
            for j in range(kw):
                cols[:, :, :, i, j, :] = tap(i, j)
        out = (cols.reshape(n * oh * ow, kh * kw * c) @ k4.reshape(kh * kw * c, f))
        out = out.reshape(n, oh, ow, f)
    if bias is not None:
        out += b.astype(dtype)
    return restore(out)


def conv2d_loops(x, kernel, stride=1, padding="valid", dilation=1, bias=None):
    """The same contract as ``conv2d``, written as plain loops to read line by line.

    For every output position: cut out the window the kernel covers, multiply element by
    element, add it all up (plus the bias). Slow, on purpose: it is the lesson version.
    """
    x4, k4, b, s, d, pads, restore = prepare_conv(x, kernel, stride, padding, dilation, bias)
    xp = pad4(x4.astype(float), pads)            # zero padding around the image
    kh, kw, _, n_filters = k4.shape
    out_h, out_w = out_hw(x4, k4, s, d, pads)
    span_h = d[0] * (kh - 1) + 1                  # how far the (dilated) kernel reaches
    span_w = d[1] * (kw - 1) + 1
    out = np.zeros((x4.shape[0], out_h, out_w, n_filters))
    for n in range(x4.shape[0]):                  # each image in the batch
        for i in range(out_h):                    # each output row
            for j in range(out_w):                # each output column
                top, left = i * s[0], j * s[1]    # the window's corner moves by the stride
                window = xp[n, top : top + span_h : d[0], left : left + span_w : d[1], :]
                for f in range(n_filters):        # each filter makes one feature map
                    out[n, i, j, f] = np.sum(window * k4[:, :, :, f]) + b[f]
    return restore(out)


# One step of a convolution, for the step-by-step pictures (notebook 02)
def window_positions(n, kernel, stride=1) -> list[int]:
    """Where the window starts along one axis (no padding): 0, s, 2s, ... while it still fits.

    >>> window_positions(5, 3, stride=2)
    [0, 2]
    """
    out = output_size(n, kernel, stride)  # validates n, kernel and stride
    return [i * int(stride) for i in range(out)]


def conv_step(x, kernel, step, stride=1, bias=0.0) -> dict:
    """Everything one step of a valid convolution computes, to show it number by number.

    x: (H, W) or (H, W, C); kernel: (kh, kw) or (kh, kw, C), one filter. Steps count the output
    cells row by row (step 0 is the top-left cell). Returns a dict with
    ``position`` (row, col) of the window's top-left pixel, ``cell`` (row, col) of the output
    cell it fills, ``window`` (the input numbers under the kernel), ``products`` (window * kernel,
    element by element), ``channel_sums`` (one sum per input channel), ``bias``, ``total``
    (all products summed, plus the bias: the output cell's value), ``n_steps`` and ``out_shape``.
    """
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    if x.ndim == 2 and kernel.ndim == 2:
        x3, k3 = x[:, :, None], kernel[:, :, None]
    elif x.ndim == 3 and kernel.ndim == 3:
        x3, k3 = x, kernel
    else:
        raise ValueError(t('x and kernel must be (H, W) and (kh, kw), or (H, W, C) and (kh, kw, C); got shapes {x_shape} and {kernel_shape}', x_shape=x.shape, kernel_shape=kernel.shape))
    if not (isinstance(bias, numbers.Real) and not isinstance(bias, bool) and np.isfinite(bias)):
        raise ValueError(t('bias must be one finite number, got {bias!r}', bias=bias))
    prepare_conv(x3, k3, stride, "valid", 1, None)  # checks types, channels and sizes
    s = as_int(stride, "stride", 1)
    oh = output_size(x3.shape[0], k3.shape[0], s)
    ow = output_size(x3.shape[1], k3.shape[1], s)
    step = as_int(step, "step", 0)
    if step >= oh * ow:
        raise ValueError(t('step must be in [0, {last}] ({oh}x{ow} output cells), got {step}', last=oh * ow - 1, oh=oh, ow=ow, step=step))
    i, j = divmod(step, ow)
    r, c = i * s, j * s
    kh, kw = k3.shape[:2]
    window = x3[r:r + kh, c:c + kw, :].astype(float)
    products = window * k3
    channel_sums = products.sum(axis=(0, 1))
    squeeze = (lambda a: a[:, :, 0]) if x.ndim == 2 else (lambda a: a)
    return {"position": (r, c), "cell": (i, j), "window": squeeze(window),
            "products": squeeze(products), "channel_sums": channel_sums, "bias": float(bias),
            "total": float(channel_sums.sum() + float(bias)), "n_steps": oh * ow,
            "out_shape": (oh, ow)}
