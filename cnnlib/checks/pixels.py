"""Exercise checkers for notebook 01 (pixels and channels).

Each takes the learner's answer, compares it with a computation of its own (``cnnlib.images``,
``cnnlib.ops``), prints a verdict and returns True or False. An answer still ``None`` gets a
hint instead (and False), so a notebook run never fails on an unanswered exercise.
"""

from __future__ import annotations

import numpy as np

from cnnlib import images, ops
from cnnlib.checks.common import as_number, report, unanswered

__all__ = ["pending", "check_pixel_count", "check_grayscale", "check_normalized",
           "check_mlp_weights", "check_flat_index"]


def pending(answer, hint: str) -> bool:
    """True (after printing the hint) when the exercise is not answered yet."""
    return unanswered(answer, hint)


def check_pixel_count(answer, height, width, channels=3) -> bool:
    """How many numbers does a height x width image with this many channels hold?"""
    if pending(answer, "multiply height, width and the number of channels."):
        return False
    expected = int(np.prod(np.zeros((height, width, channels), dtype=np.uint8).shape))
    value = as_number(answer)
    return report(value == expected, f"Right: {height} x {width} x {channels} = {expected:,}.",
                  f"Not quite: you said {answer!r}. Every pixel holds one number per channel.")


def check_grayscale(answer, rgb) -> bool:
    """The gray value of one (r, g, b) pixel with the weights 0.299, 0.587, 0.114 (within 0.5)."""
    if pending(answer, "gray = 0.299·R + 0.587·G + 0.114·B."):
        return False
    expected = float(images.grayscale(np.asarray(rgb, dtype=float).reshape(1, 1, 3))[0, 0])
    value = as_number(answer)
    ok = value is not None and abs(value - expected) <= 0.5
    return report(ok, f"Right: {expected:.1f}. Green counts most: our eyes are most sensitive "
                      "to it.",
                  f"Not quite: you said {answer!r}. Weigh R, G and B by 0.299, 0.587, 0.114.")


def check_normalized(answer, img) -> bool:
    """The 0-255 image img scaled into [0, 1] (divided by 255)."""
    if pending(answer, "divide by 255, as floats."):
        return False
    expected = images.normalize(img)
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.shape != expected.shape:
        got = None if arr is None else arr.shape
        return report(False, "", f"Not quite: expected shape {expected.shape}, got {got}.")
    ok = np.allclose(arr, expected, atol=1e-6)
    return report(ok, f"Right: values now run from {arr.min():.3f} to {arr.max():.3f}.",
                  "Not quite: some values differ. Did integer division round them to 0 or 1?")


def check_mlp_weights(answer, height, width, channels=3) -> bool:
    """Weights (bias not counted) that ONE hidden neuron needs for a flattened image."""
    if pending(answer, "one weight per input number."):
        return False
    n_in = height * width * channels
    expected = ops.dense_param_count(n_in, 1, bias=False)
    value = as_number(answer)
    if value == expected + 1:
        return report(False, "", "Almost: that counts the bias too. How many weights alone?")
    return report(value == expected, f"Right: {expected:,} weights, for a single neuron.",
                  f"Not quite: you said {answer!r}. The neuron sees every number of the image.")


def check_flat_index(answer, row, col, width, channel=0, channels=1) -> bool:
    """Where pixel (row, col) (and channel) lands when an (H, W[, C]) image is flattened."""
    if pending(answer, "count the full rows above the pixel first."):
        return False
    grid = np.arange((row + 1) * width * channels).reshape(row + 1, width, channels)
    expected = int(grid[row, col, channel])  # numpy's own row-major order
    value = as_number(answer)
    return report(value == expected, f"Right: index {expected}. Its neighbour below sits "
                                     f"{width * channels} places further on.",
                  f"Not quite: you said {answer!r}. Flattening goes row by row (and channel by "
                  "channel within a pixel).")
