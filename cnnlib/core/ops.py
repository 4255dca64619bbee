"""The numbers behind every lesson, in pure numpy.

Everything here is checked against TensorFlow's own ops in ``tests/test_ops_vs_tf.py``.
Conventions, as in Keras:

* channels last: an image is ``(H, W)``, ``(H, W, C)`` or a batch ``(N, H, W, C)``;
* "convolution" is cross-correlation: the kernel is *not* flipped;
* ``padding`` is ``"valid"`` (none), ``"same"`` (exactly TensorFlow's SAME: ``ceil(n / stride)``
  outputs, the odd extra pixel going to the bottom/right), or a number of zero pixels on each
  side (an int, or an ``(ph, pw)`` pair).

Bad settings raise ``ValueError`` with a message that names the parameter and what is allowed.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnnlib import kernels
from cnnlib.i18n import t

__all__ = [
    "output_size",
    "pad_amounts",
    "conv2d",
    "conv2d_loops",
    "pool2d",
    "relu",
    "sigmoid",
    "softmax",
    "cross_entropy",
    "conv_param_count",
    "dense_param_count",
    "receptive_field",
]

PADDING_HELP = '"valid", "same", an int >= 0 or an (h, w) pair of ints >= 0'


# ---------------------------------------------------------------------------------------------
# Checking arguments: every public function goes through these, so the messages are uniform.
# ---------------------------------------------------------------------------------------------
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


def _pair(value, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or an (h, w) pair -> (h, w), each an integer >= minimum."""
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(t('{name} must be an int or an (h, w) pair, got {value!r}', name=name, value=value))
        return (as_int(value[0], f"{name}[0]", minimum), as_int(value[1], f"{name}[1]", minimum))
    v = as_int(value, name, minimum)
    return (v, v)


def _padding_spec(padding) -> str | tuple[int, int]:
    if isinstance(padding, str):
        mode = padding.lower()
        if mode not in ("valid", "same"):
            raise ValueError(t('padding must be {PADDING_HELP}, got {padding!r}', PADDING_HELP=PADDING_HELP, padding=padding))
        return mode
    try:
        return _pair(padding, "padding", minimum=0)
    except ValueError:
        raise ValueError(t('padding must be {PADDING_HELP}, got {padding!r}', PADDING_HELP=PADDING_HELP, padding=padding)) from None


