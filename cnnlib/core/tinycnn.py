"""A tiny CNN in pure numpy: conv -> ReLU -> max pool -> flatten -> dense -> softmax.

Every step is a call into ``cnnlib.core.ops``, so each stage can be looked at. Notebook 05 runs it on
real MNIST digits (the offline subset) and copies its weights into an equivalent Keras model to
show that both give the same probabilities. No TensorFlow here.

Where the weights come from (said once, plainly):

* the 4 conv kernels are *fixed*, not learned: the Sobel kernels (``cnnlib.core.kernels``) and their
  negatives. After ReLU each keeps one side of a pen stroke: its left, right, top or bottom edge;
* the dense layer is *learned*: full-batch gradient descent on the cross-entropy, in numpy,
  starting from zeros, on 4,000 digits; the other 1,000 are kept for testing.

Shapes for a 28 x 28 digit: 28x28x1 -> conv 3x3 (valid) 26x26x4 -> ReLU -> max pool 2x2
13x13x4 -> flatten 676 -> dense 10 -> softmax 10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from cnnlib.core import architectures, kernels, metrics, ops
from cnnlib.core.digits import stratified_split
from cnnlib.text.i18n import t

__all__ = [
    "CHANNEL_NAMES",
    "STAGES",
    "TinyCNN",
    "edge_kernels",
    "untrained",
    "forward",
    "features",
    "train_dense",
    "digits",
    "pretrained",
    "shift",
    "stack_table",
]

#: What each of the 4 fixed kernels responds to, after ReLU, on a bright stroke on black.
CHANNEL_NAMES = ("left edges", "right edges", "top edges", "bottom edges")
#: The keys ``forward`` returns, in order.
STAGES = ("input", "conv", "relu", "pool", "flat", "logits", "probs")


@dataclass
class TinyCNN:
    """The weights of the tiny CNN, in Keras' layouts (so they copy over unchanged).

    kernel (3, 3, 1, F) and conv_bias (F,): the Conv2D layer; weights (n_flat, n_classes) and
    bias (n_classes,): the Dense layer; pool: the max-pool size (and stride).
    """

    kernel: np.ndarray
    conv_bias: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    pool: int = 2
    channel_names: tuple = CHANNEL_NAMES
    losses: list = field(default_factory=list)  # training loss per gradient step
    test_accuracy: float | None = None

    def shapes(self, size: int = 28) -> dict:
        """Shape after each stage for a size x size digit."""
        k, f = self.kernel.shape[0], self.kernel.shape[-1]
        c = ops.output_size(size, k)
        p = ops.output_size(c, self.pool, self.pool)
        return {"input": (size, size, 1), "conv": (c, c, f), "relu": (c, c, f),
                "pool": (p, p, f), "flat": (p * p * f,), "logits": (self.bias.shape[0],),
                "probs": (self.bias.shape[0],)}

    @property
    def n_params(self) -> int:
        return int(self.kernel.size + self.conv_bias.size + self.weights.size + self.bias.size)


def edge_kernels() -> np.ndarray:
    """The 4 fixed conv kernels, (3, 3, 1, 4) float32: +Sobel x, -Sobel x, +Sobel y, -Sobel y.

    Cross-correlation with Sobel x is positive where the right side is brighter than the left:
    the left edge of a bright stroke. Its negative finds right edges; Sobel y top and bottom.
    """
    sx = kernels.get("sobel x (vertical edges)")
    sy = kernels.get("sobel y (horizontal edges)")
    return np.stack([sx, -sx, sy, -sy], axis=-1)[:, :, None, :].astype(np.float32)


def untrained(n_classes: int = 10, size: int = 28, pool: int = 2) -> TinyCNN:
    """The tiny CNN with its edge kernels and an all-zero dense layer (every class equally likely)."""
    k = edge_kernels()
    net = TinyCNN(k, np.zeros(k.shape[-1], np.float32), np.zeros((1, 1), np.float32),
                  np.zeros(n_classes, np.float32), pool=pool)
    n_flat = net.shapes(size)["flat"][0]
    net.weights = np.zeros((n_flat, n_classes), np.float32)
    return net


def _as_images(x) -> np.ndarray:
    """(28, 28) or (N, 28, 28), optionally with a channel axis of 1 -> float32 (N, H, W, 1) in [0, 1]."""
    x = np.asarray(x)
    if x.ndim >= 3 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be a digit (H, W) or a batch (N, H, W), got shape {x.shape}")
    if x.dtype == np.uint8:
        x = x.astype(np.float32) / np.float32(255)
    x = x.astype(np.float32, copy=False)
    return (x[None] if x.ndim == 2 else x)[..., None]


def forward(x, net: TinyCNN) -> dict:
    """Run the tiny CNN and return every stage (keys in ``STAGES``).

    x: one digit (28, 28) or a batch (N, 28, 28), uint8 0-255 or float 0-1. For one digit every
    stage comes without the batch axis: input (28, 28), conv and relu (26, 26, 4), pool
    (13, 13, 4), flat (676,), logits and probs (10,).
    """
    single = np.asarray(x).ndim == 2 or (np.asarray(x).ndim == 3 and np.asarray(x).shape[-1] == 1)
    x4 = _as_images(x)
    conv = ops.conv2d(x4, net.kernel, bias=net.conv_bias)        # (N, 26, 26, F)
    relu = ops.relu(conv)
    pool = ops.pool2d(relu, net.pool)                             # (N, 13, 13, F)
    flat = ops.flatten(pool, keep_batch=True)                     # (N, 676)
    if flat.shape[1] != net.weights.shape[0]:
        raise ValueError(f"x of shape {np.shape(x)} gives {flat.shape[1]} features, but the "
                         f"dense layer expects {net.weights.shape[0]}")
    logits = ops.dense(flat, net.weights, net.bias)              # (N, 10)
    probs = ops.softmax(logits)
    out = {"input": x4[..., 0], "conv": conv, "relu": relu, "pool": pool, "flat": flat,
           "logits": logits, "probs": probs}
    return {k: v[0] for k, v in out.items()} if single else out


def features(X, net: TinyCNN, batch_size: int = 500) -> np.ndarray:
    """The flattened pooled maps (N, 676) of many digits, computed in batches to save memory."""
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(f"X must be a batch of digits (N, H, W), got shape {X.shape}")
    parts = [forward(X[i:i + batch_size], net)["flat"] for i in range(0, len(X), batch_size)]
    return np.concatenate(parts).astype(np.float32)


def train_dense(F, labels, steps: int = 100, lr: float = 0.05, n_classes: int = 10,
                progress: bool = False):
    """Fit a dense layer + softmax to features F (N, n) by full-batch gradient descent.

    Starts from zeros (so it needs no seed and repeats exactly). Each step:
    probs = softmax(F @ W + b); grad = (probs - one_hot) / N; W -= lr * F.T @ grad; b -= lr * sum.
    Returns (W, b, losses): losses[i] is the mean cross-entropy before step i (and the last one
    after the final step). progress=True shows a progress bar.
    """
    F = np.asarray(F, dtype=np.float32)
    labels = np.asarray(labels)
    if F.ndim != 2 or labels.shape != (F.shape[0],):
        raise ValueError(f"F must be (N, n) with N labels, got shapes {F.shape} and {labels.shape}")
    steps = ops.as_int(steps, "steps", 0)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr (learning rate) must be > 0, got {lr!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must be in [0, {n_classes - 1}]")
    one_hot = np.eye(n_classes, dtype=np.float32)[labels]
    W = np.zeros((F.shape[1], n_classes), np.float32)
    b = np.zeros(n_classes, np.float32)
    rows = np.arange(len(labels))
    losses = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        from cnnlib.config import wrapping_bar

        bar = wrapping_bar(tqdm(total=steps, desc=t("gradient steps")))
    for _ in range(steps + 1):
        probs = ops.softmax(ops.dense(F, W, b))
        losses.append(float(-np.mean(np.log(np.maximum(probs[rows, labels], 1e-30)))))
        if len(losses) > steps:
            break
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
        grad = (probs - one_hot) / np.float32(len(labels))
        W -= np.float32(lr) * (F.T @ grad)
        b -= np.float32(lr) * grad.sum(axis=0)
    if bar is not None:
        bar.close()
    return W, b, losses


@lru_cache(maxsize=1)
def _digits():
    from cnnlib.core.digits import offline_subset

    X, y = offline_subset()
    X = (X.astype(np.float32) / np.float32(255))
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The offline MNIST subset as float32 (5000, 28, 28) in [0, 1] and int labels (read-only)."""
    return _digits()


