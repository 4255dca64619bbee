"""Plots for notebook 04 (pooling).

The functions draw numbers they are given (from ``cnnlib.ops``). ``plot_map`` and
``plot_curves`` update their ax in place when called again on it, so explorers can redraw
quickly.
"""

from __future__ import annotations

import numpy as np

from .common import get_ax, plot_grid
from .live import artists

__all__ = ["POOL_COLORS", "plot_pool_windows", "plot_pool_example", "plot_map", "plot_map_row",
           "plot_curves", "plot_value_counts"]

#: One colour per pooling window in the small worked examples.
POOL_COLORS = ["tab:orange", "tab:blue", "tab:green", "tab:red", "tab:purple", "tab:brown",
               "tab:pink", "tab:olive", "tab:cyan"]


def plot_pool_windows(x, size, stride=None, ax=None, title=None, max_windows=9, fmt=None,
                      mark=None):
    """A small feature map with its numbers, and the pooling windows outlined, one colour each
    (the first ``max_windows``, row by row). mark: a boolean array like x; its True cells get a
    bold frame (e.g. where each window's max sits)."""
    from matplotlib.patches import Rectangle

    ax = get_ax(ax)
    x = np.asarray(x, dtype=float)
    stride = size if stride is None else stride
    plot_grid(x, ax=ax, title=title, cmap="Greys", vmin=float(x.min()),
              vmax=float(x.max()) + 0.6 * float(np.ptp(x) or 1), fmt=fmt)
    oh = (x.shape[0] - size) // stride + 1
    ow = (x.shape[1] - size) // stride + 1
    k = 0
    for r in range(oh):
        for c in range(ow):
            if k >= max_windows:
                break
            inset = 0.08 * (k % 3) if stride < size else 0.06
            ax.add_patch(Rectangle((c * stride - 0.5 + inset, r * stride - 0.5 + inset),
                                   size - 2 * inset, size - 2 * inset, fill=False,
                                   edgecolor=POOL_COLORS[k % len(POOL_COLORS)], linewidth=2.5))
            k += 1
    if mark is not None:
        for r, c in zip(*np.nonzero(np.asarray(mark))):
            ax.add_patch(Rectangle((c - 0.42, r - 0.42), 0.84, 0.84, fill=False,
                                   edgecolor="black", linewidth=1.5, linestyle=":"))
    return ax


def plot_pool_example(x, outputs, size, stride=None, axes=None, fmt=None, input_title=None,
                      max_windows=None):
    """The worked example: input with its windows, then each pooled output (``outputs``: title
    -> array) with its cells framed in the colour of the window that made them.

    max_windows: how many windows to outline, row by row (default: all when they do not
    overlap, else 2, so that the overlap stays readable)."""
    from matplotlib.patches import Rectangle

    if axes is None:
        import matplotlib.pyplot as plt

        widths = [np.shape(x)[1]] + [np.shape(o)[1] for o in outputs.values()]
        _, axes = plt.subplots(1, 1 + len(outputs), figsize=(3.2 + 2.2 * len(outputs), 3.2),
                               layout="constrained", gridspec_kw={"width_ratios": widths})
    stride = size if stride is None else stride
    if max_windows is None:
        max_windows = len(POOL_COLORS) if stride >= size else 2
    plot_pool_windows(x, size, stride, ax=axes[0], fmt=fmt, max_windows=max_windows,
                      title=input_title or f"input {np.shape(x)[0]}×{np.shape(x)[1]}, "
                                           f"windows {size}×{size}, stride {stride}")
    for ax, (name, out) in zip(axes[1:], outputs.items()):
        out = np.asarray(out, dtype=float)
        plot_grid(out, ax=ax, title=f"{name} {out.shape[0]}×{out.shape[1]}", cmap="Greys",
                  vmin=float(np.min(x)), vmax=float(np.max(x)) + 0.6 * float(np.ptp(x) or 1),
                  fmt=fmt if fmt else ".2f" if not np.allclose(out, np.round(out)) else None)
        for k in range(min(out.size, max_windows, len(POOL_COLORS))):
            r, c = divmod(k, out.shape[1])
            ax.add_patch(Rectangle((c - 0.44, r - 0.44), 0.88, 0.88, fill=False,
                                   edgecolor=POOL_COLORS[k], linewidth=2.5))
    return axes


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
                     lines=[ax.plot([], [], marker="o", markersize=4, label=name)[0]
                            for name in labels],
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
    """A bar per setting with its count written on top (log scale: counts span decades)."""
    ax = get_ax(ax, figsize=(6.5, 3.2))
    bars = ax.bar(range(len(counts)), counts, color="tab:blue")
    bars[0].set_color("tab:red")
    for i, c in enumerate(counts):
        ax.text(i, c * 1.15, f"{c:,}", ha="center", va="bottom", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(min(counts) / 3, max(counts) * 6)
    ax.set_xticks(range(len(counts)), labels, fontsize=8)
    ax.set_ylabel("numbers per image (log scale)")
    if title:
        ax.set_title(title)
    return ax
