"""How the recommended model was chosen: stratified k-fold cross-validation, and the ablation.

A gain of 0.1-0.3 points is about one of 400 validation digits: one split cannot show it. So
each candidate recipe is trained k times, each time validated on a different k-th of the 4,000
training digits (``kfold``), and judged by the mean and the spread of the k accuracies. The
test digits are never used here.

- ``kfold(y, k, seed)``: k stratified folds, disjoint, covering every digit once.
- ``fit(settings, x, y)``: build and train the model a settings dict describes.
- ``cross_validate(settings, x, y, k)``: the k validation accuracies and training times.
- ``STEPS``: the ablation, one change per step, each tried on top of the best so far;
  ``EXTRAS``: candidates each tried alone on top of where STEPS end, the winners combined;
  ``REMOVALS``: parts taken out of the final recipe, one at a time, to see what they buy
  (``python -m bench models`` runs both and prints the table).
- ``margin(p, n)``: the 95% margin of an accuracy p measured on n digits.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib.text.i18n import t

__all__ = ["BASE", "STEPS", "EXTRAS", "REMOVALS", "kfold", "build", "fit", "cross_validate", "apply_step", "margin",
           "cosine_lr"]

#: What a settings dict may hold, and the ablation's starting point (the model of section 6,
#: trained plainly). "model": "seed" is article 003's model, "better" the two conv blocks.
BASE = dict(model="better", width=32, dropout=0.2, batch_norm=True, epochs=15, batch_size=64,
            schedule="constant", learning_rate=1e-3, augment=False, label_smoothing=0.0)

#: The ablation: (key, what changes, the settings it changes). Each step is tried on top of the
#: best recipe so far and kept only if its cross-validated mean is higher.
STEPS = [
    ("seed", "article 003's model (10 epochs, batch 32)",
     dict(model="seed", epochs=10, batch_size=32)),
    ("better", "two conv blocks, batch norm, dropout 0.2 (15 epochs)", {}),
    ("cosine", "warm-up + cosine learning rate, peak 3e-3", dict(schedule="cosine",
                                                               learning_rate=3e-3)),
    ("affine", "affine augmentation: 8 degrees, 8% zoom and shift",
     dict(augment=dict(rotation=8.0, zoom=0.08, shift=0.08))),
    ("shear", "stronger affine: 12 degrees, 10% zoom and shift, shear 0.15",
     dict(augment=dict(rotation=12.0, zoom=0.1, shift=0.1, shear=0.15))),
]

#: Further candidates, each tried alone on top of the recipe STEPS end with (so they can be run
#: side by side); those that beat it are combined, and the combination is cross-validated too.
EXTRAS = [
    ("elastic", "+ elastic distortion (alpha 20, sigma 4)", dict(augment={"elastic": 20.0})),
    ("smoothing", "+ label smoothing 0.1", dict(label_smoothing=0.1)),
    ("wider", "+ wider: 48 and 96 filters", dict(width=48)),
]

#: What two parts of the final recipe buy: each taken out of it alone (reported, not chosen).
REMOVALS = [
    ("no_bn", "the final recipe without batch norm", dict(batch_norm=False)),
    ("no_dropout", "the final recipe without dropout", dict(dropout=0.0)),
]


def apply_step(settings: dict, change: dict) -> dict:
    """``settings`` with ``change`` applied; an ``augment`` change adds to the warps already on
    (a step that changes the affine warp replaces it, an elastic one keeps it)."""
    out = dict(settings)
    for key, value in change.items():
        if key == "augment" and isinstance(value, dict) and isinstance(out.get("augment"), dict):
            base = dict(out["augment"])
            if set(value) & {"rotation", "zoom", "shift", "shear"}:
                base = {k: v for k, v in base.items() if k in ("elastic", "elastic_sigma")}
            base.update(value)
            out["augment"] = base
        else:
            out[key] = value
    return out


def kfold(y, k: int = 3, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """k (train, validation) index pairs: each class's digits shuffled by ``seed`` and dealt
    into k near-equal parts, so every fold has the same share of each class, the validation
    parts are disjoint, and together they hold every digit once."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one label per digit (1-D), got shape {y.shape}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2:
        raise ValueError(f"k must be a whole number >= 2, got {k!r}")
    counts = np.bincount(y) if y.size else np.zeros(1, int)
    present = counts[counts > 0] if y.size else counts
    if present.min() < k:
        raise ValueError(f"k must be at most the size of the smallest class "
                         f"({int(present.min())}), got {k}")
    rng = np.random.default_rng(seed)
    parts = [[] for _ in range(k)]
    offset = 0
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        # start the deal where the last class stopped: fold sizes stay within one of each other
        for j, chunk in enumerate(np.array_split(idx, k)):
            parts[(j + offset) % k].append(chunk)
        offset += len(idx) % k
    folds = []
    for i in range(k):
        val = np.sort(np.concatenate(parts[i]))
        train = np.sort(np.concatenate([np.concatenate(parts[j]) for j in range(k) if j != i]))
        folds.append((train, val))
    return folds


