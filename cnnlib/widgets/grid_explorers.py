"""Explorers drawn as grids in the browser: the step-by-step convolution (02), conv arithmetic
(03) and the pooling stepper (04).

Each one is controls (ipywidgets) + ``compute`` (``cnnlib.core.gridstate``, numbers from
``cnnlib.core.ops``) + a ``GridWidget`` that draws them. A control change recomputes in Python
and sends only arrays; pointing, ▶ and the arrow keys are handled in the browser. Tests drive
them headless: ``explorer.compute(**values)`` (the gridstate dict and the info line), or set
``explorer.controls["stride"].value = 2`` and read ``explorer.state``, ``explorer.grid.data``
(what the browser gets), ``explorer.info.value`` and ``explorer.message.value``.
"""

from __future__ import annotations

import html

import numpy as np

from cnnlib.core import gridstate, ops
from cnnlib.text.i18n import t, t_list

from .base import Explorer
from .controls import WIDE, compact_slider, dropdown, label_width
from .conv import STEP_EXAMPLES
from .grid import GridWidget, grid_payload
from .padding import PADDING_OPTIONS
from .sizes import axis_sizes, output_size_line

__all__ = ["GridExplorer", "conv_step_explorer", "conv_arithmetic_explorer",
           "pool_step_explorer", "POOL_EXAMPLE", "arithmetic_input", "x_kernel"]


class GridExplorer(Explorer):
    """An ``Explorer`` drawn in the browser: ``compute(**values) -> (state, info)`` as for every
    explorer, and ``payload(state, **values)`` turns the state into what the ``GridWidget``
    (``explorer.grid``) draws (``grid.grid_payload``). A ValueError becomes a one-line message
    and the last good grid stays."""

    CSS = "cnn-grid-explorer"

    def __init__(self, controls: dict, compute, payload, *, title: str | None = None,
                 picture: str = ""):
        self.grid = GridWidget()
        super().__init__(controls, compute, lambda state, **values: self.grid.show(
            payload(state, **values)), self.grid, title=title, picture=picture)


# -- 02: the step-by-step convolution --------------------------------------------------------

def conv_step_explorer(example: str = "5x5 image, X kernel", stride: int = 1):
    """The window moves one position per step: its products, their sum, the output cell.

    Controls: the worked example and the stride. In the grid, ▶ walks the window, the arrow
    keys step it, and pointing at an output cell shows where it came from.
    """
    controls = {
        "example": dropdown("example", list(STEP_EXAMPLES), example, style=WIDE),
        "stride": compact_slider("stride", stride, 1, 3),
    }
    data = {name: (np.asarray(mk_x(), float), np.asarray(mk_k(), float))
            for name, (mk_x, mk_k) in STEP_EXAMPLES.items()}

    def compute(example, stride):
        x, k = data[example]
        return gridstate.conv_grid(x, k, stride=stride), output_size_line(
            x.shape, k.shape, stride, steps=True)

    def payload(g, example, stride):
        (h, w), (kh, kw), (oh, ow) = g["input"].shape, g["kernel"].shape, g["out_shape"]
        return grid_payload(g, reveal=True, titles={
            "input": t("input {h} × {w}", h=h, w=w), "kernel": t("kernel {h} × {w}", h=kh, w=kw),
            "terms": t("window × kernel"), "output": t("output {h} × {w}", h=oh, w=ow)},
            outputs=[(t("output {h} × {w}", h=oh, w=ow), "sum", g["output"])])

    return GridExplorer(controls, compute, payload, title="Convolution, one step at a time",
                        picture="Grids of the input, the kernel and the output, the window on "
                                "the input and the output cell it makes.")


# -- 03: conv arithmetic ----------------------------------------------------------------------

def arithmetic_input(n: int) -> np.ndarray:
    """The conv-arithmetic explorer's n×n input: small whole numbers (0-3), the top-left n×n
    corner of one fixed 12×12 array, so the numbers stay put as n changes."""
    return np.random.default_rng(3).integers(0, 4, (12, 12)).astype(float)[:n, :n]


def x_kernel(k: int) -> np.ndarray:
    """A k×k kernel of 1s on both diagonals and 0 elsewhere (the articles' X for k = 3)."""
    eye = np.eye(k)
    return np.maximum(eye, eye[::-1])


