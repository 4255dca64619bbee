"""Conv arithmetic: output sizes, padding amounts, and which input positions the windows read
(notebook 03), with the formula written out for display."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t

from .validate import as_int, padding_spec, pads_1d, pair


def output_size(n, kernel, stride=1, padding="valid", dilation=1) -> int:
    """Output length along one axis: floor((n + 2p - d(k-1) - 1) / s) + 1.

    ``padding="same"`` gives ceil(n / stride), as in TensorFlow.

    >>> output_size(5, 3)                      # the 5x5 image with a 3x3 kernel
    3
    >>> output_size(28, 3, stride=2, padding="same")
    14
    """
    n = as_int(n, "n (input size)", 1)
    k = as_int(kernel, "kernel", 1)
    s = as_int(stride, "stride", 1)
    d = as_int(dilation, "dilation", 1)
    pad = padding_spec(padding)
    if isinstance(pad, tuple):
        if pad[0] != pad[1]:
            raise ValueError(t('padding must be one int for output_size (one axis), got {padding!r}', padding=padding))
        pad = pad[0]
    k_eff = d * (k - 1) + 1
    what = t("kernel") if d == 1 else t("dilated kernel")
    before, after = pads_1d(n, k_eff, s, pad, what)
    return (n + before + after - k_eff) // s + 1


def pad_amounts(x_shape, kernel_shape, stride=1, padding="valid", dilation=1):
    """((top, bottom), (left, right)) zero padding that conv2d applies for these settings."""
    h, w = x_shape[:2]
    s, d = pair(stride, "stride"), pair(dilation, "dilation")
    pad = padding_spec(padding)
    k_eff = [dd * (kk - 1) + 1 for kk, dd in zip(kernel_shape[:2], d)]
    what = t("kernel") if d == (1, 1) else t("dilated kernel")
    pads = []
    for i, (n, axis) in enumerate(((h, "height"), (w, "width"))):
        p = pad if isinstance(pad, str) else pad[i]
        pads.append(pads_1d(n, k_eff[i], s[i], p, what, axis))
    return tuple(pads)


# Conv arithmetic: which input positions the windows read (notebook 03)
def _axis_setup(n, kernel, stride, padding, dilation):
    """Validated (n, k, s, d, before, after, out) for one axis, as output_size sees it."""
    out = output_size(n, kernel, stride, padding, dilation)  # validates everything
    n, k, s, d = int(n), int(kernel), int(stride), int(dilation)
    pad = padding_spec(padding)
    pad = pad if isinstance(pad, str) else pad[0]
    before, after = pads_1d(n, d * (k - 1) + 1, s, pad, t("kernel"))
    return n, k, s, d, before, after, out


def window_coverage(n, kernel, stride=1, padding="valid", dilation=1) -> np.ndarray:
    """How many windows read each position of one padded axis.

    Returns an int array of length ``before + n + after`` (the padding of ``pad_amounts``
    included): entry i counts the output positions whose kernel taps land on padded position i.
    Input position j sits at index ``before + j``. For a 2-D input the count at (r, c) is the
    product of the row and column counts, ``np.outer(rows, cols)``.

    >>> window_coverage(6, 3, stride=2).tolist()     # the last column is never read
    [1, 1, 2, 1, 1, 0]
    """
    n, k, s, d, before, after, out = _axis_setup(n, kernel, stride, padding, dilation)
    counts = np.zeros(before + n + after, dtype=int)
    taps = (np.arange(out)[:, None] * s + np.arange(k)[None, :] * d).ravel()
    np.add.at(counts, taps, 1)
    return counts


def visited_positions(n, kernel, stride=1, padding="valid", dilation=1) -> np.ndarray:
    """For each of the n input positions (padding excluded): does any kernel tap ever read it?

    False marks rows (or columns) the convolution never looks at, e.g. the last column when
    n=6, kernel=3, stride=2 and no padding.
    """
    n, _, _, _, before, _, _ = _axis_setup(n, kernel, stride, padding, dilation)
    return window_coverage(n, kernel, stride, padding, dilation)[before:before + n] > 0


def output_size_formula(n, kernel, stride=1, padding="valid", dilation=1, short=False) -> str:
    """The output-size formula with the numbers filled in (one axis), as text.

    >>> output_size_formula(7, 3, stride=2, padding=1)
    'floor((7 + 2·1 − 1·(3−1) − 1)/2) + 1'

    ``"same"`` shows the padding TensorFlow actually adds, which may differ per side:
    ``floor((6 + 0 + 1 − 1·(3−1) − 1)/2) + 1``. ``short=True`` drops the terms that are zero
    without padding and dilation (notebooks 02 and 04 teach that form first):
    ``output_size_formula(5, 3, 2, short=True)`` is ``'floor((5 − 3)/2) + 1'``.
    """
    n, k, s, d, before, after, _ = _axis_setup(n, kernel, stride, padding, dilation)
    if short and before == after == 0 and d == 1:
        return f"floor(({n} − {k})/{s}) + 1"
    pads = f"2·{before}" if before == after else f"{before} + {after}"
    return f"floor(({n} + {pads} − {d}·({k}−1) − 1)/{s}) + 1"
