"""Exercise checkers for notebook 07 (a CNN on MNIST).

Each takes the learner's answer (None while unanswered: a hint is printed and False returned,
so a notebook run never fails on an open exercise) and compares it with an independent
computation from ``cnnlib.ops`` or ``cnnlib.data``.
"""

from __future__ import annotations

import numpy as np

from cnnlib import ops

from .common import report
from .common import unanswered as _unanswered

__all__ = [
    "same_padding_flatten_answer",
    "seed_params_answer",
    "most_confused_answer",
    "augmentation_answer",
]



def same_padding_flatten_answer(answer, filters: int = 32) -> bool:
    """How long is the flattened vector if the seed model's 3x3 convolution used
    padding="same" (then 2x2 max pooling)?"""
    if _unanswered(answer, "with padding='same' the 28x28 image stays 28x28; pooling halves "
                           "it; multiply height x width x filters."):
        return False
    side = ops.output_size(ops.output_size(28, 3, padding="same"), 2, stride=2)
    expected = side * side * filters
    return report(answer == expected, f"Right: {side} x {side} x {filters} = {expected}.",
                  f"Not quite: you said {answer!r}. The pooled map is {side} x {side}, "
                  f"with one channel per filter.")


def seed_params_answer(answer, dense_units: int = 100) -> bool:
    """How many weights does the seed model have if its hidden Dense layer has
    ``dense_units`` units instead of 100?"""
    if _unanswered(answer, "add the conv layer (3*3*1*32 + 32), the hidden dense layer "
                           "(5408 inputs) and the output layer, each with its biases."):
        return False
    flat = ops.output_size(ops.output_size(28, 3), 2, stride=2) ** 2 * 32
    expected = (ops.conv_param_count(3, 3, 1, 32) + ops.dense_param_count(flat, dense_units)
                + ops.dense_param_count(dense_units, 10))
    return report(answer == expected, f"Right: {expected:,} weights.",
                  f"Not quite: you said {answer!r}. The Flatten layer hands {flat} numbers to "
                  f"the dense layer: each of its {dense_units} units has one weight per input, "
                  f"plus a bias.")


def most_confused_answer(answer, counts) -> bool:
    """Which (true digit, predicted digit) pair is the most frequent mistake in ``counts``
    (a confusion matrix)? answer: a pair like (4, 9)."""
    if _unanswered(answer, "look off the diagonal of the confusion matrix for the biggest "
                           "number; its row is the true digit, its column the prediction."):
        return False
    counts = np.asarray(counts)
    off = counts * (1 - np.eye(len(counts), dtype=counts.dtype))
    best = off.max()
    if best == 0:
        return report(True, "No mistakes at all: any answer will do!", "")
    pairs = {(int(r), int(c)) for r, c in zip(*np.nonzero(off == best))}
    try:
        given = (int(answer[0]), int(answer[1]))
    except (TypeError, ValueError, IndexError):
        return report(False, "", f"Give a pair (true, predicted), e.g. (4, 9); got {answer!r}.")
    shown = ", ".join(str(p) for p in sorted(pairs))
    return report(given in pairs, f"Right: {given} happens {best} times.",
                  f"Not quite: {given} happens {int(off[given])} times; the most frequent "
                  f"mistake is {shown} ({best} times).")


AUGMENTATION_CHOICES = {
    "a": "rotate by up to 10 degrees",
    "b": "shift by up to 3 pixels",
    "c": "flip left-right",
    "d": "zoom in or out by up to 10%",
}


def augmentation_answer(answer) -> bool:
    """Which augmentation would *hurt* a digit classifier? One of "a", "b", "c", "d"
    (see ``AUGMENTATION_CHOICES``)."""
    if _unanswered(answer, "which change can turn a digit into something that is no longer the "
                           "same digit (think of 2, 3, 7)? " + "; ".join(
                               f"{k}) {v}" for k, v in AUGMENTATION_CHOICES.items())):
        return False
    key = str(answer).strip().lower()
    if key not in AUGMENTATION_CHOICES:
        return report(False, "", f"Answer one of {', '.join(AUGMENTATION_CHOICES)}; "
                                 f"got {answer!r}.")
    return report(key == "c", "Right: a mirrored 3 is not a 3 (and a mirrored 2 looks odd); "
                              "small rotations, shifts and zooms keep the digit's identity.",
                  f"Not quite: '{AUGMENTATION_CHOICES[key]}' keeps a digit readable. Which "
                  f"change would make a 3 look like no digit at all?")
