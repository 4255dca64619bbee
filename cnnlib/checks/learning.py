"""Exercise checkers for notebook 06 (how a CNN learns).

Each returns True/False and prints ✅ or ❌ with a hint; an answer still set to ``None`` gets a
hint and False, never an exception. References come from ``cnnlib.ops`` (conv2d_grad,
pool2d_grad), which the tests check against TensorFlow.
"""

from __future__ import annotations

import numpy as np

from cnnlib import ops

from .common import report, unanswered

__all__ = ["check_kernel_grad", "check_input_grad", "check_max_pool_grad"]


def _grid(answer, shape):
    """The answer as a float array of ``shape``, or a message saying what is wrong."""
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None, f"Your answer {answer!r} is not a grid of numbers."
    if got.shape != shape:
        return None, f"Your answer has shape {got.shape}; it should be {shape}."
    return got, ""


def _compare(answer, expected, what, hint) -> bool:
    got, problem = _grid(answer, expected.shape)
    if got is None:
        return report(False, "", problem)
    wrong = np.argwhere(~np.isclose(got, expected, atol=1e-6))
    if not len(wrong):
        return report(True, f"Right: {what} = {expected.tolist()}.", "")
    r, c = wrong[0]
    return report(False, "", f"Not quite: look again at row {r}, column {c}. {hint}")


def check_kernel_grad(answer, x, grad_out) -> bool:
    """Your dLoss/dkernel for input x and the output's gradient grad_out (valid, stride 1).

    The kernel is (x rows − grad_out rows + 1) × (x cols − grad_out cols + 1).
    """
    if unanswered(answer, "dk[i, j] = sum of grad_out times the input window that tap (i, j) "
                          "meets."):
        return False
    x, g = np.asarray(x, float), np.asarray(grad_out, float)
    shape = (x.shape[0] - g.shape[0] + 1, x.shape[1] - g.shape[1] + 1)
    _, dk, _ = ops.conv2d_grad(x, np.zeros(shape), g)
    return _compare(answer, dk, "dLoss/dk",
                    "dk[i, j] is x[i:i+h, j:j+w] (h × w = grad_out's shape) times grad_out, "
                    "cell by cell, added up: the input correlated with the output's gradient.")


def check_input_grad(answer, kernel, grad_out) -> bool:
    """Your dLoss/dx for a valid, stride-1 convolution with ``kernel``, given grad_out."""
    if unanswered(answer, "Every output cell sends grad_out × kernel back onto its window."):
        return False
    k, g = np.asarray(kernel, float), np.asarray(grad_out, float)
    x = np.zeros((g.shape[0] + k.shape[0] - 1, g.shape[1] + k.shape[1] - 1))
    dx, _, _ = ops.conv2d_grad(x, k, g)
    return _compare(answer, dx, "dLoss/dx",
                    "Place the kernel, times that output cell's gradient, over each output "
                    "cell's window and add where windows overlap (grad_out convolved with the "
                    "flipped kernel).")


def check_max_pool_grad(fn) -> bool:
    """Your ``max_pool_grad(x, grad_out, size)`` (2-D x, stride = size, no padding) against
    ``ops.pool2d_grad``, on maps with ties and left-over rows and columns."""
    if fn is None or not callable(fn):
        print("✏️ Define your function and pass it in, e.g. check_max_pool_grad(my_pool_grad).")
        return False
    rng = np.random.default_rng(0)
    for h, w, size in [(4, 4, 2), (6, 6, 3), (5, 7, 2), (4, 4, 2), (8, 9, 4), (3, 3, 1)]:
        x = rng.integers(0, 3, size=(h, w)).astype(float)   # values 0-2: many ties
        g = rng.integers(1, 10, size=(h // size, w // size)).astype(float)
        expected = ops.pool2d_grad(x, g, size)
        try:
            got = fn(x.copy(), g.copy(), size)
        except Exception as err:  # noqa: BLE001 - report the learner's error, never raise
            return report(False, "", f"Your function raised {err!r} on a {h}×{w} map, "
                          f"size {size}.")
        if got is None:
            print("✏️ Your function returns None: fill it in, then run the cell again.")
            return False
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return report(False, "", f"Your function returned {got!r}, not a grid of numbers.")
        if got.shape != expected.shape:
            return report(False, "", f"On a {h}×{w} map you return shape {got.shape}; the "
                          f"gradient has the input's shape {expected.shape}.")
        if not np.allclose(got, expected):
            r, c = np.argwhere(~np.isclose(got, expected))[0]
            return report(False, "", f"On a {h}×{w} map with size {size}, cell ({r}, {c}) "
                          f"should get {expected[r, c]:g}, you give {got[r, c]:g}. Each window "
                          "sends its whole gradient to its largest cell (on a tie, the first "
                          "one row by row); leftover rows and columns get 0.")
    return report(True, "Right on every map tried, ties and leftover rows included.", "")
