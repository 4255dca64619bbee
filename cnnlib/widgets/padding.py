"""Explorers for notebook 03: conv arithmetic (padding, stride, dilation) and receptive fields."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from cnnlib import ops
from cnnlib.plots import common
from cnnlib.plots import padding as pplots

from .base import Explorer

__all__ = ["PADDING_OPTIONS", "conv_arithmetic_explorer", "receptive_field_explorer"]

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


def conv_arithmetic_explorer(n=7, kernel=3, stride=2, padding=1, dilation=1):
    """Input size, kernel, stride, padding and dilation -> the padded grid, windows and output.

    Left: the padded input (gray = padding), each cell coloured and numbered by how many windows
    read it; red cells are input pixels no window ever reads. The first window, the next one to
    the right, the first of the next row and the last window are outlined; their output cells
    take the same colours on the right. The info line gives the output size with the formula
    filled in, and says which rows/columns are never visited.

    ``explorer.state``: ``out`` (output size), ``pads``, ``coverage`` (2-D counts over the padded
    grid), ``visited_rows``, ``visited_cols`` (booleans per input row/column).
    """
    controls = {
        "n": _slider("input n", n, 3, 12),
        "kernel": _slider("kernel k", kernel, 1, 7),
        "stride": _slider("stride s", stride, 1, 4),
        "padding": widgets.Dropdown(options=PADDING_OPTIONS, value=padding,
                                    description="padding p",
                                    style={"description_width": "70px"},
                                    layout=widgets.Layout(width="170px")),
        "dilation": _slider("dilation d", dilation, 1, 3),
    }
    fig, (ax_in, ax_out) = common.new_figure(1, 2, figsize=(8.4, 4.2), dpi=80,
                                             gridspec_kw={"width_ratios": [1, 1]})
    _fixed_layout(fig, left=0.04, right=0.99, bottom=0.1, top=0.92, wspace=0.12)
    state: dict = {}

    def render(n, kernel, stride, padding, dilation):
        out = ops.output_size(n, kernel, stride, padding, dilation)  # ValueError -> message
        rows = ops.window_coverage(n, kernel, stride, padding, dilation)
        pads = ops.pad_amounts((n, n), (kernel, kernel), stride, padding, dilation)
        coverage = np.outer(rows, rows)  # windows move the same way down and across
        visited = ops.visited_positions(n, kernel, stride, padding, dilation)
        state.update(out=out, pads=pads, coverage=coverage, visited_rows=visited,
                     visited_cols=visited.copy())
        # Which windows to outline: first, next right, first of next row, last.
        picks = [(0, 0), (0, 1), (1, 0), (out - 1, out - 1)]
        seen, marked = set(), []
        for rc in picks:
            if rc[0] < out and rc[1] < out and rc not in seen:
                seen.add(rc)
                marked.append(rc)
        windows = [(r * stride, c * stride) for r, c in marked]
        # No index ticks here: tick labels cost more than the rest of the picture.
        pplots.plot_window_coverage(coverage, pads, windows, kernel, dilation, ax=ax_in,
                                    title=f"padded input {n + sum(pads[0])} × {n + sum(pads[1])}"
                                          f"  (input {n} × {n})", index_ticks=False)
        pplots.plot_output_grid((out, out), marked, ax=ax_out, index_ticks=False,
                                canvas=coverage.shape)
        formula = ops.output_size_formula(n, kernel, stride, padding, dilation)
        (top, bottom), _ = pads
        pad_text = (f"{top} pixel(s) on every side" if top == bottom
                    else f"{top} top / {bottom} bottom, {top} left / {bottom} right "
                         "(TensorFlow puts the odd pixel at the bottom/right)")
        span = dilation * (kernel - 1) + 1
        lines = [
            f"<b>output: {out} × {out} = {html.escape(formula)}</b>",
            f"padding: {pad_text}; the kernel spans {span} × {span} input pixels"
            + (f" ({kernel} × {kernel} taps, {dilation - 1} gap(s) between)" if dilation > 1
               else ""),
        ]
        skipped = _skipped_text(visited, "row")
        if skipped:
            cols = _skipped_text(visited, "column")
            lines.append(f'<span style="color:#b00020">&#9888; never visited: {skipped} and '
                         f"{cols}: those input pixels never reach the output</span>")
        else:
            lines.append("every input pixel is read by at least one window")
        return "<br>".join(lines)

    explorer = Explorer(controls, render, fig, title="Conv arithmetic: padding, stride, dilation")
    explorer.state = state
    return explorer


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
