"""Exercise checkers for the padding notebook (padding, stride, dilation, receptive field).

Each compares the learner's answer with ``cnnlib.core.ops``, prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import N_, t, t_list

from .common import (
    CheckResult,
    judge,
    not_int_hint,
    not_yet,
    read_int,
    read_number,
    read_pair,
    right,
    show,
    solution_code,
    wrong,
)

__all__ = ["check_output_size", "check_same_padding", "check_tf_same_pads", "check_skipped",
           "check_receptive_field", "check_output_size_function"]


def _formula_in_letters(padding, dilation) -> str:
    if padding == "same":
        return "ceil(n / s)"
    if padding == "valid" and dilation == 1:
        return "floor((n − k)/s) + 1"
    return "floor((n + 2p − d(k−1) − 1)/s) + 1"


def check_output_size(answer, n, kernel, stride=1, padding="valid", dilation=1, *,
                      show_answer=False) -> CheckResult:
    """A predicted output size (one axis) for these settings."""
    expected = ops.output_size(n, kernel, stride, padding, dilation)
    formula = ops.output_size_formula(n, kernel, stride, padding, dilation)
    letters = _formula_in_letters(padding, dilation)
    solution = f"{formula} = {expected}" + (t(' (= ceil({n}/{stride})).', n=n, stride=stride) if padding == "same"
                                            else ".")
    # Typical slips, each with the size it gives; the hints are shown through t (N_ marks them).
    k_eff = dilation * (kernel - 1) + 1
    before, after = ops.pad_amounts((n, n), (kernel, kernel), stride, padding, dilation)[0]
    span = n + before + after - k_eff
    slips = [
        (span / stride + 1, N_("round down: a window that does not fit is not counted (floor).")),
        (span + 1, N_("divide by the stride: the windows move by s pixels.")),
        (span // stride, N_("add 1: the first window counts too.")),
    ]
    if padding == "same":  # before the others: "add 1" would mislead here
        slips[:0] = [(n, N_("divide by the stride: 'same' gives ceil(n / s).")),
                     (n / stride, N_("'same' rounds up: ceil(n / s).")),
                     (n // stride, N_("'same' rounds up: ceil(n / s)."))]
    else:
        slips.append((n / stride, N_('subtract the kernel: the window has to fit in the image.')))
    if dilation > 1:
        slips.append(((n + before + after - kernel) // stride + 1,
                      N_('dilation {dilation} spreads the kernel over d(k−1)+1 = {k_eff} pixels.')))
    if before + after:
        slips.append(((n - k_eff) // stride + 1, N_('add the padding on both sides.')))

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t('Not quite: give one number, not {show}. Use {letters}.', show=show(answer), letters=letters))
        if read_int(answer) == expected:
            return right(t('Right: {solution}', solution=solution))
        for size, hint in slips:
            if size != expected and abs(value - size) < 1e-9:
                return wrong(t('Not quite: you said {value:g}. Almost: {hint}', value=value,
                               hint=t(hint, dilation=dilation, k_eff=k_eff)))
        if read_int(answer) is None:
            return wrong(t('Not quite: a size is a whole number, not {value:g}. Use {letters}.', value=value, letters=letters))
        return wrong(t('Not quite: you said {value:g}. Fill in {letters} with n = {n}, k = {kernel}, s = {stride}', value=value, letters=letters, n=n, kernel=kernel, stride=stride) + (f", d = {dilation}" if dilation > 1 else "")
                     + (f", p = {padding}" if isinstance(padding, int) else "") + ".")

    return judge("check_output_size", (n, kernel, stride, padding, dilation), answer, grade,
                 todo=t('the output size is {letters}.', letters=letters), solution=solution,
                 show_answer=show_answer)


def check_same_padding(answer, kernel, *, show_answer=False) -> CheckResult:
    """The zero padding p (per side) that keeps the size unchanged, stride 1, odd kernel."""
    if (isinstance(kernel, bool) or not isinstance(kernel, numbers.Integral) or kernel < 1
            or kernel % 2 == 0):
        raise ValueError(f"kernel must be an odd integer >= 1, got {kernel!r}")
    # Independent of any formula: try p = 0, 1, 2, ... until the size stays put.
    n = 50
    expected = next(p for p in range(kernel) if ops.output_size(n, kernel, 1, p) == n)
    solution = t('p = ({kernel} − 1)/2 = {expected}, that is {expected} zero pixels on each side.', kernel=kernel, expected=expected)

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: p = {expected} keeps n × n at n × n for a {kernel}×{kernel} kernel.', expected=expected, kernel=kernel))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a number of pixels'))))
        if value == 2 * expected:
            return wrong(t('Not quite: that is both sides together. How many on each side?'))
        return wrong(t('Not quite: with p = {value} the size changes to {size} for n = {n}. The kernel overhangs by (k − 1)/2 on each side.', value=value, size=n + 2 * value - kernel + 1, n=n))

    return judge("check_same_padding", (kernel,), answer, grade,
                 todo=t('the kernel overhangs the image by (k − 1)/2 on each side.'),
                 solution=solution, show_answer=show_answer)


def check_tf_same_pads(answer, n, kernel, stride, *, show_answer=False) -> CheckResult:
    """(before, after) zero pixels TensorFlow's SAME adds along one axis."""
    expected = ops.pad_amounts((n, n), (kernel, kernel), stride, "same")[0]
    out = ops.output_size(n, kernel, stride, "same")
    total = sum(expected)
    solution = (t('{expected}: output ceil({n}/{stride}) = {out}, total padding ({out} − 1)·{stride} + {kernel} − {n} = {total}, before = {total} // 2 = {before}, after = the rest.', expected=expected, n=n, stride=stride, out=out, kernel=kernel, total=total, before=expected[0]))

    def grade(answer):
        if read_int(answer) == total and total:
            return wrong(t('Almost: that is the total. Split it into a pair (before, after).'))
        pair = read_pair(answer)
        if pair is None:
            return wrong(t('Not quite: answer with a pair (before, after), like (0, 1); got {show}.', show=show(answer)))
        if pair == expected:
            return right(t('Right: {before} before and {after} after (the odd pixel goes to the bottom/right).', before=expected[0], after=expected[1]))
        if pair == expected[::-1]:
            return wrong(t('Not quite: TensorFlow puts the odd pixel after (bottom/right), not before.'))
        if sum(pair) == total:
            return wrong(t('Not quite: the total is right. Before = total // 2, after = the rest.'))
        return wrong(t('Not quite: you said {pair}. Output = ceil(n / s); total padding = max((out − 1)·s + k − n, 0).', pair=pair))

    return judge("check_tf_same_pads", (n, kernel, stride), answer, grade,
                 todo=t('output = ceil(n / s); total padding = max((out − 1)·s + k − n, 0); before = total // 2, after = the rest.'),
                 solution=solution, show_answer=show_answer)


