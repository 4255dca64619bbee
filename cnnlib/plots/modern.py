"""Plots for notebook 09 (modern CNNs): accuracy curves by training step, the gradient that
reaches the first layer, and the transfer-learning curve (accuracy against examples per class).

Numbers come in ready-made (``cnnlib.modern``); these functions only draw. Each curve has its
own marker and line style, so colour is never the only cue.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default

from .common import get_ax

__all__ = ["plot_step_curves", "plot_grad_norms", "plot_transfer_curve"]

_STYLES = [("o", "-"), ("s", "--"), ("^", ":"), ("D", "-.")]


def plot_step_curves(curves: dict, ax=None, title="Validation accuracy during training"):
    """One curve per model: ``{name: [(step, accuracy), ...]}``."""
    title = ft_default(title, "Validation accuracy during training")
    ax = get_ax(ax, figsize=(5.5, 3.2))
    for (name, points), (marker, line) in zip(curves.items(), _STYLES * 4):
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        ax.plot(points[:, 0], points[:, 1], marker=marker, linestyle=line, ms=4, label=name)
    ax.set_xlabel(ft("training step"))
    ax.set_ylabel(ft("validation accuracy"))
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax


def plot_grad_norms(norms: dict, ax=None,
                    title="Gradient reaching the first layer (log scale)"):
    """Bars of ``{name: gradient norm}`` on a log scale, each labelled with its value."""
    title = ft_default(title, "Gradient reaching the first layer (log scale)")
    names = list(norms)
    values = np.array([norms[n] for n in names], dtype=float)
    ax = get_ax(ax, figsize=(5.5, 0.55 * len(names) + 1.2))
    hatches = ["", "//", "..", "xx"] * 4
    bars = ax.barh(np.arange(len(names)), np.maximum(values, 1e-12), color="tab:blue",
                   edgecolor="black")
    for bar, hatch, v in zip(bars, hatches, values):
        bar.set_hatch(hatch)
        ax.text(bar.get_width() * 1.3, bar.get_y() + bar.get_height() / 2, f"{v:.1e}",
                va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_yticks(np.arange(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    lo, hi = max(values.min(initial=1), 1e-12), max(values.max(initial=1), 1e-12)
    ax.set_xlim(lo / 10, hi * 30)
    ax.set_xlabel(ft("size of dLoss/dkernel (L2 norm)"))
    ax.set_title(title)
    return ax


def plot_transfer_curve(ks, results: dict, ax=None, chance: float | None = None,
                        title="Digits 5-9 from k examples each"):
    """Accuracy against k (examples per class, log scale), one line per way of training:
    ``{name: [accuracy for each k]}``; ``chance`` draws a dotted line at guessing level."""
    title = ft_default(title, "Digits 5-9 from k examples each")
    ks = np.asarray(ks, dtype=float)
    ax = get_ax(ax, figsize=(5.5, 3.4))
    for (name, accs), (marker, line) in zip(results.items(), _STYLES * 4):
        accs = np.asarray(accs, dtype=float)
        if accs.shape != ks.shape:
            raise ValueError(f"results[{name!r}] must hold one accuracy per k ({len(ks)}), "
                             f"got {accs.shape}")
        ax.plot(ks, accs, marker=marker, linestyle=line, ms=5, label=name)
    if chance is not None:
        ax.axhline(chance, color="grey", linestyle=":", linewidth=1)
        ax.text(ks.min(), chance + 0.01, ft("guessing"), fontsize=8, color="dimgrey")
    ax.set_xscale("log")
    ax.set_xticks(ks, [f"{k:g}" for k in ks])
    ax.set_xlabel(ft("examples per class (k)"))
    ax.set_ylabel(ft("accuracy on new digits"))
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return ax
