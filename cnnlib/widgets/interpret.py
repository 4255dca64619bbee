"""Explorers for notebook 08: look inside a trained CNN.

Wiring only: numbers from ``cnnlib.interpret`` (TensorFlow, imported when an explorer is built)
and ``cnnlib.ops``, pictures from ``cnnlib.plots.interpret``. Each builder returns an
``Explorer`` without displaying it. Called without a model, they use
``interpret.default_model()`` (the model saved in data/, or one trained quickly).
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import numpy as np

from cnnlib import interpret, ops
from cnnlib.plots import interpret as iplots
from cnnlib.plots.common import new_figure

from .base import Explorer

__all__ = [
    "activation_explorer",
    "filter_visualization_explorer",
    "class_visualization_explorer",
    "grad_cam_explorer",
]

WIDE = {"description_width": "initial"}


def _default_digits():
    """One test digit of each class (0-9, in order) from the offline MNIST subset, floats."""
    from cnnlib import data

    x, y = data.offline_subset()
    _, test = data.stratified_split(y)
    pick = [int(test[np.flatnonzero(y[test] == c)[0]]) for c in range(10)]
    return data.to_float(x[pick]), y[pick]


def _digits(images, labels):
    if images is None:
        return _default_digits()
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or len(x) == 0:
        raise ValueError(f"images must be (N, H, W) or (N, H, W, C), got shape {x.shape}")
    y = np.full(len(x), -1) if labels is None else np.asarray(labels).astype(int)
    if len(y) != len(x):
        raise ValueError(f"labels must hold one label per image ({len(x)}), got {len(y)}")
    return x.astype(np.float32), y


def _freeze_layout(explorer: Explorer) -> Explorer:
    """Keep the axes where the first draw put them (the layout pass is a third of a redraw)."""
    explorer.figure.set_layout_engine("none")
    return explorer


def _size_formula(model, layer: str) -> str:
    """How the layer's map size comes about, with ops.output_size's numbers filled in."""
    src = interpret.size_layer(model, layer)
    geo = interpret.layer_geometry(model, src)
    lay = model.get_layer(src)
    h_in = int(lay.input.shape[1])
    h_out = int(model.get_layer(layer).output.shape[1])
    if geo["kind"] == "other":
        return f"{h_out}×{h_out}"
    k, s, pad = geo["kernel"][0], geo["stride"][0], geo["padding"]
    n = ops.output_size(h_in, k, s, pad, geo["dilation"][0])
    what = "conv" if geo["kind"] == "conv" else "pool"
    via = f" (after {html.escape(src)})" if src != layer else ""
    return (f"{what}{via} {k}×{k}, stride {s}, padding {pad}: "
            f"output_size({h_in}, {k}, {s}, '{pad}') = <b>{n}</b>")


# ---------------------------------------------------------------------------------------------
# Activation maps
# ---------------------------------------------------------------------------------------------
def activation_explorer(model=None, images=None, labels=None, layer: str | None = None):
    """Pick a digit, a layer and a channel: every activation map of that layer (the chosen one
    outlined), and the chosen map large. The info line gives the map size with the
    output-size formula, and what the model predicts.

    Defaults: ``interpret.default_model()`` and one test digit of each class (slider = digit).
    ``explorer.state`` holds ``maps`` (h, w, c), ``map`` (the chosen one), ``probs``.
    """
    model = interpret.default_model() if model is None else model
    x, y = _digits(images, labels)
    names = interpret.map_layers(model, finished=True)
    if not names:
        raise ValueError("model has no layers with 2-D maps")
    layer = names[0] if layer is None else layer
    if layer not in names:
        raise ValueError(f"layer must be one of {', '.join(names)}; got {layer!r}")
    max_c = max(int(model.get_layer(n).output.shape[-1]) for n in names)
    controls = {
        "digit": widgets.IntSlider(value=0, min=0, max=len(x) - 1, description="digit",
                                   continuous_update=False),
        "layer": widgets.Dropdown(options=names, value=layer, description="layer"),
        "channel": widgets.IntSlider(value=0, min=0, max=max_c - 1, description="channel",
                                     continuous_update=False),
    }
    fig, axes = new_figure(1, 3, figsize=(9.6, 3.6), width_ratios=[1, 2.2, 1.4])
    state: dict = {}
    acts_cache: dict = {}

    def render(digit, layer, channel):
        if digit not in acts_cache:
            acts = interpret.activations(model, x[digit], names)
            probs = np.asarray(model(x[digit][None], training=False))[0]
            acts_cache[digit] = (acts, probs)
        acts, probs = acts_cache[digit]
        maps = acts[layer]
        h, w, c = maps.shape
        if not 0 <= channel < c:
            raise ValueError(f"channel must be in [0, {c - 1}]: layer {layer} has {c} maps")
        iplots.plot_filter_images(x[digit][None], ax=axes[0], title="input", ncols=1)
        iplots.plot_maps(maps, ax=axes[1], highlight=channel,
                         title=f"{layer}: all {c} maps, {h}×{w}")
        iplots.plot_maps(maps[..., channel:channel + 1], ax=axes[2],
                         title=f"channel {channel} (max {maps[..., channel].max():.2f})")
        state.update(maps=maps, map=maps[..., channel], probs=probs, layer=layer)
        pred = int(np.argmax(probs))
        label = f"label {int(y[digit])}, " if y[digit] >= 0 else ""
        return (f"{html.escape(layer)}: {h}×{w}×{c}; {_size_formula(model, layer)}<br>"
                f"{label}model says {pred} (p = {probs[pred]:.2f})")

    explorer = Explorer(controls, render, fig, title="Activation maps, layer by layer")
    explorer.state = state
    return _freeze_layout(explorer)


# ---------------------------------------------------------------------------------------------
# Filter visualization
# ---------------------------------------------------------------------------------------------
REGULARIZATION = {
    "jitter + blur": dict(jitter=1, blur=0.3, decay=0.0),
    "none": dict(jitter=0, blur=0.0, decay=0.0),
    "strong: jitter 2 + blur + decay": dict(jitter=2, blur=0.6, decay=0.05),
}
OBJECTIVES = {"whole map (mean)": "mean", "one unit (center)": "center"}


def filter_visualization_explorer(model=None, layer: str | None = None, steps: int = 60):
    """Every filter of a conv layer, by gradient ascent from noise: the input each one responds
    to most. Controls: the layer, the number of steps (0 = the starting noise), the
    regularization, what to maximize (the mean of the map, or the single unit in its middle,
    which sees only its receptive field), and a filter to enlarge with its ascent curve.

    Results are cached per setting, so going back is instant. ``explorer.state`` holds
    ``images`` (F, H, W, C), ``scores`` (steps + 1, F) and ``seconds``.
    """
    model = interpret.default_model() if model is None else model
    names = interpret.conv_layers(model)
    if not names:
        raise ValueError("model has no Conv2D layer")
    layer = names[0] if layer is None else layer
    if layer not in names:
        raise ValueError(f"layer must be one of {', '.join(names)}; got {layer!r}")
    max_f = max(int(model.get_layer(n).filters) for n in names)
    controls = {
        "layer": widgets.Dropdown(options=names, value=layer, description="conv layer",
                                  style=WIDE),
        "steps": widgets.IntSlider(value=steps, min=0, max=200, step=20, description="steps",
                                   continuous_update=False),
        "regularization": widgets.Dropdown(options=list(REGULARIZATION), value="jitter + blur",
                                           description="regularization", style=WIDE),
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value="whole map (mean)",
                                      description="maximize", style=WIDE),
        "filter": widgets.IntSlider(value=0, min=0, max=max_f - 1, description="filter",
                                    continuous_update=False),
    }
    fig, axes = new_figure(1, 3, figsize=(10, 3.6), width_ratios=[2, 1.2, 1.6])
    state: dict = {}
    cache: dict = {}

    def render(layer, steps, regularization, objective, filter):
        n_filters = int(model.get_layer(layer).filters)
        if not 0 <= filter < n_filters:
            raise ValueError(f"filter must be in [0, {n_filters - 1}]: {layer} has "
                             f"{n_filters} filters")
        key = (layer, steps, regularization, objective)
        if key not in cache:
            start = time.perf_counter()
            images, scores = interpret.visualize_filter(
                model, layer, None, steps=steps, objective=OBJECTIVES[objective],
                return_scores=True, **REGULARIZATION[regularization])
            cache[key] = (images, scores, time.perf_counter() - start)
        images, scores, seconds = cache[key]
        iplots.plot_filter_images(images, ax=axes[0], highlight=filter,
                                  title=f"{layer}: {n_filters} filters")
        iplots.plot_filter_images(images[filter:filter + 1], ax=axes[1], ncols=1,
                                  title=f"filter {filter}")
        iplots.plot_ascent(scores, ax=axes[2], highlight=filter,
                           title=f"response per step (orange: {filter})")
        state.update(images=images, scores=scores, seconds=seconds, layer=layer)
        return (f"{n_filters} filters × {steps} steps in one batch: {seconds:.2f} s. "
                f"Filter {filter}: response {scores[0, filter]:.2f} (noise) → "
                f"<b>{scores[-1, filter]:.2f}</b>")

    explorer = Explorer(controls, render, fig, title="What each filter looks for")
    explorer.state = state
    return _freeze_layout(explorer)


def class_visualization_explorer(model=None, steps: int = 150):
    """The input that maximizes each digit's score (its logit), by gradient ascent from a dark
    image. Without regularization the ascent finds patterns the model likes but we cannot read;
    decay (pull back to black), blur and jitter make digits appear. The model's probability for
    each class is written under its image. ``explorer.state``: ``images``, ``probs``, ``scores``.
    """
    model = interpret.default_model() if model is None else model
    controls = {
        "steps": widgets.IntSlider(value=steps, min=0, max=300, step=50, description="steps",
                                   continuous_update=False),
        "decay": widgets.FloatSlider(value=0.02, min=0.0, max=0.2, step=0.02, description="decay",
                                     readout_format=".2f", continuous_update=False),
        "blur": widgets.FloatSlider(value=0.5, min=0.0, max=1.5, step=0.25, description="blur σ",
                                    readout_format=".2f", continuous_update=False),
        "jitter": widgets.IntSlider(value=1, min=0, max=3, description="jitter",
                                    continuous_update=False),
    }
    fig, ax = new_figure(1, 1, figsize=(7.2, 3.6))
    state: dict = {}
    cache: dict = {}
    n_classes = int(model.outputs[0].shape[-1])

    def render(steps, decay, blur, jitter):
        key = (steps, round(decay, 4), round(blur, 4), jitter)
        if key not in cache:
            images, scores = interpret.class_image(model, None, steps=steps, decay=decay,
                                                   blur=blur, jitter=jitter, return_scores=True)
            probs = np.asarray(model(images, training=False))
            cache[key] = (images, scores, probs[np.arange(n_classes), np.arange(n_classes)])
        images, scores, probs = cache[key]
        iplots.plot_class_images(images, probs=probs, ax=ax,
                                 title="the input each class likes best")
        state.update(images=images, scores=scores, probs=probs)
        return (f"{steps} steps; mean probability of the intended class: "
                f"<b>{probs.mean():.2f}</b>; logits rose from {scores[0].mean():.1f} to "
                f"{scores[-1].mean():.1f} on average")

    explorer = Explorer(controls, render, fig, title="Class visualization")
    explorer.state = state
    return _freeze_layout(explorer)


# ---------------------------------------------------------------------------------------------
# Saliency and Grad-CAM
# ---------------------------------------------------------------------------------------------
def grad_cam_explorer(model=None, images=None, labels=None):
    """Which pixels decide? Pick a digit and a class to explain (default: the predicted one),
    and the method: Grad-CAM (on a conv layer's finished maps) or saliency (the gradient of the
    score with respect to each pixel).

    ``explorer.state`` holds ``heat`` (H, W), ``probs`` and the explained ``target`` class.
    """
    model = interpret.default_model() if model is None else model
    x, y = _digits(images, labels)
    n_classes = int(model.outputs[0].shape[-1])
    layers = [interpret.unit_chain(model, n)[-1].name for n in interpret.conv_layers(model)]
    if not layers:
        raise ValueError("model has no Conv2D layer")
    controls = {
        "digit": widgets.IntSlider(value=0, min=0, max=len(x) - 1, description="digit",
                                   continuous_update=False),
        "explain": widgets.Dropdown(options=[("predicted class", -1)]
                                    + [(str(c), c) for c in range(n_classes)],
                                    value=-1, description="explain"),
        "method": widgets.ToggleButtons(options=["Grad-CAM", "saliency"], value="Grad-CAM",
                                        description="method"),
        "layer": widgets.Dropdown(options=layers, value=layers[-1],
                                  description="Grad-CAM layer", style=WIDE),
    }
    fig, axes = new_figure(1, 3, figsize=(8.4, 3.2))
    state: dict = {}
    probs_cache: dict = {}

    def render(digit, explain, method, layer):
        if digit not in probs_cache:
            probs_cache[digit] = np.asarray(model(x[digit][None], training=False))[0]
        probs = probs_cache[digit]
        pred = int(np.argmax(probs))
        target = pred if explain == -1 else int(explain)
        if method == "Grad-CAM":
            heat = interpret.grad_cam(model, x[digit], class_index=target, layer=layer)
            h = int(model.get_layer(layer).output.shape[1])
            how = f"Grad-CAM on {html.escape(layer)} ({h}×{h} maps, resized)"
        else:
            heat = interpret.saliency(model, x[digit], class_index=target)
            heat = heat / (heat.max() or 1)
            how = "saliency |∂ logit / ∂ pixel|"
        iplots.plot_filter_images(x[digit][None], ax=axes[0], ncols=1, title="digit")
        iplots.plot_filter_images(heat[None], ax=axes[1], ncols=1, title=method, cmap="hot_r")
        iplots.plot_heatmap(x[digit], heat, ax=axes[2], title=f"why {target}?")
        state.update(heat=heat, probs=probs, target=target, prediction=pred)
        ok = "" if y[digit] < 0 else (" ✓" if pred == y[digit] else " ✗")
        label = f"label {int(y[digit])}; " if y[digit] >= 0 else ""
        return (f"{label}model says {pred} (p = {probs[pred]:.2f}){ok}; explaining class "
                f"<b>{target}</b> (p = {probs[target]:.2f}) with {how}")

    explorer = Explorer(controls, render, fig, title="Saliency and Grad-CAM")
    explorer.state = state
    return _freeze_layout(explorer)