def check_skipped(answer, n, kernel, stride=1, padding="valid", dilation=1, *,
                  show_answer=False) -> CheckResult:
    """How many of the n input rows no window ever reads."""
    visited = ops.visited_positions(n, kernel, stride, padding, dilation)
    expected = int(np.sum(~visited))
    skipped = [int(i) for i in np.flatnonzero(~visited)]
    tail = n - 1 - int(np.flatnonzero(visited).max())
    solution = t('{expected}: rows {skipped} are never read.', expected=expected, skipped=t_list(skipped)) if skipped else "0."

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {expected} row(s) never reach the output.', expected=expected))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a number of rows'))))
        if value == n - expected:
            return wrong(t('Not quite: that is how many rows the windows read. How many are left out?'))
        if value == tail and tail != expected:
            return wrong(t('Not quite: those are the rows after the last window. Look for gaps between the windows too.'))
        return wrong(t('Not quite: you said {value}. List the rows each window covers (start at 0, step by the stride) and see which are left out.', value=value))

    return judge("check_skipped", (n, kernel, stride, padding, dilation), answer, grade,
                 todo=t('list the rows each window covers (start at 0, step by the stride).'),
                 solution=solution, show_answer=show_answer)


def check_receptive_field(answer, layers, *, show_answer=False) -> CheckResult:
    """The receptive field (input pixels per side) of a stack of (kernel, stride) layers."""
    layers = [tuple(layer) for layer in layers]
    expected = ops.receptive_field(layers)
    steps, jump = ["1"], 1
    for layer in layers:
        d = layer[2] if len(layer) == 3 else 1
        steps.append(f"({layer[0]}−1)·{jump}" if d == 1 else f"{d}·({layer[0]}−1)·{jump}")
        jump *= layer[1]
    solution = " + ".join(steps) + t(' = {expected}, that is {expected} pixels per side.', expected=expected)
    no_strides = ops.receptive_field([(layer[0], 1) + tuple(layer[2:]) for layer in layers])

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: one neuron at the top sees {expected} × {expected} input pixels.', expected=expected))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a number of pixels'))))
        if value == no_strides:
            return wrong(t('Not quite: that ignores the strides. A layer above a stride-2 layer reaches twice as far in the input.'))
        if value == expected ** 2:
            return wrong(t('Not quite: give pixels per side ({value} is the whole square).', value=value))
        return wrong(t('Not quite: you said {value}. Start at 1; each layer adds (k − 1) × (product of the strides below it).', value=value))

    return judge("check_receptive_field", (layers,), answer, grade,
                 todo=t('start at 1; each layer adds (k − 1) × (product of the strides below it).'),
                 solution=solution, show_answer=show_answer)