def _pads_1d(n: int, k_eff: int, stride: int, padding, what: str, axis: str = "") -> tuple[int, int]:
    """(before, after) padding for one axis; padding is "valid", "same" or an int."""
    if padding == "same":
        out = -(-n // stride)  # ceil(n / stride), TensorFlow's SAME
        total = max((out - 1) * stride + k_eff - n, 0)
        return total // 2, total - total // 2
    p = 0 if padding == "valid" else padding
    if k_eff > n + 2 * p:
        where = f" ({t(axis)})" if axis else ""
        raise ValueError(
            t("{what} {k_eff}{where} is larger than the padded input {v}: use a smaller {v2}, more padding, or padding='same'", what=what, k_eff=k_eff, where=where, v=n + 2 * p, v2=t("kernel"))
        )
    return p, p


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
    pad = _padding_spec(padding)
    if isinstance(pad, tuple):
        if pad[0] != pad[1]:
            raise ValueError(t('padding must be one int for output_size (one axis), got {padding!r}', padding=padding))
        pad = pad[0]
    k_eff = d * (k - 1) + 1
    what = t("kernel") if d == 1 else t("dilated kernel")
    before, after = _pads_1d(n, k_eff, s, pad, what)
    return (n + before + after - k_eff) // s + 1


def pad_amounts(x_shape, kernel_shape, stride=1, padding="valid", dilation=1):
    """((top, bottom), (left, right)) zero padding that conv2d applies for these settings."""
    h, w = x_shape[:2]
    s, d = _pair(stride, "stride"), _pair(dilation, "dilation")
    pad = _padding_spec(padding)
    k_eff = [dd * (kk - 1) + 1 for kk, dd in zip(kernel_shape[:2], d)]
    what = t("kernel") if d == (1, 1) else t("dilated kernel")
    pads = []
    for i, (n, axis) in enumerate(((h, "height"), (w, "width"))):
        p = pad if isinstance(pad, str) else pad[i]
        pads.append(_pads_1d(n, k_eff[i], s[i], p, what, axis))
    return tuple(pads)


# ---------------------------------------------------------------------------------------------
# Convolution
# ---------------------------------------------------------------------------------------------
def _prepare_conv(x, kernel, stride, padding, dilation, bias):
    """Validate and bring everything to 4-D: x (N, H, W, C), kernel (kh, kw, C, F), bias (F,).

    Returns (x4, k4, bias, stride, dilation, pads, out_shape_fn) where out_shape_fn restores the
    caller's layout.
    """
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    if x.dtype == object or kernel.dtype == object:
        raise ValueError(t('x and kernel must be numeric arrays'))
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(t('x must be a numeric array, got dtype {dtype}', dtype=x.dtype))
    if not (np.issubdtype(kernel.dtype, np.number) or kernel.dtype == bool):
        raise ValueError(t('kernel must be a numeric array, got dtype {dtype}', dtype=kernel.dtype))
    if x.ndim not in (2, 3, 4):
        raise ValueError(t('x must be (H, W), (H, W, C) or (N, H, W, C), got shape {shape}', shape=x.shape))
    if kernel.ndim not in (2, 3, 4):
        raise ValueError(
            t('kernel must be (kh, kw), (kh, kw, C) or (kh, kw, C, F), got shape {shape}', shape=kernel.shape)
        )
    batched = x.ndim == 4
    x4 = x[None] if x.ndim == 3 else (x[None, :, :, None] if x.ndim == 2 else x)
    c = x4.shape[-1]
    if kernel.ndim == 2:
        if c != 1:
            raise ValueError(
                t('kernel of shape {shape} has no channel axis, but x has {c} channels: give the kernel shape {v}', shape=kernel.shape, c=c, v=kernel.shape + (c,))
            )
        k4 = kernel[:, :, None, None]
    elif kernel.ndim == 3:
        k4 = kernel[:, :, :, None]
    else:
        k4 = kernel
    if k4.shape[2] != c:
        raise ValueError(
            t('channel mismatch: kernel expects {shape} input channels (shape {shape2}), but x has {c} (shape {shape3})', shape=k4.shape[2], shape2=kernel.shape, c=c, shape3=x.shape)
        )
    if 0 in x4.shape or 0 in k4.shape:
        raise ValueError(t('x and kernel must not be empty, got shapes {shape} and {shape2}', shape=x.shape, shape2=kernel.shape))
    f = k4.shape[3]
    if bias is None:
        b = np.zeros(f, dtype=np.result_type(x4.dtype, k4.dtype, np.float32))
    else:
        b = np.asarray(bias)
        if b.ndim > 1 or (b.ndim == 1 and b.shape[0] != f):
            raise ValueError(t('bias must hold one value per filter ({f}), got shape {shape}', f=f, shape=b.shape))
        if not np.issubdtype(b.dtype, np.number):
            raise ValueError(t('bias must be numeric, got dtype {dtype}', dtype=b.dtype))
        b = np.broadcast_to(b, (f,))  # a single number serves every filter
    s = _pair(stride, "stride")
    d = _pair(dilation, "dilation")
    pads = pad_amounts(x4.shape[1:3], k4.shape[:2], s, padding, d)

    def restore(out4):  # out4: (N, oh, ow, F)
        if kernel.ndim < 4:
            out4 = out4[..., 0]
        return out4 if batched else out4[0]

    return x4, k4, b, s, d, pads, restore


def _out_hw(x4, k4, s, d, pads):
    return tuple(
        (x4.shape[1 + i] + sum(pads[i]) - (d[i] * (k4.shape[i] - 1) + 1)) // s[i] + 1
        for i in range(2)
    )


def _pad4(x4, pads):
    if pads == ((0, 0), (0, 0)):
        return x4
    return np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)))


