"""Activations and the output layer: ReLU, sigmoid, softmax (stable and naive), cross-entropy."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t

from .validate import as_int


# Activations and the output layer
def relu(x):
    """max(0, x), element-wise."""
    return np.maximum(np.asarray(x), 0)


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for large |x|."""
    x = np.asarray(x, dtype=np.result_type(np.asarray(x).dtype, np.float32))
    e = np.exp(-np.abs(x))  # <= 1, never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z, axis=-1):
    """exp(z) / sum(exp(z)) along ``axis``; subtracting the max keeps logits of 1e4 finite."""
    z = np.asarray(z, dtype=np.result_type(np.asarray(z).dtype, np.float32))
    if z.ndim == 0:
        raise ValueError(t('z must have at least one axis of logits'))
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(t('axis must be in [{lowest}, {highest}] for z of shape {shape}', lowest=-z.ndim, highest=z.ndim - 1, shape=z.shape))
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def cross_entropy(probs, label) -> float:
    """-log(probability given to the true label), the loss for one example."""
    probs = np.asarray(probs, dtype=float)
    label = as_int(label, "label", 0)
    if probs.ndim != 1 or label >= probs.shape[0]:
        raise ValueError(t('label must be in [0, {last}], got {label}', last=probs.shape[-1] - 1, label=label))
    return float(-np.log(max(probs[label], np.finfo(float).tiny)))


def softmax_naive(z, axis=-1) -> np.ndarray:
    """exp(z) / sum(exp(z)) straight from the formula, *without* subtracting the max.

    Only here to show why ``softmax`` subtracts it: logits of 1e4 overflow exp to inf and the
    result is nan (inf / inf); logits of -1e4 underflow to 0 / 0 = nan. Never use it for work.
    """
    z = np.asarray(z, dtype=np.result_type(np.asarray(z).dtype, np.float32))
    if z.ndim == 0:
        raise ValueError(t('z must have at least one axis of logits'))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)
