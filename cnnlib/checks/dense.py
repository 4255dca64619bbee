"""Exercise checkers for notebook 05 (fully connected layer and softmax).

Each compares the learner's answer with ``cnnlib.ops`` and prints a verdict; an answer still
``None`` prints a hint instead, so a notebook run never fails on an unanswered exercise.
"""

from __future__ import annotations

import numpy as np

from cnnlib import ops

from .common import report
from .common import unanswered as _unanswered

__all__ = [
    "softmax_answer",
    "softmax_function",
    "cross_entropy_answer",
    "dense_params_answer",
    "flatten_index_answer",
]



def softmax_answer(answer, logits, temperature=1.0, tol=0.005) -> bool:
    """Check probabilities computed by hand (a list of numbers, rounding to 2 decimals is fine)."""
    if _unanswered(answer, "Hint: exp(z_i / T) / sum_j exp(z_j / T)."):
        return False
    expected = ops.softmax(np.asarray(logits, float) / temperature)
    try:
        got = np.asarray(answer, dtype=float).ravel()
    except (TypeError, ValueError):
        return report(False, "", f"Give a list of {expected.size} numbers, got {answer!r}.")
    if got.shape != expected.shape:
        return report(False, "", f"Give one probability per logit ({expected.size}), got "
                                 f"{got.size}.")
    ok = bool(np.allclose(got, expected, atol=tol))
    return report(ok, f"Right: {np.round(expected, 3).tolist()} (they sum to 1).",
                  "Not quite. Check: every number between 0 and 1, summing to 1; did you "
                  "divide by T before exp?")


def softmax_function(fn) -> bool:
    """Check a learner's own softmax(z) on ordinary logits, a batch, and logits of 1000."""
    if _unanswered(fn, "Define def my_softmax(z): ... and pass the function itself."):
        return False
    cases = [np.array([2.0, 1.0, 0.1]), np.array([0.0, 0.0, 0.0, 0.0]),
             np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]]), np.array([1000.0, 999.0, 998.0]),
             np.array([-1000.0, -1001.0])]
    for z in cases:
        try:
            with np.errstate(all="ignore"):
                result = fn(z)
            if result is None:
                print("✏️  Not answered yet: your function returns None. Hint: exp(z) / sum.")
                return False
            got = np.asarray(result, dtype=float)
        except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
            return report(False, "", f"Your function raised {type(err).__name__}: {err} for "
                                     f"z = {z.tolist()}.")
        expected = ops.softmax(z)
        if got.shape != expected.shape or not np.allclose(got, expected, atol=1e-6):
            hint = ("subtract z.max() before exp, or exp overflows" if np.abs(z).max() >= 1000
                    else "work along the last axis (axis=-1, keepdims=True) for a batch"
                    if z.ndim == 2 else "exp(z) / exp(z).sum()")
            return report(False, "", f"Wrong for z = {z.tolist()}: got {np.round(got, 4)}, "
                                     f"expected {np.round(expected, 4)}. Hint: {hint}.")
    return report(True, "Right, and stable for logits of ±1000 too.", "")


def cross_entropy_answer(answer, probs, label, tol=0.01) -> bool:
    """Check -log p[label] computed by hand."""
    if _unanswered(answer, "Hint: the loss is -log of the probability given to the true label."):
        return False
    expected = ops.cross_entropy(probs, label)
    try:
        ok = abs(float(answer) - expected) <= tol
    except (TypeError, ValueError):
        return report(False, "", f"Give one number, got {answer!r}.")
    return report(ok, f"Right: -log({probs[label]}) = {expected:.3f}.",
                  f"Not quite: use the natural log of p[{label}] = {probs[label]}, with a minus.")


def dense_params_answer(answer, n_in, n_out, bias=True) -> bool:
    """Check the parameter count of a dense layer with n_in inputs and n_out neurons."""
    if _unanswered(answer, "Hint: one weight per (input, output) pair, plus one bias per output."):
        return False
    expected = ops.dense_param_count(n_in, n_out, bias)
    return report(answer == expected, f"Right: {n_in:,} × {n_out:,} + {n_out if bias else 0:,} = "
                                      f"{expected:,}.",
                  f"Not quite: you said {answer!r}. Count n_in × n_out weights"
                  + (", then add one bias per output." if bias else "."))


def flatten_index_answer(answer, row, col, channel, shape) -> bool:
    """Check where pixel (row, col, channel) of an (H, W, C) array lands after flatten."""
    if _unanswered(answer, "Hint: row by row, and the C channels of each pixel side by side."):
        return False
    h, w, c = shape
    if not (0 <= row < h and 0 <= col < w and 0 <= channel < c):
        raise ValueError(f"(row, col, channel) must lie inside shape {shape}")
    marker = np.zeros(shape)
    marker[row, col, channel] = 1
    expected = int(np.argmax(ops.flatten(marker)))
    return report(answer == expected, f"Right: ({row}·{w} + {col})·{c} + {channel} = {expected}.",
                  f"Not quite: you said {answer!r}. Count whole rows first ({w * c} numbers "
                  f"each), then whole pixels ({c} numbers each).")
