"""The recommended model's recipe, step by step, and what each step buys (``cnnlib.tf.recipe``).

The offline subset: 4,000 training digits (3,600 train + 400 validation in notebook 07) and
1,000 test digits. Each step of ``recipe.STEPS`` is tried on top of the best recipe so far, by
stratified 3-fold cross-validation on the 4,000 training digits (each fold trains on about 2,667
and validates on about 1,333), and kept only if its mean is higher; each of ``recipe.EXTRAS`` is
tried alone on top of where the steps end, and those that beat it are combined. The test digits are touched
once, at the end: after two parts are taken out of the final recipe one at a time
(``recipe.REMOVALS``, to see what they buy), the final recipe retrained on all 4,000 training digits (what
``python -m cnnlib.train`` does), tested on the 1,000. Then the cost of one full-MNIST epoch
(60,000 images of MNIST's shape, random pixels: the full set cannot be downloaded everywhere).

Set CNNLIB_BENCH_FOLDS to change k (default 3). Progress lines go to stderr.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

TITLE = ("The recipe, step by step: 3-fold cross-validation on the 4,000 offline training "
         "digits (mean ± sd), then the final recipe retrained on all 4,000 and tested once on "
         "the 1,000 test digits; 2 CPU cores")

FULL_N = 60_000
TIMED_STEPS = 150  # steps timed on random data, after a warm-up epoch


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _row(key, what, cv, kept) -> dict:
    return {"step": key, "change": what,
            "CV accuracy": f"{cv['mean']:.2%} ± {cv['sd']:.2%}",
            "folds": " ".join(f"{a:.2%}" for a in cv["accuracy"]),
            "s per training": f"{np.mean(cv['seconds']):.0f} "
                              f"(CPU {np.mean(cv['cpu_seconds']):.0f})",
            "kept": kept}


def ablation(x, y, k: int = 3, seed: int = 0, cv=None):
    """Run ``recipe.STEPS`` greedily, then ``recipe.EXTRAS`` each on top of where they end (the
    winners combined), then ``recipe.REMOVALS`` from the final recipe. ``cv(settings)`` gives
    the cross-validation of a settings dict (default: ``recipe.cross_validate`` on x, y).
    Returns (rows, final settings)."""
    from cnnlib import recipe

    if cv is None:
        def cv(settings):
            return recipe.cross_validate(settings, x, y, k=k, seed=seed)

    def say(row):
        rows.append(row)
        _say(f"{row['step']}: {row}  (load {os.getloadavg()[0]:.1f})")

    best, best_mean, rows = dict(recipe.BASE), -1.0, []
    for key, what, change in recipe.STEPS:
        settings = recipe.apply_step(recipe.BASE if key == "seed" else best, change)
        result = cv(settings)
        kept = key != "seed" and result["mean"] > best_mean
        if kept:
            best, best_mean = settings, result["mean"]
        say(_row(key, what, result, "baseline" if key == "seed" else ("yes" if kept else "no")))
    base, base_mean, winners = best, best_mean, []
    for key, what, change in recipe.EXTRAS:
        result = cv(recipe.apply_step(base, change))
        kept = result["mean"] > base_mean
        if kept:
            winners.append((key, change))
        say(_row(key, what, result, "yes" if kept else "no"))
    final = base
    for _, change in winners:
        final = recipe.apply_step(final, change)
    final_mean = base_mean
    if len(winners) > 1:
        result = cv(final)
        final_mean = result["mean"]
        say(_row("combined", " + ".join(key for key, _ in winners), result, "final"))
    for key, what, change in recipe.REMOVALS:
        say(_row(key, what, cv(recipe.apply_step(final, change)), f"(final {final_mean:.2%})"))
    return rows, final


def _full_cost(settings) -> float:
    """Seconds per epoch on 60,000 digits (all retrained on), from steps on random data."""
    from cnnlib import models, recipe

    bs = settings["batch_size"]
    n = bs * TIMED_STEPS
    rng = np.random.default_rng(0)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, n)
    model = recipe.build(settings, 0)
    history = models.train(model, x, y, epochs=2, batch_size=bs, augment=settings["augment"],
                           schedule="cosine", learning_rate=3e-3, progress=False)
    per_step = history.epoch_seconds[1] / TIMED_STEPS
    return per_step * (FULL_N // bs)


def run() -> list[dict]:
    from cnnlib import models, recipe
    from cnnlib.tf.backend import import_tf
    from cnnlib.tf.data import load_mnist, to_float

    import_tf()
    k = int(os.environ.get("CNNLIB_BENCH_FOLDS", "3"))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    data = load_mnist(offline=True, verbose=False)
    x, y = to_float(data.x_train), np.asarray(data.y_train)
    rows, final = ablation(x, y, k=k)
    default = dict(recipe.BASE, **models.RECIPES["better"]["offline"])
    same = all(default.get(key) == value for key, value in final.items()
               if key not in ("model",))
    changed = {key: value for key, value in final.items() if recipe.BASE.get(key) != value}
    _say(f"final recipe: {final}")
    # The test digits, once: the final recipe retrained on all 4,000 training digits.
    cpu0 = recipe._cpu_seconds()
    model, history = recipe.fit(final, x, y, progress=False)
    cpu = recipe._cpu_seconds() - cpu0
    acc = models.evaluate(model, to_float(data.x_test), data.y_test)
    rows.append({"step": "final", "change": "the kept steps, retrained on all 4,000 training "
                 f"digits: {changed} "
                 f"({'the default of python -m cnnlib.train' if same else 'not yet the default of python -m cnnlib.train'})",
                 "CV accuracy": f"test: {acc:.2%} of {data.n_test:,} (± "
                                f"{recipe.margin(acc, data.n_test):.2%})",
                 "folds": "", "s per training": f"{history.seconds:.0f} (CPU {cpu:.0f})",
                 "kept": ""})
    _say(f"final: {rows[-1]}")
    per_epoch = _full_cost(final)
    rows.append({"step": "full MNIST", "change": "the final recipe's cost per epoch on 60,000 "
                 "digits (random pixels; accuracy not measurable offline)",
                 "CV accuracy": "", "folds": "", "s per training": f"{per_epoch:.0f} per epoch",
                 "kept": ""})
    rows.append({"step": "", "change": f"load average at start: {load:.1f}, at the end: "
                 f"{os.getloadavg()[0]:.1f}", "CV accuracy": "", "folds": "",
                 "s per training": f"bench: {time.perf_counter() - start:.0f}", "kept": ""})
    return rows