def build(settings: dict, seed: int = 0):
    """A fresh model as ``settings`` describe (weights drawn from ``seed``)."""
    from cnnlib.tf import models

    s = dict(BASE, **settings)
    if s["model"] == "seed":
        return models.build("seed", seed)
    models.build("seed", seed)  # seeds Keras the same way build() does
    return models.better_cnn(width=s["width"], dropout=s["dropout"], batch_norm=s["batch_norm"])


def fit(settings: dict, x, y, *, validation_data=None, seed: int = 0, progress: bool = True,
        desc: str | None = None, epochs: int | None = None):
    """Build and train the model ``settings`` describe on float digits ``x``, labels ``y``
    (``epochs`` overrides the settings'). Returns (model, history)."""
    from cnnlib.tf import models

    s = dict(BASE, **settings)
    model = build(s, seed)
    schedule = None if s["schedule"] == "constant" else s["schedule"]  # adam, 1e-3, as built
    history = models.train(
        model, x, y, epochs=epochs or s["epochs"], batch_size=s["batch_size"],
        validation_data=validation_data, augment=s["augment"], schedule=schedule,
        learning_rate=s["learning_rate"], label_smoothing=s["label_smoothing"], seed=seed,
        progress=progress, desc=desc)
    return model, history


def cross_validate(settings: dict, x, y, k: int = 3, seed: int = 0, progress: bool = False):
    """Train ``settings`` k times, once per fold of ``kfold(y, k, seed)``, and measure each on
    its fold's validation digits. Returns {"accuracy": [k floats], "seconds": [k floats],
    "cpu_seconds": [k floats], "mean", "sd"} (sd: the sample standard deviation of the k
    accuracies)."""
    from cnnlib.tf import models

    x, y = np.asarray(x), np.asarray(y)
    accs, secs, cpu = [], [], []
    for i, (tr, va) in enumerate(kfold(y, k, seed)):
        cpu0 = _cpu_seconds()
        model, history = fit(settings, x[tr], y[tr], seed=seed + i, progress=progress,
                             desc=t("fold {fold}/{k}", fold=i + 1, k=k))
        cpu.append(_cpu_seconds() - cpu0)
        accs.append(models.evaluate(model, x[va], y[va]))
        secs.append(history.seconds)
    return {"accuracy": accs, "seconds": secs, "cpu_seconds": cpu, "mean": float(np.mean(accs)),
            "sd": float(np.std(accs, ddof=1))}


def _cpu_seconds() -> float:
    """CPU time of this process, all threads (user + system): unlike wall time, it hardly grows
    when other work shares the cores."""
    import time

    return time.process_time()


def margin(p: float, n: int, z: float = 1.96) -> float:
    """The 95% margin (normal approximation) of an accuracy ``p`` measured on ``n`` digits:
    z * sqrt(p (1 - p) / n)."""
    if not 0 <= p <= 1 or n < 1:
        raise ValueError(f"p must be in [0, 1] and n >= 1, got p={p!r}, n={n!r}")
    return z * math.sqrt(p * (1 - p) / n)


def cosine_lr(step: int, total: int, peak: float, warmup: float = 0.1) -> float:
    """The learning rate ``models.train``'s "cosine" schedule uses at ``step`` (of ``total``):
    a straight line from peak/10 up to peak over the first ``warmup`` of the steps, then half a
    cosine down to 0."""
    warm = max(1, int(round(warmup * total)))
    if step < warm:
        return peak / 10 + (peak - peak / 10) * step / warm
    decay = max(1, total - warm)
    return peak * 0.5 * (1 + math.cos(math.pi * min(step - warm, decay) / decay))
