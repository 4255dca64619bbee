"""The output-size line several explorers' info shares: the formula with its numbers filled in,
from ``ops`` (one place, one "×")."""

from __future__ import annotations

from cnnlib.core import ops
from cnnlib.text.i18n import t

__all__ = ["axis_sizes", "output_size_line"]


def axis_sizes(shape, window, stride) -> str:
    """'rows floor((5 − 3)/1) + 1 = 3, columns floor((5 − 3)/1) + 1 = 3'."""
    (h, w), (kh, kw) = shape[:2], window[:2]
    return t("rows {rows} = {oh}, columns {cols} = {ow}",
             rows=ops.output_size_formula(h, kh, stride, short=True),
             oh=ops.output_size(h, kh, stride),
             cols=ops.output_size_formula(w, kw, stride, short=True),
             ow=ops.output_size(w, kw, stride))


def output_size_line(shape, window, stride, *, steps: bool = False) -> str:
    """'output size = floor((n − k)/s) + 1: rows … = 3, columns … = 3 → <b>output 3 × 3</b>',
    and with ``steps`` how many window positions that makes (', 9 steps')."""
    (h, w), (kh, kw) = shape[:2], window[:2]
    oh, ow = ops.output_size(h, kh, stride), ops.output_size(w, kw, stride)
    line = t("output size = floor((n − k)/s) + 1: {sizes} → <b>output {oh} × {ow}</b>",
             sizes=axis_sizes(shape, window, stride), oh=oh, ow=ow)
    return line + (t(", {n} steps", n=oh * ow) if steps else "")
