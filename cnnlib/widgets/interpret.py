"""Explorers for notebook 08: look inside a trained CNN.

Wiring only: numbers from ``cnnlib.interpret`` (TensorFlow, imported when an explorer is built)
and ``cnnlib.ops``, pictures from ``cnnlib.plots.interpret``. Each builder returns an
``Explorer`` without displaying it. Called without a model, they use
``interpret.default_model()`` (the model saved in data/, or one trained quickly).
"""

from __future__ import annotations

import html
import time

import numpy as np

from cnnlib import digits, interpret, models, ops
from cnnlib.i18n import t
from cnnlib.plots import interpret as iplots
from cnnlib.plots.common import new_figure

from .base import Explorer
from .controls import WIDE, dropdown, float_slider, int_slider, toggle_buttons

__all__ = [
    "activation_explorer",
    "filter_visualization_explorer",
    "class_visualization_explorer",
    "grad_cam_explorer",
]

def _default_digits():
    """One test digit of each class (0-9, in order) from the offline MNIST subset, floats."""
    x, y = digits.offline_subset()
    _, test = digits.stratified_split(y)
    pick = [int(test[np.flatnonzero(y[test] == c)[0]]) for c in range(10)]
    return digits.to_float(x[pick]), y[pick]


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
    via = t(" (after {src})", src=html.escape(src)) if src != layer else ""
    return t("{what}{via} {k}×{k}, stride {s}, padding {pad}: output_size({n_in}, {k}, {s}, "
             "'{pad}') = <b>{n}</b>", what=t("conv" if geo["kind"] == "conv" else "pool"),
             via=via, k=k, s=s, pad=pad, n_in=h_in, n=n)


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
        "digit": int_slider("digit", 0, 0, len(x) - 1, continuous=False),
        "layer": dropdown("layer", names, layer),
        "channel": int_slider("channel", 0, 0, max_c - 1, continuous=False),
    }
    fig, axes = new_figure(1, 3, figsize=(9.6, 3.6), width_ratios=[1, 2.2, 1.4])
    acts_cache: dict = {}

    def render(state, digit, layer, channel):
        if digit not in acts_cache:
            acts = interpret.activations(model, x[digit], names)
            acts_cache[digit] = (acts, models.predict_probs(model, x[digit][None])[0])
        acts, probs = acts_cache[digit]
        maps = acts[layer]
        h, w, c = maps.shape
        if not 0 <= channel < c:
            raise ValueError(t("channel must be in [0, {last}]: layer {layer} has {c} maps",
                               last=c - 1, layer=layer, c=c))
        iplots.plot_filter_images(x[digit][None], ax=axes[0], title=t("input"), ncols=1)
        iplots.plot_maps(maps, ax=axes[1], highlight=channel,
                         title=t("{layer}: all {c} maps, {h}×{w}", layer=layer, c=c, h=h, w=w))
        iplots.plot_maps(maps[..., channel:channel + 1], ax=axes[2],
                         title=t("channel {channel} (max {top:.2f})", channel=channel,
                                 top=maps[..., channel].max()))
        state.update(maps=maps, map=maps[..., channel], probs=probs, layer=layer)
        pred = int(np.argmax(probs))
        label = t("label {label}, ", label=int(y[digit])) if y[digit] >= 0 else ""
        return t("{layer}: {h}×{w}×{c}; {formula}<br>{label}model says {pred} (p = {p:.2f})",
                 layer=html.escape(layer), h=h, w=w, c=c, formula=_size_formula(model, layer),
                 label=label, pred=pred, p=probs[pred])

    return Explorer(controls, render, fig, title="Activation maps, layer by layer")


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
        "layer": dropdown("conv layer", names, layer, style=WIDE),
        "steps": int_slider("steps", steps, 0, 200, step=20, continuous=False),
        "regularization": dropdown("regularization", list(REGULARIZATION), "jitter + blur",
                                   style=WIDE),
        "objective": dropdown("maximize", list(OBJECTIVES), "whole map (mean)", style=WIDE),
        "filter": int_slider("filter", 0, 0, max_f - 1, continuous=False),
    }
    fig, axes = new_figure(1, 3, figsize=(10, 3.6), width_ratios=[2, 1.2, 1.6])
    cache: dict = {}

    def render(state, layer, steps, regularization, objective, filter):
        n_filters = int(model.get_layer(layer).filters)
        if not 0 <= filter < n_filters:
            raise ValueError(t("filter must be in [0, {last}]: {layer} has {n} filters",
                               last=n_filters - 1, layer=layer, n=n_filters))
        key = (layer, steps, regularization, objective)
        if key not in cache:
            start = time.perf_counter()
            images, scores = interpret.visualize_filter(
                model, layer, None, steps=steps, objective=OBJECTIVES[objective],
                return_scores=True, **REGULARIZATION[regularization])
            cache[key] = (images, scores, time.perf_counter() - start)
        images, scores, seconds = cache[key]
        iplots.plot_filter_images(images, ax=axes[0], highlight=filter,
                                  title=t("{layer}: {n} filters", layer=layer, n=n_filters))
        iplots.plot_filter_images(images[filter:filter + 1], ax=axes[1], ncols=1,
                                  title=t("filter {filter}", filter=filter))
        iplots.plot_ascent(scores, ax=axes[2], highlight=filter,
                           title=t("response per step (orange: {filter})", filter=filter))
        state.update(images=images, scores=scores, seconds=seconds, layer=layer)
        return t("{n} filters × {steps} steps in one batch: {seconds:.2f} s. Filter {filter}: "
                 "response {start:.2f} (noise) → <b>{end:.2f}</b>", n=n_filters, steps=steps,
                 seconds=seconds, filter=filter, start=scores[0, filter],
                 end=scores[-1, filter])

    return Explorer(controls, render, fig, title="What each filter looks for")


