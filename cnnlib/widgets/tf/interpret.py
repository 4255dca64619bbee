"""Explorers for notebook 08: look inside a trained CNN, the series' or your own.

Wiring only: numbers from ``cnnlib.tf.interpret`` (TensorFlow, imported when an explorer is
built) and ``cnnlib.core.ops``, pictures from
``cnnlib.plots.interpret``. Each builder returns an ``Explorer`` without displaying it. Called
without a model, they use ``interpret.default_model()`` (the model saved in data/, or one
trained quickly). Any Keras image classifier with Conv2D layers works: any input size, grey or
colour, any number of classes (``class_names`` optional); a model they cannot use gets a
``ValueError`` naming what it lacks.
"""

from __future__ import annotations

import html
import time

import numpy as np

from cnnlib.core import digits, ops
from cnnlib.core.images import PHOTOS
from cnnlib.plots import interpret as iplots
from cnnlib.plots.common import new_figure
from cnnlib.text.i18n import t
from cnnlib.tf import interpret

from ..base import Explorer
from ..controls import WIDE, dropdown, float_slider, int_slider, toggle_buttons, upload_button
from ..photos import watch_upload

__all__ = [
    "activation_explorer",
    "filter_visualization_explorer",
    "class_visualization_explorer",
    "grad_cam_explorer",
    "top_k_explorer",
]

def _default_digits():
    """One test digit of each class (0-9, in order) from the offline MNIST subset, floats."""
    x, y = digits.offline_subset()
    _, test = digits.stratified_split(y)
    pick = [int(test[np.flatnonzero(y[test] == c)[0]]) for c in range(10)]
    return digits.to_float(x[pick]), y[pick]


def _for_digits(info) -> bool:
    """The series' kind of model: 28x28 grey digits in, ten classes out."""
    return info.input_shape == (28, 28, 1) and info.n_classes == 10


def _inputs(info, images, labels):
    """(x (N, H, W, C) float32 for the model, labels (N,) with -1 for none).

    images None: for a digit model, one test digit per class; for another model, the bundled
    photos fitted to it. Otherwise an array in the model's shape, or a list of photos (names,
    arrays, paths, bytes), see ``interpret.fit_images``."""
    if images is None:
        if _for_digits(info):
            x, y = _default_digits()
            return x.reshape(-1, 28, 28, 1).astype(np.float32), y
        x, _ = interpret.fit_images(info, list(PHOTOS))
    else:
        x, _ = interpret.fit_images(info, images)
    y = interpret.check_labels(info, labels, len(x))
    return x.astype(np.float32), y


def _setup(model, class_names):
    model = interpret.default_model() if model is None else model
    return model, interpret.check_classifier(model, class_names)


def _shown(info, x):
    """Images in the model's value range (0-1, or 0-255 for a network that scales its input
    itself) as 0-1, the range the pictures draw."""
    lo, hi = info.value_range
    return x if (lo, hi) == (0.0, 1.0) else (np.asarray(x, dtype=float) - lo) / (hi - lo)


def _shown_layers(model) -> list[str]:
    """The layers whose maps an explorer offers: every finished map of a plain chain; in a
    network with branches, the trunk (``interpret.trunk_layers``)."""
    if interpret.branches(model):
        return interpret.trunk_layers(model)
    return interpret.map_layers(model, finished=True)


def _input_cmap(info) -> str:
    """Digits ink dark on white, as in notebook 07; another grey model's photos as photos."""
    return iplots.INPUT_CMAP if _for_digits(info) else "gray"



