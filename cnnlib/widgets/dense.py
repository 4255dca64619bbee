"""Explorers for notebook 05: softmax, counting connections, and a tiny CNN's forward pass.

Wiring only: numbers from ``cnnlib.ops`` and ``cnnlib.tinycnn``, pictures from
``cnnlib.plots.dense``. Each builder returns an ``Explorer`` without displaying it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from cnnlib import ops, tinycnn
from cnnlib.plots import dense as dplots
from cnnlib.plots.common import new_figure

from .base import Explorer

__all__ = ["softmax_explorer", "connections_explorer", "forward_pass_explorer"]

MAX_CLASSES = 10
LOGIT_LIMIT = 1e4  # the logit boxes accept -1e4 ... 1e4: big enough to overflow a naive exp
DEFAULT_LOGITS = (2.0, 1.0, 0.1, -1.0, 0.5, -0.5, 1.5, -2.0, 0.0, 3.0)


def _freeze_layout(explorer: Explorer) -> Explorer:
    """Keep the axes where the first draw's constrained layout put them: working the layout out
    again on every redraw costs about a third of the redraw, and nothing here changes size."""
    explorer.figure.set_layout_engine(None)
    return explorer


def _fmt(v: float) -> str:
    """A probability or loss, readable at any size."""
    if np.isnan(v):
        return "nan"
    if v == 0 or 1e-3 <= abs(v) < 1e4:
        return f"{v:.4f}".rstrip("0").rstrip(".") if v != 0 else "0"
    return f"{v:.6g}" if abs(v) >= 1e4 else f"{v:.3g}"


def softmax_explorer(logits=(2.0, 1.0, 0.1, -1.0), label: int = 0, temperature: float = 1.0):
    """Type logits (up to 10 classes), move the temperature, pick the true label.

    Shows the logits divided by T and softmax(z / T) as bar charts; the info line gives the
    cross-entropy -log p[label]. Untick "subtract max" to see the textbook formula overflow for
    logits like 1e4 (inf / inf = nan). ``explorer.state`` holds z, z_over_t, probs, cross_entropy.
    """
    logits = [float(v) for v in logits]
    if not 2 <= len(logits) <= MAX_CLASSES:
        raise ValueError(f"logits must hold 2 to {MAX_CLASSES} numbers, got {len(logits)}")
    values = logits + list(DEFAULT_LOGITS[len(logits):])
    style = {"description_width": "22px"}
    boxes = {f"z{i}": widgets.BoundedFloatText(
        value=values[i], min=-LOGIT_LIMIT, max=LOGIT_LIMIT, step=0.1, description=f"z{i}",
        style=style, layout=widgets.Layout(width="118px")) for i in range(MAX_CLASSES)}
    controls = {
        "classes": widgets.IntSlider(value=len(logits), min=2, max=MAX_CLASSES,
                                     description="classes", continuous_update=False),
        **boxes,
        "temperature": widgets.FloatSlider(value=temperature, min=0.1, max=5.0, step=0.1,
                                           description="temperature T", readout_format=".1f",
                                           style={"description_width": "initial"},
                                           continuous_update=False),
        "label": widgets.Dropdown(options=list(range(MAX_CLASSES)), value=label,
                                  description="true label", style={"description_width": "initial"},
                                  layout=widgets.Layout(width="150px")),
        "stable": widgets.Checkbox(value=True, description="subtract max (stable)",
                                   indent=False),
    }
    fig, axes = new_figure(1, 2, figsize=(7.5, 2.9))
    state: dict = {}

    def render(classes, temperature, label, stable, **zs):
        n = int(classes)
        for i in range(MAX_CLASSES):  # show only the boxes in use
            boxes[f"z{i}"].layout.display = None if i < n else "none"
        z = np.array([zs[f"z{i}"] for i in range(n)], dtype=float)
        if not np.all(np.isfinite(z)):
            raise ValueError("logits must be finite numbers")
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        scaled = z / temperature
        probs = ops.softmax(scaled) if stable else ops.softmax_naive(scaled)
        in_range = 0 <= label < n
        dplots.plot_softmax(scaled, probs, label=label if in_range else None, axes=axes,
                            title_logits=f"logits / T  (T = {temperature:.1f})",
                            title_probs="softmax(z / T)" + ("" if stable else ", naive formula"))
        ce = ops.cross_entropy(probs, label) if in_range else None
        state.update(z=z, z_over_t=scaled, probs=probs, cross_entropy=ce, label=label,
                     stable=bool(stable))
        if np.isnan(probs).any():
            big = scaled[np.argmax(np.abs(scaled))]
            what = "overflows to inf, and inf / inf" if big > 0 else "underflows to 0, and 0 / 0"
            head = (f'<span style="color:#b00020">naive formula: exp({_fmt(big)}) {what} = nan.'
                    f" Tick “subtract max”.</span>")
        else:
            best = int(np.argmax(probs))
            head = (f"p = softmax(z / T): they sum to {probs.sum():.3f}; most likely class {best} "
                    f"(p = {_fmt(probs[best])})")
        if ce is None:
            tail = f"label {label} is not one of the {n} classes (0–{n - 1}): no cross-entropy"
        else:
            tail = (f"cross-entropy for label {label}: −log p[{label}] = −log {_fmt(probs[label])}"
                    f" = <b>{_fmt(ce)}</b>")
        return f"{head}<br>{tail}"

    explorer = Explorer(controls, render, fig, title="Softmax and temperature")
    explorer.state = state
    return _freeze_layout(explorer)


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
        "size": widgets.IntSlider(value=size, min=10, max=1000, step=10,
                                  description="image size", continuous_update=False),
        "window": widgets.IntSlider(value=window, min=1, max=31, description="window k",
                                    continuous_update=False),
        "channels": widgets.IntSlider(value=channels, min=1, max=3, description="channels C",
                                      continuous_update=False),
        "filters": widgets.IntSlider(value=filters, min=1, max=64, description="filters F",
                                     continuous_update=False),
    }
    fig, ax = new_figure(1, 1, figsize=(6.4, 3.2))
    state: dict = {}

    def render(size, window, channels, filters):
        if window > size:
            raise ValueError(f"window {window} is larger than the image {size}: use window <= "
                             f"{size}")
        n_in = size * size * channels            # input numbers
        n_out = size * size * filters            # one output per pixel and filter ("same")
        full = ops.dense_param_count(n_in, n_out, bias=False)
        local = ops.local_param_count(size, size, window, window, channels, filters, bias=False)
        shared = ops.conv_param_count(window, window, channels, filters, bias=False)
        state.update(full=full, local=local, shared=shared)
        dplots.plot_param_counts({"fully connected": full, "locally connected": local,
                                  "shared (conv)": shared}, ax=ax,
                                 title=f"{size}×{size}×{channels} image → {size}×{size}×{filters}"
                                       f" maps: weights (log scale)")
        return (f"fully connected: ({size}·{size}·{channels}) × ({size}·{size}·{filters}) = "
                f"<b>{full:,}</b> ({_human_bytes(4 * full)} as float32)<br>"
                f"locally connected: {size}·{size}·{filters} outputs × {window}·{window}·{channels}"
                f" = <b>{local:,}</b><br>"
                f"convolution (shared): {window}·{window}·{channels}·{filters} = <b>{shared:,}</b>"
                f"; full / shared = {full / shared:.3g}")

    explorer = Explorer(controls, render, fig, title="Full vs local vs shared connections")
    explorer.state = state
    return _freeze_layout(explorer)


def forward_pass_explorer(net: tinycnn.TinyCNN | None = None, examples: int = 20):
    """Pick a test digit (and shift it), and see every stage of the tiny CNN: feature maps,
    pooled maps, the flattened vector and the probabilities.

    net: a ``tinycnn.TinyCNN`` (default: ``tinycnn.pretrained()``, trained once, a few seconds).
    Only test digits are offered: the dense layer never saw them. ``explorer.state`` holds the
    stages (``tinycnn.forward``), the digit's index in the subset and its label.
    """
    net = net if net is not None else tinycnn.pretrained()
    X, y = tinycnn.digits()
    _, test_idx = tinycnn.split(len(y))
    by_digit = {d: test_idx[y[test_idx] == d][:examples] for d in range(10)}
    n_examples = min(len(v) for v in by_digit.values())
    controls = {
        "digit": widgets.Dropdown(options=list(range(10)), value=7, description="digit",
                                  layout=widgets.Layout(width="150px")),
        "example": widgets.IntSlider(value=0, min=0, max=n_examples - 1, description="example",
                                     continuous_update=False),
        "dx": widgets.IntSlider(value=0, min=-6, max=6, description="shift →",
                                continuous_update=False),
        "dy": widgets.IntSlider(value=0, min=-6, max=6, description="shift ↓",
                                continuous_update=False),
        "maps": widgets.Dropdown(options=[("after ReLU", "relu"), ("before ReLU", "conv")],
                                 value="relu", description="feature maps",
                                 style={"description_width": "initial"}),
    }
    fig, _ = new_figure(1, 1, figsize=(9.6, 4.6))
    state: dict = {}
    shapes = net.shapes(X.shape[1])

    def render(digit, example, dx, dy, maps):
        index = int(by_digit[digit][example])
        x = tinycnn.shift(X[index], dx, dy)
        stages = tinycnn.forward(x, net)
        dplots.plot_forward_pass(stages, label=digit, channel_names=net.channel_names,
                                 maps=maps, fig=fig)
        probs = stages["probs"]
        pred = int(np.argmax(probs))
        state.update(stages=stages, index=index, label=int(digit), prediction=pred)
        ce = ops.cross_entropy(probs, digit)
        arrow = " → ".join([
            "{}×{}×1".format(*shapes["input"][:2]),
            "conv {}×{}×{}".format(*shapes["conv"]), "ReLU",
            "pool {}×{}×{}".format(*shapes["pool"]), "flatten {}".format(*shapes["flat"]),
            "dense {}".format(*shapes["logits"]), "softmax"])
        verdict = ("right" if pred == digit else
                   '<span style="color:#b00020">wrong</span>')
        moved = f", shifted ({dx:+d}, {dy:+d}) px" if dx or dy else ""
        return (f"test digit #{index} (label {digit}){moved}: predicts <b>{pred}</b> "
                f"(p = {probs[pred]:.2f}), {verdict}; cross-entropy −log p[{digit}] = "
                f"{_fmt(ce)}<br><small>{html.escape(arrow)}</small>")

    explorer = Explorer(controls, render, fig, title="A tiny CNN, stage by stage")
    explorer.state = state
    return _freeze_layout(explorer)
