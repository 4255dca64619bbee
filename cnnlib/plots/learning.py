"""Pictures for notebook 06 (how a CNN learns): loss landscapes, gradients as grids of numbers,
a kernel being learned, and training curves. Numbers come from ``cnnlib.core.learning`` and
``cnnlib.core.ops``; nothing is computed here."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default

from .common import get_ax, plot_grid
from .cues import hatch_negative

__all__ = ["plot_loss_landscape", "plot_backward", "plot_kernel_fit", "plot_loss_curves",
           "plot_loss_contours", "plot_error_projections"]


def plot_loss_landscape(ws, losses, w=None, loss=None, slope=None, path=None, ax=None,
                        title=None, xlabel="weight w", best=None):
    """The loss as one weight moves (a curve), the current point with its slope (a tangent and
    an arrow pointing downhill), and optionally a descent path (ws, losses) of numbered steps.

    Steps of the path outside the curve's range are drawn on the edge, marked with a red ▲.
    """
    xlabel = ft_default(xlabel, 'weight w')
    ax = get_ax(ax, figsize=(5, 3.4))
    ws, losses = np.asarray(ws, float), np.asarray(losses, float)
    ax.plot(ws, losses, color="0.25", lw=2, label=ft('loss'))
    top = float(np.nanmax(losses)) * 1.15 + 1e-9
    span = float(np.ptp(ws)) or 1.0
    if best is not None:
        ax.axvline(best, color="tab:green", ls=":", lw=1.5, label=ft('lowest loss at w = {best:g}', best=best))
    if path is not None:
        # Steps that leave the picture are drawn on its edge, marked with a red triangle.
        pw, pl = (np.asarray(a, float) for a in path)
        lo_w, hi_w = float(ws.min()), float(ws.max())
        outside = (pl > top * 0.98) | (pw < lo_w) | (pw > hi_w)
        sw, sl = np.clip(pw, lo_w, hi_w), np.minimum(pl, top * 0.98)
        ax.plot(sw, sl, color="tab:orange", lw=1, alpha=0.7)
        ax.scatter(sw, sl, color="tab:orange", s=22, zorder=3, label=ft('descent steps'))
        if outside.any():
            ax.scatter(sw[outside], sl[outside], marker="^", color="tab:red", s=40, zorder=4,
                       label=ft('step off the picture'))
        ax.set_xlim(lo_w - 0.02 * span, hi_w + 0.02 * span)
    if w is not None and loss is not None:
        ax.scatter([w], [loss], color="tab:blue", s=50, zorder=4)
        if slope is not None:
            half = 0.12 * span
            ax.plot([w - half, w + half], [loss - slope * half, loss + slope * half],
                    color="tab:blue", lw=2, label=ft('slope {slope:.2f}', slope=slope))
            if slope != 0:
                step = -np.sign(slope) * 0.1 * span   # downhill is against the slope
                ax.annotate("", xy=(w + step, loss), xytext=(w, loss),
                            arrowprops={"arrowstyle": "->", "color": "tab:blue", "lw": 2})
    ax.set_ylim(0, top)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ft('loss (mean squared error)'))
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_backward(grids, axes=None, fmt=None, signed=None, highlight=None, numbers=True):
    """A row of small grids with their numbers: e.g. {"input x": x, "gradient from above": g,
    "gradient to x": dx}. Signed grids (any negative number) use a red-blue map centred on 0.

    highlight: {title: (row, col, height, width)} rectangles to outline. numbers=False draws
    colours only (for grids too big to read cell by cell, such as a 26×26 gradient map), and
    then a signed grid's clearly negative cells are hatched, so the sign is not colour alone.
    """
    import matplotlib.pyplot as plt

    names = list(grids)
    if axes is None:
        _, axes = plt.subplots(1, len(names), figsize=(2.7 * len(names), 2.9),
                               layout="constrained")
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, names):
        v = np.asarray(grids[name], float)
        neg = bool(np.nanmin(v) < 0) if signed is None else signed
        lim = float(np.nanmax(np.abs(v))) or 1.0
        plot_grid(v, ax=ax, title=name, cmap="RdBu_r" if neg else "Greys",
                  vmin=-lim if neg else 0, vmax=lim, fmt=fmt, xlabel=None, ylabel=None,
                  numbers=numbers, highlight=(highlight or {}).get(name))
        if neg and not (numbers and v.size <= 400):  # no numbers to show the sign: hatching
            hatch_negative(ax, v, lim, "RdBu_r")
            ax.set_xlabel(ft('hatched: negative'), fontsize=8)
    return axes


def plot_kernel_fit(kernel, hidden, losses, step, axes=None, diverged=None):
    """Three panels: the kernel after ``step`` steps, the hidden kernel, and the loss per step
    (log scale) with the current step marked."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained",
                               gridspec_kw={"width_ratios": [1, 1, 1.6]})
    ax_k, ax_h, ax_l = axes
    lim = float(np.nanmax(np.abs(hidden))) or 1.0
    for ax in (ax_k, ax_h):
        ax.clear()
    kernel = np.asarray(kernel, float)
    if np.all(np.isfinite(kernel)):
        ax_k.set_axis_on()
        plot_grid(kernel, ax=ax_k, title=ft('learned kernel, step {step}', step=step), cmap="RdBu_r",
                  vmin=-lim, vmax=lim, fmt=".2f", xlabel=None, ylabel=None)
    else:
        ax_k.set_axis_off()
        ax_k.text(0.5, 0.5, ft('diverged:\nthe numbers\nblew up'), ha="center", va="center",
                  color="tab:red", fontsize=12, transform=ax_k.transAxes)
    plot_grid(hidden, ax=ax_h, title=ft('hidden kernel (Sobel x)'), cmap="RdBu_r", vmin=-lim,
              vmax=lim, fmt=".2f", xlabel=None, ylabel=None)
    ax_l.clear()
    losses = np.asarray(losses, float)
    steps = np.arange(losses.size)
    ok = np.isfinite(losses)
    ax_l.semilogy(steps[ok], losses[ok], color="0.25", lw=2)
    if ok[min(step, losses.size - 1)]:
        ax_l.scatter([step], [losses[step]], color="tab:orange", s=40, zorder=3)
    ax_l.axvline(step, color="tab:orange", ls=":", lw=1.5)
    if diverged is not None:
        ax_l.axvline(diverged, color="tab:red", lw=1.5)
        ax_l.text(diverged, losses[ok].max() if ok.any() else 1, ft(' diverged'), color="tab:red",
                  va="top", fontsize=9)
    from matplotlib.ticker import LogLocator, NullLocator

    # Decades only: minor log ticks are many markers to draw on every redraw.
    ax_l.yaxis.set_major_locator(LogLocator(numticks=5))
    ax_l.yaxis.set_minor_locator(NullLocator())
    ax_l.set_xlim(0, max(losses.size - 1, 1))
    ax_l.set_xlabel(ft('gradient step'))
    ax_l.set_ylabel(ft('loss (log)'))
    ax_l.set_title(ft('mean squared error per step (log scale)'), fontsize=10)
    ax_l.grid(alpha=0.3)
    return axes


