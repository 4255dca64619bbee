"""Counting weights and connections: convolutions, dense layers, locally connected layers, and
the receptive field of a stack."""

from __future__ import annotations

from cnnlib.text.i18n import t

from .validate import as_int


# Counting
def conv_param_count(kh, kw, c_in, c_out, bias=True) -> int:
    """Weights of a conv layer: kh*kw*c_in per filter, times c_out filters, plus one bias each."""
    kh, kw = as_int(kh, "kh", 1), as_int(kw, "kw", 1)
    c_in, c_out = as_int(c_in, "c_in", 1), as_int(c_out, "c_out", 1)
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def dense_param_count(n_in, n_out, bias=True) -> int:
    """Weights of a fully connected layer: one per input-output pair, plus one bias per output."""
    n_in, n_out = as_int(n_in, "n_in", 1), as_int(n_out, "n_out", 1)
    return n_in * n_out + (n_out if bias else 0)


def receptive_field(layers) -> int:
    """Receptive field (in input pixels, one axis) of a stack of (kernel, stride[, dilation]) layers.

    >>> receptive_field([(3, 1), (3, 1), (3, 1)])   # three 3x3 layers see 7x7
    7
    """
    rf, jump = 1, 1
    for idx, layer in enumerate(layers):
        if len(layer) not in (2, 3):
            raise ValueError(t('layers[{idx}] must be (kernel, stride) or (kernel, stride, dilation)', idx=idx))
        k = as_int(layer[0], f"layers[{idx}] kernel", 1)
        s = as_int(layer[1], f"layers[{idx}] stride", 1)
        d = as_int(layer[2], f"layers[{idx}] dilation", 1) if len(layer) == 3 else 1
        rf += d * (k - 1) * jump
        jump *= s
    return rf


def local_param_count(out_h, out_w, kh, kw, c_in=1, c_out=1, bias=True) -> int:
    """Weights of a *locally connected* layer: like a conv layer, but without sharing.

    Every one of the out_h x out_w output positions has its own kh x kw x c_in window of weights
    (per output channel), plus its own bias: out_h*out_w*c_out*(kh*kw*c_in + bias).
    """
    out_h, out_w = as_int(out_h, "out_h", 1), as_int(out_w, "out_w", 1)
    kh, kw = as_int(kh, "kh", 1), as_int(kw, "kw", 1)
    c_in, c_out = as_int(c_in, "c_in", 1), as_int(c_out, "c_out", 1)
    return out_h * out_w * c_out * (kh * kw * c_in + (1 if bias else 0))
