"""What a model computes for an input: every layer's maps, each filter's mean response, and the
class scores before softmax."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t
from cnnlib.tf.interpret._base import as_batch, check_model, get_keras, model_cache, run_model
from cnnlib.tf.interpret._graph import logit_fn
from cnnlib.tf.interpret.layers import get_layer, map_layers, unit_chain


def _submodel(model, names: tuple):
    keras = get_keras()
    cache = model_cache(model)
    key = ("sub", names)
    if key not in cache:
        outs = [model.get_layer(n).output for n in names]
        cache[key] = keras.Model(model.inputs[0], outs)
    return cache[key]


def activations(model, x, layers=None) -> dict:
    """The output of each layer for input ``x``: {layer name: array}.

    layers: names (default: every layer whose output is a stack of 2-D maps, see ``map_layers``;
    any layer name works, e.g. "dense"). One image in gives (h, w, c) maps; a batch (N, h, w, c).
    """
    check_model(model)
    names = map_layers(model) if layers is None else (
        [layers] if isinstance(layers, str) else [get_layer(model, n, kind="any").name
                                                  for n in layers])
    if not names:
        raise ValueError(t('layers must name at least one layer'))
    for n in names:
        get_layer(model, n, kind="any")
    xb, single = as_batch(model, x)
    outs = run_model(_submodel(model, tuple(names)), xb)
    if len(names) == 1 and not isinstance(outs, list):
        outs = [outs]
    return {n: (o[0] if single else o) for n, o in zip(names, outs)}


def filter_scores(model, layer, x) -> np.ndarray:
    """How strongly each filter of a conv layer responds to x: the mean of its finished map
    (after its batch normalization and activation, see ``unit_chain``).
    Shape (F,) for one image, (N, F) for a batch."""
    unit = unit_chain(model, layer)[-1]
    maps = activations(model, x, [unit.name])[unit.name]
    return maps.mean(axis=(-3, -2))


def logits(model, x) -> np.ndarray:
    """The class scores before softmax: (K,) for one image, (N, K) for a batch."""
    check_model(model)
    xb, single = as_batch(model, x)
    z = np.asarray(logit_fn(model)(xb))
    return z[0] if single else z

