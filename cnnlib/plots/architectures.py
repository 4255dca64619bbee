"""Plots of the classic architectures side by side (notebook 08): where their parameters sit, how
their maps shrink and deepen, and one network's layers.

Numbers come from ``cnnlib.core.architectures``; these functions only draw them.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default

from .common import get_ax, pyplot_figure

__all__ = [
    "plot_architecture_params",
    "plot_architecture_shapes",
    "plot_architecture_layers",
]


def plot_architecture_params(rows, fig=None, title="parameters of the classic CNNs"):
    """Two panels from ``architectures.compare()`` rows: the total number of parameters (log
    scale, each bar labelled with its count), and the share of them in dense layers.
    Returns the figure."""
    title = ft_default(title, 'parameters of the classic CNNs')
    fig = fig or pyplot_figure((10, 2.9))
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1])
    names = [f"{r['network']} ({r['year']})" for r in rows]
    total = np.array([r["params"] for r in rows], dtype=float)
    dense = np.array([r["in dense layers %"] for r in rows], dtype=float)
    y = np.arange(len(rows))[::-1]
    ax1.barh(y, total, color="tab:blue")
    for yi, t in zip(y, total):
        ax1.text(t * 1.15, yi, f"{int(t):,}", va="center", fontsize=9)
    ax1.set_xscale("log")
    ax1.set_xlim(1e4, total.max() * 40)
    ax1.set_yticks(y, names)
    ax1.set_xlabel(ft('parameters (log scale)'))
    ax1.set_title(title)
    ax2.barh(y, dense, color="tab:orange")
    for yi, d in zip(y, dense):
        ax2.text(d + 2, yi, f"{d:.0f}%", va="center", fontsize=9)
    ax2.set_xlim(0, 115)
    ax2.set_yticks(y, [])
    ax2.set_xlabel(ft('% of them in dense layers'))
    ax2.set_title(ft('where they sit'))
    return fig


def plot_architecture_shapes(summaries: dict, fig=None):
    """Two panels, one line per network ({name: summarize() rows}): the side of the feature
    maps and their number of channels, layer after layer (log scales). Maps shrink while
    channels grow in every one of them. Returns the figure."""
    fig = fig or pyplot_figure((10, 3.6))
    ax1, ax2 = fig.subplots(1, 2)
    styles = [("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"), ("v", "-"), ("P", "--")]
    for k, (name, rows) in enumerate(summaries.items()):
        marker, dash = styles[k % len(styles)]  # not told by colour alone
        maps = [r for r in rows if r["type"] not in ("dense", "dropout", "lrn")]
        side = [r["output"][0] for r in maps]
        chans = [r["output"][2] for r in maps]
        x = np.linspace(0, 1, len(maps))
        ax1.plot(x, side, marker=marker, ls=dash, markersize=3, label=name)
        ax2.plot(x, chans, marker=marker, ls=dash, markersize=3, label=name)
    for ax, what in ((ax1, ft("map side (pixels)")), (ax2, ft("channels"))):
        ax.set_yscale("log", base=2)
        ax.set_xlabel(ft('depth (input = 0, last map = 1)'))
        ax.set_ylabel(what)
        ax.grid(True, which="major", alpha=0.3)
    ax1.set_title(ft('feature maps get smaller ...'))
    ax2.set_title(ft('... and more numerous'))
    ax2.legend(fontsize=8, loc="upper left")
    return fig


def plot_architecture_layers(rows, ax=None, title=None):
    """Parameters per layer of one network (``summarize()`` rows) as bars on a log scale, each
    labelled below with the layer's name and output shape. Layers without weights are left
    out. Returns the ax."""
    weighted = [r for r in rows if r["params"] > 0]
    ax = get_ax(ax, figsize=(max(6, 0.45 * len(weighted)), 3.5))
    colors = {"dense": "tab:orange"}
    x = np.arange(len(weighted))
    bars = ax.bar(x, [r["params"] for r in weighted],
                  color=[colors.get(r["type"], "tab:blue") for r in weighted])
    for bar, r in zip(bars, weighted):  # dense layers hatched too: not told by colour alone
        if r["type"] == "dense":
            bar.set_hatch("//")
            bar.set_hatchcolor("black")  # 7:1 on orange
    labels = [f"{r['name']}\n{'x'.join(map(str, r['output']))}" for r in weighted]
    ax.set_xticks(x, labels, rotation=90, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel(ft('parameters (log scale)'))
    if title:
        ax.set_title(title)
    return ax