class _Images:
    """The images an explorer steps through (``x`` for the model, ``y`` labels or -1), and an
    upload button that adds a photo, fitted to the model, and shows it: the explorer's
    ``photos`` (``Explorer(photos=...)`` places the button after the controls)."""

    def __init__(self, info, x, y):
        self.info, self.x, self.y = info, x, y
        self.upload = upload_button("upload PNG/JPEG")
        self.slider = None

    def connect(self, explorer) -> None:
        self.slider = explorer.controls["digit"]
        watch_upload(self.upload, self.add, explorer)

    def add(self, photo, name=None) -> None:
        """Fit a photo (PNG/JPEG bytes, ...) to the model and step to it; a ValueError (damaged,
        another format, too small, 16-bit) leaves the images as they were."""
        xi, _ = interpret.fit_photo(self.info, photo)
        self.x = np.concatenate([self.x, xi[None]])
        self.y = np.append(self.y, -1)
        self.slider.max = len(self.x) - 1
        self.slider.value = self.slider.max


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
def activation_explorer(model=None, images=None, labels=None, layer: str | None = None,
                        class_names=None):
    """Pick an image, a layer and a channel: every activation map of that layer (the chosen one
    outlined), and the chosen map large. The info line gives the map size with the
    output-size formula, and what the model predicts.

    Defaults: ``interpret.default_model()`` and one test digit of each class (slider = digit).
    With your own model: images as an array in its input shape, or a list of photos (sample
    names, arrays, file paths), fitted to it; without images, the bundled photos.
    ``explorer.state`` holds ``maps`` (h, w, c), ``map`` (the chosen one), ``probs``.
    """
    model, info = _setup(model, class_names)
    imgs = _Images(info, *_inputs(info, images, labels))
    names = _shown_layers(model)
    if not names:
        raise ValueError(t('model has no layers with 2-D maps'))
    layer = names[0] if layer is None else layer
    if layer not in names:
        raise ValueError(t('layer must be one of {names}; got {layer!r}', names=', '.join(names), layer=layer))
    max_c = max(int(model.get_layer(n).output.shape[-1]) for n in names)
    what = "digit" if _for_digits(info) else "image"
    controls = {
        "digit": int_slider(what, 0, 0, len(imgs.x) - 1, continuous=False),
        "layer": dropdown("layer", names, layer, translate=False),
        "channel": int_slider("channel", 0, 0, max_c - 1, continuous=False),
    }
    fig, axes = new_figure(1, 3, figsize=(9.6, 3.6), width_ratios=[1, 2.2, 1.4])
    acts_cache: dict = {}

    def compute(digit, layer, channel):
        if digit not in acts_cache:
            acts = interpret.activations(model, imgs.x[digit], names)
            acts_cache[digit] = (acts, interpret.probabilities(model, imgs.x[digit][None])[0])
        acts, probs = acts_cache[digit]
        maps = acts[layer]
        h, w, c = maps.shape
        if not 0 <= channel < c:
            raise ValueError(t("channel must be in [0, {last}]: layer {layer} has {c} maps",
                               last=c - 1, layer=layer, c=c))
        pred = int(np.argmax(probs))
        names_ = info.class_names
        yd = int(imgs.y[digit])
        label = t("label {label}, ", label=html.escape(names_[yd])) if yd >= 0 else ""
        state = dict(maps=maps, map=maps[..., channel], probs=probs, layer=layer)
        return state, t("{layer}: {h}×{w}×{c}; {formula}<br>{label}model says {pred} "
                        "(p = {p:.2f})", layer=html.escape(layer), h=h, w=w, c=c,
                        formula=_size_formula(model, layer), label=label,
                        pred=html.escape(names_[pred]), p=probs[pred])

    def draw(state, digit, layer, channel):
        maps = state["maps"]
        h, w, c = maps.shape
        iplots.plot_filter_images(_shown(info, imgs.x[digit][None]), ax=axes[0], title=t("input"),
                                  ncols=1, cmap=_input_cmap(info))
        iplots.plot_maps(maps, ax=axes[1], highlight=channel,
                         title=t("{layer}: all {c} maps, {h}×{w}", layer=layer, c=c, h=h, w=w))
        iplots.plot_maps(maps[..., channel:channel + 1], ax=axes[2],
                         title=t("channel {channel} (max {top:.2f})", channel=channel,
                                 top=maps[..., channel].max()))

    return Explorer(controls, compute, draw, fig, photos=imgs,
                    title="Activation maps, layer by layer",
                    picture="The input digit, all feature maps of the chosen layer, and the "
                            "chosen channel enlarged.")


# ---------------------------------------------------------------------------------------------
# Filter visualization
# ---------------------------------------------------------------------------------------------
REGULARIZATION = {
    "jitter + blur": dict(jitter=1, blur=0.3, decay=0.0),
    "none": dict(jitter=0, blur=0.0, decay=0.0),
    "strong: jitter 2 + blur + decay": dict(jitter=2, blur=0.6, decay=0.05),
}
OBJECTIVES = {"whole map (mean)": "mean", "one unit (center)": "center"}


