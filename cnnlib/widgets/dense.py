"""Explorers for notebook 05: softmax, counting connections, and a tiny CNN's forward pass.

Wiring only: numbers from ``cnnlib.core.ops`` and ``cnnlib.core.tinycnn``, pictures from
``cnnlib.plots.dense``. Each builder returns an ``Explorer`` without displaying it.
"""

from __future__ import annotations

import html

import numpy as np

from cnnlib.core import ops, tinycnn
from cnnlib.core.digits import stratified_split
from cnnlib.plots import dense as dplots
from cnnlib.plots import network as nplots
from cnnlib.plots.common import new_figure
from cnnlib.text.i18n import t

from .base import Explorer
from .controls import WIDE, checkbox, dropdown, float_slider, int_slider, label_width, number_box

__all__ = ["softmax_explorer", "connections_explorer", "forward_pass_explorer"]

MAX_CLASSES = 10
LOGIT_LIMIT = 1e4  # the logit boxes accept -1e4 ... 1e4: big enough to overflow a naive exp
DEFAULT_LOGITS = (2.0, 1.0, 0.1, -1.0, 0.5, -0.5, 1.5, -2.0, 0.0, 3.0)


def _fmt(v: float) -> str:
    """A probability or loss, readable at any size."""
    if np.isnan(v):
        return "nan"
    if v == 0 or 1e-3 <= abs(v) < 1e4:
        return f"{v:.4f}".rstrip("0").rstrip(".") if v != 0 else "0"
    return f"{v:.6g}" if abs(v) >= 1e4 else f"{v:.3g}"


def _softmax_text(scaled, probs, label, ce) -> str:
    """The softmax explorer's info: the probabilities (or why the naive formula gave nan), then
    the cross-entropy for the label."""
    n = len(probs)
    if np.isnan(probs).any():
        big = scaled[np.argmax(np.abs(scaled))]
        what = t("overflows to inf, and inf / inf" if big > 0 else "underflows to 0, and 0 / 0")
        head = t('<span style="color:#b00020">naive formula: exp({big}) {what} = nan. '
                 "Tick “subtract max”.</span>", big=_fmt(big), what=what)
    else:
        best = int(np.argmax(probs))
        head = t("p = softmax(z / T): they sum to {total:.3f}; most likely class {best} "
                 "(p = {p})", total=probs.sum(), best=best, p=_fmt(probs[best]))
        # the bars' numbers, for whoever cannot see the bars
        head += "<br>" + t("every class: {probs}", probs=", ".join(
            f"{i}: {_fmt(p)}" for i, p in enumerate(probs)))
    if ce is None:
        tail = t("label {label} is not one of the {n} classes (0–{last}): no cross-entropy",
                 label=label, n=n, last=n - 1)
    else:
        tail = t("cross-entropy for label {label}: −log p[{label}] = −log {p} = <b>{ce}</b>",
                 label=label, p=_fmt(probs[label]), ce=_fmt(ce))
    return f"{head}<br>{tail}"


