"""Exercise checkers for the notebook on how a CNN learns (gradients and backpropagation).

Each compares the learner's answer with ``cnnlib.core.ops`` (``conv2d_grad``, ``pool2d_grad``, which
the tests check against TensorFlow), prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import N_, t

from .common import (
    CheckResult,
    judge,
    not_yet,
    read_array,
    right,
    show,
    solution_code,
    wrong,
)

__all__ = ["check_kernel_grad", "check_input_grad", "check_max_pool_grad"]


def _grade_grid(expected: np.ndarray, what: str, hint: str, slips=()):
    """A grade function for an answer that is a grid of numbers shaped like ``expected``;
    ``slips`` pairs a typical wrong grid with the hint that fits it (marked ``N_``, shown
    through ``t``)."""

    def grade(answer):
        got = read_array(answer)
        if got is None:
            return wrong(t('Not quite: {show} is not a grid of numbers.', show=show(answer)))
        if got.shape != expected.shape:
            return wrong(t('Not quite: your answer has shape {got_shape}; {what} has shape {expected_shape}.', got_shape=got.shape, what=what, expected_shape=expected.shape))
        if np.allclose(got, expected, atol=1e-6):
            return right(t('Right: {what} = {values}.', what=what, values=expected.tolist()))
        for slip, slip_hint in slips:
            if np.allclose(got, slip, atol=1e-6):
                return wrong(t('Not quite: {slip_hint}', slip_hint=t(slip_hint)))
        r, c = np.argwhere(~np.isclose(got, expected, atol=1e-6))[0]
        return wrong(t('Not quite: look again at row {r}, column {c}. {hint}', r=r, c=c, hint=hint))

    return grade


def check_kernel_grad(answer, x, grad_out, *, show_answer=False) -> CheckResult:
    """Your dLoss/dkernel for input ``x`` and the output's gradient ``grad_out`` (a valid,
    stride-1 convolution: the kernel is (x rows − grad_out rows + 1) × (x cols − ... + 1))."""
    x, g = np.asarray(x, float), np.asarray(grad_out, float)
    shape = (x.shape[0] - g.shape[0] + 1, x.shape[1] - g.shape[1] + 1)
    _, dk, _ = ops.conv2d_grad(x, np.zeros(shape), g)
    flipped = ops.conv2d_grad(x, np.zeros(shape), g[::-1, ::-1])[1]
    hint = (t("dk[a, b] is the patch of x starting at (a, b), the size of grad_out, times grad_out cell by cell, added up: the input correlated with the output's gradient."))
    slips = [(flipped, N_("that is what a flipped grad_out gives. Pair grad_out[i, j] with "
                          "x[a + i, b + j], without flipping anything."))]
    return judge("check_kernel_grad", (x.tolist(), g.tolist()), answer,
                 _grade_grid(dk, "dLoss/dk", hint, slips),
                 todo=t('dk[a, b] = sum over (i, j) of grad_out[i, j] × x[a + i, b + j].'),
                 solution=t('dLoss/dk = {dk}.', dk=dk.tolist()), show_answer=show_answer)


def check_input_grad(answer, kernel, grad_out, *, show_answer=False) -> CheckResult:
    """Your dLoss/dx for a valid, stride-1 convolution with ``kernel``, given ``grad_out``."""
    k, g = np.asarray(kernel, float), np.asarray(grad_out, float)
    x = np.zeros((g.shape[0] + k.shape[0] - 1, g.shape[1] + k.shape[1] - 1))
    dx, _, _ = ops.conv2d_grad(x, k, g)
    unflipped = ops.conv2d_grad(x, k[::-1, ::-1], g)[0]
    hint = (t("Place the kernel, times that output cell's gradient, over each output cell's window, and add where windows overlap (grad_out convolved with the flipped kernel)."))
    slips = [(unflipped, N_("the kernel is upside down here: kernel[i, j] lands on "
                            "x[r + i, c + j] for output (r, c), so place it as it is."))]
    return judge("check_input_grad", (k.tolist(), g.tolist()), answer,
                 _grade_grid(dx, "dLoss/dx", hint, slips),
                 todo=t('every output cell sends grad_out × kernel back onto its window.'),
                 solution=t('dLoss/dx = {dx}.', dx=dx.tolist()), show_answer=show_answer)


def check_max_pool_grad(fn, *, show_answer=False) -> CheckResult:
    """Your ``max_pool_grad(x, grad_out, size)`` (2-D x, stride = size, no padding) against
    ``ops.pool2d_grad``, on maps with ties and left-over rows and columns."""
    rng = np.random.default_rng(0)
    cases = []
    for h, w, size in [(4, 4, 2), (6, 6, 3), (5, 7, 2), (4, 4, 2), (8, 9, 4), (3, 3, 1)]:
        x = rng.integers(0, 3, size=(h, w)).astype(float)  # values 0-2: many ties
        g = rng.integers(1, 10, size=(h // size, w // size)).astype(float)
        cases.append((x, g, size))

    def grade(fn):
        if not callable(fn):
            return wrong(t('Not quite: pass the function itself, check_max_pool_grad(my_max_pool_grad), without calling it; got {show}.', show=show(fn)))
        for x, g, size in cases:
            h, w = x.shape
            expected = ops.pool2d_grad(x, g, size)
            try:
                result = fn(x.copy(), g.copy(), size)
            except NotImplementedError:
                return not_yet(t('Not written yet: replace the NotImplementedError with your code.'))
            except Exception as err:  # noqa: BLE001 - report the learner's error
                return wrong(t('Your function raised {name}: {err} on a {h}×{w} map, size {size}.', name=type(err).__name__, err=err, h=h, w=w, size=size))
            if result is None:
                return not_yet(t('Not written yet: your function returns None. Fill it in.'))
            got = read_array(result)
            if got is None:
                return wrong(t('Your function returned {show}, not a grid of numbers.', show=show(result)))
            if got.shape != expected.shape:
                return wrong(t("On a {h}×{w} map you return shape {got_shape}; the gradient has the input's shape {expected_shape}.", h=h, w=w, got_shape=got.shape, expected_shape=expected.shape))
            if not np.allclose(got, expected):
                r, c = np.argwhere(~np.isclose(got, expected))[0]
                return wrong(t('On a {h}×{w} map with size {size}, cell ({r}, {c}) should get {expected:g}, you give {got:g}. Each window sends its whole gradient to its largest cell (on a tie, the first one row by row); leftover rows and columns get 0.', h=h, w=w, size=size, r=r, c=c, expected=expected[r, c], got=got[r, c]))
        return right(t('Right on every map tried, ties and leftover rows included.'))

    return judge("check_max_pool_grad", (), fn, grade,
                 todo=t('start from zeros shaped like x; for each window find its largest cell (np.argmax gives the first) and add grad_out there.'),
                 solution=solution_code("my_max_pool_grad"), show_answer=show_answer,
                 placeholder=t('Write your function, then run the cell again.'))
