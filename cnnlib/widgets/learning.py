"""Explorers for notebook 06 (how a CNN learns): one weight on its loss curve, and a whole
kernel learned by gradient descent.

Wiring only: numbers from ``cnnlib.learning``, pictures from ``cnnlib.plots.learning``.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from cnnlib import learning
from cnnlib.plots import learning as lplots
from cnnlib.plots.common import new_figure

from .base import Explorer

__all__ = ["LANDSCAPE_TAP", "loss_landscape_explorer", "kernel_learning_explorer"]

STYLE = {"description_width": "90px"}
#: The weight the landscape explorer moves: row 1, column 2 of Sobel x (its true value is 2).
LANDSCAPE_TAP = (1, 2)
LANDSCAPE_WS = np.linspace(-3.0, 7.0, 81)
LANDSCAPE_LRS = (0.05, 0.2, 0.4, 0.5, 0.9, 1.1)
LANDSCAPE_STEPS = 8
KERNEL_LRS = (0.003, 0.01, 0.03, 0.1, 0.14, 0.2)
MAX_STEPS = 500


def _fixed_layout(fig, **adjust):
    """Fixed axes positions: a layout engine would re-measure every label on every redraw."""
    fig.set_layout_engine(None)
    fig.subplots_adjust(**adjust)


@functools.lru_cache(maxsize=1)
def _landscape():
    """(x, target, kernel, losses over LANDSCAPE_WS), computed once."""
    x, target = learning.kernel_pairs()
    kernel = learning.HIDDEN_KERNEL
    losses = np.array([learning.weight_loss(x, target, kernel, LANDSCAPE_TAP, w)[0]
                       for w in LANDSCAPE_WS])
    return x, target, kernel, losses


def loss_landscape_explorer(weight: float = -1.0, lr: float = 0.4):
    """Move one kernel weight and see the loss curve under it, the slope, and where gradient
    descent with learning rate ``lr`` goes from there in a few steps.

    The other 8 weights are Sobel x's own; the targets were made with Sobel x, so the lowest
    loss (0) is at the weight's true value, 2. ``explorer.state``: ``w``, ``loss``, ``slope``,
    ``path_ws``, ``path_losses`` (the descent steps), ``diverged`` (True if the steps grow).
    """
    controls = {
        "weight": widgets.FloatSlider(value=weight, min=-3.0, max=7.0, step=0.25,
                                      description="weight w", continuous_update=False,
                                      style=STYLE, readout_format=".2f",
                                      layout=widgets.Layout(width="300px")),
        "lr": widgets.SelectionSlider(options=list(LANDSCAPE_LRS), value=lr,
                                      description="learning rate", continuous_update=False,
                                      style=STYLE, layout=widgets.Layout(width="300px")),
    }
    fig, ax = new_figure(1, 1, figsize=(6.4, 3.6), dpi=80)
    _fixed_layout(fig, left=0.1, right=0.98, bottom=0.14, top=0.9)
    state: dict = {}

    def render(weight, lr):
        x, target, kernel, curve = _landscape()
        loss, slope = learning.weight_loss(x, target, kernel, LANDSCAPE_TAP, weight)
        path_ws, path_losses = learning.descend_weight(x, target, kernel, LANDSCAPE_TAP, weight,
                                                       lr, LANDSCAPE_STEPS)
        diverged = bool(path_losses[-1] > path_losses[0] > 0)
        state.update(w=float(weight), loss=loss, slope=slope, path_ws=path_ws,
                     path_losses=path_losses, diverged=diverged)
        ax.clear()
        lplots.plot_loss_landscape(LANDSCAPE_WS, curve, weight, loss, slope,
                                   path=(path_ws, path_losses), ax=ax, best=2.0,
                                   xlabel=f"weight w = kernel[{LANDSCAPE_TAP[0]}, "
                                          f"{LANDSCAPE_TAP[1]}]",
                                   title=f"{LANDSCAPE_STEPS} steps of w ← w − {lr:g} × slope")
        if slope == 0:
            way = "the slope is 0: this is the bottom"
        else:
            way = f"downhill is to the {'right' if slope < 0 else 'left'} (against the slope)"
        if diverged:
            end = (f'<span style="color:#b00020">the steps overshoot further each time: '
                   f"learning rate {lr:g} is too big, the loss grows to "
                   f"{path_losses[-1]:.3g}</span>")
        else:
            end = (f"after {path_ws.size - 1} steps w = {path_ws[-1]:.3f}, "
                   f"loss {path_losses[-1]:.4f}")
        return (f"<b>w = {weight:.2f}: loss {loss:.3f}, slope dLoss/dw = {slope:.3f}</b> — "
                f"{way}<br>{end}")

    explorer = Explorer(controls, render, fig, title="One weight, its loss, and the way downhill")
    explorer.state = state
    return explorer


@functools.lru_cache(maxsize=64)
def _trajectory(lr: float, init: str) -> dict:
    """The whole run of MAX_STEPS steps for one setting, computed once (the steps slider only
    picks a point along it)."""
    x, target = learning.kernel_pairs()
    return learning.fit_kernel(x, target, lr, MAX_STEPS, init, seed=0)


def kernel_learning_explorer(lr: float = 0.1, steps: int = 200, init: str = "random small"):
    """Learn the hidden Sobel-x kernel from a photo crop and its target by gradient descent.

    Choose the learning rate, the number of steps and where to start; see the kernel's 3×3
    numbers after that many steps beside the hidden kernel, and the loss curve. Each (learning
    rate, start) runs once, all 500 steps, and is cached. ``explorer.state``: ``kernel``,
    ``loss`` (after ``steps`` steps; NaN once diverged), ``losses``, ``diverged`` (step or None),
    ``error`` (the largest |learned − hidden|).
    """
    controls = {
        "lr": widgets.SelectionSlider(options=list(KERNEL_LRS), value=lr,
                                      description="learning rate", continuous_update=False,
                                      style=STYLE, layout=widgets.Layout(width="300px")),
        "steps": widgets.IntSlider(value=steps, min=0, max=MAX_STEPS, step=10,
                                   description="steps", continuous_update=False, style=STYLE,
                                   layout=widgets.Layout(width="300px")),
        "init": widgets.Dropdown(options=list(learning.INITS), value=init, description="start",
                                 style=STYLE, layout=widgets.Layout(width="250px")),
    }
    fig, axes = new_figure(1, 3, figsize=(9.6, 3.2), dpi=80,
                           gridspec_kw={"width_ratios": [1, 1, 1.6]})
    _fixed_layout(fig, left=0.03, right=0.98, bottom=0.16, top=0.88, wspace=0.3)
    state: dict = {}

    def render(lr, steps, init):
        run = _trajectory(float(lr), init)
        kernel, loss = run["kernels"][steps], float(run["losses"][steps])
        error = float(np.max(np.abs(kernel - learning.HIDDEN_KERNEL)))
        state.update(kernel=kernel, loss=loss, losses=run["losses"], diverged=run["diverged"],
                     error=error)
        lplots.plot_kernel_fit(kernel, learning.HIDDEN_KERNEL, run["losses"], steps, axes=axes,
                               diverged=run["diverged"])
        if run["diverged"] is not None and steps >= run["diverged"]:
            return (f'<b><span style="color:#b00020">diverged at step {run["diverged"]}: with '
                    f"learning rate {lr:g} every step overshoots, and the loss passed "
                    f"{learning.DIVERGED:.0e}</span></b><br>try a smaller learning rate")
        first = float(run["losses"][0])
        return (f"<b>step {steps}: loss {loss:.3g} (it started at {first:.3g}); largest "
                f"difference from the hidden kernel {error:.3f}</b><br>each step: "
                "k ← k − learning rate × dLoss/dk, with dLoss/dk = the input correlated with "
                "the output's gradient")

    explorer = Explorer(controls, render, fig, title="Learn a kernel by gradient descent")
    explorer.state = state
    return explorer
