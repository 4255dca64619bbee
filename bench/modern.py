"""Notebook 09's trainings, each timed as the notebook runs it (``cnnlib.modern.STEPS`` and
``RATES``), on the offline subset with 07's split (3,600 training digits, 400 validation; the
1,000 test digits only for the transfer experiment's digits 5-9): wall and CPU seconds of each
fit, and the accuracy it reaches. The notebook's budget: all of 09 in <= 150 s on 2 cores, of
which these trainings take <= 120 s.
"""

from __future__ import annotations

import os
import resource
import time

import numpy as np

TITLE = "Notebook 09's trainings on 2 CPU cores (offline subset, 07's split)"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _row(name, steps, batch, run, note=""):
    cpu0, t0 = _cpu(), time.perf_counter()
    acc = run()
    return {"training": name, "steps": steps, "batch": batch,
            "wall s": f"{time.perf_counter() - t0:.1f}", "CPU s": f"{_cpu() - cpu0:.1f}",
            "accuracy": f"{acc:.2%}", "on": note}


def run() -> list[dict]:
    from cnnlib import data, modern

    S, R = modern.STEPS, modern.RATES
    load = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), _cpu()
    mnist = data.load_mnist(offline=True, verbose=False)
    x, y = data.to_float(mnist.x_train), mnist.y_train
    fit, val = data.stratified_split(y, test_size=round(0.1 * len(y)), seed=0)
    xf, yf, xv, yv = x[fit], y[fit], x[val], y[val]
    xt, yt = data.to_float(mnist.x_test), mnist.y_test
    rows = []

    def train(model, steps, batch, rate, xs=xf, ys=yf, xe=xv, ye=yv):
        def go():
            modern.fit_steps(model, xs, ys, steps=steps, batch_size=batch, learning_rate=rate)
            return modern.accuracy(model, xe, ye)
        return go

    rows.append(_row("LeNet-5", S["lenet"], 64,
                     train(modern.lenet5(seed=0), S["lenet"], 64, R["lenet"]), "validation"))
    rows.append(_row("small ResNet", S["resnet"], 64,
                     train(modern.small_resnet(seed=0), S["resnet"], 64, R["resnet"]),
                     "validation"))
    for residual in (False, True):
        model = modern.deep_stack(12, residual=residual, width=16, seed=0)
        rows.append(_row(f"{'residual' if residual else 'plain'} stack, 12 conv", S["deep"], 32,
                         train(model, S["deep"], 32, R["deep"]), "validation"))
    old, new = [0, 1, 2, 3, 4], [5, 6, 7, 8, 9]
    base = modern.digit_base(seed=0)
    io, vo = np.isin(yf, old), np.isin(yv, old)
    rows.append(_row("base on digits 0-4", S["base"], 64,
                     train(modern.with_head(base, 5, name="h", seed=0), S["base"], 64, R["base"],
                           xf[io], yf[io], xv[vo], yv[vo]), "validation 0-4"))
    tn = np.isin(yt, new)
    xn, yn = xt[tn], modern.relabel(yt[tn], new)
    for k in (1, 100):
        idx = modern.few_shot(yf, k, new, seed=k)
        xk, yk = xf[idx], modern.relabel(yf[idx], new)
        head = modern.with_head(modern.freeze(modern.copy_model(base)), 5, name=f"h{k}")
        rows.append(_row(f"k={k}: frozen base, new head", S["head"], min(32, len(yk)),
                         train(head, S["head"], 32, R["head"], xk, yk, xn, yn), "test 5-9"))
        modern.freeze(head.layers[1], False)
        rows.append(_row(f"k={k}: fine-tuning", S["tune"], min(32, len(yk)),
                         train(head, S["tune"], 32, R["tune"], xk, yk, xn, yn), "test 5-9"))
        scratch = modern.with_head(modern.digit_base(seed=k), 5, name=f"s{k}", seed=k)
        steps = S["head"] + S["tune"]
        rows.append(_row(f"k={k}: from scratch", steps, min(32, len(yk)),
                         train(scratch, steps, 32, R["scratch"], xk, yk, xn, yn), "test 5-9"))
    rows.append({"training": f"all (load average at start {load:.1f})", "steps": "",
                 "batch": "", "wall s": f"{time.perf_counter() - start:.1f}",
                 "CPU s": f"{_cpu() - cpu_start:.1f}", "accuracy": "", "on": ""})
    return rows
