"""Exercise checkers for the pixels-and-channels notebook.

Each compares the learner's answer with a computation of its own (``cnnlib.core.images``,
``cnnlib.core.ops``), prints a verdict and returns a :class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import numpy as np

from cnnlib.core import images, ops
from cnnlib.text.i18n import t

from .common import (
    CheckResult,
    judge,
    not_int_hint,
    read_array,
    read_int,
    read_number,
    right,
    show,
    wrong,
)

__all__ = ["check_pixel_count", "check_grayscale", "check_normalized", "check_mlp_weights",
           "check_flat_index"]


def check_pixel_count(answer, height, width, channels=3, *, show_answer=False) -> CheckResult:
    """How many numbers does a height x width image with this many channels hold?"""
    expected = int(np.prod(np.zeros((height, width, channels), dtype=np.uint8).shape))
    solution = f"{height} × {width} × {channels} = {expected:,}."

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {solution}', solution=solution))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a count'))))
        if value == height * width and channels > 1:
            return wrong(t('Not quite: {value:,} is the number of pixels. Every pixel holds one number per channel.', value=value))
        return wrong(t('Not quite: you said {value:,}. Multiply height, width and channels.', value=value))

    return judge("check_pixel_count", (height, width, channels), answer, grade,
                 todo=t('multiply height, width and the number of channels.'),
                 solution=solution, show_answer=show_answer)


def check_grayscale(answer, rgb, *, show_answer=False) -> CheckResult:
    """The gray value of one (r, g, b) pixel with the weights 0.299, 0.587, 0.114 (within 0.5)."""
    rgb = np.asarray(rgb, dtype=float).reshape(3)
    expected = float(images.grayscale(rgb.reshape(1, 1, 3))[0, 0])
    r, g, b = (f"{v:g}" for v in rgb)
    solution = f"0.299·{r} + 0.587·{g} + 0.114·{b} = {expected:.1f}."

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t('Not quite: give one number (0-255), not {show}.', show=show(answer)))
        if abs(value - expected) <= 0.5:
            return right(t('Right: {expected:.1f}. Green counts most: our eyes are most sensitive to it.', expected=expected))
        if abs(value - rgb.mean()) <= 0.5:
            return wrong(t('Not quite: that is the plain average. The eye weighs the channels differently: 0.299, 0.587, 0.114.'))
        if abs(value - rgb @ [0.114, 0.587, 0.299]) <= 0.5:
            return wrong(t('Not quite: the weights are swapped. R gets 0.299 and B gets 0.114.'))
        if abs(value - expected / 255) <= 0.01:
            return wrong(t('Not quite: that is on the 0-1 scale. Give it in 0-255, like the pixel.'))
        return wrong(t('Not quite: you said {value:g}. Weigh R, G and B by 0.299, 0.587, 0.114 and add.', value=value))

    return judge("check_grayscale", tuple(rgb), answer, grade,
                 todo=t('gray = 0.299·R + 0.587·G + 0.114·B.'),
                 solution=solution, show_answer=show_answer)


def check_normalized(answer, img, *, show_answer=False) -> CheckResult:
    """The 0-255 image img scaled into [0, 1] (divided by 255)."""
    img = np.asarray(img)
    expected = images.normalize(img)

    def grade(answer):
        arr = read_array(answer)
        if arr is None:
            return wrong(t('Not quite: give an array of numbers (an expression using the image), not {show}.', show=show(answer)))
        if arr.shape != expected.shape:
            return wrong(t("Not quite: the result should keep the image's shape {expected_shape}, got {got_shape}.", expected_shape=expected.shape, got_shape=arr.shape))
        if np.allclose(arr, expected, atol=1e-6):
            return right(t('Right: values now run from {min:.3f} to {max:.3f}.', min=arr.min(), max=arr.max()))
        if np.allclose(arr, img // 255):
            return wrong(t('Not quite: integer division (//) rounds every value to 0 or 1. Use / to divide.'))
        if np.allclose(arr, img):
            return wrong(t('Not quite: the values are still 0-255. Divide by the largest value.'))
        if np.allclose(arr, img / 256, atol=1e-6):
            return wrong(t('Not quite: the largest value is 255, not 256, so 255 must become 1.'))
        return wrong(t('Not quite: some values differ. Every value v becomes v / 255.'))

    return judge("check_normalized", (img,), answer, grade,
                 todo=t('divide by 255, as floats.'), solution=t('img / 255 (the toy image: toy / 255).'), show_answer=show_answer)


def check_mlp_weights(answer, height, width, channels=3, *, show_answer=False) -> CheckResult:
    """Weights (bias not counted) that ONE hidden neuron needs for a flattened image."""
    n_in = height * width * channels
    expected = ops.dense_param_count(n_in, 1, bias=False)
    solution = t('{height} × {width} × {channels} = {expected:,} weights, one per input number.', height=height, width=width, channels=channels, expected=expected)

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {expected:,} weights, for a single neuron.', expected=expected))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a count'))))
        if value == expected + 1:
            return wrong(t('Almost: that counts the bias too. How many weights alone?'))
        if channels == 1 and value == height * width * 3:
            return wrong(t('Not quite: a grayscale image has one channel, not three.'))
        return wrong(t('Not quite: you said {value:,}. The neuron sees every number of the image once.', value=value))

    return judge("check_mlp_weights", (height, width, channels), answer, grade,
                 todo=t('one weight per input number.'), solution=solution,
                 show_answer=show_answer)


def check_flat_index(answer, row, col, width, channel=0, channels=1, *,
                     show_answer=False) -> CheckResult:
    """Where pixel (row, col) (and channel) lands when an (H, W[, C]) image is flattened row
    by row, the channels of one pixel side by side (channels last, as numpy and Keras)."""
    if not (0 <= col < width and 0 <= channel < channels and row >= 0):
        raise ValueError(f"(row, col, channel) must lie inside a {width}-wide image with "
                         f"{channels} channel(s), got ({row}, {col}, {channel})")
    grid = np.arange((row + 1) * width * channels).reshape(row + 1, width, channels)
    expected = int(grid[row, col, channel])  # numpy's own row-major order
    per_row = width * channels
    solution = (f"({row}·{width} + {col})·{channels} + {channel} = {expected}."
                if channels > 1 else f"{row}·{width} + {col} = {expected}.")

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: index {expected}. Its neighbour below sits {per_row} places further on.', expected=expected, per_row=per_row))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('an index'))))
        if value == expected + 1:
            return wrong(t('Not quite: one too many. Indices count from 0.'))
        if value == (col * width + row) * channels + channel:
            return wrong(t('Not quite: row and column are swapped. Count the full rows above the pixel first ({per_row} numbers each).', per_row=per_row))
        if channels > 1 and value == row * width + col:
            return wrong(t('Not quite: each pixel holds {channels} numbers side by side, so multiply by {channels}, then add the channel.', channels=channels))
        if channels > 1 and value == (row * width + col) * channels:
            return wrong(t('Almost: that is where the pixel starts. Add the channel number.'))
        return wrong(t('Not quite: you said {value}. Flattening goes row by row ({per_row} numbers each), then pixel by pixel.', value=value, per_row=per_row))

    return judge("check_flat_index", (row, col, width, channel, channels), answer, grade,
                 todo=t('count the full rows above the pixel first.'), solution=solution,
                 show_answer=show_answer)
