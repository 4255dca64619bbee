"""A convolution is a matrix product (notebooks 02, 05 and 06).

* ``conv_matrix``: the matrix C with ``C @ x.ravel() == conv2d(x, kernel).ravel()``. One row per
  output cell, one column per input pixel; each row holds the kernel's numbers over its window
  and zeros elsewhere. Its transpose sends a gradient back: dLoss/dx = Cᵀ · G, a *transposed
  convolution*.
* ``im2col``: every window of x as a row, so that ``im2col(x, k.shape) @ k.ravel()`` is the
  convolution, and ``im2col(x, k.shape).T @ G.ravel()`` is dLoss/dkernel.

Both work on one 2-D image (or an (H, W, C) stack for ``im2col``), with the stride and padding
of ``conv2d``; padded pixels are zeros, so they add nothing and C has no column for them.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t

from .arithmetic import pad_amounts
from .validate import as_int, pair


def _shape_hw(input_shape) -> tuple[int, int]:
    """(H, W) from an (H, W) pair of integers >= 1, or a ValueError naming input_shape."""
    if isinstance(input_shape, (str, bytes)) or not hasattr(input_shape, "__len__") \
            or len(input_shape) != 2:
        raise ValueError(t('input_shape must be an (H, W) pair of integers >= 1, got {value!r}',
                           value=input_shape))
    return (as_int(input_shape[0], "input_shape[0]", 1), as_int(input_shape[1], "input_shape[1]", 1))


def _kernel_2d(kernel) -> np.ndarray:
    k = np.asarray(kernel)
    if k.dtype == object or not (np.issubdtype(k.dtype, np.number) or k.dtype == bool):
        raise ValueError(t('kernel must be a numeric array, got dtype {dtype}', dtype=k.dtype))
    if k.ndim != 2 or 0 in k.shape:
        raise ValueError(t('kernel must be a non-empty 2-D (kh, kw) array, got shape {shape}',
                           shape=k.shape))
    return k


def _geometry(hw, khw, stride, padding):
    """Validated stride, padding ((top, bottom), (left, right)) and output size (oh, ow)."""
    s = pair(stride, "stride")
    pads = pad_amounts(hw, khw, s, padding)  # raises for a bad padding or a kernel too large
    oh, ow = ((hw[i] + sum(pads[i]) - khw[i]) // s[i] + 1 for i in range(2))
    return s, pads, oh, ow


def conv_matrix(input_shape, kernel, stride=1, padding="valid") -> np.ndarray:
    """The convolution as a matrix: C of shape (oh * ow, H * W) with
    ``C @ x.ravel() == conv2d(x, kernel, stride, padding).ravel()`` for every x of input_shape.

    input_shape: (H, W); kernel: a 2-D (kh, kw) array; stride and padding as in ``conv2d``.
    Row r = i * ow + j is output cell (i, j): the kernel's numbers at the pixels of its window,
    zero everywhere else (a kernel tap that lands on padding has no column: it meets a zero).

    >>> conv_matrix((3, 3), [[1, 2], [3, 4]]).astype(int)[0].tolist()
    [1, 2, 0, 3, 4, 0, 0, 0, 0]
    """
    h, w = _shape_hw(input_shape)
    k = _kernel_2d(kernel)
    kh, kw = k.shape
    s, ((top, _), (left, _)), oh, ow = _geometry((h, w), (kh, kw), stride, padding)
    dtype = np.result_type(k.dtype, np.float32)
    c = np.zeros((oh, ow, h, w), dtype=dtype)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - top, j * s[1] - left   # the window's corner, in input pixels
            rows = slice(max(r0, 0), max(min(r0 + kh, h), 0))
            cols = slice(max(c0, 0), max(min(c0 + kw, w), 0))
            if rows.start >= rows.stop or cols.start >= cols.stop:
                continue   # a window on padding alone: an all-zero row
            c[i, j, rows, cols] = k[rows.start - r0:rows.stop - r0, cols.start - c0:cols.stop - c0]
    return c.reshape(oh * ow, h * w)


def im2col(x, kernel_shape, stride=1, padding="valid") -> np.ndarray:
    """Every window of x as a row: shape (oh * ow, kh * kw) for a 2-D x, (oh * ow, kh * kw * C)
    for an (H, W, C) x, the numbers of a window in the kernel's order (row by row, the channels
    of each tap side by side).

    Then ``im2col(x, k.shape) @ k.ravel()`` is ``conv2d(x, k, stride, padding).ravel()``: the
    whole convolution in one matrix product, which is how fast libraries compute it.

    >>> im2col(np.arange(9).reshape(3, 3), (2, 2)).astype(int).tolist()[0]
    [0, 1, 3, 4]
    """
    x = np.asarray(x)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(t('x must be a numeric array, got dtype {dtype}', dtype=x.dtype))
    if x.ndim not in (2, 3) or 0 in x.shape:
        raise ValueError(t('x must be a non-empty (H, W) or (H, W, C) array, got shape {shape}',
                           shape=x.shape))
    if isinstance(kernel_shape, (str, bytes)) or not hasattr(kernel_shape, "__len__") \
            or len(kernel_shape) != 2:
        raise ValueError(t('kernel_shape must be a (kh, kw) pair of integers >= 1, got {value!r}',
                           value=kernel_shape))
    kh = as_int(kernel_shape[0], "kernel_shape[0]", 1)
    kw = as_int(kernel_shape[1], "kernel_shape[1]", 1)
    x3 = x[:, :, None] if x.ndim == 2 else x
    s, pads, oh, ow = _geometry(x3.shape[:2], (kh, kw), stride, padding)
    xp = np.pad(x3.astype(np.result_type(x3.dtype, np.float32), copy=False), (*pads, (0, 0)))
    cols = np.empty((oh, ow, kh, kw, x3.shape[2]), dtype=xp.dtype)
    for i in range(kh):   # one slice per kernel tap, for every window at once
        for j in range(kw):
            cols[:, :, i, j, :] = xp[i:i + s[0] * (oh - 1) + 1:s[0], j:j + s[1] * (ow - 1) + 1:s[1]]
    return cols.reshape(oh * ow, kh * kw * x3.shape[2])