def conv2d(x, kernel, stride=1, padding="valid", dilation=1, bias=None):
    """2-D convolution (cross-correlation, no kernel flip), vectorized.

    x       (H, W), (H, W, C) or (N, H, W, C)
    kernel  (kh, kw) for a 2-D x; (kh, kw, C): one filter, the output has no channel axis;
            (kh, kw, C, F): F filters, the output ends in F.
    stride, dilation: an int or an (h, w) pair, each >= 1.
    padding: "valid", "same" (TensorFlow's SAME) or zero pixels per side (int or (ph, pw)).
    bias: one value per filter.
    """
    x4, k4, b, s, d, pads, restore = _prepare_conv(x, kernel, stride, padding, dilation, bias)
    dtype = np.result_type(x4.dtype, k4.dtype, b.dtype, np.float32)
    xp = _pad4(x4.astype(dtype, copy=False), pads)
    k4 = k4.astype(dtype, copy=False)
    kh, kw, c, f = k4.shape
    oh, ow = _out_hw(x4, k4, s, d, pads)
    n = x4.shape[0]

    def tap(i, j):
        # The input pixels that kernel tap (i, j) meets, for every output position at once.
        r0, c0 = i * d[0], j * d[1]
        return xp[:, r0 : r0 + s[0] * (oh - 1) + 1 : s[0], c0 : c0 + s[1] * (ow - 1) + 1 : s[1], :]

    if c * f == 1:
        # One channel, one filter: a weighted sum of shifted images beats a matrix product.
        out = np.zeros((n, oh, ow, 1), dtype=dtype)
        for i in range(kh):
            for j in range(kw):
                out += k4[i, j, 0, 0] * tap(i, j)
    else:
        # im2col: gather every window into a row, then one matrix product with all filters.
        cols = np.empty((n, oh, ow, kh, kw, c), dtype=dtype)
        for i in range(kh):
            for j in range(kw):
                cols[:, :, :, i, j, :] = tap(i, j)
        out = (cols.reshape(n * oh * ow, kh * kw * c) @ k4.reshape(kh * kw * c, f))
        out = out.reshape(n, oh, ow, f)
    if bias is not None:
        out += b.astype(dtype)
    return restore(out)


def conv2d_loops(x, kernel, stride=1, padding="valid", dilation=1, bias=None):
    """The same contract as ``conv2d``, written as plain loops to read line by line.

    For every output position: cut out the window the kernel covers, multiply element by
    element, add it all up (plus the bias). Slow, on purpose: it is the lesson version.
    """
    x4, k4, b, s, d, pads, restore = _prepare_conv(x, kernel, stride, padding, dilation, bias)
    xp = _pad4(x4.astype(float), pads)            # zero padding around the image
    kh, kw, _, n_filters = k4.shape
    out_h, out_w = _out_hw(x4, k4, s, d, pads)
    span_h = d[0] * (kh - 1) + 1                  # how far the (dilated) kernel reaches
    span_w = d[1] * (kw - 1) + 1
    out = np.zeros((x4.shape[0], out_h, out_w, n_filters))
    for n in range(x4.shape[0]):                  # each image in the batch
        for i in range(out_h):                    # each output row
            for j in range(out_w):                # each output column
                top, left = i * s[0], j * s[1]    # the window's corner moves by the stride
                window = xp[n, top : top + span_h : d[0], left : left + span_w : d[1], :]
                for f in range(n_filters):        # each filter makes one feature map
                    out[n, i, j, f] = np.sum(window * k4[:, :, :, f]) + b[f]
    return restore(out)


# ---------------------------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------------------------
def _pool_setup(x, size, stride, padding, mode):
    """Validate pool2d's arguments: (mode, x4 (N, H, W, C), ksize, stride, pads, oh, ow)."""
    if not isinstance(mode, str) or mode.lower() not in ("max", "avg", "average", "mean"):
        raise ValueError(t('mode must be "max" or "avg", got {mode!r}', mode=mode))
    mode = "max" if mode.lower() == "max" else "avg"
    x = np.asarray(x)
    if x.dtype == bool:
        x = x.astype(np.uint8)
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(t('x must be a numeric array, got dtype {dtype}', dtype=x.dtype))
    if x.ndim not in (2, 3, 4):
        raise ValueError(t('x must be (H, W), (H, W, C) or (N, H, W, C), got shape {shape}', shape=x.shape))
    if 0 in x.shape:
        raise ValueError(t('x must not be empty, got shape {shape}', shape=x.shape))
    ksize = _pair(size, "size")
    s = ksize if stride is None else _pair(stride, "stride")
    pad = _padding_spec(padding)
    if isinstance(pad, tuple):
        for p, k, axis in zip(pad, ksize, ("height", "width")):
            if p > k // 2:
                raise ValueError(
                    t('padding {p} ({axis}) must be at most half the pool size {k}, i.e. <= {v}', p=p, axis=t(axis), k=k, v=k // 2)
                )
    x4 = x[None] if x.ndim == 3 else (x[None, :, :, None] if x.ndim == 2 else x)
    pads = []
    for i, axis in enumerate(("height", "width")):
        p = pad if isinstance(pad, str) else pad[i]
        pads.append(_pads_1d(x4.shape[1 + i], ksize[i], s[i], p, t("pool size"), axis))
    pads = tuple(pads)
    oh, ow = (
        (x4.shape[1 + i] + sum(pads[i]) - ksize[i]) // s[i] + 1 for i in range(2)
    )
    return mode, x4, ksize, s, pads, oh, ow


def _pool_pad(x4, pads, mode):
    """x4 padded for pooling: with the lowest value for max (padded cells never win), else 0."""
    if mode == "max":
        fill = -np.inf if np.issubdtype(x4.dtype, np.floating) else np.iinfo(x4.dtype).min
        return np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=fill)
    return np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)))