def check_output_size_function(fn, *, show_answer=False) -> CheckResult:
    """Your own ``output_size(n, k, s, p, d)`` (p an int) against ``ops.output_size`` on many
    settings."""

    def grade(fn):
        if not callable(fn):
            return wrong(t('Not quite: pass the function itself, check_output_size_function(my_output_size), without calling it; got {show}.', show=show(fn)))
        for n in range(1, 13):
            for k in range(1, 6):
                for s in range(1, 4):
                    for p in range(3):
                        for d in range(1, 3):
                            if d * (k - 1) + 1 > n + 2 * p:
                                continue  # the kernel does not fit: no output size
                            expected = ops.output_size(n, k, s, p, d)
                            case = f"n={n}, k={k}, s={s}, p={p}, d={d}"
                            try:
                                got = fn(n, k, s, p, d)
                            except NotImplementedError:
                                return not_yet(t('Not written yet: replace the NotImplementedError with your formula.'))
                            except Exception as err:  # noqa: BLE001 - the learner's error
                                return wrong(t('Your function raised {name}: {err} for {case}.', name=type(err).__name__, err=err, case=case))
                            if got is None:
                                return not_yet(t('Not written yet: your function returns None. Replace the placeholder with the formula.'))
                            if read_int(got) != expected:
                                value = read_number(got)
                                hint = (t('round down with // (floor division).')
                                        if value is not None and math.floor(value) == expected
                                        else t('check every term of floor((n + 2p − d(k−1) − 1)/s) + 1.'))
                                return wrong(t('For {case} you give {show}, the answer is {expected}: {hint}', case=case, show=show(got), expected=expected, hint=hint))
        return right(t('Right on every setting tried (n up to 12, k up to 5, s up to 3, p up to 2, d up to 2).'))

    return judge("check_output_size_function", (), fn, grade,
                 todo=t('(n + 2*p - d*(k - 1) - 1) // s + 1, and pass the function itself.'),
                 solution=solution_code("my_output_size"), show_answer=show_answer,
                 placeholder=t('Write your function, then run the cell again.'))