def softmax_explorer(logits=(2.0, 1.0, 0.1, -1.0), label: int = 0, temperature: float = 1.0):
    """Type logits (up to 10 classes), move the temperature, pick the true label.

    Shows the logits divided by T and softmax(z / T) as bar charts; the info line gives the
    cross-entropy -log p[label]. Untick "subtract max" to see the textbook formula overflow for
    logits like 1e4 (inf / inf = nan). ``explorer.state`` holds z, z_over_t, probs, cross_entropy.
    """
    logits = [float(v) for v in logits]
    if not 2 <= len(logits) <= MAX_CLASSES:
        raise ValueError(t('logits must hold 2 to {MAX_CLASSES} numbers, got {n}', MAX_CLASSES=MAX_CLASSES, n=len(logits)))
    values = logits + list(DEFAULT_LOGITS[len(logits):])
    boxes = {f"z{i}": number_box(f"z{i}", values[i], bounds=(-LOGIT_LIMIT, LOGIT_LIMIT),
                                 style=label_width("22px"), width="118px")
             for i in range(MAX_CLASSES)}
    controls = {
        "classes": int_slider("classes", len(logits), 2, MAX_CLASSES, continuous=False),
        **boxes,
        "temperature": float_slider("temperature T", temperature, 0.1, 5.0, 0.1,
                                    readout_format=".1f", style=WIDE, continuous=False),
        "label": dropdown("true label", list(range(MAX_CLASSES)), label, style=WIDE,
                          width="150px"),
        "stable": checkbox("subtract max (stable)", True, indent=False),
    }
    fig, axes = new_figure(1, 2, figsize=(7.5, 2.9))

    def compute(classes, temperature, label, stable, **zs):
        n = int(classes)
        z = np.array([zs[f"z{i}"] for i in range(n)], dtype=float)
        if not np.all(np.isfinite(z)):
            raise ValueError(t("logits must be finite numbers"))
        if not temperature > 0:
            raise ValueError(t("temperature must be > 0, got {temperature}",
                               temperature=temperature))
        scaled = z / temperature
        probs = ops.softmax(scaled) if stable else ops.softmax_naive(scaled)
        ce = ops.cross_entropy(probs, label) if 0 <= label < n else None
        state = dict(z=z, z_over_t=scaled, probs=probs, cross_entropy=ce, label=label,
                     stable=bool(stable))
        return state, _softmax_text(scaled, probs, label, ce)

    def draw(state, classes, temperature, label, stable, **zs):
        for i in range(MAX_CLASSES):  # show only the boxes in use
            boxes[f"z{i}"].layout.display = None if i < classes else "none"
        dplots.plot_softmax(state["z_over_t"], state["probs"],
                            label=label if 0 <= label < classes else None, axes=axes,
                            title_logits=t("logits / T  (T = {temperature:.1f})",
                                           temperature=temperature),
                            title_probs=t("softmax(z / T)" if stable
                                          else "softmax(z / T), naive formula"))

    return Explorer(controls, compute, draw, fig, title="Softmax and temperature",
                    picture="Bars of the logits divided by the temperature, and bars of the "
                            "softmax probabilities, the true label marked.")


def _human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000:
            return f"{n:.0f} {unit}"
        n /= 1000
    return f"{n:.0f} ZB"


def connections_explorer(size: int = 1000, window: int = 10, channels: int = 1,
                         filters: int = 1):
    """Weights needed to turn a size x size image into feature maps of the same size, three ways:
    fully connected, locally connected (a window per output, its own weights), and convolution
    (one shared window per filter). Biases left out, as in the 10^12 / 10^8 / 100 example.
    ``explorer.state`` holds the three counts.
    """
    controls = {
        "size": int_slider("image size", size, 10, 1000, step=10, continuous=False),
        "window": int_slider("window k", window, 1, 31, continuous=False),
        "channels": int_slider("channels C", channels, 1, 3, continuous=False),
        "filters": int_slider("filters F", filters, 1, 64, continuous=False),
    }
    fig, ax = new_figure(1, 1, figsize=(6.4, 3.2))

    def compute(size, window, channels, filters):
        if window > size:
            raise ValueError(t("window {window} is larger than the image {size}: use window <= "
                               "{size}", window=window, size=size))
        n_in = size * size * channels            # input numbers
        n_out = size * size * filters            # one output per pixel and filter ("same")
        full = ops.dense_param_count(n_in, n_out, bias=False)
        local = ops.local_param_count(size, size, window, window, channels, filters, bias=False)
        shared = ops.conv_param_count(window, window, channels, filters, bias=False)
        return dict(full=full, local=local, shared=shared), t(
            "fully connected: ({n}·{n}·{c}) × ({n}·{n}·{f}) = <b>{full:,}</b> ({bytes} as "
            "float32)<br>locally connected: {n}·{n}·{f} outputs × {k}·{k}·{c} = "
            "<b>{local:,}</b><br>convolution (shared): {k}·{k}·{c}·{f} = <b>{shared:,}</b>"
            "; full / shared = {ratio:.3g}", n=size, c=channels, f=filters, k=window,
            full=full, bytes=_human_bytes(4 * full), local=local, shared=shared,
            ratio=full / shared)

    def draw(state, size, window, channels, filters):
        nplots.plot_param_counts({t("fully connected"): state["full"],
                                  t("locally connected"): state["local"],
                                  t("shared (conv)"): state["shared"]}, ax=ax,
                                 title=t("{n}×{n}×{c} image → {n}×{n}×{f} maps: weights "
                                         "(log scale)", n=size, c=channels, f=filters))

    return Explorer(controls, compute, draw, fig, title="Full vs local vs shared connections",
                    picture="Bars of the number of weights for full, local and shared "
                            "connections, on a log scale.")


