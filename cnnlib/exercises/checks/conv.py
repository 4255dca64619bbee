"""Exercise checkers for the kernels-and-stride notebook (and parameter counts used later).

Each compares the learner's answer with ``cnnlib.core.ops``, prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import t

from .common import (
    CheckResult,
    judge,
    not_int_hint,
    not_yet,
    read_array,
    read_int,
    read_number,
    right,
    show,
    solution_code,
    wrong,
)

__all__ = ["check_conv_value", "check_conv2d", "check_conv_params", "check_neighbour_kernel"]


def check_conv_value(answer, x, kernel, row, col, stride=1, *, show_answer=False) -> CheckResult:
    """One output cell, worked by hand: output[row, col] of a valid convolution."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    out = ops.conv2d(x, kernel, stride=stride)
    if not (0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"(row, col) must lie in the {out.shape[0]}x{out.shape[1]} output, "
                         f"got ({row}, {col})")
    expected = float(out[row, col])
    flipped = float(ops.conv2d(x, kernel[::-1, ::-1], stride=stride)[row, col])
    r, c = row * stride, col * stride
    kh, kw = kernel.shape
    solution = (t('{expected:g}: the sum of x[{r}:{r_end}, {c}:{c_end}] × kernel, number by number.', expected=expected, r=r, r_end=r + kh, c=c, c_end=c + kw))

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t('Not quite: give one number, not {show}.', show=show(answer)))
        if abs(value - expected) < 1e-6:
            return right(t('Right: output[{row}, {col}] = {expected:g}.', row=row, col=col, expected=expected))
        if abs(value - flipped) < 1e-6:
            return wrong(t('Not quite: that is the flipped kernel. A CNN slides the kernel as it is: multiply each pixel by the kernel number at the same place.'))
        swapped = (col, row)
        if (swapped[0] < out.shape[0] and swapped[1] < out.shape[1]
                and abs(value - out[swapped]) < 1e-6):
            return wrong(t('Not quite: that is output[{col}, {row}]. The row counts down, the column across.', col=col, row=row))
        return wrong(t("Not quite: you said {value:g}. The window's top-left pixel is x[{r}, {c}]; multiply it with the kernel number by number, then add up.", value=value, r=r, c=c))

    return judge("check_conv_value", (x, kernel, row, col, stride), answer, grade,
                 todo=t('multiply the window and the kernel number by number, then add up.'),
                 solution=solution, show_answer=show_answer)


def check_conv2d(fn, trials: int = 12, seed: int = 0, *, show_answer=False) -> CheckResult:
    """Your ``fn(x, kernel, stride)`` against ``ops.conv2d`` on random 2-D inputs.

    Sizes, kernels (square or not) and strides vary; every trial must match within 1e-6.
    """
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(trials):
        h, w = (int(v) for v in rng.integers(3, 10, size=2))
        kh, kw = (int(v) for v in rng.integers(1, min(h, w) + 1, size=2))
        stride = int(rng.integers(1, 4))
        x = rng.integers(-5, 6, size=(h, w)).astype(float)
        k = rng.integers(-3, 4, size=(kh, kw)).astype(float)
        cases.append((x, k, stride))

    def grade(fn):
        if not callable(fn):
            return wrong(t('Not quite: pass the function itself, check_conv2d(my_conv2d), without calling it; got {show}.', show=show(fn)))
        for trial, (x, k, stride) in enumerate(cases, start=1):
            expected = ops.conv2d(x, k, stride=stride)
            case = t('x {h}×{w}, kernel {kh}×{kw}, stride {stride}', h=x.shape[0], w=x.shape[1], kh=k.shape[0], kw=k.shape[1], stride=stride)
            try:
                result = fn(x.copy(), k.copy(), stride)
            except NotImplementedError:
                return not_yet(t('Not written yet: replace the NotImplementedError with your code.'))
            except Exception as err:  # noqa: BLE001 - a learner's bug is reported, not raised
                return wrong(t('Trial {trial} ({case}) raised {name}: {err}', trial=trial, case=case, name=type(err).__name__, err=err))
            if result is None:
                return not_yet(t('Not written yet: your function returns None.'))
            got = read_array(result)
            if got is None:
                return wrong(t('Trial {trial} ({case}): the result {show} is not an array of finite numbers.', trial=trial, case=case, show=show(result)))
            if got.shape != expected.shape:
                hint = (t('did you step the windows by the stride?')
                        if got.shape == ops.conv2d(x, k).shape else
                        t('no padding: each axis gives floor((n − k)/s) + 1 outputs.'))
                return wrong(t('Trial {trial} ({case}): shape {got_shape}, expected {expected_shape}; {hint}', trial=trial, case=case, got_shape=got.shape, expected_shape=expected.shape, hint=hint))
            if np.allclose(got, expected, atol=1e-6):
                continue
            if np.allclose(got, ops.conv2d(x, k[::-1, ::-1], stride=stride), atol=1e-6):
                return wrong(t('Trial {trial} ({case}): your output is the convolution with the kernel flipped. CNN layers (and ops.conv2d) slide the kernel as it is: drop the flip.', trial=trial, case=case))
            bad = tuple(int(i) for i in np.argwhere(~np.isclose(got, expected, atol=1e-6))[0])
            return wrong(t('Trial {trial} ({case}): output{cell} is {got:g}, expected {expected:g}. Its window starts at x[{row}, {col}].', trial=trial, case=case, cell=list(bad), got=got[bad], expected=expected[bad], row=bad[0] * stride, col=bad[1] * stride))
        return right(t('Right on all {trials} random trials: your conv2d matches cnnlib.core.ops.', trials=trials))

    return judge("check_conv2d", (trials, seed), fn, grade,
                 todo=t('define my_conv2d(x, kernel, stride=1) and pass the function itself.'),
                 solution=solution_code("my_conv2d"), show_answer=show_answer,
                 placeholder=t('Write your function, then run the cell again.'))


