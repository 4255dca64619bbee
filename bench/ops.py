"""cnnlib.core.ops.conv2d against tf.nn.conv2d, and the loops version against the vectorized one."""

from __future__ import annotations

import numpy as np

from bench.timing import median_time
from cnnlib import ops
from cnnlib.tf.backend import import_tf

TITLE = ("cnnlib.core.ops.conv2d vs tf.nn.conv2d, and conv2d_grad vs TensorFlow's conv backprop ops "
         "(float32, CPU)")


def run() -> list[dict]:
    tf = import_tf()
    rng = np.random.default_rng(0)
    cases = [
        ("(a) 512x512 gray, one 3x3 kernel", (1, 512, 512, 1), (3, 3, 1, 1), "<= 1.0x"),
        ("(b) 224x224x3, 16 3x3x3 filters", (1, 224, 224, 3), (3, 3, 3, 16), "<= 2x"),
        ("(c) 64 digits 28x28x1, 32 3x3 filters", (64, 28, 28, 1), (3, 3, 1, 32), "<= 2x"),
    ]
    rows, grad_rows = [], []
    for name, xs, ks, goal in cases:
        x = rng.random(xs, dtype=np.float32)
        k = rng.random(ks, dtype=np.float32)
        t_np = median_time(lambda x=x, k=k: ops.conv2d(x, k, padding="same"), repeat=30)
        # What a notebook does: numpy in, numpy out.
        t_tf = median_time(lambda x=x, k=k: tf.nn.conv2d(x, k, 1, "SAME").numpy(), repeat=30)
        rows.append({"case": name, "cnnlib ms": f"{t_np * 1e3:.2f}", "tf ms": f"{t_tf * 1e3:.2f}",
                     "cnnlib / tf": f"{t_np / t_tf:.2f}x", "goal": goal})
        grad_rows.append(_grad_row(tf, name, x, k, rng))
    rows += grad_rows
    x = rng.random((64, 64), dtype=np.float32)
    k = rng.random((3, 3), dtype=np.float32)
    t_fast = median_time(lambda: ops.conv2d(x, k), repeat=30)
    t_loops = median_time(lambda: ops.conv2d_loops(x, k), repeat=5, warmup=1)
    rows.append({"case": "conv2d_loops vs conv2d, 64x64, 3x3", "cnnlib ms": f"{t_loops * 1e3:.1f}",
                 "tf ms": f"conv2d: {t_fast * 1e3:.3f}",
                 "cnnlib / tf": f"loops are {t_loops / t_fast:.0f}x slower", "goal": "(the lesson)"})
    return rows


def _grad_row(tf, name, x, k, rng) -> dict:
    """The backward pass: dx, dk and db for one upstream gradient, numpy in, numpy out.

    TensorFlow's side is its two backprop ops (what GradientTape calls for a conv), without
    the forward pass.
    """
    g = rng.random(x.shape[:3] + k.shape[3:], dtype=np.float32)
    t_np = median_time(lambda: ops.conv2d_grad(x, k, g, padding="same"), repeat=20)

    def tf_grad():
        dx = tf.raw_ops.Conv2DBackpropInput(input_sizes=x.shape, filter=k, out_backprop=g,
                                            strides=[1, 1, 1, 1], padding="SAME")
        dk = tf.raw_ops.Conv2DBackpropFilter(input=x, filter_sizes=k.shape, out_backprop=g,
                                             strides=[1, 1, 1, 1], padding="SAME")
        db = tf.reduce_sum(g, axis=(0, 1, 2))
        return dx.numpy(), dk.numpy(), db.numpy()

    t_tf = median_time(tf_grad, repeat=20)
    return {"case": "conv2d_grad " + name[:3], "cnnlib ms": f"{t_np * 1e3:.2f}",
            "tf ms": f"{t_tf * 1e3:.2f}", "cnnlib / tf": f"{t_np / t_tf:.2f}x", "goal": "<= 2x"}
