"""Exercise checkers for notebook 04 (pooling).

Each returns True/False and prints a verdict; an answer still set to ``None`` gets a hint and
False, never an exception, so a notebook runs through before the learner has answered.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnnlib import ops

from .common import report
from .common import unanswered as _unanswered

__all__ = ["check_pooled", "check_pooled_size", "check_pool_function", "check_value_count"]



def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def check_pooled(answer, x, size=2, stride=None, mode="max") -> bool:
    """Your pooled output (a list of lists or an array) for the small feature map x."""
    if _unanswered(answer):
        return False
    expected = ops.pool2d(np.asarray(x, dtype=float), size, stride, mode=mode)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return report(False, "", f"Your answer {answer!r} is not a grid of numbers.")
    if got.shape != expected.shape:
        return report(False, "", f"Your answer has shape {got.shape}; the pooled map is "
                      f"{expected.shape[0]} × {expected.shape[1]}.")
    ok = np.allclose(got, expected, atol=0.01)
    wrong = np.argwhere(~np.isclose(got, expected, atol=0.01))
    where = f" Look again at row {wrong[0][0]}, column {wrong[0][1]}." if len(wrong) else ""
    name = "largest" if mode == "max" else "mean"
    return report(ok, f"Right: {expected.tolist()}.",
                  f"Not quite: each output cell is the {name} of its window.{where}")


def check_pooled_size(answer, n, size, stride=None) -> bool:
    """The pooled length of one axis of n cells (valid pooling, stride defaults to size)."""
    if _unanswered(answer):
        return False
    stride = size if stride is None else stride
    expected = ops.output_size(n, size, stride)
    return report(_is_int(answer) and answer == expected,
                  f"Right: floor(({n} − {size})/{stride}) + 1 = {expected}.",
                  f"Not quite: you said {answer!r}. Pooling follows the same formula as a "
                  "convolution without padding: floor((n − size)/stride) + 1.")


def check_pool_function(fn, mode="max") -> bool:
    """Your own ``pool(x, size)`` (2-D x, stride = size, no padding) against ``ops.pool2d`` on
    random feature maps."""
    if fn is None or not callable(fn):
        print("✏️ Define your function and pass it in, e.g. check_pool_function(my_max_pool).")
        return False
    rng = np.random.default_rng(0)
    for h, w, size in [(4, 4, 2), (6, 6, 3), (5, 7, 2), (9, 8, 3), (8, 8, 4), (3, 3, 1)]:
        x = rng.integers(0, 10, size=(h, w)).astype(float)
        expected = ops.pool2d(x, size, mode=mode)
        try:
            got = fn(x, size)
        except Exception as err:  # noqa: BLE001 - report the learner's error
            return report(False, "", f"Your function raised {err!r} on a {h}×{w} map, "
                          f"size {size}.")
        if got is None:
            print("✏️ Your function returns None: fill in the pooling, then run the cell again.")
            return False
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return report(False, "", f"Your function returned {got!r}, not a grid of numbers.")
        if got.shape != expected.shape or not np.allclose(got, expected):
            return report(False, "", f"On a {h}×{w} map with size {size} you give shape "
                          f"{got.shape}, expected {expected.shape}; check the window slices "
                          "and what happens to leftover rows/columns (they are dropped).")
    return report(True, "Right on every map tried, including sizes that leave rows over.", "")


def check_value_count(answer, image=96, kernel=8, features=400, pool=None) -> bool:
    """How many numbers ``features`` kernels of size ``kernel`` give on an image × image input
    (valid convolution, stride 1), optionally followed by pool × pool pooling (stride = pool)."""
    if _unanswered(answer):
        return False
    side = ops.output_size(image, kernel)
    if pool is not None:
        side = ops.output_size(side, pool, pool)
    expected = side * side * features
    return report(_is_int(answer) and answer == expected,
                  f"Right: {side}² × {features} = {expected:,}.",
                  f"Not quite: you said {answer!r}. Side after the convolution: "
                  f"{image} − {kernel} + 1; then (if pooling) floor((side − pool)/pool) + 1; "
                  "square it and multiply by the number of features.")