def _maps_bigger_than_1x1(model, name) -> bool:
    shape = model.get_layer(name).output.shape
    return all(d is None or d > 1 for d in shape[1:3])


def filter_visualization_explorer(model=None, layer: str | None = None, steps: int = 60,
                                  filters: int | None = None):
    """Every filter of a conv layer, by gradient ascent from noise: the input each one responds
    to most. Controls: the layer, the number of steps (0 = the starting noise), the
    regularization, what to maximize (the mean of the map, or the single unit in its middle,
    which sees only its receptive field), and a filter to enlarge with its ascent curve.

    Results are cached per setting, so going back is instant. ``explorer.state`` holds
    ``images`` (F, H, W, C), ``scores`` (steps + 1, F) and ``seconds``. ``filters``: show only
    the first that many filters of each layer (a large network's layers have hundreds, and all
    run as one batch); default all. Conv layers with 1×1 maps (a squeeze-and-excitation
    branch, a classifier written as a 1×1 conv) are not offered.
    """
    model, info = _setup(model, None)
    names = [n for n in info.conv_layers if _maps_bigger_than_1x1(model, n)] \
        or list(info.conv_layers)
    if filters is not None and (isinstance(filters, bool) or not isinstance(filters, int)
                                or filters < 1):
        raise ValueError(t('filters must be None (all) or an int >= 1, got {filters!r}',
                           filters=filters))

    def n_shown(name) -> int:
        n = int(model.get_layer(name).filters)
        return n if filters is None else min(n, filters)

    layer = names[0] if layer is None else layer
    if layer not in names:
        raise ValueError(t('layer must be one of {names}; got {layer!r}', names=', '.join(names), layer=layer))
    max_f = max(n_shown(n) for n in names)
    controls = {
        "layer": dropdown("conv layer", names, layer, style=WIDE, translate=False),
        "steps": int_slider("steps", steps, 0, 200, step=20, continuous=False),
        "regularization": dropdown("regularization", list(REGULARIZATION), "jitter + blur",
                                   style=WIDE),
        "objective": dropdown("maximize", list(OBJECTIVES), "whole map (mean)", style=WIDE),
        "filter": int_slider("filter", 0, 0, max_f - 1, continuous=False),
    }
    fig, axes = new_figure(1, 3, figsize=(10, 3.6), width_ratios=[2, 1.2, 1.6])
    cache: dict = {}

    def compute(layer, steps, regularization, objective, filter):
        n_filters = n_shown(layer)
        if not 0 <= filter < n_filters:
            raise ValueError(t("filter must be in [0, {last}]: {layer} has {n} filters",
                               last=n_filters - 1, layer=layer, n=n_filters))
        key = (layer, steps, regularization, objective)
        if key not in cache:
            start = time.perf_counter()
            images, scores = interpret.visualize_filter(
                model, layer, list(range(n_filters)), steps=steps,
                objective=OBJECTIVES[objective], start=interpret.start_images(info, n_filters),
                return_scores=True,
                **REGULARIZATION[regularization])
            cache[key] = (images, scores, time.perf_counter() - start)
        images, scores, seconds = cache[key]
        state = dict(images=images, scores=scores, seconds=seconds, layer=layer)
        return state, t("{n} filters × {steps} steps in one batch: {seconds:.2f} s. Filter "
                        "{filter}: response {start:.2f} (noise) → <b>{end:.2f}</b>",
                        n=n_filters, steps=steps, seconds=seconds, filter=filter,
                        start=scores[0, filter], end=scores[-1, filter])

    def draw(state, layer, steps, regularization, objective, filter):
        images, cmap = state["images"], _input_cmap(info)
        iplots.plot_filter_images(_shown(info, images), ax=axes[0], highlight=filter, cmap=cmap,
                                  title=t("{layer}: {n} filters", layer=layer, n=len(images)))
        iplots.plot_filter_images(_shown(info, images[filter:filter + 1]), ax=axes[1], ncols=1,
                                  cmap=cmap,
                                  title=t("filter {filter}", filter=filter))
        iplots.plot_ascent(state["scores"], ax=axes[2], highlight=filter,
                           title=t("response per step (orange: {filter})", filter=filter))

    return Explorer(controls, compute, draw, fig, title="What each filter looks for",
                    picture="The input pattern each filter of the layer responds to most, the "
                            "chosen filter enlarged, and its response over the ascent steps.")