@lru_cache(maxsize=4)
def pretrained(steps: int = 100, lr: float = 0.05, seed: int = 0) -> TinyCNN:
    """The tiny CNN with its dense layer trained on 4,000 digits (cached: computed once).

    A few seconds on two cores. ``test_accuracy`` holds its accuracy on the other 1,000 digits
    (``digits.stratified_split``: 100 of each).
    """
    X, y = digits()
    train_idx, test_idx = stratified_split(y, test_size=1000, seed=seed)
    net = untrained()
    F = features(X, net)
    net.weights, net.bias, net.losses = train_dense(F[train_idx], y[train_idx], steps, lr)
    net.test_accuracy = metrics.accuracy(ops.dense(F[test_idx], net.weights, net.bias),
                                         y[test_idx])
    return net


def shift(x, dx: int = 0, dy: int = 0) -> np.ndarray:
    """The image moved dx pixels right and dy down (negative: left, up); what leaves is lost,
    what comes in is 0 (black)."""
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must be an image (H, W, ...), got shape {x.shape}")
    h, w = x.shape[:2]
    dx, dy = int(dx), int(dy)
    if abs(dx) >= w or abs(dy) >= h:
        raise ValueError(f"shift must be smaller than the image ({h}x{w}), got dx={dx}, dy={dy}")
    out = np.zeros_like(x)
    src_r = slice(max(0, -dy), h - max(0, dy))
    dst_r = slice(max(0, dy), h - max(0, -dy))
    src_c = slice(max(0, -dx), w - max(0, dx))
    dst_c = slice(max(0, dx), w - max(0, -dx))
    out[dst_r, dst_c] = x[src_r, src_c]
    return out


