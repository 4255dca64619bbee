"""Exercise checkers for the pooling notebook.

Each compares the learner's answer with ``cnnlib.core.ops``, prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import N_, t

from .common import (
    CheckResult,
    fmt,
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

__all__ = ["check_pooled", "check_pooled_size", "check_pool_function", "check_value_count"]


def check_pooled(answer, x, size=2, stride=None, mode="max", *, show_answer=False) -> CheckResult:
    """Your pooled output (a list of rows or an array) for the small feature map x; 2 decimals
    are enough."""
    x = np.asarray(x, dtype=float)
    expected = ops.pool2d(x, size, stride, mode=mode)
    other = ops.pool2d(x, size, stride, mode="avg" if mode == "max" else "max")
    name = t("largest") if mode == "max" else t("mean")

    def grade(answer):
        got = read_array(answer)
        if got is None:
            return wrong(t('Not quite: write a list of rows of numbers, like [[1, 2], [3, 4]]; got {show}.', show=show(answer)))
        if got.shape != expected.shape:
            return wrong(t('Not quite: your answer has shape {got_shape}; the pooled map is {rows} × {cols}, as a list of rows.', got_shape=got.shape, rows=expected.shape[0], cols=expected.shape[1]))
        close = np.abs(got - expected) < 0.01
        if close.all():
            return right(t('Right: {pooled}.', pooled=expected.tolist()))
        if np.allclose(got, other, atol=0.01):
            return wrong(t('Not quite: that is {other}. Here each output cell is the {name} of its window.', other=(t('average pooling') if mode == 'max' else t('max pooling')), name=name))
        if np.allclose(got, expected.T, atol=0.01):
            return wrong(t('Not quite: rows and columns are swapped. Write the result row by row.'))
        r, c = (int(i) for i in np.argwhere(~close)[0])
        return wrong(t('Not quite: each output cell is the {name} of its window. Look again at row {r}, column {c}.', name=name, r=r, c=c))

    return judge("check_pooled", (x, size, stride, mode), answer, grade,
                 todo=t('each output cell is the {name} of its {size}×{size} window.', name=name, size=size),
                 solution=f"{expected.tolist()}.", show_answer=show_answer)


def check_pooled_size(answer, n, size, stride=None, *, show_answer=False) -> CheckResult:
    """The pooled length of one axis of n cells (valid pooling, stride defaults to size)."""
    stride = size if stride is None else stride
    expected = ops.output_size(n, size, stride)
    solution = t('floor(({n} − {size})/{stride}) + 1 = {expected}.', n=n, size=size, stride=stride, expected=expected)
    # Typical slips, each with the size it gives; the hints are shown through t (N_ marks them).
    leftover = N_("round down: leftover cells that do not fill a window are dropped.")
    slips = [((n - size) / stride + 1, leftover),
             (math.ceil(n / stride), leftover),
             (n / stride, leftover),
             (n - size + 1, N_("the windows move by the stride, so divide by it.")),
             ((n - size) // stride, N_("add 1: the first window counts too."))]

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t('Not quite: give one number, not {show}.', show=show(answer)))
        if read_int(answer) == expected:
            return right(t('Right: {solution}', solution=solution))
        for size_, hint in slips:
            if size_ != expected and abs(value - size_) < 1e-9:
                return wrong(t('Not quite: you said {value:g}. Almost: {hint}', value=value,
                               hint=t(hint)))
        return wrong(t('Not quite: you said {value:g}. Pooling follows the same formula as a convolution without padding: floor((n − size)/stride) + 1.', value=value))

    return judge("check_pooled_size", (n, size, stride), answer, grade,
                 todo=t('floor((n − size)/stride) + 1, as for a convolution without padding.'),
                 solution=solution, show_answer=show_answer)


def check_pool_function(fn, mode="max", *, show_answer=False) -> CheckResult:
    """Your own ``pool(x, size)`` (2-D x, stride = size, no padding) against ``ops.pool2d`` on
    random feature maps."""
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    rng = np.random.default_rng(0)
    cases = [(rng.integers(0, 10, size=(h, w)).astype(float), size)
             for h, w, size in [(4, 4, 2), (6, 6, 3), (5, 7, 2), (9, 8, 3), (8, 8, 4), (3, 3, 1)]]

    def grade(fn):
        if not callable(fn):
            return wrong(t('Not quite: pass the function itself, check_pool_function(my_max_pool), without calling it; got {show}.', show=show(fn)))
        for x, size in cases:
            h, w = x.shape
            expected = ops.pool2d(x, size, mode=mode)
            try:
                result = fn(x.copy(), size)
            except NotImplementedError:
                return not_yet(t('Not written yet: replace the NotImplementedError with your code.'))
            except Exception as err:  # noqa: BLE001 - report the learner's error
                return wrong(t('Your function raised {name}: {err} on a {h}×{w} map, size {size}.', name=type(err).__name__, err=err, h=h, w=w, size=size))
            if result is None:
                return not_yet(t('Not written yet: your function returns None. Fill in the pooling.'))
            got = read_array(result)
            if got is None:
                return wrong(t('Your function returned {show}, not a grid of numbers.', show=show(result)))
            if got.shape == expected.shape and np.allclose(got, expected):
                continue
            if got.shape != expected.shape and got.shape == (-(-h // size), -(-w // size)):
                return wrong(t('On a {h}×{w} map with size {size} you give shape {got_shape}, expected {expected_shape}: drop the rows and columns that do not fill a whole window.', h=h, w=w, size=size, got_shape=got.shape, expected_shape=expected.shape))
            if got.shape != expected.shape:
                return wrong(t('On a {h}×{w} map with size {size} you give shape {got_shape}, expected {expected_shape}: step the windows by size.', h=h, w=w, size=size, got_shape=got.shape, expected_shape=expected.shape))
            return wrong(t('On a {h}×{w} map with size {size} some values differ: each output is the {name} of x[r*size:(r+1)*size, c*size:(c+1)*size].', h=h, w=w, size=size, name=(t('max') if mode == 'max' else t('mean'))))
        return right(t('Right on every map tried, including sizes that leave rows over.'))

    name = "my_max_pool" if mode == "max" else "my_avg_pool"
    return judge("check_pool_function", (mode,), fn, grade,
                 todo=t('slice x[r:r + size, c:c + size] inside two loops, or use reshape.'),
                 solution=solution_code(name), show_answer=show_answer,
                 placeholder=t('Write your function, then run the cell again.'))


def check_value_count(answer, image=96, kernel=8, features=400, pool=None, *,
                      show_answer=False) -> CheckResult:
    """How many numbers ``features`` kernels of size ``kernel`` give on an image × image input
    (valid convolution, stride 1), optionally followed by pool × pool pooling (stride = pool)."""
    conv_side = ops.output_size(image, kernel)
    side = conv_side if pool is None else ops.output_size(conv_side, pool, pool)
    expected = side * side * features
    pooled = "" if pool is None else t(', pooled: floor(({conv_side} − {pool})/{pool}) + 1 = {side}', conv_side=conv_side, pool=pool, side=side)
    solution = (t('side {image} − {kernel} + 1 = {conv_side}{pooled}; {side}² × {features} = {expected:,}.', image=image, kernel=kernel, conv_side=conv_side, pooled=pooled, side=side, features=features, expected=expected))
    # Typical slips, each with the count it gives; the hints are shown through t (N_ marks them).
    slips = [(side * features, N_("A map is {side} × {side}: square the side.")),
             (side * side, N_("There are {features} feature maps: multiply by {features}."))]
    if pool is not None:
        slips += [(conv_side ** 2 * features,
                   N_("Pool first: {pool}×{pool} windows shrink each side.")),
                  ((image // pool) ** 2 * features,
                   N_("Convolve first: the maps are {conv_side} × {conv_side} before pooling.")),
                  (math.ceil(conv_side / pool) ** 2 * features,
                   N_("Round down: leftover cells are dropped by pooling.")),
                  ((conv_side / pool) ** 2 * features,
                   N_("Round down: leftover cells are dropped by pooling."))]

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a count'))))
        if read_int(answer) == expected:
            return right(t('Right: {side}² × {features} = {expected:,}.', side=side, features=features, expected=expected))
        for count, hint in slips:
            if count != expected and abs(value - count) < 1e-6:
                return wrong(t('Not quite: you said {value}. {hint}', value=fmt(value),
                               hint=t(hint, side=side, features=features, pool=pool,
                                      conv_side=conv_side)))
        return wrong(t('Not quite: you said {value}. Side after the convolution: {image} − {kernel} + 1; then (if pooling) floor((side − pool)/pool) + 1; square it and multiply by the number of features.', value=fmt(value), image=image, kernel=kernel))

    return judge("check_value_count", (image, kernel, features, pool), answer, grade,
                 todo=t('side after the convolution, then after pooling; side² × features.'),
                 solution=solution, show_answer=show_answer)