def class_visualization_explorer(model=None, steps: int = 150, class_names=None):
    """The input that maximizes each class's score (its logit), by gradient ascent from a dark
    image. Without regularization the ascent finds patterns the model likes but we cannot read;
    decay (pull back to black), blur and jitter make digits appear. The model's probability for
    each class is written under its image (with its name, from ``class_names``).
    ``explorer.state``: ``images``, ``probs``, ``scores``.
    """
    model, info = _setup(model, class_names)
    controls = {
        "steps": int_slider("steps", steps, 0, 300, step=50, continuous=False),
        "decay": float_slider("decay", 0.02, 0.0, 0.2, 0.02, continuous=False),
        "blur": float_slider("blur σ", 0.5, 0.0, 1.5, 0.25, continuous=False),
        "jitter": int_slider("jitter", 1, 0, 3, continuous=False),
    }
    fig, ax = new_figure(1, 1, figsize=(7.2, 3.6))
    cache: dict = {}
    n_classes = info.n_classes

    def compute(steps, decay, blur, jitter):
        key = (steps, round(decay, 4), round(blur, 4), jitter)
        if key not in cache:
            images, scores = interpret.class_image(
                model, None, steps=steps, decay=decay, blur=blur, jitter=jitter,
                start=interpret.start_images(info, n_classes, kind="dark"), return_scores=True)
            probs = interpret.probabilities(model, images)
            cache[key] = (images, scores, probs[np.arange(n_classes), np.arange(n_classes)])
        images, scores, probs = cache[key]
        return dict(images=images, scores=scores, probs=probs), t(
            "{steps} steps; mean probability of the intended class: <b>{p:.2f}</b>; "
            "logits rose from {start:.1f} to {end:.1f} on average", steps=steps,
            p=probs.mean(), start=scores[0].mean(), end=scores[-1].mean())

    def draw(state, steps, decay, blur, jitter):
        iplots.plot_class_images(_shown(info, state["images"]), probs=state["probs"], ax=ax,
                                 names=info.class_names, ncols=min(5, n_classes),
                                 title=t("the input each class likes best"))

    return Explorer(controls, compute, draw, fig, title="Class visualization",
                    picture="For each class, the input the model scores highest for it, with "
                            "that class's probability.")