def plot_loss_curves(curves, steps_per_epoch=None, ax=None, title="training loss",
                     ylabel="mean cross-entropy", xlabel="gradient step"):
    """Loss per step for one or more runs (label -> losses); dotted lines mark epoch ends."""
    title = ft_default(title, 'training loss')
    ylabel = ft_default(ylabel, 'mean cross-entropy')
    xlabel = ft_default(xlabel, 'gradient step')
    ax = get_ax(ax, figsize=(6, 3.2))
    longest = 0
    for i, (name, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, float)
        few = losses.size < 30   # a run of a few steps shows its points
        # a dash style each: colour is not the only cue
        ax.plot(np.arange(1, losses.size + 1), losses, lw=1.3, label=name,
                ls=_STYLES[i % len(_STYLES)][2], marker="o" if few else None, markersize=5)
        longest = max(longest, losses.size)
    if steps_per_epoch:
        for i, end in enumerate(range(steps_per_epoch, longest + 1, steps_per_epoch), start=1):
            ax.axvline(end, color="0.6", ls=":", lw=1)
            ax.text(end, ax.get_ylim()[1], ft('epoch {i} ', i=i), ha="right", va="top", fontsize=8,
                    color="0.4")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    if len(curves) > 1:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


_STYLES = [("tab:orange", "o", "-"), ("tab:purple", "s", "--"), ("tab:green", "^", "-."),
           ("tab:red", "D", ":"), ("tab:blue", "v", "-"), ("tab:brown", "P", "--")]


