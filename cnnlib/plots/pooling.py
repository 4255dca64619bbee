"""Plots for notebook 04 (pooling).

The functions draw numbers they are given (from ``cnnlib.core.ops``). ``plot_map`` and
``plot_curves`` update their ax in place when called again on it, so explorers can redraw
quickly.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft

from .common import get_ax
from .live import artists

__all__ = ["plot_map", "plot_map_row", "plot_curves", "plot_value_counts"]

_MARKERS, _DASHES = ("o", "s", "^", "D"), ("-", "--", "-.", ":")


def _image_store(ax):
    store = artists(ax, "map")
    if not store:
        store["image"] = ax.imshow(np.zeros((2, 2)), interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
    return store


def plot_map(values, ax=None, title=None, cmap="magma", vmin=None, vmax=None, xlabel=None):
    """A feature map (or photo) as an image, without ticks; its shape goes into the title.

    Calling it again on the same ax only swaps the data (fast, for explorers)."""
    ax = get_ax(ax)
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {v.shape}")
    store = _image_store(ax)
    im = store["image"]
    im.set_data(v)
    im.set_cmap(cmap)
    lo = float(np.min(v)) if vmin is None else vmin
    hi = float(np.max(v)) if vmax is None else vmax
    im.set_clim(lo, hi if hi > lo else lo + 1)
    h, w = v.shape
    im.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.set_title(title if title is not None else f"{h} × {w}", fontsize=10)
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=8)
    return ax


def plot_map_row(maps, axes=None, cmap="magma", same_scale=False):
    """Several maps side by side (``maps``: title -> 2-D array); each title gets its shape."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(maps), figsize=(3.2 * len(maps), 3.0),
                               layout="constrained")
        axes = np.atleast_1d(axes)
    lo = min(float(np.min(m)) for m in maps.values()) if same_scale else None
    hi = max(float(np.max(m)) for m in maps.values()) if same_scale else None
    for ax, (name, m) in zip(axes, maps.items()):
        plot_map(m, ax=ax, title=f"{name}\n{np.shape(m)[0]} × {np.shape(m)[1]}", cmap=cmap,
                 vmin=lo, vmax=hi)
    return axes


def plot_curves(x, series, current=None, ax=None, title=None, xlabel="", ylabel="",
                ylim=None):
    """Lines of ``series`` (label -> values over x) with dots, and a vertical marker at
    ``current``. Calling it again on the same ax updates the lines (fast, for explorers)."""
    ax = get_ax(ax, figsize=(5, 3.2))
    store = artists(ax, "curves")
    labels = list(series)
    if store.get("labels") != labels:
        for artist in [*ax.lines]:
            artist.remove()
        store.update(labels=labels,
                     # a marker and a dash style each: colour is not the only cue
                     lines=[ax.plot([], [], marker=_MARKERS[i % 4], linestyle=_DASHES[i % 4],
                                    markersize=4, label=name)[0]
                            for i, name in enumerate(labels)],
                     marker=ax.axvline(0, color="0.3", linestyle=":", linewidth=1.5))
        ax.legend(fontsize=8, loc="best")
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for line, name in zip(store["lines"], labels):
        line.set_data(np.asarray(x), np.asarray(series[name]))
    store["marker"].set_visible(current is not None)
    if current is not None:
        store["marker"].set_xdata([current, current])
    x = np.asarray(x, dtype=float)
    ax.set_xlim(x.min() - 0.05 * np.ptp(x), x.max() + 0.05 * np.ptp(x))
    if ylim is None:
        values = np.concatenate([np.ravel(v) for v in series.values()])
        ylim = (min(0.0, float(values.min())), float(values.max()) * 1.1 + 1e-9)
    ax.set_ylim(*ylim)
    # Fixed ticks: the automatic locator would re-run on every redraw.
    # Few, fixed ticks: every tick label is a text to lay out and draw on each redraw.
    step = -(-len(x) // 5)
    ax.set_xticks(x[::step], [f"{v:g}" for v in x[::step]])
    from matplotlib.ticker import MaxNLocator

    yt = [v for v in MaxNLocator(3).tick_values(*ylim) if ylim[0] - 1e-9 <= v <= ylim[1] + 1e-9]
    ax.set_yticks(yt, [f"{v:g}" for v in yt])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_value_counts(labels, counts, ax=None, title=None):
    """A bar per setting with its count written on top (log scale: counts span decades). The
    first bar, the baseline the others are compared with, is red and hatched (its label names
    it too), so it stands out without colour."""
    ax = get_ax(ax, figsize=(6.5, 3.2))
    bars = ax.bar(range(len(counts)), counts, color="tab:blue")
    bars[0].set_facecolor("tab:red")
    bars[0].set_hatch("//")
    bars[0].set_hatchcolor("white")  # 5:1 on red
    for i, c in enumerate(counts):
        ax.text(i, c * 1.15, f"{c:,}", ha="center", va="bottom", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(min(counts) / 3, max(counts) * 6)
    ax.set_xticks(range(len(counts)), labels, fontsize=8)
    ax.set_ylabel(ft('numbers per image (log scale)'))
    if title:
        ax.set_title(title)
    return ax
