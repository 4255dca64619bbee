"""Exercise checkers for the MNIST notebook (a CNN trained on handwritten digits).

Each compares the learner's answer with ``cnnlib.core.ops`` or the confusion matrix it is given,
prints a verdict and returns a :class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import N_, t

from .common import (
    CheckResult,
    judge,
    not_int_hint,
    read_int,
    read_pair,
    right,
    show,
    wrong,
)

__all__ = ["check_same_padding_flatten", "check_seed_params", "check_most_confused",
           "check_augmentation"]


def check_same_padding_flatten(answer, filters: int = 32, *, show_answer=False) -> CheckResult:
    """How long is the flattened vector if the seed model's 3x3 convolution used
    padding="same" (then 2x2 max pooling)?"""
    conv = ops.output_size(28, 3, padding="same")
    side = ops.output_size(conv, 2, stride=2)
    valid = ops.output_size(ops.output_size(28, 3), 2, stride=2)
    expected = side * side * filters
    solution = (t("'same' keeps {conv} × {conv}, pooling halves it to {side} × {side}; {side} × {side} × {filters} = {expected:,}.", conv=conv, side=side, filters=filters, expected=expected))

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {side} × {side} × {filters} = {expected:,}.', side=side, filters=filters, expected=expected))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a length'))))
        if value == valid * valid * filters:
            return wrong(t("Not quite: that is the seed model as it is (valid padding). With 'same' the convolution keeps 28 × 28."))
        if value == conv * conv * filters:
            return wrong(t('Not quite: the 2×2 max pooling still halves each side.'))
        if value == side * side:
            return wrong(t('Not quite: that is one map. There is one per filter ({filters}).', filters=filters))
        return wrong(t('Not quite: you said {value:,}. Size after the convolution, then after pooling; multiply height × width × filters.', value=value))

    return judge("check_same_padding_flatten", (filters,), answer, grade,
                 todo=t("with padding='same' the 28x28 image stays 28x28; pooling halves it; multiply height x width x filters."),
                 solution=solution, show_answer=show_answer)


def check_seed_params(answer, dense_units: int = 100, *, show_answer=False) -> CheckResult:
    """How many weights does the seed model have if its hidden Dense layer has
    ``dense_units`` units instead of 100?"""
    flat = ops.output_size(ops.output_size(28, 3), 2, stride=2) ** 2 * 32
    parts = (ops.conv_param_count(3, 3, 1, 32), ops.dense_param_count(flat, dense_units),
             ops.dense_param_count(dense_units, 10))
    expected = sum(parts)
    no_bias = (ops.conv_param_count(3, 3, 1, 32, bias=False)
               + ops.dense_param_count(flat, dense_units, bias=False)
               + ops.dense_param_count(dense_units, 10, bias=False))
    default = (ops.conv_param_count(3, 3, 1, 32) + ops.dense_param_count(flat, 100)
               + ops.dense_param_count(100, 10))
    solution = (t('conv 3·3·1·32 + 32 = {conv_params:,}; dense {flat:,}·{dense_units} + {dense_units} = {dense_params:,}; output {dense_units}·10 + 10 = {output_params:,}; total {expected:,}.', conv_params=parts[0], flat=flat, dense_units=dense_units, dense_params=parts[1], output_params=parts[2], expected=expected))

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {expected:,} weights.', expected=expected))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a count'))))
        if value == default and dense_units != 100:
            return wrong(t('Not quite: that is the seed model with Dense(100). Redo it with {dense_units} units.', dense_units=dense_units))
        if value == no_bias:
            return wrong(t('Not quite: every layer also has one bias per unit (or filter).'))
        if value in (expected - parts[0], expected - parts[2]):
            return wrong(t('Not quite: count all three layers with weights: the convolution, the hidden dense layer and the output layer.'))
        return wrong(t('Not quite: you said {value:,}. The Flatten layer hands {flat:,} numbers to the dense layer: each of its {dense_units} units has one weight per input, plus a bias.', value=value, flat=flat, dense_units=dense_units))

    return judge("check_seed_params", (dense_units,), answer, grade,
                 todo=t('add the conv layer (3*3*1*32 + 32), the hidden dense layer ({flat} inputs) and the output layer, each with its biases.', flat=flat),
                 solution=solution, show_answer=show_answer)


def check_most_confused(answer, counts, *, show_answer=False) -> CheckResult:
    """Which (true digit, predicted digit) pair is the most frequent mistake in ``counts``
    (a confusion matrix: rows true, columns predicted)? answer: a pair like (4, 9)."""
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] < 2:
        raise ValueError(f"counts must be a square confusion matrix, got shape {counts.shape}")
    n = len(counts)
    off = np.where(np.eye(n, dtype=bool), 0, counts)
    best = int(off.max())
    pairs = sorted((int(r), int(c)) for r, c in zip(*np.nonzero(off == best)))
    shown = t(" or ").join(str(p) for p in pairs)
    solution = t('{shown}: {best} times.', shown=shown, best=best) if best else t('there are no mistakes at all.')

    def grade(answer):
        if best == 0:
            return right(t('No mistakes at all: any answer will do!'))
        pair = read_pair(answer, digits=True)
        if pair is None:
            return wrong(t('Not quite: give a pair (true, predicted), like (4, 9); got {show}.', show=show(answer)))
        if not all(0 <= d < n for d in pair):
            return wrong(t('Not quite: both numbers are digits, 0 to {last}; got {pair}.', last=n - 1, pair=pair))
        if pair in pairs:
            return right(t('Right: {pair} happens {best} times.', pair=pair, best=best))
        if pair[0] == pair[1]:
            return wrong(t('Not quite: the diagonal counts the right answers. A mistake lies off the diagonal.'))
        if pair[::-1] in pairs:
            return wrong(t('Not quite: {pair} means a true {true_digit} read as {predicted}. The row is the true digit, the column the prediction.', pair=pair, true_digit=pair[0], predicted=pair[1]))
        return wrong(t('Not quite: {pair} happens {count} times. Look for the biggest number off the diagonal.', pair=pair, count=int(off[pair])))

    return judge("check_most_confused", (counts,), answer, grade,
                 todo=t('look off the diagonal of the confusion matrix for the biggest number; its row is the true digit, its column the prediction.'),
                 solution=solution, show_answer=show_answer)


#: the options, in English (shown through t, in the learner's language)
AUGMENTATION_CHOICES = {
    "a": N_("rotate by up to 10 degrees"),
    "b": N_("shift by up to 3 pixels"),
    "c": N_("flip left-right"),
    "d": N_("zoom in or out by up to 10%"),
}


def check_augmentation(answer, *, show_answer=False) -> CheckResult:
    """Which augmentation would *hurt* a digit classifier? One of "a", "b", "c", "d"
    (see ``AUGMENTATION_CHOICES``); the option's text is accepted too, in English or as shown."""
    choices = t("a) {a}; b) {b}; c) {c}; d) {d}",
                **{k: t(v) for k, v in AUGMENTATION_CHOICES.items()})

    def grade(answer):
        key = None
        if isinstance(answer, str):
            text = answer.strip().lower().strip("()., 。，")
            by_text = {form.lower(): k for k, v in AUGMENTATION_CHOICES.items()
                       for form in (v, t(v))}
            key = text if text in AUGMENTATION_CHOICES else by_text.get(text)
        if key is None:
            return wrong(t('Not quite: answer with one letter, a, b, c or d; got {show}.', show=show(answer)))
        if key == "c":
            return right(t("Right: a mirrored 3 is not a 3 (and a mirrored 2 looks odd); small rotations, shifts and zooms keep the digit's identity."))
        return wrong(t("Not quite: '{AUGMENTATION_CHOICES}' keeps a digit readable. Which change would make a 3 look like no digit at all?", AUGMENTATION_CHOICES=t(AUGMENTATION_CHOICES[key])))

    return judge("check_augmentation", (), answer, grade,
                 todo=t('which change can turn a digit into something that is no longer the same digit (think of 2, 3, 7)? {choices}', choices=choices),
                 solution=t('c) flip left-right: a mirrored 3 or 7 is no digit at all.'),
                 show_answer=show_answer)
