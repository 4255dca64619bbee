"""Plots for notebook 05 about a whole network: parameters counted for full, local and shared
connections, the connections themselves, the stack of layers, and a training loss curve.
``plot_param_counts`` updates its own bars when an explorer redraws it."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default, ft_name

from .common import get_ax, pyplot_figure
from .live import artists

__all__ = ["plot_param_counts", "plot_connections", "plot_layer_stack", "plot_training_loss"]


# ---------------------------------------------------------------------------------------------
# Counting parameters: full vs local vs shared
# ---------------------------------------------------------------------------------------------
def plot_param_counts(counts, ax=None, title="parameters (log scale)"):
    """Bars on a log scale, one per entry of ``counts`` {name: number}, each labelled with its
    number. Updates its own bars when called again with the same ax and names."""
    title = ft_default(title, 'parameters (log scale)')
    ax = get_ax(ax, figsize=(6, 3))
    names, values = list(counts), np.array([float(v) for v in counts.values()])
    if np.any(values < 1):
        raise ValueError(f"counts must all be >= 1 to draw on a log scale, got {counts}")
    cache = artists(ax, "param_counts")
    if cache.get("names") != names:
        ax.clear()
        cache["bars"] = ax.bar(range(len(names)), values,
                               color=["tab:red", "tab:orange", "tab:green", "tab:blue"][:len(names)])
        cache["text"] = [ax.text(i, v, "", ha="center", va="bottom", fontsize=9)
                         for i, v in enumerate(values)]
        ax.set_yscale("log")
        ax.set_xticks(range(len(names)), names)
        ax.set_ylabel(ft('number of weights'))
        cache["names"] = names
    for bar, text, v in zip(cache["bars"], cache["text"], values):
        bar.set_height(v)
        text.set_y(v * 1.3)
        exp = int(np.floor(np.log10(v)))
        text.set_text(f"{v:,.0f}" + (f"\n≈ 10^{exp}" if exp >= 4 else ""))
    ax.set_ylim(0.5, values.max() * 60)
    ax.set_title(title)
    return ax


def plot_connections(n_in=8, kernel=3, fig=None):
    """Three ways to connect n_in inputs (bottom) to the outputs of a layer (top), in 1-D:

    fully connected (every input to every output), locally connected (each output sees a window
    of ``kernel`` inputs, with its own weights) and convolution (the same ``kernel`` weights at
    every position: one colour per shared weight). Titles count the lines drawn (weights, no
    biases). Returns the figure.
    """
    n_in, kernel = int(n_in), int(kernel)
    if not 1 <= kernel <= n_in:
        raise ValueError(f"kernel must be in [1, n_in={n_in}], got {kernel}")
    n_out = n_in - kernel + 1
    fig = fig or pyplot_figure((10, 3.0))
    axes = fig.subplots(1, 3)
    tap_colors = ["tab:red", "tab:green", "tab:blue", "tab:purple", "tab:brown", "tab:pink",
                  "tab:olive", "tab:cyan"]
    x_in = np.arange(n_in)
    x_out = np.arange(n_out) + (kernel - 1) / 2
    for ax, mode in zip(axes, ("full", "local", "shared")):
        count = 0
        for j in range(n_out):
            sources = range(n_in) if mode == "full" else range(j, j + kernel)
            for i in sources:
                color = tap_colors[(i - j) % len(tap_colors)] if mode == "shared" else "0.45"
                ax.plot([x_in[i], x_out[j]], [0, 1], color=color, lw=1.2 if mode != "full" else 0.7,
                        alpha=0.9)
                count += 1
        ax.scatter(x_in, np.zeros(n_in), s=60, color="0.2", zorder=3)
        ax.scatter(x_out, np.ones(n_out), s=60, color="tab:orange", zorder=3)
        distinct = kernel if mode == "shared" else count
        name = {"full": ft("fully connected"), "local": ft("locally connected"),
                "shared": ft("convolution (shared)")}[mode]
        ax.set_title(ft('{name}\n{count} connections, {distinct} different weights', name=name, count=count, distinct=distinct), fontsize=10)
        ax.set_ylim(-0.25, 1.25)
        ax.set_xlim(-0.6, n_in - 0.4)
        ax.set_yticks([0, 1], [ft("input"), ft("output")])
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    return fig


def plot_layer_stack(rows, input_shape, ax=None, title=None):
    """A network drawn as a row of blocks, one per layer (from ``tinycnn.stack_table``).

    A feature-map block's height is its spatial size (H) and its width grows with its channels
    (C, log scale), so the maps are seen getting smaller and deeper; flat vectors are thin bars
    whose height grows with their length (log scale). Under each block: its output shape and
    parameter count (p).
    """
    from matplotlib.patches import Rectangle

    ax = get_ax(ax, figsize=(10, 3.4))
    entries = [{"layer": "input", "shape": tuple(input_shape), "params": 0}] + list(rows)
    maps = [e["shape"][0] for e in entries if len(e["shape"]) == 3]
    biggest = max(maps) if maps else 1
    longest = max([e["shape"][0] for e in entries if len(e["shape"]) == 1] + [10])
    x = 0.0
    for e in entries:
        shape = e["shape"]
        if len(shape) == 3:
            height = 0.15 + 1.65 * shape[0] / biggest
            width = 0.12 + 0.16 * np.log2(shape[2] + 1)
            color = "tab:blue" if "conv" in e["layer"] else (
                "tab:green" if "pool" in e["layer"] else "0.6")
            text = "×".join(str(s) for s in shape)
        else:
            height = 0.3 + 1.5 * np.log10(shape[0]) / np.log10(longest)
            width = 0.12
            color = "tab:orange" if "dense" in e["layer"] else "tab:purple"
            text = f"{shape[0]:,}"
        ax.add_patch(Rectangle((x, -height / 2), width, height, facecolor=color, alpha=0.75,
                               edgecolor="0.2"))
        ax.text(x + width / 2, 1.0, _layer_label(e["layer"]), ha="left", va="bottom", fontsize=8,
                rotation=25)
        params = f"{e['params']:,} p" if e["params"] else ""
        ax.text(x + width / 2, -1.0, f"{text}\n{params}", ha="center", va="top", fontsize=8)
        x += width + 0.6
    ax.set_xlim(-0.3, x + 0.3)
    ax.set_ylim(-1.45, 1.55)
    ax.axis("off")
    total = sum(e["params"] for e in entries)
    ax.set_title(title or ft("{n} layers, {total:,} parameters (p)", n=len(rows), total=total))
    return ax


def _layer_label(name: str) -> str:
    """A stack_table layer's name ("conv 32×3×3", "max pool 2×2") with its kind in the
    learner's language, the numbers as they are."""
    kind = name.rstrip("0123456789× ")
    return ft_name(kind) + name[len(kind):]


def plot_training_loss(losses, ax=None, title="training: mean cross-entropy per step"):
    """The loss after each gradient step, with ln(10) (a uniform guess over 10 classes) marked."""
    title = ft_default(title, 'training: mean cross-entropy per step')
    ax = get_ax(ax, figsize=(5, 3))
    losses = np.asarray(losses, float)
    ax.plot(np.arange(losses.size), losses, lw=2)
    ax.axhline(losses[0], color="0.6", ls=":", lw=1)
    ax.text(losses.size - 1, losses[0], ft('start {losses:.2f} ', losses=losses[0]), ha="right", va="top",
            fontsize=8, color="0.4")
    ax.set_xlabel(ft('gradient step'))
    ax.set_ylabel(ft('cross-entropy'))
    ax.set_ylim(0, 1.12 * max(float(np.nanmax(losses)), 1e-9))
    ax.set_title(title)
    return ax
