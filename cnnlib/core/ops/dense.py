"""Flatten and the dense (fully connected) layer (notebook 05)."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t


# Flatten, the dense (fully connected) layer, and counting connections (notebook 05)
def flatten(x, keep_batch=False) -> np.ndarray:
    """All numbers of x in one vector, row by row with channels last, as Keras' ``Flatten``.

    (3, 3) -> (9,); (13, 13, 4) -> (676,) with the 4 channels of pixel (0, 0) first.
    keep_batch=True keeps the first axis, as ``Flatten`` does: (N, 13, 13, 4) -> (N, 676).
    """
    x = np.asarray(x)
    if keep_batch:
        if x.ndim < 2:
            raise ValueError(t('x must be a batch (N, ...) with keep_batch=True, got shape {shape}', shape=x.shape))
        return x.reshape(x.shape[0], -1)
    return x.reshape(-1)


def dense(x, w, b=None) -> np.ndarray:
    """A fully connected layer: ``x @ w + b``.

    x: (n_in,) one example or (N, n_in) a batch; w: (n_in, n_out), Keras' ``Dense`` kernel
    layout (column j holds the weights of output neuron j); b: (n_out,) or None.
    """
    x, w = np.asarray(x), np.asarray(w)
    if w.ndim != 2:
        raise ValueError(t('w must be a 2-D (n_in, n_out) matrix, got shape {shape}', shape=w.shape))
    if x.ndim not in (1, 2):
        raise ValueError(t('x must be (n_in,) or (N, n_in); flatten it first (got shape {shape})', shape=x.shape))
    if x.shape[-1] != w.shape[0]:
        raise ValueError(t('x has {n_x} inputs but w expects n_in = {n_in} (shapes {x_shape} and {w_shape})', n_x=x.shape[-1], n_in=w.shape[0], x_shape=x.shape, w_shape=w.shape))
    out = x @ w
    if b is not None:
        b = np.asarray(b)
        if b.shape != (w.shape[1],):
            raise ValueError(t('b must hold one bias per output ({n_out}), got shape {b_shape}', n_out=w.shape[1], b_shape=b.shape))
        out = out + b
    return out