def conv_arithmetic_explorer(n=7, kernel=3, stride=2, padding=1, dilation=1):
    """Input size, kernel, stride, padding and dilation -> the padded grid, windows and output.

    The input grid shows the padding (striped), the input pixels no window reads (dashed
    outline) and, small in each cell's corner, how many windows read it. Pointing at an output
    cell shows its window (the dilated taps shaded), the products and the sum; ▶ walks it.
    The info line gives the output size with the formula filled in.

    ``explorer.state``: the ``gridstate.conv_grid`` dict (``out_shape``, ``pads``,
    ``coverage``, ``visited``, ...).
    """
    controls = {
        "n": compact_slider("input n", n, 3, 12),
        "kernel": compact_slider("kernel k", kernel, 1, 7),
        "stride": compact_slider("stride s", stride, 1, 4),
        "padding": dropdown("padding p", PADDING_OPTIONS, padding, style=label_width("70px"),
                            width="170px"),
        "dilation": compact_slider("dilation d", dilation, 1, 3),
    }

    def compute(n, kernel, stride, padding, dilation):
        out = ops.output_size(n, kernel, stride, padding, dilation)  # ValueError -> message
        g = gridstate.conv_grid(arithmetic_input(n), x_kernel(kernel), stride, padding, dilation)
        (top, bottom), (left, right) = g["pads"]
        span = dilation * (kernel - 1) + 1
        pad_text = (t("{top} pixel(s) on every side", top=top) if (top, left) == (bottom, right)
                    else t("{top} top / {bottom} bottom, {left} left / {right} right "
                           "(TensorFlow puts the odd pixel at the bottom/right)",
                           top=top, bottom=bottom, left=left, right=right))
        taps = (t(" ({k} × {k} taps, {gaps} gap(s) between)", k=kernel, gaps=dilation - 1)
                if dilation > 1 else "")
        formula = html.escape(ops.output_size_formula(n, kernel, stride, padding, dilation))
        lines = [t("<b>output: {out} × {out} = {formula}</b>", out=out, formula=formula),
                 t("padding: {pads}; the kernel spans {span} × {span} input pixels{taps}",
                   pads=pad_text, span=span, taps=taps)]
        missing = np.flatnonzero(~g["visited"].any(axis=0))  # rows are the same: a square
        if missing.size:
            lines.append(t("never read: columns (and rows) {listed}: those input pixels never "
                           "reach the output", listed=t_list(missing)))
        else:
            lines.append(t("every input pixel is read by at least one window"))
        return g, "<br>".join(lines)

    def payload(g, n, kernel, stride, padding, dilation):
        hp, wp = g["input"].shape
        out, _ = g["out_shape"]
        span = dilation * (kernel - 1) + 1
        kernel_title = (t("kernel {k} × {k}, spans {span} × {span}", k=kernel, span=span)
                        if dilation > 1 else t("kernel {h} × {w}", h=kernel, w=kernel))
        return grid_payload(g, show_coverage=True, titles={
            "input": t("input {n} × {n}, padded {hp} × {wp}", n=n, hp=hp, wp=wp),
            "kernel": kernel_title,
            "terms": t("window × kernel"), "output": t("output {h} × {w}", h=out, w=out)},
            outputs=[(t("output {h} × {w}", h=out, w=out), "sum", g["output"])])

    return GridExplorer(controls, compute, payload,
                        title="Conv arithmetic: padding, stride, dilation",
                        picture="The padded input grid with the kernel's taps, and the output "
                                "grid whose size the formula gives.")


# -- 04: pooling by hand --------------------------------------------------------------------

#: A 4×4 feature map for the pooling stepper when none is given.
POOL_EXAMPLE = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [2, 0, 7, 4]], dtype=float)


def pool_step_explorer(x=None, size: int = 2, stride: int | None = None, digits: int = 2):
    """Max and average pooling of a small feature map, window by window.

    Both pooled maps are drawn beside the input; pointing at a cell of either shows its
    window, the max (framed) and the average worked out. ▶ walks the windows.
    ``explorer.state``: the ``gridstate.pool_grid`` dict (max) plus ``avg``, the average map.
    """
    x = POOL_EXAMPLE if x is None else np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(t('x must be a 2-D feature map, got shape {shape}', shape=x.shape))
    top = max(2, min(x.shape))
    stride = size if stride is None else stride
    controls = {"size": compact_slider("size", size, 1, top),
                "stride": compact_slider("stride", stride, 1, top)}

    def compute(size, stride):
        g = gridstate.pool_grid(x, size, stride, mode="max")
        avg = ops.pool2d(x, size, stride, mode="avg")
        oh, ow = g["out_shape"]
        info = t("<b>pooled output: {oh} × {ow}</b>: {sizes}; each output keeps the max (or the "
                 "mean) of a {size} × {size} window", oh=oh, ow=ow,
                 sizes=axis_sizes(x.shape, (size, size), stride), size=size)
        return {**g, "max": g["output"], "avg": avg}, info

    def payload(g, size, stride):
        oh, ow = g["out_shape"]
        return grid_payload(g, digits=digits, reveal=True, titles={
            "input": t("feature map {h} × {w}", h=x.shape[0], w=x.shape[1]),
            "terms": t("window")},
            outputs=[(t("max pooled {h} × {w}", h=oh, w=ow), "max", g["max"]),
                     (t("average pooled {h} × {w}", h=oh, w=ow), "avg", g["avg"])])

    return GridExplorer(controls, compute, payload, title="Pooling by hand: max and average",
                        picture="The feature map with the pooling window, and the max-pooled "
                                "and average-pooled outputs.")
