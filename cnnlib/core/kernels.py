"""Named 3x3 (and 5x5) kernels as plain float arrays, for the kernel gallery and editor.

Each is a cross-correlation kernel (as ``ops.conv2d`` applies it): the top-left number meets
the top-left pixel of the window.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t

__all__ = ["KERNELS", "get", "names", "gaussian"]


def gaussian(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """A normalized Gaussian blur kernel (its numbers sum to 1)."""
    if not isinstance(size, (int, np.integer)) or size < 1 or size % 2 == 0:
        raise ValueError(t('size must be an odd integer >= 1, got {size!r}', size=size))
    if not sigma > 0:
        raise ValueError(t('sigma must be > 0, got {sigma!r}', sigma=sigma))
    r = np.arange(size) - size // 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma**2))
    return g / g.sum()


KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
    # The X-shaped kernel from "A Comprehensive Guide to CNNs: the ELI5 way".
    "x (article)": np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], float),
    "edges (Laplacian)": np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], float),
    "edges (all directions)": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], float),
    "sobel x (vertical edges)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
    "sobel y (horizontal edges)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
    "box blur": np.full((3, 3), 1 / 9),
    "gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float) / 16,
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], float),
}


def names() -> list[str]:
    return list(KERNELS)


def get(name: str) -> np.ndarray:
    """A copy of the named kernel (safe to edit)."""
    try:
        return KERNELS[name].copy()
    except KeyError:
        raise ValueError(t('kernel name must be one of {names}; got {name!r}', names=', '.join(KERNELS), name=name)) from None


def rgb_example() -> np.ndarray:
    """A 3x3x3 kernel of small integers (-1, 0, 1) for ``images.toy_rgb_5x5()``: one 3x3 slice
    per colour channel, as a conv layer's filter over an RGB image has."""
    r = [[-1, 0, -1], [-1, 1, -1], [-1, 1, 1]]
    g = [[0, -1, 1], [0, 1, 1], [-1, 0, 1]]
    b = [[1, 0, 1], [1, 0, 0], [0, 0, 0]]
    return np.stack([r, g, b], axis=-1).astype(float)


def rgb_luminance() -> np.ndarray:
    """A 3x3x3 kernel whose only non-zero taps are the centre's BT.601 luminance weights: the
    convolution turns an RGB image into its grayscale version (one channel)."""
    k = np.zeros((3, 3, 3))
    k[1, 1] = [0.299, 0.587, 0.114]
    return k


__all__ += ["rgb_example", "rgb_luminance"]
