"""Backward passes: how the loss changes with every input and weight (notebook 06)."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t

from .conv import out_hw, pad4, prepare_conv
from .pool import pool_pad, pool_restore, pool_setup


# Backward passes: how the loss changes with every input and weight (notebook 06)
def _grad_out4(grad_out, expected_shape, n, oh, ow, f):
    """grad_out as (N, oh, ow, F), or a ValueError naming grad_out."""
    g = np.asarray(grad_out)
    if not (np.issubdtype(g.dtype, np.number) or g.dtype == bool):
        raise ValueError(t('grad_out must be a numeric array, got dtype {dtype}', dtype=g.dtype))
    if g.shape != tuple(expected_shape):
        raise ValueError(t("grad_out must have the forward output's shape {expected_shape}, got {shape}", expected_shape=tuple(expected_shape), shape=g.shape))
    return g.reshape(n, oh, ow, f)


def conv2d_grad(x, kernel, grad_out, stride=1, padding="valid", dilation=1):
    """The backward pass of ``conv2d``: (dx, dk, db) for the upstream gradient ``grad_out``.

    ``grad_out`` is dLoss/d(output), shaped as ``conv2d(x, kernel, ...)``. Returns
    dx = dLoss/dx (x's shape), dk = dLoss/dkernel (kernel's shape) and db = dLoss/dbias: a float
    for a single-filter kernel, an (F,) array otherwise. Vectorized, one slice per kernel tap:

    * dk[i, j] = the input pixels tap (i, j) met, correlated with grad_out (summed over the batch);
    * dx: every output cell sends grad_out times the kernel back to the pixels it read, which is
      grad_out convolved with the flipped kernel; overlapping windows add up;
    * db = the sum of grad_out over the batch and every position.
    """
    x4, k4, _, s, d, pads, restore = prepare_conv(x, kernel, stride, padding, dilation, None)
    kh, kw, c, f = k4.shape
    n = x4.shape[0]
    oh, ow = out_hw(x4, k4, s, d, pads)
    expected = restore(np.empty((n, oh, ow, f), dtype=bool)).shape
    g4 = _grad_out4(grad_out, expected, n, oh, ow, f)
    dtype = np.result_type(x4.dtype, k4.dtype, g4.dtype, np.float32)
    xp = pad4(x4.astype(dtype, copy=False), pads)
    k4 = k4.astype(dtype, copy=False)
    g4 = g4.astype(dtype, copy=False)
    dxp = np.zeros(xp.shape, dtype=dtype)
    dk = np.empty((kh, kw, c, f), dtype=dtype)
    g2 = g4.reshape(-1, f)

    def taps(i, j):
        # The slice of the padded input that tap (i, j) meets, for every output position at once.
        r0, c0 = i * d[0], j * d[1]
        return (slice(None), slice(r0, r0 + s[0] * (oh - 1) + 1, s[0]),
                slice(c0, c0 + s[1] * (ow - 1) + 1, s[1]), slice(None))

    for i in range(kh):
        for j in range(kw):
            where = taps(i, j)
            if c * f == 1:
                dk[i, j, 0, 0] = np.sum(xp[where] * g4)
                dxp[where] += k4[i, j, 0, 0] * g4
            else:
                # 2-D matrix products: a 4-D (batched) matmul is several times slower.
                dk[i, j] = xp[where].reshape(-1, c).T @ g2
                dxp[where] += (g2 @ k4[i, j].T).reshape(n, oh, ow, c)
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    x = np.asarray(x)
    dx = dx.reshape(x.shape)
    dk = dk.reshape(np.shape(kernel))
    db = g2.sum(axis=0)
    return dx, dk, (float(db[0]) if np.ndim(kernel) < 4 else db)


def conv2d_grad_loops(x, kernel, grad_out, stride=1, padding="valid", dilation=1):
    """The same contract as ``conv2d_grad``, as plain loops: the lesson version.

    Walk the forward loops again. Every output cell out[n, i, j, f] was
    sum(window * kernel[..., f]) + bias[f], so its gradient g = grad_out[n, i, j, f] flows
    back three ways: to the kernel (g times the window), to the window (g times the kernel),
    and to the bias (g).
    """
    x4, k4, _, s, d, pads, restore = prepare_conv(x, kernel, stride, padding, dilation, None)
    kh, kw, _, n_filters = k4.shape
    out_h, out_w = out_hw(x4, k4, s, d, pads)
    expected = restore(np.empty((x4.shape[0], out_h, out_w, n_filters))).shape
    g4 = _grad_out4(grad_out, expected, x4.shape[0], out_h, out_w, n_filters).astype(float)
    xp = pad4(x4.astype(float), pads)
    k4 = k4.astype(float)
    span_h = d[0] * (kh - 1) + 1
    span_w = d[1] * (kw - 1) + 1
    dxp = np.zeros_like(xp)
    dk = np.zeros_like(k4)
    db = np.zeros(n_filters)
    for n in range(x4.shape[0]):
        for i in range(out_h):
            for j in range(out_w):
                top, left = i * s[0], j * s[1]
                rows = slice(top, top + span_h, d[0])
                cols = slice(left, left + span_w, d[1])
                for f in range(n_filters):
                    g = g4[n, i, j, f]
                    dk[:, :, :, f] += g * xp[n, rows, cols, :]   # d out / d kernel = window
                    dxp[n, rows, cols, :] += g * k4[:, :, :, f]  # d out / d window = kernel
                    db[f] += g                                  # d out / d bias = 1
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    dx = dx.reshape(np.shape(x))
    return dx, dk.reshape(np.shape(kernel)), (float(db[0]) if np.ndim(kernel) < 4 else db)


def pool2d_grad(x, grad_out, size=2, stride=None, padding="valid", mode="max"):
    """The backward pass of ``pool2d``: dLoss/dx (x's shape) for ``grad_out`` = dLoss/d(output).

    max: each window's gradient goes to its maximum; on a tie to the first maximum in row-major
    order within the window, as TensorFlow does. Overlapping windows add up.
    avg: each window's gradient is shared evenly among its real cells (padded cells do not count
    under "same", as in the forward pass).
    """
    mode, x4, ksize, s, pads, oh, ow = pool_setup(x, size, stride, padding, mode)
    x = np.asarray(x)
    expected = pool_restore(np.empty((x4.shape[0], oh, ow, x4.shape[3]), dtype=bool), x.ndim).shape
    g4 = _grad_out4(grad_out, expected, x4.shape[0], oh, ow, x4.shape[3])
    dtype = np.result_type(g4.dtype, np.float32)
    g4 = g4.astype(dtype, copy=False)
    shape_p = (x4.shape[0], x4.shape[1] + sum(pads[0]), x4.shape[2] + sum(pads[1]), x4.shape[3])
    dxp = np.zeros(shape_p, dtype=dtype)
    windows = [(slice(None), slice(i, i + s[0] * (oh - 1) + 1, s[0]),
                slice(j, j + s[1] * (ow - 1) + 1, s[1]), slice(None))
               for i in range(ksize[0]) for j in range(ksize[1])]  # row-major over the window
    if mode == "max":
        xp = pool_pad(x4, pads, "max")
        best = xp[windows[0]].copy()
        arg = np.zeros(best.shape, dtype=np.intp)
        for t, where in enumerate(windows[1:], start=1):
            v = xp[where]
            bigger = v > best  # strictly bigger: on a tie the earlier tap keeps the gradient
            best = np.where(bigger, v, best)
            arg[bigger] = t
        for t, where in enumerate(windows):
            dxp[where] += np.where(arg == t, g4, 0)
    else:
        real = np.pad(np.ones(x4.shape[1:3], dtype), pads)
        count = sum(real[where[1:3]] for where in windows)
        share = g4 / count[None, :, :, None]
        for where in windows:
            dxp[where] += share
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    return dx.reshape(x.shape)


def pool2d_grad_loops(x, grad_out, size=2, stride=None, padding="valid", mode="max"):
    """The same contract as ``pool2d_grad``, as plain loops: the lesson version.

    For every window: max pooling hands its gradient to the cell that won (``np.argmax`` picks
    the first maximum, row by row), average pooling splits it evenly among the real cells.
    """
    mode, x4, ksize, s, pads, oh, ow = pool_setup(x, size, stride, padding, mode)
    x = np.asarray(x)
    expected = pool_restore(np.empty((x4.shape[0], oh, ow, x4.shape[3])), x.ndim).shape
    g4 = _grad_out4(grad_out, expected, x4.shape[0], oh, ow, x4.shape[3]).astype(float)
    xp = np.pad(x4.astype(float), ((0, 0), pads[0], pads[1], (0, 0)), constant_values=np.nan)
    dxp = np.zeros_like(xp)
    kh, kw = ksize
    for n in range(x4.shape[0]):
        for i in range(oh):
            for j in range(ow):
                top, left = i * s[0], j * s[1]
                for ch in range(x4.shape[3]):
                    window = xp[n, top:top + kh, left:left + kw, ch]   # nan marks padding
                    g = g4[n, i, j, ch]
                    if mode == "max":
                        r, c = np.unravel_index(np.argmax(np.where(np.isnan(window), -np.inf,
                                                                   window)), window.shape)
                        dxp[n, top + r, left + c, ch] += g
                    else:
                        real = ~np.isnan(window)
                        dxp[n, top:top + kh, left:left + kw, ch] += real * g / real.sum()
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    return dx.reshape(x.shape)
