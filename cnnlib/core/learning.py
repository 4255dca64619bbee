"""Learning by gradient descent, in pure numpy (notebook 06, "How a CNN learns").

The numbers behind its pictures and explorers:

* ``kernel_pairs``: an (image, target) pair: a photo crop and the same crop convolved with a
  hidden kernel (Sobel x unless told otherwise);
* ``weight_loss`` / ``descend_weight``: the loss as one kernel weight moves, its slope, and
  gradient descent on that one weight;
* ``fit_kernel``: gradient descent on all the kernel's weights, the whole trajectory;
* ``kernel_curvatures``: the curvatures of that loss (its Hessian's eigenvalues), which set the
  largest learning rate that converges, 2 / the largest.

The loss is the mean squared error between the convolution's output and the target. Every
gradient is ``ops.conv2d_grad``'s (``fit_kernel`` computes the same numbers with one im2col
matrix, for speed); nothing here imports TensorFlow.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cnnlib.core import images, kernels, ops
from cnnlib.text.i18n import t

__all__ = ["HIDDEN_KERNEL", "INITS", "photo_crop", "kernel_pairs", "mse", "init_kernel",
           "weight_loss", "descend_weight", "fit_kernel", "kernel_curvatures"]

#: The kernel the targets are made with: Sobel x (left-to-right brightness changes).
HIDDEN_KERNEL = kernels.get("sobel x (vertical edges)")
#: Where gradient descent may start: all zeros, small random numbers, or larger ones.
INITS = ("zeros", "random small", "random large")
#: Above this loss a run counts as diverged, and stops before it overflows.
DIVERGED = 1e8


def _whole(value, name: str, minimum: int) -> int:
    """An integer >= minimum (2.0 from a slider is fine, 2.5 or True is not), or a ValueError."""
    ok = isinstance(value, (int, np.integer, float, np.floating)) and not isinstance(value, bool)
    if not ok or not float(value).is_integer() or value < minimum:
        raise ValueError(t('{name} must be an integer >= {minimum}, got {value!r}', name=name, minimum=minimum, value=value))
    return int(value)


@lru_cache(maxsize=8)
def _photo(name: str) -> np.ndarray:
    gray = images.grayscale(images.load(name)) / 255.0
    factor = max(1, round(gray.shape[0] / 128))   # about 128 rows: edges a few pixels wide
    return ops.pool2d(gray, factor, mode="avg") if factor > 1 else gray


def photo_crop(name: str = "camera", size: int = 34, top: int = 40, left: int = 40) -> np.ndarray:
    """A size x size grayscale crop of a sample photo (shrunk to about 128 rows), standardized
    to mean 0 and standard deviation 1 (read-only)."""
    photo = _photo(name)
    size = _whole(size, "size", 3)
    top, left = _whole(top, "top", 0), _whole(left, "left", 0)
    if top + size > photo.shape[0] or left + size > photo.shape[1]:
        raise ValueError(t('the crop ({size} at row {top}, column {left}) must fit inside the photo, which is {h} x {w}', size=size, top=top, left=left, h=photo.shape[0], w=photo.shape[1]))
    x = photo[top:top + size, left:left + size]
    x = (x - x.mean()) / (x.std() or 1.0)
    x.setflags(write=False)
    return x


def kernel_pairs(name: str = "camera", size: int = 34, kernel=None):
    """(x, target): a photo crop and its valid convolution with ``kernel`` (Sobel x by default)."""
    x = photo_crop(name, size)
    kernel = HIDDEN_KERNEL if kernel is None else np.asarray(kernel, dtype=float)
    return x, ops.conv2d(x, kernel)


def mse(y, target) -> float:
    """Mean squared error: the average of (y - target)^2 over every cell."""
    y, target = np.asarray(y, float), np.asarray(target, float)
    if y.shape != target.shape:
        raise ValueError(t('y and target must have the same shape, got {y_shape} and {target_shape}', y_shape=y.shape, target_shape=target.shape))
    return float(np.mean((y - target) ** 2))


def init_kernel(init: str = "random small", shape=(3, 3), seed: int = 0) -> np.ndarray:
    """The starting kernel: "zeros", "random small" (normal, std 0.1) or "random large" (std 1)."""
    if init not in INITS:
        raise ValueError(t('init must be one of {choices}, got {init!r}', choices=', '.join(INITS), init=init))
    if init == "zeros":
        return np.zeros(shape)
    scale = 0.1 if init == "random small" else 1.0
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


def _check_lr(lr) -> float:
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.number)) or not (
            np.isfinite(lr) and lr > 0):
        raise ValueError(t('lr (learning rate) must be a number > 0, got {lr!r}', lr=lr))
    return float(lr)


def _tap(kernel, tap) -> tuple[int, int]:
    if len(tap) != 2 or not all(0 <= int(t) < n for t, n in zip(tap, np.shape(kernel))):
        raise ValueError(t('tap must be a (row, column) inside the {shape} kernel, got {tap!r}', shape=np.shape(kernel), tap=tap))
    return int(tap[0]), int(tap[1])


def weight_loss(x, target, kernel, tap, w):
    """(loss, slope) when kernel weight ``tap`` = (row, col) is set to w; the other weights stay.

    slope = dLoss/dw, read off ``ops.conv2d_grad``: negative means "increase w to go downhill".
    """
    r, c = _tap(kernel, tap)
    k = np.array(kernel, dtype=float)
    k[r, c] = w
    err = ops.conv2d(x, k) - target
    _, dk, _ = ops.conv2d_grad(x, k, 2 * err / err.size)
    return float(np.mean(err ** 2)), float(dk[r, c])


def descend_weight(x, target, kernel, tap, w0, lr, steps: int = 10):
    """Gradient descent on one weight: ``steps`` updates w <- w - lr * slope from w0.

    Returns (ws, losses), each of length steps + 1 (shorter if the loss passes 1e8: diverged).
    """
    lr = _check_lr(lr)
    steps = _whole(steps, "steps", 0)
    ws, losses = [float(w0)], []
    for _ in range(steps + 1):
        loss, slope = weight_loss(x, target, kernel, tap, ws[-1])
        losses.append(loss)
        if len(losses) > steps or loss > DIVERGED:
            break
        ws.append(ws[-1] - lr * slope)
    return np.array(ws[:len(losses)]), np.array(losses)


def _windows(x, shape) -> np.ndarray:
    """im2col: every valid window of the 2-D x as a row, (out cells, kh * kw)."""
    kh, kw = shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    return np.stack([x[i:i + oh, j:j + ow].ravel() for i in range(kh) for j in range(kw)], axis=1)


def kernel_curvatures(x, shape=(3, 3)) -> np.ndarray:
    """The curvatures of the kernel-learning loss, smallest first.

    The mean squared error of conv2d(x, k) against any target is a bowl over the kh * kw
    weights; its Hessian is 2 Wᵀ W / n (W: every window of x as a row, n windows), the same for
    every k and target. Its eigenvalues are the curvatures along the bowl's main directions;
    gradient descent converges exactly when lr < 2 / the largest.
    """
    x = np.asarray(x, float)
    if x.ndim != 2:
        raise ValueError(t('x must be a 2-D (grayscale) image, got shape {shape}', shape=x.shape))
    if len(shape) != 2 or min(shape) < 1 or shape[0] > x.shape[0] or shape[1] > x.shape[1]:
        raise ValueError(t('shape must be a (rows, columns) kernel that fits in x {x_shape}, got {shape!r}', x_shape=x.shape, shape=shape))
    cols = _windows(x, tuple(int(n) for n in shape))
    return np.linalg.eigvalsh(2 * cols.T @ cols / len(cols))


def fit_kernel(x, target, lr=0.1, steps: int = 100, init="random small", seed: int = 0,
               shape=(3, 3)) -> dict:
    """Learn a kernel from (x, target) by gradient descent on the mean squared error.

    x and target are 2-D. Each step: y = conv2d(x, k); grad_out = 2 (y - target) / size;
    dk = conv2d_grad(...)[1] (the input correlated with grad_out); k <- k - lr * dk. Returns ``kernels`` (steps + 1, kh,
    kw): the kernel before each step and after the last; ``losses`` (steps + 1,); ``diverged``:
    the first step whose loss passed 1e8 (the rest of both arrays is then NaN), or None.
    """
    lr = _check_lr(lr)
    steps = _whole(steps, "steps", 0)
    x, target = np.asarray(x, float), np.asarray(target, float)
    if x.ndim != 2:
        raise ValueError(t('x must be a 2-D (grayscale) image, got shape {shape}', shape=x.shape))
    k = init_kernel(init, shape, seed) if isinstance(init, str) else np.array(init, float)
    if k.shape != tuple(shape):
        raise ValueError(t('init must be one of {choices} or a {kernel_shape} array, got shape {got_shape}', choices=', '.join(INITS), kernel_shape=shape, got_shape=k.shape))
    expected = ops.conv2d(x, k).shape
    if np.shape(target) != expected:
        raise ValueError(t("target must have the convolution's output shape {expected}, got {shape}", expected=expected, shape=np.shape(target)))
    # im2col once: every window as a row, so each step is two small matrix products
    # (the same numbers as conv2d and conv2d_grad, about 30 times faster; a test checks it).
    kh, kw = k.shape
    cols = _windows(x, k.shape)
    flat_target = target.ravel()
    kernels_ = np.full((steps + 1, kh, kw), np.nan)
    losses = np.full(steps + 1, np.nan)
    diverged = None
    k = k.ravel()
    for step in range(steps + 1):
        err = cols @ k - flat_target
        loss = float(np.mean(err ** 2))
        if not loss <= DIVERGED:   # also catches inf and nan
            diverged = step
            break
        kernels_[step], losses[step] = k.reshape(kh, kw), loss
        if step < steps:
            k = k - lr * (cols.T @ (2 * err / err.size))
    return {"kernels": kernels_, "losses": losses, "diverged": diverged}
