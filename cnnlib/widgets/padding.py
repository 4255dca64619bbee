"""Explorers for notebook 03: conv arithmetic (padding, stride, dilation) and receptive fields."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from cnnlib import ops
from cnnlib.plots import common
from cnnlib.plots import padding as pplots

from .base import Explorer

__all__ = ["PADDING_OPTIONS", "receptive_field_explorer"]

#: The padding dropdown: the two names Keras knows, or explicit zero pixels on every side.
PADDING_OPTIONS = [("valid", "valid"), ("same", "same"), ("0 px", 0), ("1 px", 1), ("2 px", 2),
                   ("3 px", 3)]


def _slider(description, value, lo, hi, width="210px"):
    return widgets.IntSlider(value=value, min=lo, max=hi, description=description,
                             continuous_update=False, style={"description_width": "70px"},
                             layout=widgets.Layout(width=width))


def _fixed_layout(fig, **adjust):
    """Fixed axes positions: constrained layout would re-measure every label on every redraw."""
    fig.set_layout_engine(None)  # no engine at all: savefig then skips its layout pass too
    fig.subplots_adjust(**adjust)


def _skipped_text(visited, what):
    """'the last 1 column (5)' or 'columns 1, 3' or '' from a boolean visited array."""
    missing = np.flatnonzero(~visited)
    if missing.size == 0:
        return ""
    n = visited.size
    tail = n - missing.size
    if np.array_equal(missing, np.arange(tail, n)):
        plural = "s" if missing.size > 1 else ""
        return f"the last {missing.size} {what}{plural} ({', '.join(map(str, missing))})"
    return f"{what}s {', '.join(map(str, missing))}"


def receptive_field_explorer(layers=3, kernel=3, stride=1, dilation=1, channels=64):
    """How far one neuron sees: a stack of ``layers`` identical conv layers (kernel, stride,
    dilation), drawn as nested squares on the input, with the parameter count compared with a
    single layer whose kernel is as large as the receptive field.

    ``explorer.state``: ``fields`` (receptive field after 0, 1, ... layers), ``params_stack``,
    ``params_single`` (weights without biases, ``channels`` in and out).
    """
    controls = {
        "layers": _slider("layers", layers, 1, 6),
        "kernel": _slider("kernel k", kernel, 1, 7),
        "stride": _slider("stride s", stride, 1, 3),
        "dilation": _slider("dilation d", dilation, 1, 3),
    }
    fig, (ax_rf, ax_curve) = common.new_figure(1, 2, figsize=(8.4, 4.0), dpi=80,
                                               gridspec_kw={"width_ratios": [1.1, 1]})
    _fixed_layout(fig, left=0.03, right=0.97, bottom=0.12, top=0.9, wspace=0.25)
    state: dict = {}
    c = channels

    def render(layers, kernel, stride, dilation):
        spec = [(kernel, stride, dilation)] * layers
        fields = [ops.receptive_field(spec[:i]) for i in range(layers + 1)]
        rf = fields[-1]
        per_layer = ops.conv_param_count(kernel, kernel, c, c, bias=False)
        params_stack = layers * per_layer
        params_single = ops.conv_param_count(rf, rf, c, c, bias=False)
        state.update(fields=fields, params_stack=params_stack, params_single=params_single)
        # No legends: every text costs time on each redraw; the titles say it all.
        pplots.plot_receptive_field(fields, ax=ax_rf, legend=False,
                                    title=f"one neuron of layer {layers} sees {rf}×{rf} pixels")
        pplots.plot_layer_curves({"field": fields}, ax=ax_curve, legend=False,
                                 ylabel="receptive field (input pixels)",
                                 title=f"{kernel}×{kernel}, stride {stride}, dilation {dilation}")
        kk = kernel * kernel
        return (f"<b>{layers} layer(s) of {kernel}×{kernel} see {rf} × {rf} input pixels</b><br>"
                f"weights with C = {c} channels in and out: {layers}·{kk}·C² = {params_stack:,}"
                f" &nbsp;vs one {rf}×{rf} layer: {rf * rf}·C² = {params_single:,}"
                f" &nbsp;({params_single / params_stack:.2f}×)")

    explorer = Explorer(controls, render, fig, title="Receptive field of stacked conv layers")
    explorer.state = state
    return explorer