def check_conv_params(answer, kh, kw, c_in, c_out, bias=True, *,
                      show_answer=False) -> CheckResult:
    """Learnable numbers of a conv layer: kh*kw*c_in per filter, times c_out, plus biases."""
    expected = ops.conv_param_count(kh, kw, c_in, c_out, bias=bias)
    solution = (t('{kh}·{kw}·{c_in}·{c_out}{plus_biases} = {expected:,} ({kh}·{kw}·{c_in} weights per filter{bias_note}).', kh=kh, kw=kw, c_in=c_in, c_out=c_out, plus_biases=(f' + {c_out}' if bias else ''), expected=expected, bias_note=(t(', plus one bias') if bias else '')))

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {solution}', solution=solution))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a count'))))
        if bias and value == expected - c_out:
            return wrong(t('Not quite: did you forget the biases? One per filter.'))
        if value in (kh * kw * c_out + c_out * bias, kh * kw * c_out):
            return wrong(t('Not quite: each filter spans all {c_in} input channels, so it has {kh}·{kw}·{c_in} weights.', c_in=c_in, kh=kh, kw=kw))
        if value in (kh * kw * c_in + bias, kh * kw * c_in):
            return wrong(t('Not quite: that is one filter. The layer has {c_out}.', c_out=c_out))
        return wrong(t('Not quite: you said {value:,}. One {kh}×{kw}×{c_in} kernel per filter{bias_note}.', value=value, kh=kh, kw=kw, c_in=c_in, bias_note=(t(', plus one bias each') if bias else '')))

    return judge("check_conv_params", (kh, kw, c_in, c_out, bias), answer, grade,
                 todo=t('one kh × kw × c_in kernel per filter, plus one bias each.'),
                 solution=solution, show_answer=show_answer)


_NEIGHBOURS = np.array([[0, 0.25, 0], [0.25, 0, 0.25], [0, 0.25, 0]])


def check_neighbour_kernel(kernel, *, show_answer=False) -> CheckResult:
    """A 3x3 kernel whose output is the average of each pixel's 4 neighbours (up, down, left,
    right), the pixel itself not counted. Tested on a random image."""
    x = np.random.default_rng(1).random((8, 9))
    expected = (x[:-2, 1:-1] + x[2:, 1:-1] + x[1:-1, :-2] + x[1:-1, 2:]) / 4

    def grade(kernel):
        k = read_array(kernel)
        if k is None:
            return wrong(t('Not quite: give a 3x3 array of numbers, not {show}.', show=show(kernel)))
        if k.shape != (3, 3):
            return wrong(t('Not quite: the kernel must be 3x3, got shape {shape}.', shape=k.shape))
        if np.allclose(ops.conv2d(x, k), expected):
            return right(t('Right: a blur that ignores the centre pixel.'))
        if not np.any(k):
            return wrong(t('Not quite: an all-zero kernel gives 0 everywhere. Put weights on the four neighbours.'))
        if k[1, 1] != 0:
            return wrong(t('Not quite: the centre tap reads the pixel itself. Leave it at 0.'))
        if np.any(k[::2, ::2] != 0):
            return wrong(t('Not quite: the corners are diagonal neighbours. Only up, down, left and right count.'))
        taps = k[[0, 1, 1, 2], [1, 0, 2, 1]]
        if np.allclose(taps, taps[0]):
            return wrong(t('Not quite: the weights add up to {sum:g}. An average of 4 numbers divides their sum by 4.', sum=k.sum()))
        return wrong(t('Not quite: the four neighbours should count equally.'))

    return judge("check_neighbour_kernel", (), kernel, grade,
                 todo=t('a 3x3 array; which taps touch the four neighbours?'),
                 solution=t('np.array({kernel}): 0.25 on the four neighbours, 0 elsewhere.', kernel=_NEIGHBOURS.tolist()), show_answer=show_answer)