# ---------------------------------------------------------------------------------------------
# Saliency and Grad-CAM
# ---------------------------------------------------------------------------------------------
def grad_cam_explorer(model=None, images=None, labels=None, class_names=None,
                      layer: str | None = None):
    """Which pixels decide? Pick an image and a class to explain (default: the predicted one),
    and the method: Grad-CAM (on a conv layer's finished maps) or saliency (the gradient of the
    score with respect to each pixel).

    Grad-CAM starts on the last conv layer (after its batch norm and activation) and the layer
    dropdown offers the others. Images and class names as in ``activation_explorer``.
    ``explorer.state`` holds ``heat`` (H, W), ``probs`` and the explained ``target`` class.
    """
    model, info = _setup(model, class_names)
    imgs = _Images(info, *_inputs(info, images, labels))
    names = info.class_names
    layers = list(info.cam_layers)
    layer = info.cam_layer if layer is None else layer
    if layer not in layers:
        raise ValueError(t('layer must be one of {names}; got {layer!r}', names=', '.join(layers), layer=layer))
    what = "digit" if _for_digits(info) else "image"
    controls = {
        "digit": int_slider(what, 0, 0, len(imgs.x) - 1, continuous=False),
        "explain": dropdown("explain", [(t("predicted class"), -1)]
                            + [(n, c) for c, n in enumerate(names)], -1, translate=False),
        "method": toggle_buttons("method", ["Grad-CAM", "saliency"], "Grad-CAM"),
        "layer": dropdown("Grad-CAM layer", layers, layer, style=WIDE, translate=False),
    }
    fig, axes = new_figure(1, 3, figsize=(8.4, 3.2))
    probs_cache: dict = {}

    def compute(digit, explain, method, layer):
        if digit not in probs_cache:
            probs_cache[digit] = interpret.probabilities(model, imgs.x[digit][None])[0]
        probs = probs_cache[digit]
        pred = int(np.argmax(probs))
        target = pred if explain == -1 else int(explain)
        state = dict(probs=probs, target=target, prediction=pred)
        if method == "Grad-CAM":
            heat = interpret.grad_cam(model, imgs.x[digit], class_index=target, layer=layer)
            h, w = heat_size = tuple(model.get_layer(layer).output.shape[1:3])
            if None in heat_size:  # a model that takes any size: as big as this image makes it
                maps = interpret.activations(model, imgs.x[digit], [layer])[layer]
                h, w = heat_size = maps.shape[:2]
            how = t("Grad-CAM on {layer} ({h}×{w} maps, resized)", layer=html.escape(layer),
                    h=h, w=w)
            state["cam_size"] = heat_size
        else:
            heat = interpret.saliency(model, imgs.x[digit], class_index=target)
            heat = heat / (heat.max() or 1)
            how = t("saliency |∂ logit / ∂ pixel|")
        state["heat"] = heat
        yd = int(imgs.y[digit])
        ok = "" if yd < 0 else (" ✓" if pred == yd else " ✗")
        label = t("label {label}; ", label=html.escape(names[yd])) if yd >= 0 else ""
        return state, t("{label}model says {pred} (p = {p:.2f}){ok}; explaining class "
                        "<b>{target}</b> (p = {pt:.2f}) with {how}", label=label,
                        pred=html.escape(names[pred]), p=probs[pred], ok=ok,
                        target=html.escape(names[target]), pt=probs[target], how=how)

    def draw(state, digit, explain, method, layer):
        heat, cmap = state["heat"], _input_cmap(info)
        iplots.plot_filter_images(_shown(info, imgs.x[digit][None]), ax=axes[0], ncols=1,
                                  title=t(what), cmap=cmap)
        iplots.plot_filter_images(heat[None], ax=axes[1], ncols=1, title=t(method), cmap="hot_r")
        iplots.plot_heatmap(_shown(info, imgs.x[digit]), heat, ax=axes[2], image_cmap=cmap,
                            title=t("why {target}?", target=names[state["target"]]))

    return Explorer(controls, compute, draw, fig, photos=imgs, title="Saliency and Grad-CAM",
                    picture="The input image, the heat map of the pixels that count most for "
                            "the chosen class, and the heat map laid over the image.")


# ---------------------------------------------------------------------------------------------
# What a network says about a photo: its top classes
# ---------------------------------------------------------------------------------------------
def top_k_explorer(model, class_names, images=None, k: int = 5):
    """Pick a photo (or upload your own): the photo as the model sees it, and its ``k`` most
    probable classes. Images as in ``activation_explorer`` (default: the bundled photos),
    fitted to the model's input size and value range. ``explorer.state`` holds ``probs`` and
    ``top``, [(class name, probability), ...], best first."""
    model, info = _setup(model, class_names)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= info.n_classes:
        raise ValueError(t('k must be an int in [1, {n}], got {k!r}', n=info.n_classes, k=k))
    imgs = _Images(info, *_inputs(info, images, None))
    controls = {"digit": int_slider("image", 0, 0, len(imgs.x) - 1, continuous=False)}
    fig, axes = new_figure(1, 2, figsize=(8.4, 3.0), width_ratios=[1, 1.6])
    probs_cache: dict = {}

    def compute(digit):
        key = (digit, len(imgs.x))
        if key not in probs_cache:
            probs_cache[key] = interpret.probabilities(model, imgs.x[digit][None])[0]
        probs = probs_cache[key]
        order = np.argsort(-probs, kind="stable")[:k]
        top = [(info.class_names[j], float(probs[j])) for j in order]
        return dict(probs=probs, top=top), t("model says <b>{name}</b> (p = {p:.2f})",
                                             name=html.escape(top[0][0]), p=top[0][1])

    def draw(state, digit):
        iplots.plot_filter_images(_shown(info, imgs.x[digit][None]), ax=axes[0], ncols=1,
                                  title=t("image"), cmap=_input_cmap(info))
        iplots.plot_top_k(state["top"], ax=axes[1], title=t("top {k} classes", k=k))

    return Explorer(controls, compute, draw, fig, photos=imgs,
                    title="What the network sees in a photo",
                    picture="The photo and bars of the model's top classes with their "
                            "probabilities.")
