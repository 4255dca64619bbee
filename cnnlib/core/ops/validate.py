"""Checking arguments: every public op goes through these, so the messages are uniform."""

from __future__ import annotations

import numbers

import numpy as np

from cnnlib.text.i18n import t

PADDING_HELP = '"valid", "same", an int >= 0 or an (h, w) pair of ints >= 0'
# Checking arguments: every public function goes through these, so the messages are uniform.
def as_int(value, name: str, minimum: int) -> int:
    """An integer >= minimum, or a ValueError naming the parameter."""
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not is_int:
        # Accept 2.0 from a float slider, but never 2.5 or True.
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(t('{name} must be an integer >= {minimum}, got {value!r}', name=name, minimum=minimum, value=value))
    value = int(value)
    if value < minimum:
        raise ValueError(t('{name} must be an integer >= {minimum}, got {value}', name=name, minimum=minimum, value=value))
    return value


def pair(value, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or an (h, w) pair -> (h, w), each an integer >= minimum."""
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(t('{name} must be an int or an (h, w) pair, got {value!r}', name=name, value=value))
        return (as_int(value[0], f"{name}[0]", minimum), as_int(value[1], f"{name}[1]", minimum))
    v = as_int(value, name, minimum)
    return (v, v)


def padding_spec(padding) -> str | tuple[int, int]:
    if isinstance(padding, str):
        mode = padding.lower()
        if mode not in ("valid", "same"):
            raise ValueError(t('padding must be {PADDING_HELP}, got {padding!r}', PADDING_HELP=PADDING_HELP, padding=padding))
        return mode
    try:
        return pair(padding, "padding", minimum=0)
    except ValueError:
        raise ValueError(t('padding must be {PADDING_HELP}, got {padding!r}', PADDING_HELP=PADDING_HELP, padding=padding)) from None


def pads_1d(n: int, k_eff: int, stride: int, padding, what: str, axis: str = "") -> tuple[int, int]:
    """(before, after) padding for one axis; padding is "valid", "same" or an int."""
    if padding == "same":
        out = -(-n // stride)  # ceil(n / stride), TensorFlow's SAME
        total = max((out - 1) * stride + k_eff - n, 0)
        return total // 2, total - total // 2
    p = 0 if padding == "valid" else padding
    if k_eff > n + 2 * p:
        where = f" ({t(axis)})" if axis else ""
        raise ValueError(
            t("{what} {k_eff}{where} is larger than the padded input {padded_size}: use a smaller {kernel}, more padding, or padding='same'", what=what, k_eff=k_eff, where=where, padded_size=n + 2 * p, kernel=t("kernel"))
        )
    return p, p
