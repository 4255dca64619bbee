"""Exercise checkers for notebook 03 (padding, stride, dilation, receptive field).

Each returns True/False and prints a verdict; an answer still set to ``None`` gets a hint and
False, never an exception, so a notebook runs through before the learner has answered.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnnlib import ops

from .common import report
from .common import unanswered as _unanswered

__all__ = ["check_output_size", "check_same_padding", "check_tf_same_pads", "check_skipped",
           "check_receptive_field", "check_output_size_function"]



def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def check_output_size(answer, n, kernel, stride=1, padding="valid", dilation=1) -> bool:
    """A predicted output size (one axis) for these settings."""
    if _unanswered(answer):
        return False
    expected = ops.output_size(n, kernel, stride, padding, dilation)
    return report(_is_int(answer) and answer == expected,
                  f"Right: {ops.output_size_formula(n, kernel, stride, padding, dilation)}"
                  f" = {expected}.",
                  f"Not quite: you said {answer!r}. Fill in floor((n + 2p − d(k−1) − 1)/s) + 1"
                  " (for 'same': ceil(n / s)).")


def check_same_padding(answer, kernel) -> bool:
    """The zero padding p (per side) that keeps the size unchanged, stride 1, odd kernel."""
    if not _is_int(kernel) or kernel < 1 or kernel % 2 == 0:
        raise ValueError(f"kernel must be an odd integer >= 1, got {kernel!r}")
    if _unanswered(answer):
        return False
    # Independent of any formula: try p = 0, 1, 2, ... until the size stays put.
    n = 50
    expected = next(p for p in range(kernel) if ops.output_size(n, kernel, 1, p) == n)
    return report(_is_int(answer) and answer == expected,
                  f"Right: p = {expected} keeps n × n at n × n for a {kernel}×{kernel} kernel.",
                  f"Not quite: with p = {answer!r} the size changes. The kernel overhangs by "
                  f"(k − 1)/2 on each side.")


def check_tf_same_pads(answer, n, kernel, stride) -> bool:
    """(before, after) zero pixels TensorFlow's SAME adds along one axis."""
    if _unanswered(answer):
        return False
    expected = ops.pad_amounts((n, n), (kernel, kernel), stride, "same")[0]
    ok = isinstance(answer, (tuple, list)) and len(answer) == 2 and tuple(answer) == expected
    return report(ok,
                  f"Right: {expected[0]} before and {expected[1]} after (the odd pixel goes to "
                  "the bottom/right).",
                  f"Not quite: you said {answer!r}. Output = ceil(n / s); total padding = "
                  "max((out − 1)·s + k − n, 0); before = total // 2, after = the rest.")


def check_skipped(answer, n, kernel, stride=1, padding="valid", dilation=1) -> bool:
    """How many of the n input rows no window ever reads."""
    if _unanswered(answer):
        return False
    expected = int(np.sum(~ops.visited_positions(n, kernel, stride, padding, dilation)))
    return report(_is_int(answer) and answer == expected,
                  f"Right: {expected} row(s) never reach the output.",
                  f"Not quite: you said {answer!r}. List the rows each window covers "
                  "(start at 0, step by the stride) and see which are left out.")


def check_receptive_field(answer, layers) -> bool:
    """The receptive field (input pixels per side) of a stack of (kernel, stride) layers."""
    if _unanswered(answer):
        return False
    expected = ops.receptive_field(layers)
    return report(_is_int(answer) and answer == expected,
                  f"Right: one neuron at the top sees {expected} × {expected} input pixels.",
                  f"Not quite: you said {answer!r}. Each layer adds (k − 1) × (product of the "
                  "strides below it) pixels.")


def check_output_size_function(fn) -> bool:
    """Your own ``output_size(n, k, s, p, d)`` (p an int) against ``ops.output_size`` on many
    settings."""
    if fn is None or not callable(fn):
        print("✏️ Define your function and pass it in, e.g. check_output_size_function(my_size).")
        return False
    for n in range(1, 13):
        for k in range(1, 6):
            for s in range(1, 4):
                for p in range(3):
                    for d in range(1, 3):
                        if d * (k - 1) + 1 > n + 2 * p:
                            continue  # the kernel does not fit: no output size
                        expected = ops.output_size(n, k, s, p, d)
                        try:
                            got = fn(n, k, s, p, d)
                        except Exception as err:  # noqa: BLE001 - report the learner's error
                            return report(False, "", f"Your function raised {err!r} for n={n}, "
                                          f"k={k}, s={s}, p={p}, d={d}.")
                        if got is None:
                            print("✏️ Your function returns None: replace the placeholder with "
                                  "the formula, then run the cell again.")
                            return False
                        if got != expected:
                            return report(False, "", f"For n={n}, k={k}, s={s}, p={p}, d={d} "
                                          f"you give {got!r}, the answer is {expected}.")
    return report(True, "Right on every setting tried (n up to 12, k up to 5, s up to 3, "
                  "p up to 2, d up to 2).", "")
