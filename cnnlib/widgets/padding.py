"""Explorers for notebook 03: conv arithmetic (padding, stride, dilation) and receptive fields."""

from __future__ import annotations

from cnnlib.core import experiments
from cnnlib.plots import common
from cnnlib.plots import padding as pplots
from cnnlib.text.i18n import t

from .base import Explorer
from .controls import compact_slider

__all__ = ["PADDING_OPTIONS", "receptive_field_explorer"]

#: The padding dropdown: the two names Keras knows, or explicit zero pixels on every side.
PADDING_OPTIONS = [("valid", "valid"), ("same", "same"), ("0 px", 0), ("1 px", 1), ("2 px", 2),
                   ("3 px", 3)]
SLIDER = {"width": "210px"}


def receptive_field_explorer(layers=3, kernel=3, stride=1, dilation=1, channels=64):
    """How far one neuron sees: a stack of ``layers`` identical conv layers (kernel, stride,
    dilation), drawn as nested squares on the input, with the parameter count compared with a
    single layer whose kernel is as large as the receptive field.

    ``explorer.state``: ``fields`` (receptive field after 0, 1, ... layers), ``params_stack``,
    ``params_single`` (weights without biases, ``channels`` in and out).
    """
    controls = {
        "layers": compact_slider("layers", layers, 1, 6, **SLIDER),
        "kernel": compact_slider("kernel k", kernel, 1, 7, **SLIDER),
        "stride": compact_slider("stride s", stride, 1, 3, **SLIDER),
        "dilation": compact_slider("dilation d", dilation, 1, 3, **SLIDER),
    }
    fig, (ax_rf, ax_curve) = common.new_figure(1, 2, figsize=(8.4, 4.0), dpi=80,
                                               gridspec_kw={"width_ratios": [1.1, 1]})

    def compute(layers, kernel, stride, dilation):
        stack = experiments.stacked_receptive_fields(layers, kernel, stride, dilation, channels)
        fields, stacked, single = stack["fields"], stack["params_stack"], stack["params_single"]
        rf = fields[-1]
        return stack, t("<b>{layers} layer(s) of {k}×{k} see {rf} × {rf} input pixels</b><br>"
                        "weights with C = {c} channels in and out: {layers}·{kk}·C² = {stacked:,}"
                        " &nbsp;vs one {rf}×{rf} layer: {rf2}·C² = {single:,}"
                        " &nbsp;({ratio:.2f}×)", layers=layers, k=kernel, rf=rf, c=channels,
                        kk=kernel * kernel, stacked=stacked, rf2=rf * rf, single=single,
                        ratio=single / stacked)

    def draw(stack, layers, kernel, stride, dilation):
        fields = stack["fields"]
        # No legends: every text costs time on each redraw; the titles say it all.
        pplots.plot_receptive_field(fields, ax=ax_rf, legend=False, title=t(
            "one neuron of layer {layers} sees {rf}×{rf} pixels", layers=layers, rf=fields[-1]))
        pplots.plot_layer_curves({"field": fields}, ax=ax_curve, legend=False,
                                 ylabel=t("receptive field (input pixels)"),
                                 title=t("{k}×{k}, stride {s}, dilation {d}", k=kernel, s=stride,
                                         d=dilation))

    return Explorer(controls, compute, draw, fig,
                    layout=dict(left=0.03, right=0.97, bottom=0.12, top=0.9, wspace=0.25),
                    title="Receptive field of stacked conv layers",
                    picture="How many input pixels one neuron of each layer sees, and the grid "
                            "of pixels the last layer's neuron sees.")