def forward_pass_explorer(net: tinycnn.TinyCNN | None = None, examples: int = 20):
    """Pick a test digit (and shift it), and see every stage of the tiny CNN: feature maps,
    pooled maps, the flattened vector and the probabilities.

    net: a ``tinycnn.TinyCNN`` (default: ``tinycnn.pretrained()``, trained once, a few seconds).
    Only test digits are offered: the dense layer never saw them. ``explorer.state`` holds the
    stages (``tinycnn.forward``), the digit's index in the subset and its label.
    """
    net = net if net is not None else tinycnn.pretrained()
    X, y = tinycnn.digits()
    _, test_idx = stratified_split(y, test_size=1000)  # the digits pretrained() never saw
    by_digit = {d: test_idx[y[test_idx] == d][:examples] for d in range(10)}
    n_examples = min(len(v) for v in by_digit.values())
    controls = {
        "digit": dropdown("digit", list(range(10)), 7, width="150px"),
        "example": int_slider("example", 0, 0, n_examples - 1, continuous=False),
        "dx": int_slider("shift →", 0, -6, 6, continuous=False),
        "dy": int_slider("shift ↓", 0, -6, 6, continuous=False),
        "maps": dropdown("feature maps", [("after ReLU", "relu"), ("before ReLU", "conv")],
                         "relu", style=WIDE),
    }
    fig, _ = new_figure(1, 1, figsize=(9.6, 4.6))
    shapes = net.shapes(X.shape[1])

    def compute(digit, example, dx, dy, maps):
        index = int(by_digit[digit][example])
        stages = tinycnn.forward(tinycnn.shift(X[index], dx, dy), net)
        probs = stages["probs"]
        pred = int(np.argmax(probs))
        ce = ops.cross_entropy(probs, digit)
        arrow = " → ".join([
            "{}×{}×1".format(*shapes["input"][:2]),
            t("conv {}×{}×{}").format(*shapes["conv"]), "ReLU",
            t("pool {}×{}×{}").format(*shapes["pool"]), t("flatten {}").format(*shapes["flat"]),
            t("dense {}").format(*shapes["logits"]), "softmax"])
        verdict = (t("correct") if pred == digit else
                   '<span style="color:#b00020">{}</span>'.format(t("wrong")))
        moved = t(", shifted ({dx:+d}, {dy:+d}) px", dx=dx, dy=dy) if dx or dy else ""
        state = dict(stages=stages, index=index, label=int(digit), prediction=pred)
        return state, t("test digit #{index} (label {digit}){moved}: predicts <b>{pred}</b> "
                        "(p = {p:.2f}), {verdict}; cross-entropy −log p[{digit}] = {ce}<br>"
                        "<small>{arrow}</small>", index=index, digit=digit, moved=moved,
                        pred=pred, p=probs[pred], verdict=verdict, ce=_fmt(ce),
                        arrow=html.escape(arrow))

    def draw(state, digit, example, dx, dy, maps):
        dplots.plot_forward_pass(state["stages"], label=digit, channel_names=net.channel_names,
                                 maps=maps, fig=fig)

    return Explorer(controls, compute, draw, fig, title="A tiny CNN, stage by stage",
                    picture="The test digit and every stage of the tiny CNN: feature maps after "
                            "convolution, ReLU and pooling, then the ten class scores.")
