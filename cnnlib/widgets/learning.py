"""Explorers for notebook 06 (how a CNN learns): one weight on its loss curve, and a whole
kernel learned by gradient descent.

Wiring only: numbers from ``cnnlib.core.learning``, pictures from ``cnnlib.plots.learning``.
"""

from __future__ import annotations

import functools

import numpy as np

from cnnlib.core import learning
from cnnlib.plots import learning as lplots
from cnnlib.plots.common import new_figure
from cnnlib.text.i18n import t

from .base import Explorer
from .controls import dropdown, float_slider, int_slider, label_width, selection_slider

__all__ = ["LANDSCAPE_TAP", "loss_landscape_explorer", "kernel_learning_explorer"]

STYLE = label_width("90px")
#: The weight the landscape explorer moves: row 1, column 2 of Sobel x (its true value is 2).
LANDSCAPE_TAP = (1, 2)
LANDSCAPE_WS = np.linspace(-3.0, 7.0, 81)
LANDSCAPE_LRS = (0.05, 0.2, 0.4, 0.5, 0.9, 1.1)
LANDSCAPE_STEPS = 8
KERNEL_LRS = (0.003, 0.01, 0.03, 0.1, 0.14, 0.2)
MAX_STEPS = 500


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
        "weight": float_slider("weight w", weight, -3.0, 7.0, 0.25, continuous=False,
                               style=STYLE, width="300px"),
        "lr": selection_slider("learning rate", LANDSCAPE_LRS, lr, continuous=False,
                               style=STYLE, width="300px"),
    }
    fig, ax = new_figure(1, 1, figsize=(6.4, 3.6), dpi=80)

    def compute(weight, lr):
        x, target, kernel, _ = _landscape()
        loss, slope = learning.weight_loss(x, target, kernel, LANDSCAPE_TAP, weight)
        path_ws, path_losses = learning.descend_weight(x, target, kernel, LANDSCAPE_TAP, weight,
                                                       lr, LANDSCAPE_STEPS)
        diverged = bool(path_losses[-1] > path_losses[0] > 0)
        if slope == 0:
            way = t("the slope is 0: this is the bottom")
        elif slope < 0:
            way = t("downhill is to the right (against the slope)")
        else:
            way = t("downhill is to the left (against the slope)")
        if diverged:
            end = t('<span style="color:#b00020">the steps overshoot further each time: '
                    "learning rate {lr:g} is too big, the loss grows to {last:.3g}</span>",
                    lr=lr, last=path_losses[-1])
        else:
            end = t("after {n} steps w = {w:.3f}, loss {last:.4f}", n=path_ws.size - 1,
                    w=path_ws[-1], last=path_losses[-1])
        state = dict(w=float(weight), loss=loss, slope=slope, path_ws=path_ws,
                     path_losses=path_losses, diverged=diverged)
        return state, t("<b>w = {w:.2f}: loss {loss:.3f}, slope dLoss/dw = {slope:.3f}</b> — "
                        "{way}<br>{end}", w=weight, loss=loss, slope=slope, way=way, end=end)

    def draw(state, weight, lr):
        ax.clear()
        lplots.plot_loss_landscape(LANDSCAPE_WS, _landscape()[3], weight, state["loss"],
                                   state["slope"], path=(state["path_ws"], state["path_losses"]),
                                   ax=ax, best=2.0,
                                   xlabel=t("weight w = kernel[{r}, {c}]", r=LANDSCAPE_TAP[0],
                                            c=LANDSCAPE_TAP[1]),
                                   title=t("{n} steps of w ← w − {lr:g} × slope",
                                           n=LANDSCAPE_STEPS, lr=lr))

    return Explorer(controls, compute, draw, fig,
                    title="One weight, its loss, and the way downhill",
                    picture="The loss curve over one kernel weight, the current weight as a dot "
                            "with its slope, and the steps gradient descent takes.",
                    layout=dict(left=0.1, right=0.98, bottom=0.14, top=0.9))


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
        "lr": selection_slider("learning rate", KERNEL_LRS, lr, continuous=False, style=STYLE,
                               width="300px"),
        "steps": int_slider("steps", steps, 0, MAX_STEPS, step=10, continuous=False,
                            style=STYLE, width="300px"),
        "init": dropdown("start", list(learning.INITS), init, style=STYLE, width="250px"),
    }
    fig, axes = new_figure(1, 3, figsize=(9.6, 3.2), dpi=80,
                           gridspec_kw={"width_ratios": [1, 1, 1.6]})

    def compute(lr, steps, init):
        run = _trajectory(float(lr), init)
        kernel, loss = run["kernels"][steps], float(run["losses"][steps])
        error = float(np.max(np.abs(kernel - learning.HIDDEN_KERNEL)))
        state = dict(kernel=kernel, loss=loss, losses=run["losses"], diverged=run["diverged"],
                     error=error)
        if run["diverged"] is not None and steps >= run["diverged"]:
            return state, t('<b><span style="color:#b00020">diverged at step {step}: with '
                            "learning rate {lr:g} every step overshoots, and the loss passed "
                            "{limit:.0e}</span></b><br>try a smaller learning rate",
                            step=run["diverged"], lr=lr, limit=learning.DIVERGED)
        return state, t("<b>step {steps}: loss {loss:.3g} (it started at {first:.3g}); largest "
                        "difference from the hidden kernel {error:.3f}</b><br>each step: "
                        "k ← k − learning rate × dLoss/dk, with dLoss/dk = the input correlated "
                        "with the output's gradient", steps=steps, loss=loss,
                        first=float(run["losses"][0]), error=error)

    def draw(state, lr, steps, init):
        lplots.plot_kernel_fit(state["kernel"], learning.HIDDEN_KERNEL, state["losses"], steps,
                               axes=axes, diverged=state["diverged"])

    return Explorer(controls, compute, draw, fig, title="Learn a kernel by gradient descent",
                    picture="The learned kernel beside the hidden kernel, and the loss falling "
                            "over the training steps.",
                    layout=dict(left=0.03, right=0.98, bottom=0.16, top=0.88, wspace=0.3))
