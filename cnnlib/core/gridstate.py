"""The numbers a grid widget shows, as plain arrays: pure numpy on top of ``cnnlib.core.ops``.

``conv_grid`` and ``pool_grid`` return everything the browser draws for a small 2-D example:
the (padded) input, which cells are padding, for every output cell the coordinates of the
input cells its window reads (the kernel's taps, dilation included), their products with the
kernel (or, for pooling, the values the window takes), and the output itself from
``ops.conv2d`` / ``ops.pool2d``. The browser only draws these numbers; it computes none.

Coordinates are in the padded grid: input pixel (i, j) sits at (i + top, j + left).
"""

from __future__ import annotations

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import t

__all__ = ["conv_grid", "pool_grid", "tap_coordinates"]


def _matrix(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(t('{name} must be a non-empty 2-D array, got shape {shape}', name=name, shape=a.shape))
    if not np.all(np.isfinite(a)):
        raise ValueError(t('{name} must hold finite numbers only', name=name))
    return a


def tap_coordinates(out_shape, kernel_shape, stride=1, dilation=1):
    """(rows, cols): int arrays of shape (oh, ow, kh, kw), the padded-grid cell that tap
    (a, b) of the window of output cell (i, j) reads: (i·s + a·d, j·s + b·d)."""
    oh, ow = out_shape
    kh, kw = kernel_shape
    s, d = int(stride), int(dilation)
    rows = (np.arange(oh) * s)[:, None, None, None] + (np.arange(kh) * d)[None, None, :, None]
    cols = (np.arange(ow) * s)[None, :, None, None] + (np.arange(kw) * d)[None, None, None, :]
    rows, cols = np.broadcast_arrays(rows, cols, subok=False)
    shape = (oh, ow, kh, kw)
    return np.broadcast_to(rows, shape).copy(), np.broadcast_to(cols, shape).copy()


def _common(x, xp, pads, out, rows, cols):
    """The parts conv_grid and pool_grid share."""
    (top, _), (left, _) = pads
    pad_mask = np.ones(xp.shape, dtype=bool)
    pad_mask[top:top + x.shape[0], left:left + x.shape[1]] = False
    coverage = np.zeros(xp.shape, dtype=int)
    np.add.at(coverage, (rows.ravel(), cols.ravel()), 1)
    return {"input": xp, "pad_mask": pad_mask, "pads": pads, "output": out,
            "out_shape": out.shape, "rows": rows, "cols": cols, "taps": xp[rows, cols],
            "coverage": coverage,
            "visited": coverage[top:top + x.shape[0], left:left + x.shape[1]] > 0}


def conv_grid(x, kernel, stride=1, padding="valid", dilation=1) -> dict:
    """Everything a convolution grid shows, for a 2-D input and a 2-D kernel.

    Returns a dict: ``input`` (the zero-padded input), ``pad_mask`` (True on padding),
    ``pads`` ((top, bottom), (left, right)), ``kernel``, ``output`` (``ops.conv2d``),
    ``out_shape``, ``rows``/``cols`` ((oh, ow, kh, kw) padded-grid coordinates of every tap of
    every window), ``taps`` (the input numbers there), ``products`` (taps × kernel),
    ``coverage`` (how many taps read each padded cell) and ``visited`` (input cells some window
    reads). A setting ``ops`` rejects raises its ValueError.
    """
    x, k = _matrix(x, "x"), _matrix(kernel, "kernel")
    pads = ops.pad_amounts(x.shape, k.shape, stride, padding, dilation)  # ValueError on bad input
    out = ops.conv2d(x, k, stride=stride, padding=padding, dilation=dilation)
    rows, cols = tap_coordinates(out.shape, k.shape, stride, dilation)
    grid = _common(x, np.pad(x, pads), pads, out, rows, cols)
    grid.update(kernel=k, products=grid["taps"] * k, stride=int(stride),
                dilation=int(dilation), padding=padding, mode="conv")
    return grid


def pool_grid(x, size=2, stride=None, mode="max") -> dict:
    """Everything a pooling grid shows (valid windows, as in the worked examples).

    Keys as ``conv_grid`` (no kernel, no products); ``output`` is ``ops.pool2d``; ``winner``
    ((oh, ow) flat tap index of each window's largest value, the first one on a tie) tells
    which cell max pooling keeps.
    """
    x = _matrix(x, "x")
    stride = size if stride is None else stride
    out = ops.pool2d(x, size, stride, mode=mode)  # ValueError on bad size/stride/mode
    rows, cols = tap_coordinates(out.shape, (int(size), int(size)), stride, 1)
    pads = ((0, 0), (0, 0))
    grid = _common(x, x.copy(), pads, out, rows, cols)
    taps = grid["taps"]
    grid.update(winner=taps.reshape(*out.shape, -1).argmax(axis=-1), size=int(size),
                stride=int(stride), mode="max" if mode == "max" else "avg")
    return grid
