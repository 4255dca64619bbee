"""Explorers for notebook 03: conv arithmetic (padding, stride, dilation) and receptive fields."""

from __future__ import annotations

import html

import numpy as np

from cnnlib import experiments, ops
from cnnlib.i18n import t
from cnnlib.plots import common
from cnnlib.plots import padding as pplots

from .base import Explorer
from .controls import dropdown, int_slider, label_width

__all__ = ["PADDING_OPTIONS", "conv_arithmetic_explorer", "receptive_field_explorer"]

#: The padding dropdown: the two names Keras knows, or explicit zero pixels on every side.
PADDING_OPTIONS = [("valid", "valid"), ("same", "same"), ("0 px", 0), ("1 px", 1), ("2 px", 2),
                   ("3 px", 3)]
LABEL = label_width("70px")


def _slider(description, value, lo, hi):
    return int_slider(description, value, lo, hi, continuous=False, style=LABEL, width="210px")


def _skipped_text(visited, what):
    """'the last 1 column (5)' or 'columns 1, 3' or '' from a boolean visited array."""
    missing, tail = experiments.skipped(visited)
    if not missing:
        return ""
    listed = ", ".join(map(str, missing))
    if tail:
        return t("the last {n} {what}{plural} ({listed})", n=len(missing), what=t(what),
                 plural="s" if len(missing) > 1 else "", listed=listed)
    return t("{what}s {listed}", what=t(what), listed=listed)


def _arithmetic_text(n, kernel, stride, padding, dilation, out, pads, visited) -> str:
    """The conv arithmetic explorer's info: the output size with its formula, the padding and
    the kernel's span, and which input rows/columns no window reads."""
    formula = ops.output_size_formula(n, kernel, stride, padding, dilation)
    (top, bottom), _ = pads
    pad_text = (t("{top} pixel(s) on every side", top=top) if top == bottom
                else t("{top} top / {bottom} bottom, {top} left / {bottom} right "
                       "(TensorFlow puts the odd pixel at the bottom/right)",
                       top=top, bottom=bottom))
    span = dilation * (kernel - 1) + 1
    taps = (t(" ({k} × {k} taps, {gaps} gap(s) between)", k=kernel, gaps=dilation - 1)
            if dilation > 1 else "")
    lines = [
        t("<b>output: {out} × {out} = {formula}</b>", out=out, formula=html.escape(formula)),
        t("padding: {pads}; the kernel spans {span} × {span} input pixels{taps}",
          pads=pad_text, span=span, taps=taps),
    ]
    skipped = _skipped_text(visited, "row")
    if skipped:
        lines.append(t('<span style="color:#b00020">&#9888; never visited: {rows} and '
                       "{cols}: those input pixels never reach the output</span>",
                       rows=skipped, cols=_skipped_text(visited, "column")))
    else:
        lines.append(t("every input pixel is read by at least one window"))
    return "<br>".join(lines)


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
        "padding": dropdown("padding p", PADDING_OPTIONS, padding, style=LABEL, width="170px"),
        "dilation": _slider("dilation d", dilation, 1, 3),
    }
    fig, (ax_in, ax_out) = common.new_figure(1, 2, figsize=(8.4, 4.2), dpi=80,
                                             gridspec_kw={"width_ratios": [1, 1]})

    def render(state, n, kernel, stride, padding, dilation):
        out = ops.output_size(n, kernel, stride, padding, dilation)  # ValueError -> message
        rows = ops.window_coverage(n, kernel, stride, padding, dilation)
        pads = ops.pad_amounts((n, n), (kernel, kernel), stride, padding, dilation)
        coverage = np.outer(rows, rows)  # windows move the same way down and across
        visited = ops.visited_positions(n, kernel, stride, padding, dilation)
        state.update(out=out, pads=pads, coverage=coverage, visited_rows=visited,
                     visited_cols=visited.copy())
        marked, windows = experiments.marked_windows(out, stride)
        # No index ticks here: tick labels cost more than the rest of the picture.
        pplots.plot_window_coverage(
            coverage, pads, windows, kernel, dilation, ax=ax_in, index_ticks=False,
            title=t("padded input {h} × {w}  (input {n} × {n})", h=n + sum(pads[0]),
                    w=n + sum(pads[1]), n=n))
        pplots.plot_output_grid((out, out), marked, ax=ax_out, index_ticks=False,
                                canvas=coverage.shape)
        return _arithmetic_text(n, kernel, stride, padding, dilation, out, pads, visited)

    return Explorer(controls, render, fig, layout=dict(left=0.04, right=0.99, bottom=0.1,
                                                       top=0.92, wspace=0.12),
                    title="Conv arithmetic: padding, stride, dilation")


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

    def render(state, layers, kernel, stride, dilation):
        stack = experiments.stacked_receptive_fields(layers, kernel, stride, dilation, channels)
        state.update(stack)
        fields, stacked, single = stack["fields"], stack["params_stack"], stack["params_single"]
        rf = fields[-1]
        # No legends: every text costs time on each redraw; the titles say it all.
        pplots.plot_receptive_field(fields, ax=ax_rf, legend=False, title=t(
            "one neuron of layer {layers} sees {rf}×{rf} pixels", layers=layers, rf=rf))
        pplots.plot_layer_curves({"field": fields}, ax=ax_curve, legend=False,
                                 ylabel=t("receptive field (input pixels)"),
                                 title=t("{k}×{k}, stride {s}, dilation {d}", k=kernel, s=stride,
                                         d=dilation))
        return t("<b>{layers} layer(s) of {k}×{k} see {rf} × {rf} input pixels</b><br>"
                 "weights with C = {c} channels in and out: {layers}·{kk}·C² = {stacked:,}"
                 " &nbsp;vs one {rf}×{rf} layer: {rf2}·C² = {single:,}"
                 " &nbsp;({ratio:.2f}×)", layers=layers, k=kernel, rf=rf, c=channels,
                 kk=kernel * kernel, stacked=stacked, rf2=rf * rf, single=single,
                 ratio=single / stacked)

    return Explorer(controls, render, fig, layout=dict(left=0.03, right=0.97, bottom=0.12,
                                                       top=0.9, wspace=0.25),
                    title="Receptive field of stacked conv layers")
