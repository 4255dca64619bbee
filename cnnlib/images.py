"""Sample images: scikit-image's bundled photos (no download), toy arrays, and conversions."""

from __future__ import annotations

import numpy as np

from cnnlib.i18n import t

__all__ = ["PHOTOS", "load", "grayscale", "normalize", "toy_rgb", "article_5x5",
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
        raise ValueError(t('image name must be one of {join}; got {name!r}', join=', '.join(PHOTOS), name=name))
    return getattr(data, key)()


def grayscale(img) -> np.ndarray:
    """Luminance (ITU-R BT.601 weights, as PIL and most courses use), same value range as input."""
    img = np.asarray(img)
    if img.ndim == 2:
        return img.astype(float)
    if img.ndim != 3 or img.shape[-1] not in (3, 4):
        raise ValueError(t('img must be (H, W) or (H, W, 3), got shape {shape}', shape=img.shape))
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


def edge_6x6() -> np.ndarray:
    """A 6x6 grayscale image already normalized to [0, 1]: dark on the left, bright on the right.

    The size of the beginner's-guide example (a 6x6 image, a 3x3 filter, a 4x4 feature map);
    the vertical edge between columns 2 and 3 is what a vertical-edge filter finds.
    """
    return np.array([[0.1, 0.0, 0.2, 0.9, 0.8, 0.9],
                     [0.0, 0.1, 0.1, 0.8, 0.9, 1.0],
                     [0.2, 0.1, 0.0, 0.9, 1.0, 0.8],
                     [0.1, 0.2, 0.1, 1.0, 0.9, 0.9],
                     [0.0, 0.1, 0.2, 0.8, 0.9, 1.0],
                     [0.1, 0.0, 0.1, 0.9, 1.0, 0.9]])


def cross_7x7() -> np.ndarray:
    """A 7x7 binary image of an X: the X-shaped kernel answers it with its largest sum, 5."""
    return np.maximum(np.eye(7), np.fliplr(np.eye(7)))


def toy_rgb_5x5() -> np.ndarray:
    """A 5x5x3 RGB image of small numbers (0-2), for multi-channel convolution by hand."""
    r = [[2, 2, 2, 0, 2], [2, 0, 0, 2, 1], [1, 2, 2, 2, 2], [1, 1, 1, 2, 1], [0, 0, 0, 2, 2]]
    g = [[1, 1, 0, 0, 0], [0, 1, 1, 0, 1], [1, 2, 1, 1, 0], [0, 0, 2, 2, 1], [1, 2, 0, 2, 1]]
    b = [[2, 2, 0, 2, 1], [2, 2, 0, 2, 1], [1, 2, 1, 0, 2], [0, 0, 1, 2, 1], [1, 0, 2, 0, 1]]
    return np.stack([r, g, b], axis=-1).astype(float)


__all__ += ["edge_6x6", "cross_7x7", "toy_rgb_5x5"]
