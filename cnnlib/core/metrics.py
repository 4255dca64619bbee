"""Reading a classifier's results: accuracy, the confusion matrix, the most confident mistakes.

Pure numpy: the numpy tiny CNN of notebook 05 and the Keras models of notebooks 07-08 are scored
by the same functions.
"""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy", "confusion_matrix", "most_confident_mistakes"]


def accuracy(scores, y) -> float:
    """The share of samples whose predicted class is the label.

    scores: (N, classes) probabilities or logits (the largest one is the prediction), or (N,)
    predicted labels. y: N labels.
    """
    scores, y = np.asarray(scores), np.asarray(y).ravel()
    if scores.ndim not in (1, 2) or len(scores) != len(y):
        raise ValueError(f"scores must be (N, classes) or (N,) predictions for N = {len(y)} "
                         f"labels, got shape {scores.shape}")
    if len(y) == 0:
        raise ValueError("y must hold at least one label")
    pred = scores.argmax(axis=1) if scores.ndim == 2 else scores
    return float(np.mean(pred == y))


def confusion_matrix(y_true, y_pred, n_classes: int = 10) -> np.ndarray:
    """counts[i, j] = how many digits with label i were predicted as j."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {y_true.shape} and "
                         f"{y_pred.shape}")
    for name, v in (("y_true", y_true), ("y_pred", y_pred)):
        whole = v.dtype.kind in "iub" or (v.dtype.kind == "f" and np.isfinite(v).all()
                                          and np.array_equal(v, np.round(v)))
        if not whole or (v.size and (v.min() < 0 or v.max() >= n_classes)):
            raise ValueError(f"{name} must hold whole-number labels in [0, {n_classes - 1}], "
                             f"got {v[:5].tolist()}{'...' if v.size > 5 else ''}")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true.astype(int), y_pred.astype(int)), 1)
    return counts


def most_confident_mistakes(probs, y_true, k: int = 12) -> np.ndarray:
    """Indices of the (at most k) wrong predictions made with the highest probability."""
    probs, y_true = np.asarray(probs), np.asarray(y_true)
    if probs.ndim != 2 or len(probs) != len(y_true):
        raise ValueError(f"probs must be (N, classes) for N labels, got {probs.shape}")
    pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(pred != y_true)
    confidence = probs[wrong, pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:k]