def plot_loss_contours(w1s, w2s, losses, paths=None, best=None, ax=None, title=None,
                       xlabel="weight 1", ylabel="weight 2"):
    """The loss over two weights as contour lines (a valley seen from above), with descent
    paths (label -> (steps, 2) array of (weight 1, weight 2)) drawn as lines of different
    markers and dash styles, and the bottom ``best`` as a star."""
    xlabel = ft_default(xlabel, 'weight 1')
    ylabel = ft_default(ylabel, 'weight 2')
    ax = get_ax(ax, figsize=(5, 4.2))
    w1s, w2s, losses = (np.asarray(a, float) for a in (w1s, w2s, losses))
    if losses.shape != (w2s.size, w1s.size):
        raise ValueError(f"losses must be (len(w2s), len(w1s)) = {(w2s.size, w1s.size)}, "
                         f"got {losses.shape}")
    levels = np.quantile(losses, np.linspace(0.005, 0.9, 12) ** 2)
    cs = ax.contour(w1s, w2s, losses, levels=np.unique(levels), colors="0.45", linewidths=0.9)
    ax.clabel(cs, cs.levels[::3], fontsize=7, fmt="%.2g")
    for (name, path), (color, marker, dash) in zip((paths or {}).items(), _STYLES):
        p = np.asarray(path, float)
        ax.plot(p[:, 0], p[:, 1], color=color, ls=dash, marker=marker, markersize=4, lw=1.4,
                label=name)
        ax.plot(*p[0], marker=marker, color=color, markersize=9, markeredgecolor="black")
    if best is not None:
        ax.plot(*best, marker="*", color="black", markersize=14, ls="none",
                label=ft('lowest loss'))
    ax.set_xlim(w1s.min(), w1s.max())
    ax.set_ylim(w2s.min(), w2s.max())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_error_projections(projections, curvatures, ax=None, title=None,
                           xlabel="gradient step", ylabel="error along the direction (log)"):
    """How much of the error (kernel − best kernel) lies along each main direction of the
    bowl, step by step: ``projections`` is (steps, k), one column per direction, labelled with
    its curvature. Lines differ in marker and dash as well as colour."""
    xlabel = ft_default(xlabel, 'gradient step')
    ylabel = ft_default(ylabel, 'error along the direction (log)')
    ax = get_ax(ax, figsize=(6.5, 3.6))
    p = np.abs(np.asarray(projections, float))
    if p.ndim != 2 or p.shape[1] != len(curvatures):
        raise ValueError(f"projections must be (steps, {len(curvatures)}), got {p.shape}")
    steps = np.arange(p.shape[0])
    every = max(1, p.shape[0] // 10)
    for col, (lam, (color, marker, dash)) in enumerate(zip(curvatures, _STYLES)):
        ok = p[:, col] > 0
        ax.semilogy(steps[ok], p[ok, col], color=color, ls=dash, marker=marker, markevery=every,
                    markersize=5, lw=1.6, label=ft('curvature λ = {lam:.3g}', lam=lam))
    if p.size and p.max() > 0:
        ax.set_ylim(bottom=p.max() * 1e-6)   # below that it is rounding error
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
