"""Keras model builders and training helpers (TensorFlow is imported on first use).

- ``seed_cnn()``: exactly the articles' MNIST model.
- ``better_cnn()``: the model we recommend: two conv blocks (5x5 convolution, batch
  normalization, ReLU, max pooling), dropout and a small dense head; trained with augmentation
  and a warm-up + cosine learning-rate schedule.
- ``train(model, x, y, ...)``: a progress bar, returns Keras' ``History`` (plus timings).
- ``fit_recipe(name, data)``: a model trained the way we recommend for the data at hand.
- ``save_model(model, path)`` / ``load_model(path)``: atomic saves (a model file is never left
  half-written) with a small JSON sidecar saying how it was trained, and loads in Keras' safe
  mode that name a damaged file and the command that retrains it.
- ``load_or_train(path)``: the saved model, or a freshly trained one.

Every model starts from ``keras.Input`` (functional API), so ``model.inputs`` exists from the
start: notebook 08 needs it to read the activations inside.

One concern per module: ``builders``, ``augment``, ``fit``, ``recipes``, ``saving``; every
public name is re-exported here.
"""

from __future__ import annotations

from .augment import apply_dropout, augment
from .builders import better_cnn, build, seed_cnn, tiny_cnn
from .fit import evaluate, model_table, predict_probs, train
from .recipes import RECIPES, VAL_FRACTION, fit_recipe, recipe_for
from .saving import (
    DEFAULT_MODEL_PATH,
    load_model,
    load_or_train,
    model_info,
    retrain_command,
    save_if_none,
    save_model,
    sidecar_path,
    training_info,
)

__all__ = [
    "DEFAULT_MODEL_PATH",
    "RECIPES",
    "VAL_FRACTION",
    "seed_cnn",
    "better_cnn",
    "tiny_cnn",
    "build",
    "augment",
    "apply_dropout",
    "train",
    "predict_probs",
    "evaluate",
    "model_table",
    "recipe_for",
    "fit_recipe",
    "save_model",
    "load_model",
    "model_info",
    "sidecar_path",
    "retrain_command",
    "save_if_none",
    "training_info",
    "load_or_train",
]