def _pool_restore(out4, ndim):
    if ndim == 2:
        return out4[0, :, :, 0]
    return out4 if ndim == 4 else out4[0]


def pool2d(x, size=2, stride=None, padding="valid", mode="max"):
    """Max or average pooling over each channel separately.

    x: (H, W), (H, W, C) or (N, H, W, C); size and stride: an int or (h, w) pair; stride
    defaults to size. padding as in conv2d, but padded cells never count: max ignores them, and
    the average is taken over the real cells only (TensorFlow's rule for SAME). Explicit padding
    may be at most half the window, so that every window holds a real cell.
    """
    mode, x4, ksize, s, pads, oh, ow = _pool_setup(x, size, stride, padding, mode)
    dtype = np.result_type(x4.dtype, np.float32) if mode == "avg" else x4.dtype
    xp = _pool_pad(x4.astype(dtype, copy=False), pads, mode)
    if mode == "avg":
        # Count the real (unpadded) cells under each window, to divide by.
        real = np.pad(np.ones(x4.shape[1:3], dtype), pads)
    acc = None
    count = None
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            rows = slice(i, i + s[0] * (oh - 1) + 1, s[0])
            cols = slice(j, j + s[1] * (ow - 1) + 1, s[1])
            v = xp[:, rows, cols, :]
            if mode == "max":
                acc = v.copy() if acc is None else np.maximum(acc, v)
            else:
                acc = v.copy() if acc is None else acc + v
                r = real[rows, cols]
                count = r.copy() if count is None else count + r
    out = acc if mode == "max" else acc / count[None, :, :, None]
    return _pool_restore(out, np.ndim(x))


# ---------------------------------------------------------------------------------------------
# Activations and the output layer
# ---------------------------------------------------------------------------------------------
def relu(x):
    """max(0, x), element-wise."""
    return np.maximum(np.asarray(x), 0)


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for large |x|."""
    x = np.asarray(x, dtype=np.result_type(np.asarray(x).dtype, np.float32))
    e = np.exp(-np.abs(x))  # <= 1, never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z, axis=-1):
    """exp(z) / sum(exp(z)) along ``axis``; subtracting the max keeps logits of 1e4 finite."""
    z = np.asarray(z, dtype=np.result_type(np.asarray(z).dtype, np.float32))
    if z.ndim == 0:
        raise ValueError(t('z must have at least one axis of logits'))
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(t('axis must be in [{v}, {v2}] for z of shape {shape}', v=-z.ndim, v2=z.ndim - 1, shape=z.shape))
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def cross_entropy(probs, label) -> float:
    """-log(probability given to the true label), the loss for one example."""
    probs = np.asarray(probs, dtype=float)
    label = as_int(label, "label", 0)
    if probs.ndim != 1 or label >= probs.shape[0]:
        raise ValueError(t('label must be in [0, {v}], got {label}', v=probs.shape[-1] - 1, label=label))
    return float(-np.log(max(probs[label], np.finfo(float).tiny)))


# ---------------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Conv arithmetic: which input positions the windows read (notebook 03)
# ---------------------------------------------------------------------------------------------
def _axis_setup(n, kernel, stride, padding, dilation):
    """Validated (n, k, s, d, before, after, out) for one axis, as output_size sees it."""
    out = output_size(n, kernel, stride, padding, dilation)  # validates everything
    n, k, s, d = int(n), int(kernel), int(stride), int(dilation)
    pad = _padding_spec(padding)
    pad = pad if isinstance(pad, str) else pad[0]
    before, after = _pads_1d(n, d * (k - 1) + 1, s, pad, t("kernel"))
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


# ---------------------------------------------------------------------------------------------
# Feature maps, noise and comparing maps (notebook 04)
# ---------------------------------------------------------------------------------------------
def edge_magnitude(x) -> np.ndarray:
    """Sobel edge strength sqrt(gx² + gy²) of a 2-D image: a feature map that lights up on edges.

    Valid convolution, so an (H, W) image gives (H-2, W-2).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(t('x must be a 2-D (grayscale) image, got shape {shape}', shape=x.shape))
    if min(x.shape) < 3:
        raise ValueError(t('x must be at least 3 x 3, got shape {shape}', shape=x.shape))
    sobel_x = kernels.get("sobel x (vertical edges)")
    return np.hypot(conv2d(x, sobel_x), conv2d(x, sobel_x.T))


NOISE_KINDS = ("gaussian", "salt", "pepper")