def stack_table(input_shape, layers) -> list[dict]:
    """Output shape and parameter count of each layer of a simple stack, written as tuples:
    ``("conv", filters, kernel[, padding])``, ``("pool", size)``, ``("flatten",)``,
    ``("dense", units)``. input_shape: (H, W, C).

    The tuples are read into an ``architectures`` spec, and ``architectures.summarize`` walks it
    with the ``ops`` formulas. Returns one dict per layer: {"layer", "shape", "params"}, flat
    shapes as (n,).

    >>> [r["params"] for r in stack_table((28, 28, 1), [("conv", 32, 3), ("pool", 2),
    ...                                                  ("flatten",), ("dense", 10)])]
    [320, 0, 0, 54090]
    """
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (H, W, C), got {input_shape!r}")
    spec_layers, names, flat = [], [], False
    for i, layer in enumerate(layers):
        kind = layer[0] if isinstance(layer, (tuple, list)) and layer else None
        if kind in ("conv", "pool") and flat:
            raise ValueError(f"layers[{i}]: {kind} needs an (H, W, C) input, got a flat one")
        if kind == "conv":
            filters, k = layer[1], layer[2]
            padding = layer[3] if len(layer) > 3 else "valid"
            spec_layers.append({"type": "conv", "filters": filters, "kernel": k,
                                "padding": padding})
            names.append(f"conv {filters}×{k}×{k}")
        elif kind == "pool":
            spec_layers.append({"type": "pool", "size": layer[1]})
            names.append(f"max pool {layer[1]}×{layer[1]}")
        elif kind == "flatten":
            spec_layers.append({"type": "flatten"})
            names.append("flatten")
            flat = True
        elif kind == "dense":
            if not flat:
                raise ValueError(f"layers[{i}]: dense needs a flat input: add ('flatten',) first")
            spec_layers.append({"type": "dense", "units": layer[1]})
            names.append(f"dense {layer[1]}")
        else:
            raise ValueError(f"layers[{i}] must start with 'conv', 'pool', 'flatten' or 'dense', "
                             f"got {layer!r}")
    rows = architectures.summarize({"input": tuple(input_shape), "layers": spec_layers})[1:]
    return [{"layer": name,
             "shape": row["output"][2:] if row["type"] in ("flatten", "dense") else row["output"],
             "params": row["params"]}
            for name, row in zip(names, rows)]
