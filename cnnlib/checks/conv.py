"""Exercise checkers for notebook 02 (kernels and stride).

Each compares the learner's answer with ``cnnlib.ops``, prints a verdict and returns True or
False; an unanswered exercise (``None``) prints a hint and returns False.
"""

from __future__ import annotations

import numpy as np

from cnnlib import ops
from cnnlib.checks.common import as_number, report
from cnnlib.checks.pixels import pending

__all__ = ["check_conv_value", "check_conv2d", "check_conv_params", "check_neighbour_kernel"]


def check_conv_value(answer, x, kernel, row, col, stride=1) -> bool:
    """One output cell, worked by hand: output[row, col] of a valid convolution."""
    if pending(answer, "multiply the window and the kernel number by number, then add up."):
        return False
    out = ops.conv2d(x, kernel, stride=stride)
    if not (0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"(row, col) must lie in the {out.shape[0]}x{out.shape[1]} output, "
                         f"got ({row}, {col})")
    expected = float(out[row, col])
    value = as_number(answer)
    ok = value is not None and abs(value - expected) < 1e-6
    r, c = row * stride, col * stride
    return report(ok, f"Right: output[{row}, {col}] = {expected:g}.",
                  f"Not quite: you said {answer!r}. The window's top-left pixel is x[{r}, {c}].")


def check_conv2d(fn, trials: int = 12, seed: int = 0) -> bool:
    """Your ``fn(x, kernel, stride)`` against ``ops.conv2d`` on random 2-D inputs.

    Sizes, kernels (square or not) and strides vary; every trial must match within 1e-6.
    """
    if pending(None if fn is None else fn, "define my_conv2d(x, kernel, stride=1) first."):
        return False
    rng = np.random.default_rng(seed)
    for t in range(trials):
        h, w = rng.integers(3, 10, size=2)
        kh, kw = rng.integers(1, min(h, w) + 1, size=2)
        stride = int(rng.integers(1, 4))
        x = rng.integers(-5, 6, size=(h, w)).astype(float)
        k = rng.integers(-3, 4, size=(kh, kw)).astype(float)
        expected = ops.conv2d(x, k, stride=stride)
        case = f"x {h}x{w}, kernel {kh}x{kw}, stride {stride}"
        try:
            got = np.asarray(fn(x, k, stride), dtype=float)
        except NotImplementedError:
            return report(False, "", "Not written yet: replace the NotImplementedError.")
        except Exception as err:  # noqa: BLE001 - a learner's bug is reported, not raised
            return report(False, "", f"Trial {t + 1} ({case}) raised "
                                     f"{type(err).__name__}: {err}")
        if got.shape != expected.shape:
            return report(False, "", f"Trial {t + 1} ({case}): shape {got.shape}, expected "
                                     f"{expected.shape} = floor((n - k)/s) + 1 per axis.")
        if not np.allclose(got, expected, atol=1e-6):
            bad = tuple(int(i) for i in np.argwhere(~np.isclose(got, expected, atol=1e-6))[0])
            return report(False, "", f"Trial {t + 1} ({case}): output{list(bad)} is "
                                     f"{got[bad]:g}, expected {expected[bad]:g}.")
    return report(True, f"Right on all {trials} random trials: your conv2d matches cnnlib.ops.",
                  "")


def check_conv_params(answer, kh, kw, c_in, c_out, bias=True) -> bool:
    """Learnable numbers of a conv layer: kh*kw*c_in per filter, times c_out, plus biases."""
    if pending(answer, "one kh x kw x c_in kernel per filter, plus one bias each."):
        return False
    expected = ops.conv_param_count(kh, kw, c_in, c_out, bias=bias)
    value = as_number(answer)
    hint = "Did you forget the biases?" if value == expected - c_out and bias else (
        "Each filter spans all input channels.")
    return report(value == expected, f"Right: {kh}·{kw}·{c_in}·{c_out}"
                                     f"{f' + {c_out}' if bias else ''} = {expected:,}.",
                  f"Not quite: you said {answer!r}. {hint}")


def check_neighbour_kernel(kernel) -> bool:
    """A 3x3 kernel whose output is the average of each pixel's 4 neighbours (up, down, left,
    right), the pixel itself not counted. Tested on a random image."""
    if pending(kernel, "a 3x3 array; which taps touch the four neighbours?"):
        return False
    k = np.asarray(kernel, dtype=float)
    if k.shape != (3, 3):
        return report(False, "", f"Not quite: the kernel must be 3x3, got shape {k.shape}.")
    x = np.random.default_rng(1).random((8, 9))
    expected = (x[:-2, 1:-1] + x[2:, 1:-1] + x[1:-1, :-2] + x[1:-1, 2:]) / 4
    ok = np.allclose(ops.conv2d(x, k), expected)
    return report(ok, "Right: a blur that ignores the centre pixel.",
                  "Not quite: try 0.25 on the four neighbours and 0 elsewhere (the centre too).")
