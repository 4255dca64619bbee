"""Feature maps, noise and comparing maps (notebook 04)."""

from __future__ import annotations

import numpy as np

from cnnlib.core import kernels
from cnnlib.text.i18n import t

from .conv import conv2d


# Feature maps, noise and comparing maps (notebook 04)
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
        raise ValueError(t('kind must be one of {kinds}, got {kind!r}', kinds=', '.join(NOISE_KINDS), kind=kind))
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
        raise ValueError(t('a and b must have the same shape, got {a_shape} and {b_shape}', a_shape=np.shape(a), b_shape=np.shape(b)))
    if a.size == 0:
        raise ValueError(t('a and b must not be empty'))
    da, db = a - a.mean(), b - b.mean()
    # Element-wise sums, not np.dot: a BLAS call may spin up threads, slow on a busy machine.
    norm = np.sqrt(np.sum(da * da) * np.sum(db * db))
    if norm == 0:
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(np.sum(da * db) / norm)
