"""Exercise checkers for "a convolution is a matrix" (notebook 02, section 4.1).

Each compares the learner's answer with ``cnnlib.core.ops``, prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import t

from .common import CheckResult, judge, read_int, read_pair, right, show, wrong

__all__ = ["check_conv_matrix_shape"]


def check_conv_matrix_shape(answer, n, kernel, stride=1, *, show_answer=False) -> CheckResult:
    """The shape (rows, columns) of the matrix C of a valid convolution: an n×n input, a
    kernel×kernel kernel, stride ``stride``."""
    shape = ops.conv_matrix((n, n), np.ones((kernel, kernel)), stride=stride).shape
    out = ops.output_size(n, kernel, stride)
    expected = (int(shape[0]), int(shape[1]))
    solution = t('{expected}: one row per output cell ({out}·{out} = {rows}), one column per input pixel ({n}·{n} = {cols}).', expected=expected, out=out, rows=expected[0], n=n, cols=expected[1])

    def grade(answer):
        if read_int(answer) is not None:
            return wrong(t('Not quite: a matrix has a shape of two numbers, (rows, columns); got {show}.', show=show(answer)))
        pair = read_pair(answer)
        if pair is None:
            return wrong(t('Not quite: answer with a pair (rows, columns), like (4, 16); got {show}.', show=show(answer)))
        if pair == expected:
            return right(t('Right: C is {rows}×{cols}, one row per output cell and one column per input pixel.', rows=expected[0], cols=expected[1]))
        if pair == expected[::-1]:
            return wrong(t('Not quite: rows and columns are swapped. C @ x.ravel() gives the output, so C has one row per output cell.'))
        if pair == (out, n):
            return wrong(t('Not quite: those are the sides of the output and the input. C works on the flattened images: square them.'))
        if pair == ((n - kernel + 1) ** 2, n * n) and stride != 1:
            return wrong(t('Not quite: that is the stride-1 count. With stride {stride} the window fits floor(({n} − {kernel})/{stride}) + 1 times along each axis.', stride=stride, n=n, kernel=kernel))
        if pair[1] == kernel * kernel:
            return wrong(t('Not quite: {k}·{k} columns is the im2col matrix (one row per window). C has a column for every input pixel.', k=kernel))
        return wrong(t('Not quite: you said {pair}. Rows: the number of output cells; columns: the number of input pixels.', pair=pair))

    return judge("check_conv_matrix_shape", (n, kernel, stride), answer, grade,
                 todo=t('C @ x.ravel() is the flattened output: count the output cells and the input pixels.'),
                 solution=solution, show_answer=show_answer)
