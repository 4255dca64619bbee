"""Sample images: scikit-image's bundled photos (no download), toy arrays, and conversions."""

from __future__ import annotations

import numpy as np

__all__ = ["PHOTOS", "load", "grayscale", "normalize", "toy_rgb", "article_5x5", "article_kernel",
           "resize"]

# name -> scikit-image loader; all ship inside the scikit-image wheel, so they work offline.
PHOTOS = {
    "cat (chelsea)": "chelsea",
    "astronaut": "astronaut",
    "camera": "camera",
    "coffee": "coffee",
    "coins": "coins",
}


def load(name: str = "cat (chelsea)") -> np.ndarray:
    """A sample photo as uint8, (H, W, 3) for colour or (H, W) for grayscale ones."""
    from skimage import data

    key = PHOTOS.get(name, name)
    if key not in PHOTOS.values():
        raise ValueError(f"image name must be one of {', '.join(PHOTOS)}; got {name!r}")
    return getattr(data, key)()


def grayscale(img) -> np.ndarray:
    """Luminance (ITU-R BT.601 weights, as PIL and most courses use), same value range as input."""
    img = np.asarray(img)
    if img.ndim == 2:
        return img.astype(float)
    if img.ndim != 3 or img.shape[-1] not in (3, 4):
        raise ValueError(f"img must be (H, W) or (H, W, 3), got shape {img.shape}")
    return img[..., :3].astype(float) @ np.array([0.299, 0.587, 0.114])


def normalize(img) -> np.ndarray:
    """0-255 pixels -> floats in [0, 1] (divide by 255), as networks like their inputs."""
    img = np.asarray(img)
    return img.astype(np.float32) / 255.0


def resize(img, shape) -> np.ndarray:
    """Resize to (h, w) with anti-aliasing, keeping the value range."""
    from skimage.transform import resize as _resize

    img = np.asarray(img, dtype=float)
    return _resize(img, tuple(shape) + img.shape[2:], anti_aliasing=True, preserve_range=True)


def toy_rgb() -> np.ndarray:
    """A 4x4x3 RGB image, small enough to print every number (the articles' first example)."""
    rng = np.random.default_rng(4)
    return rng.integers(0, 256, size=(4, 4, 3)).astype(np.uint8)


def article_5x5() -> np.ndarray:
    """The 5x5 binary image from "A Comprehensive Guide to CNNs: the ELI5 way"."""
    return np.array([[1, 1, 1, 0, 0],
                     [0, 1, 1, 1, 0],
                     [0, 0, 1, 1, 1],
                     [0, 0, 1, 1, 0],
                     [0, 1, 1, 0, 0]], dtype=float)


def article_kernel() -> np.ndarray:
    """The article's 3x3 X-shaped kernel."""
    return np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)
