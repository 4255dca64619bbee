"""cnnlib.tf.interpret: visualizing every filter of a conv layer (one batch, one tf.function),
and the per-image calls an explorer makes (activations, Grad-CAM, saliency).

Weights do not change the time, so the models are freshly built (no training, no download).
"CPU s per call" counts the CPU time of this process (both cores together): when other work
shares the machine, wall times grow but it stays about the same.
"""

from __future__ import annotations

import time

import numpy as np

from bench.timing import median_time
from cnnlib import interpret, models

TITLE = ("cnnlib.tf.interpret: every filter of a conv layer by gradient ascent, 60 steps "
         "(goal: <= 2 s for 32 or 64 filters on 2 cores)")


def run() -> list[dict]:
    rows = []
    for name in ("seed", "better"):
        model = models.build(name, seed=0)
        for layer in interpret.conv_layers(model):
            n = int(model.get_layer(layer).filters)
            start = time.perf_counter()
            interpret.visualize_filter(model, layer, None, steps=60)
            first = time.perf_counter() - start  # includes tracing the tf.function once
            cpu = time.process_time()
            t = median_time(lambda m=model, lay=layer: interpret.visualize_filter(
                m, lay, None, steps=60), repeat=3, warmup=0)
            cpu = (time.process_time() - cpu) / 3
            rows.append({"case": f"{model.name}.{layer}: all {n} filters, 60 steps",
                         "first call s": f"{first:.2f}", "median s": f"{t:.2f}",
                         "CPU s per call": f"{cpu:.2f}", "goal": "<= 2 s"})
    x = np.random.default_rng(0).random((28, 28, 1), dtype=np.float32)
    for label, fn in [
        ("activations of every map layer, one digit",
         lambda: interpret.activations(model, x)),
        ("Grad-CAM, one digit", lambda: interpret.grad_cam(model, x)),
        ("saliency, one digit", lambda: interpret.saliency(model, x)),
    ]:
        fn()
        t = median_time(fn, repeat=10)
        rows.append({"case": f"{model.name}: {label}", "first call s": "",
                     "median s": f"{t:.3f}", "CPU s per call": "",
                     "goal": "<= 0.15 s (explorer redraw)"})
    return rows