def add_noise(x, level, kind="gaussian", seed=0) -> np.ndarray:
    """A noisy copy of x; the same seed gives the same noise pattern at every level.

    kind "gaussian": add zero-mean noise with standard deviation level * (max - min) of x;
    "salt": a fraction ``level`` of the cells jumps to the max of x (bright specks);
    "pepper": a fraction ``level`` of the cells drops to the min of x (lost activations).
    level: a number in [0, 1].
    """
    x = np.asarray(x, dtype=float)
    if kind not in NOISE_KINDS:
        raise ValueError(t('kind must be one of {join}, got {kind!r}', join=', '.join(NOISE_KINDS), kind=kind))
    if not isinstance(level, (int, float, np.number)) or isinstance(level, bool) or not 0 <= level <= 1:
        raise ValueError(t('level must be a number in [0, 1], got {level!r}', level=level))
    rng = np.random.default_rng(seed)
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    if kind == "gaussian":
        return x + level * (hi - lo) * rng.standard_normal(x.shape)
    hit = rng.random(x.shape) < level
    return np.where(hit, hi if kind == "salt" else lo, x)


def correlation(a, b) -> float:
    """Pearson correlation of two same-shape arrays, cell by cell (1: same pattern).

    Two constant arrays count as 1.0 if equal and 0.0 otherwise.
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(t('a and b must have the same shape, got {shape} and {shape2}', shape=np.shape(a), shape2=np.shape(b)))
    if a.size == 0:
        raise ValueError(t('a and b must not be empty'))
    da, db = a - a.mean(), b - b.mean()
    # Element-wise sums, not np.dot: a BLAS call may spin up threads, slow on a busy machine.
    norm = np.sqrt(np.sum(da * da) * np.sum(db * db))
    if norm == 0:
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(np.sum(da * db) / norm)


__all__ += ["window_coverage", "visited_positions", "output_size_formula", "edge_magnitude",
            "NOISE_KINDS", "add_noise", "correlation"]


# ---------------------------------------------------------------------------------------------
# One step of a convolution, for the step-by-step pictures (notebook 02)
# ---------------------------------------------------------------------------------------------
def window_positions(n, kernel, stride=1) -> list[int]:
    """Where the window starts along one axis (no padding): 0, s, 2s, ... while it still fits.

    >>> window_positions(5, 3, stride=2)
    [0, 2]
    """
    out = output_size(n, kernel, stride)  # validates n, kernel and stride
    return [i * int(stride) for i in range(out)]


def conv_step(x, kernel, step, stride=1, bias=0.0) -> dict:
    """Everything one step of a valid convolution computes, to show it number by number.

    x: (H, W) or (H, W, C); kernel: (kh, kw) or (kh, kw, C), one filter. Steps count the output
    cells row by row (step 0 is the top-left cell). Returns a dict with
    ``position`` (row, col) of the window's top-left pixel, ``cell`` (row, col) of the output
    cell it fills, ``window`` (the input numbers under the kernel), ``products`` (window * kernel,
    element by element), ``channel_sums`` (one sum per input channel), ``bias``, ``total``
    (all products summed, plus the bias: the output cell's value), ``n_steps`` and ``out_shape``.
    """
    x = np.asarray(x)
    kernel = np.asarray(kernel)
    if x.ndim == 2 and kernel.ndim == 2:
        x3, k3 = x[:, :, None], kernel[:, :, None]
    elif x.ndim == 3 and kernel.ndim == 3:
        x3, k3 = x, kernel
    else:
        raise ValueError(t('x and kernel must be (H, W) and (kh, kw), or (H, W, C) and (kh, kw, C); got shapes {shape} and {shape2}', shape=x.shape, shape2=kernel.shape))
    if not (isinstance(bias, numbers.Real) and not isinstance(bias, bool) and np.isfinite(bias)):
        raise ValueError(t('bias must be one finite number, got {bias!r}', bias=bias))
    _prepare_conv(x3, k3, stride, "valid", 1, None)  # checks types, channels and sizes
    s = as_int(stride, "stride", 1)
    oh = output_size(x3.shape[0], k3.shape[0], s)
    ow = output_size(x3.shape[1], k3.shape[1], s)
    step = as_int(step, "step", 0)
    if step >= oh * ow:
        raise ValueError(t('step must be in [0, {v}] ({oh}x{ow} output cells), got {step}', v=oh * ow - 1, oh=oh, ow=ow, step=step))
    i, j = divmod(step, ow)
    r, c = i * s, j * s
    kh, kw = k3.shape[:2]
    window = x3[r:r + kh, c:c + kw, :].astype(float)
    products = window * k3
    channel_sums = products.sum(axis=(0, 1))
    squeeze = (lambda a: a[:, :, 0]) if x.ndim == 2 else (lambda a: a)
    return {"position": (r, c), "cell": (i, j), "window": squeeze(window),
            "products": squeeze(products), "channel_sums": channel_sums, "bias": float(bias),
            "total": float(channel_sums.sum() + float(bias)), "n_steps": oh * ow,
            "out_shape": (oh, ow)}


__all__ += ["window_positions", "conv_step"]


# ---------------------------------------------------------------------------------------------
# Flatten, the dense (fully connected) layer, and counting connections (notebook 05)
# ---------------------------------------------------------------------------------------------
def flatten(x, keep_batch=False) -> np.ndarray:
    """All numbers of x in one vector, row by row with channels last, as Keras' ``Flatten``.

    (3, 3) -> (9,); (13, 13, 4) -> (676,) with the 4 channels of pixel (0, 0) first.
    keep_batch=True keeps the first axis, as ``Flatten`` does: (N, 13, 13, 4) -> (N, 676).
    """
    x = np.asarray(x)
    if keep_batch:
        if x.ndim < 2:
            raise ValueError(t('x must be a batch (N, ...) with keep_batch=True, got shape {shape}', shape=x.shape))
        return x.reshape(x.shape[0], -1)
    return x.reshape(-1)


def dense(x, w, b=None) -> np.ndarray:
    """A fully connected layer: ``x @ w + b``.

    x: (n_in,) one example or (N, n_in) a batch; w: (n_in, n_out), Keras' ``Dense`` kernel
    layout (column j holds the weights of output neuron j); b: (n_out,) or None.
    """
    x, w = np.asarray(x), np.asarray(w)
    if w.ndim != 2:
        raise ValueError(t('w must be a 2-D (n_in, n_out) matrix, got shape {shape}', shape=w.shape))
    if x.ndim not in (1, 2):
        raise ValueError(t('x must be (n_in,) or (N, n_in); flatten it first (got shape {shape})', shape=x.shape))
    if x.shape[-1] != w.shape[0]:
        raise ValueError(t('x has {shape} inputs but w expects n_in = {shape2} (shapes {shape3} and {shape4})', shape=x.shape[-1], shape2=w.shape[0], shape3=x.shape, shape4=w.shape))
    out = x @ w
    if b is not None:
        b = np.asarray(b)
        if b.shape != (w.shape[1],):
            raise ValueError(t('b must hold one bias per output ({shape}), got shape {shape2}', shape=w.shape[1], shape2=b.shape))
        out = out + b
    return out


def softmax_naive(z, axis=-1) -> np.ndarray:
    """exp(z) / sum(exp(z)) straight from the formula, *without* subtracting the max.

    Only here to show why ``softmax`` subtracts it: logits of 1e4 overflow exp to inf and the
    result is nan (inf / inf); logits of -1e4 underflow to 0 / 0 = nan. Never use it for work.
    """
    z = np.asarray(z, dtype=np.result_type(np.asarray(z).dtype, np.float32))
    if z.ndim == 0:
        raise ValueError(t('z must have at least one axis of logits'))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)


def local_param_count(out_h, out_w, kh, kw, c_in=1, c_out=1, bias=True) -> int:
    """Weights of a *locally connected* layer: like a conv layer, but without sharing.

    Every one of the out_h x out_w output positions has its own kh x kw x c_in window of weights
    (per output channel), plus its own bias: out_h*out_w*c_out*(kh*kw*c_in + bias).
    """
    out_h, out_w = as_int(out_h, "out_h", 1), as_int(out_w, "out_w", 1)
    kh, kw = as_int(kh, "kh", 1), as_int(kw, "kw", 1)
    c_in, c_out = as_int(c_in, "c_in", 1), as_int(c_out, "c_out", 1)
    return out_h * out_w * c_out * (kh * kw * c_in + (1 if bias else 0))


__all__ += ["flatten", "dense", "softmax_naive", "local_param_count"]


# ---------------------------------------------------------------------------------------------
# Backward passes: how the loss changes with every input and weight (notebook 06)
# ---------------------------------------------------------------------------------------------
def _grad_out4(grad_out, expected_shape, n, oh, ow, f):
    """grad_out as (N, oh, ow, F), or a ValueError naming grad_out."""
    g = np.asarray(grad_out)
    if not (np.issubdtype(g.dtype, np.number) or g.dtype == bool):
        raise ValueError(t('grad_out must be a numeric array, got dtype {dtype}', dtype=g.dtype))
    if g.shape != tuple(expected_shape):
        raise ValueError(t("grad_out must have the forward output's shape {tuple}, got {shape}", tuple=tuple(expected_shape), shape=g.shape))
    return g.reshape(n, oh, ow, f)


def conv2d_grad(x, kernel, grad_out, stride=1, padding="valid", dilation=1):
    """The backward pass of ``conv2d``: (dx, dk, db) for the upstream gradient ``grad_out``.

    ``grad_out`` is dLoss/d(output), shaped as ``conv2d(x, kernel, ...)``. Returns
    dx = dLoss/dx (x's shape), dk = dLoss/dkernel (kernel's shape) and db = dLoss/dbias: a float
    for a single-filter kernel, an (F,) array otherwise. Vectorized, one slice per kernel tap:

    * dk[i, j] = the input pixels tap (i, j) met, correlated with grad_out (summed over the batch);
    * dx: every output cell sends grad_out times the kernel back to the pixels it read, which is
      grad_out convolved with the flipped kernel; overlapping windows add up;
    * db = the sum of grad_out over the batch and every position.
    """
    x4, k4, _, s, d, pads, restore = _prepare_conv(x, kernel, stride, padding, dilation, None)
    kh, kw, c, f = k4.shape
    n = x4.shape[0]
    oh, ow = _out_hw(x4, k4, s, d, pads)
    expected = restore(np.empty((n, oh, ow, f), dtype=bool)).shape
    g4 = _grad_out4(grad_out, expected, n, oh, ow, f)
    dtype = np.result_type(x4.dtype, k4.dtype, g4.dtype, np.float32)
    xp = _pad4(x4.astype(dtype, copy=False), pads)
    k4 = k4.astype(dtype, copy=False)
    g4 = g4.astype(dtype, copy=False)
    dxp = np.zeros(xp.shape, dtype=dtype)
    dk = np.empty((kh, kw, c, f), dtype=dtype)
    g2 = g4.reshape(-1, f)

    def taps(i, j):
        # The slice of the padded input that tap (i, j) meets, for every output position at once.
        r0, c0 = i * d[0], j * d[1]
        return (slice(None), slice(r0, r0 + s[0] * (oh - 1) + 1, s[0]),
                slice(c0, c0 + s[1] * (ow - 1) + 1, s[1]), slice(None))

    for i in range(kh):
        for j in range(kw):
            where = taps(i, j)
            if c * f == 1:
                dk[i, j, 0, 0] = np.sum(xp[where] * g4)
                dxp[where] += k4[i, j, 0, 0] * g4
            else:
                # 2-D matrix products: a 4-D (batched) matmul is several times slower.
                dk[i, j] = xp[where].reshape(-1, c).T @ g2
                dxp[where] += (g2 @ k4[i, j].T).reshape(n, oh, ow, c)
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    x = np.asarray(x)
    dx = dx.reshape(x.shape)
    dk = dk.reshape(np.shape(kernel))
    db = g2.sum(axis=0)
    return dx, dk, (float(db[0]) if np.ndim(kernel) < 4 else db)


def conv2d_grad_loops(x, kernel, grad_out, stride=1, padding="valid", dilation=1):
    """The same contract as ``conv2d_grad``, as plain loops: the lesson version.

    Walk the forward loops again. Every output cell out[n, i, j, f] was
    sum(window * kernel[..., f]) + bias[f], so its gradient g = grad_out[n, i, j, f] flows
    back three ways: to the kernel (g times the window), to the window (g times the kernel),
    and to the bias (g).
    """
    x4, k4, _, s, d, pads, restore = _prepare_conv(x, kernel, stride, padding, dilation, None)
    kh, kw, _, n_filters = k4.shape
    out_h, out_w = _out_hw(x4, k4, s, d, pads)
    expected = restore(np.empty((x4.shape[0], out_h, out_w, n_filters))).shape
    g4 = _grad_out4(grad_out, expected, x4.shape[0], out_h, out_w, n_filters).astype(float)
    xp = _pad4(x4.astype(float), pads)
    k4 = k4.astype(float)
    span_h = d[0] * (kh - 1) + 1
    span_w = d[1] * (kw - 1) + 1
    dxp = np.zeros_like(xp)
    dk = np.zeros_like(k4)
    db = np.zeros(n_filters)
    for n in range(x4.shape[0]):
        for i in range(out_h):
            for j in range(out_w):
                top, left = i * s[0], j * s[1]
                rows = slice(top, top + span_h, d[0])
                cols = slice(left, left + span_w, d[1])
                for f in range(n_filters):
                    g = g4[n, i, j, f]
                    dk[:, :, :, f] += g * xp[n, rows, cols, :]   # d out / d kernel = window
                    dxp[n, rows, cols, :] += g * k4[:, :, :, f]  # d out / d window = kernel
                    db[f] += g                                  # d out / d bias = 1
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    dx = dx.reshape(np.shape(x))
    return dx, dk.reshape(np.shape(kernel)), (float(db[0]) if np.ndim(kernel) < 4 else db)


def pool2d_grad(x, grad_out, size=2, stride=None, padding="valid", mode="max"):
    """The backward pass of ``pool2d``: dLoss/dx (x's shape) for ``grad_out`` = dLoss/d(output).

    max: each window's gradient goes to its maximum; on a tie to the first maximum in row-major
    order within the window, as TensorFlow does. Overlapping windows add up.
    avg: each window's gradient is shared evenly among its real cells (padded cells do not count
    under "same", as in the forward pass).
    """
    mode, x4, ksize, s, pads, oh, ow = _pool_setup(x, size, stride, padding, mode)
    x = np.asarray(x)
    expected = _pool_restore(np.empty((x4.shape[0], oh, ow, x4.shape[3]), dtype=bool), x.ndim).shape
    g4 = _grad_out4(grad_out, expected, x4.shape[0], oh, ow, x4.shape[3])
    dtype = np.result_type(g4.dtype, np.float32)
    g4 = g4.astype(dtype, copy=False)
    shape_p = (x4.shape[0], x4.shape[1] + sum(pads[0]), x4.shape[2] + sum(pads[1]), x4.shape[3])
    dxp = np.zeros(shape_p, dtype=dtype)
    windows = [(slice(None), slice(i, i + s[0] * (oh - 1) + 1, s[0]),
                slice(j, j + s[1] * (ow - 1) + 1, s[1]), slice(None))
               for i in range(ksize[0]) for j in range(ksize[1])]  # row-major over the window
    if mode == "max":
        xp = _pool_pad(x4, pads, "max")
        best = xp[windows[0]].copy()
        arg = np.zeros(best.shape, dtype=np.intp)
        for t, where in enumerate(windows[1:], start=1):
            v = xp[where]
            bigger = v > best  # strictly bigger: on a tie the earlier tap keeps the gradient
            best = np.where(bigger, v, best)
            arg[bigger] = t
        for t, where in enumerate(windows):
            dxp[where] += np.where(arg == t, g4, 0)
    else:
        real = np.pad(np.ones(x4.shape[1:3], dtype), pads)
        count = sum(real[where[1:3]] for where in windows)
        share = g4 / count[None, :, :, None]
        for where in windows:
            dxp[where] += share
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    return dx.reshape(x.shape)


def pool2d_grad_loops(x, grad_out, size=2, stride=None, padding="valid", mode="max"):
    """The same contract as ``pool2d_grad``, as plain loops: the lesson version.

    For every window: max pooling hands its gradient to the cell that won (``np.argmax`` picks
    the first maximum, row by row), average pooling splits it evenly among the real cells.
    """
    mode, x4, ksize, s, pads, oh, ow = _pool_setup(x, size, stride, padding, mode)
    x = np.asarray(x)
    expected = _pool_restore(np.empty((x4.shape[0], oh, ow, x4.shape[3])), x.ndim).shape
    g4 = _grad_out4(grad_out, expected, x4.shape[0], oh, ow, x4.shape[3]).astype(float)
    xp = np.pad(x4.astype(float), ((0, 0), pads[0], pads[1], (0, 0)), constant_values=np.nan)
    dxp = np.zeros_like(xp)
    kh, kw = ksize
    for n in range(x4.shape[0]):
        for i in range(oh):
            for j in range(ow):
                top, left = i * s[0], j * s[1]
                for ch in range(x4.shape[3]):
                    window = xp[n, top:top + kh, left:left + kw, ch]   # nan marks padding
                    g = g4[n, i, j, ch]
                    if mode == "max":
                        r, c = np.unravel_index(np.argmax(np.where(np.isnan(window), -np.inf,
                                                                   window)), window.shape)
                        dxp[n, top + r, left + c, ch] += g
                    else:
                        real = ~np.isnan(window)
                        dxp[n, top:top + kh, left:left + kw, ch] += real * g / real.sum()
    (top, _), (left, _) = pads
    dx = dxp[:, top:top + x4.shape[1], left:left + x4.shape[2], :]
    return dx.reshape(x.shape)


__all__ += ["conv2d_grad", "conv2d_grad_loops", "pool2d_grad", "pool2d_grad_loops"]