def class_visualization_explorer(model=None, steps: int = 150):
    """The input that maximizes each digit's score (its logit), by gradient ascent from a dark
    image. Without regularization the ascent finds patterns the model likes but we cannot read;
    decay (pull back to black), blur and jitter make digits appear. The model's probability for
    each class is written under its image. ``explorer.state``: ``images``, ``probs``, ``scores``.
    """
    model = interpret.default_model() if model is None else model
    controls = {
        "steps": int_slider("steps", steps, 0, 300, step=50, continuous=False),
        "decay": float_slider("decay", 0.02, 0.0, 0.2, 0.02, continuous=False),
        "blur": float_slider("blur σ", 0.5, 0.0, 1.5, 0.25, continuous=False),
        "jitter": int_slider("jitter", 1, 0, 3, continuous=False),
    }
    fig, ax = new_figure(1, 1, figsize=(7.2, 3.6))
    cache: dict = {}
    n_classes = int(model.outputs[0].shape[-1])

    def render(state, steps, decay, blur, jitter):
        key = (steps, round(decay, 4), round(blur, 4), jitter)
        if key not in cache:
            images, scores = interpret.class_image(model, None, steps=steps, decay=decay,
                                                   blur=blur, jitter=jitter, return_scores=True)
            probs = models.predict_probs(model, images)
            cache[key] = (images, scores, probs[np.arange(n_classes), np.arange(n_classes)])
        images, scores, probs = cache[key]
        iplots.plot_class_images(images, probs=probs, ax=ax,
                                 title=t("the input each class likes best"))
        state.update(images=images, scores=scores, probs=probs)
        return t("{steps} steps; mean probability of the intended class: <b>{p:.2f}</b>; "
                 "logits rose from {start:.1f} to {end:.1f} on average", steps=steps,
                 p=probs.mean(), start=scores[0].mean(), end=scores[-1].mean())

    return Explorer(controls, render, fig, title="Class visualization")


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
        "digit": int_slider("digit", 0, 0, len(x) - 1, continuous=False),
        "explain": dropdown("explain", [("predicted class", -1)]
                            + [(str(c), c) for c in range(n_classes)], -1),
        "method": toggle_buttons("method", ["Grad-CAM", "saliency"], "Grad-CAM"),
        "layer": dropdown("Grad-CAM layer", layers, layers[-1], style=WIDE),
    }
    fig, axes = new_figure(1, 3, figsize=(8.4, 3.2))
    probs_cache: dict = {}

    def render(state, digit, explain, method, layer):
        if digit not in probs_cache:
            probs_cache[digit] = models.predict_probs(model, x[digit][None])[0]
        probs = probs_cache[digit]
        pred = int(np.argmax(probs))
        target = pred if explain == -1 else int(explain)
        if method == "Grad-CAM":
            heat = interpret.grad_cam(model, x[digit], class_index=target, layer=layer)
            h = int(model.get_layer(layer).output.shape[1])
            how = t("Grad-CAM on {layer} ({h}×{h} maps, resized)", layer=html.escape(layer), h=h)
        else:
            heat = interpret.saliency(model, x[digit], class_index=target)
            heat = heat / (heat.max() or 1)
            how = t("saliency |∂ logit / ∂ pixel|")
        iplots.plot_filter_images(x[digit][None], ax=axes[0], ncols=1, title=t("digit"))
        iplots.plot_filter_images(heat[None], ax=axes[1], ncols=1, title=t(method), cmap="hot_r")
        iplots.plot_heatmap(x[digit], heat, ax=axes[2], title=t("why {target}?", target=target))
        state.update(heat=heat, probs=probs, target=target, prediction=pred)
        ok = "" if y[digit] < 0 else (" ✓" if pred == y[digit] else " ✗")
        label = t("label {label}; ", label=int(y[digit])) if y[digit] >= 0 else ""
        return t("{label}model says {pred} (p = {p:.2f}){ok}; explaining class <b>{target}</b> "
                 "(p = {pt:.2f}) with {how}", label=label, pred=pred, p=probs[pred], ok=ok,
                 target=target, pt=probs[target], how=how)

    return Explorer(controls, render, fig, title="Saliency and Grad-CAM")
