"""The small numeric experiments behind the explorers: pure numpy on top of ``cnnlib.core.ops``.

An explorer asks the same question again on every redraw (the edge map of a photo, a whole curve
over every shift or noise level), so the costly answers are cached here, once per setting.
"""

from __future__ import annotations

import functools

import numpy as np

from cnnlib.core import images, ops

__all__ = ["MAX_SHIFT", "NOISE_LEVELS", "photo", "edges", "feature", "shift_crops",
           "shift_comparison", "shift_curve", "noise_comparison", "noise_curve",
           "marked_windows", "skipped", "stacked_receptive_fields"]

#: The largest shift the shift experiment offers (pixels).
MAX_SHIFT = 8
#: The noise levels the noise experiment draws its curve over.
NOISE_LEVELS = np.round(np.linspace(0, 0.5, 11), 2)


# ---------------------------------------------------------------------------------------------
# Pooling on a photo (notebook 04)
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def photo(name: str) -> np.ndarray:
    """Grayscale photo in [0, 1], shrunk by average pooling to about 150 rows (cached)."""
    gray = images.grayscale(images.load(name)) / 255.0
    factor = max(1, round(gray.shape[0] / 150))
    return ops.pool2d(gray, factor, mode="avg") if factor > 1 else gray


@functools.lru_cache(maxsize=8)
def edges(name: str) -> np.ndarray:
    """The Sobel edge map of the photo, scaled to [0, 1] (cached)."""
    e = ops.edge_magnitude(photo(name))
    return e / e.max() if e.max() > 0 else e  # a flat photo (one colour) has no edges


def feature(name: str, kind: str) -> np.ndarray:
    """The map a pooling explorer pools: "edges" (Sobel) or the photo itself."""
    return edges(name) if kind == "edges" else photo(name)


def shift_crops(fmap, shift, direction):
    """A map seen through a fixed frame, before and after the content moves by ``shift``.

    Cropping the edge map equals computing the edges of the moved photo (convolution is
    translation-equivariant: move the input, and its feature map moves the same way), so the
    edge map is computed once and cropped.
    """
    m = MAX_SHIFT
    h, w = fmap.shape
    before = fmap[m:h - m, m:w - m]
    if direction == "right":  # content moves right: the frame looks further left
        after = fmap[m:h - m, m - shift:w - m - shift]
    else:
        after = fmap[m - shift:h - m - shift, m:w - m]
    return before, after


def shift_comparison(image, shift, direction, size, mode) -> dict:
    """Raw and pooled edge maps before and after a move, and how much each changed
    (1 − correlation), with the curves over every shift."""
    raw_a, raw_b = shift_crops(edges(image), shift, direction)
    pool_a = ops.pool2d(raw_a, size, mode=mode)
    pool_b = ops.pool2d(raw_b, size, mode=mode)
    curve_raw, curve_pooled = shift_curve(image, direction, size, mode)
    return dict(raw_before=raw_a, raw_after=raw_b, pooled_before=pool_a, pooled_after=pool_b,
                change_raw=1 - ops.correlation(raw_a, raw_b),
                change_pooled=1 - ops.correlation(pool_a, pool_b),
                curve_raw=curve_raw, curve_pooled=curve_pooled)


@functools.lru_cache(maxsize=32)
def shift_curve(image, direction, size, mode):
    """1 − correlation between before/after maps for every shift 0..MAX_SHIFT (cached)."""
    raw, pooled = [], []
    for s in range(MAX_SHIFT + 1):
        a, b = shift_crops(edges(image), s, direction)
        raw.append(1 - ops.correlation(a, b))
        pooled.append(1 - ops.correlation(ops.pool2d(a, size, mode=mode),
                                          ops.pool2d(b, size, mode=mode)))
    return np.array(raw), np.array(pooled)


def noise_comparison(image, kind, level, size) -> dict:
    """The clean and noisy edge maps, both poolings of the noisy one, their correlation r with
    the pooled clean map, and the curves of r over every noise level."""
    clean = edges(image)
    noisy = ops.add_noise(clean, level, kind, seed=0)
    pooled = {m: ops.pool2d(noisy, size, mode=m) for m in ("max", "avg")}
    r = {m: ops.correlation(pooled[m], ops.pool2d(clean, size, mode=m)) for m in pooled}
    curve_max, curve_avg = noise_curve(image, kind, size)
    return dict(clean=clean, noisy=noisy, max=pooled["max"], avg=pooled["avg"], r_max=r["max"],
                r_avg=r["avg"], curve_max=curve_max, curve_avg=curve_avg)


@functools.lru_cache(maxsize=32)
def noise_curve(image, kind, size):
    """r between the pooled noisy and the pooled clean map, for max and for average pooling,
    at every level of ``NOISE_LEVELS`` (cached)."""
    clean = edges(image)
    ref = {m: ops.pool2d(clean, size, mode=m) for m in ("max", "avg")}
    out = {"max": [], "avg": []}
    for level in NOISE_LEVELS:
        noisy = ops.add_noise(clean, float(level), kind, seed=0)
        for m in out:
            out[m].append(ops.correlation(ops.pool2d(noisy, size, mode=m), ref[m]))
    return np.array(out["max"]), np.array(out["avg"])


# ---------------------------------------------------------------------------------------------
# Conv arithmetic and receptive fields (notebook 03)
# ---------------------------------------------------------------------------------------------
def marked_windows(out: int, stride: int):
    """The windows worth outlining on an out x out output: the first, the next one to the
    right, the first of the next row and the last (those that exist, once each).

    Returns (output cells, window corners on the padded input).
    """
    marked = []
    for rc in [(0, 0), (0, 1), (1, 0), (out - 1, out - 1)]:
        if rc[0] < out and rc[1] < out and rc not in marked:
            marked.append(rc)
    return marked, [(r * stride, c * stride) for r, c in marked]


def skipped(visited) -> tuple[list[int], bool]:
    """The indices no window visits, and whether they are exactly the last ones."""
    missing = np.flatnonzero(~np.asarray(visited, dtype=bool))
    n = len(visited)
    tail = bool(missing.size) and np.array_equal(missing, np.arange(n - missing.size, n))
    return missing.tolist(), tail


def stacked_receptive_fields(layers, kernel, stride, dilation, channels) -> dict:
    """A stack of ``layers`` identical conv layers: the receptive field after 0, 1, ... layers,
    and the weights (no biases, ``channels`` in and out) of the stack and of one layer whose
    kernel is as large as the final field."""
    spec = [(kernel, stride, dilation)] * layers
    fields = [ops.receptive_field(spec[:i]) for i in range(layers + 1)]
    rf = fields[-1]
    per_layer = ops.conv_param_count(kernel, kernel, channels, channels, bias=False)
    return dict(fields=fields, params_stack=layers * per_layer,
                params_single=ops.conv_param_count(rf, rf, channels, channels, bias=False))
