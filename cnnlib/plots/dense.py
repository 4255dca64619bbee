"""Plots for notebook 05: flatten, the dense layer, softmax, a tiny CNN's pass
(parameter counts and the stack of layers: ``network.py``).

Numbers come from ``cnnlib.core.ops`` / ``cnnlib.core.tinycnn``; these functions only draw them. Functions
that an explorer redraws often (``plot_softmax``, ``plot_forward_pass``)
build their artists on the first call and only update them on later calls with the same axes or
figure, which keeps a redraw cheap.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default, ft_name

from .common import format_number, get_ax, plot_grid, pyplot_figure
from .cues import (
    NEGATIVE_HATCH,
    SIGN_FLOOR,
    hatch_negative,
    hide_hatch,
    readable_on,
    text_color_on,
)
from .live import artists

__all__ = [
    "plot_flatten",
    "plot_dense_product",
    "plot_weight_matrix",
    "plot_weight_templates",
    "plot_activations",
    "plot_softmax",
    "plot_forward_pass",
]

LABEL_COLOR = "tab:orange"
LABEL_HATCH = "//"  # the true label's bar is hatched as well as orange: not colour alone
BAR_COLOR = "tab:blue"


# ---------------------------------------------------------------------------------------------
# Flatten and the dense layer as a matrix product
# ---------------------------------------------------------------------------------------------
def plot_flatten(x, flat, fig=None):
    """A small image (H, W) with its numbers, and below it the vector ``flat`` it flattens into.

    Each image row and the stretch of the vector it becomes share a coloured frame; every pixel
    shows its position in the vector (small, top left). Returns the figure.
    """
    from matplotlib.patches import Rectangle

    x, flat = np.asarray(x, float), np.asarray(flat, float).ravel()
    if x.ndim != 2 or flat.size != x.size:
        raise ValueError(f"x must be 2-D and flat must hold its {x.size} numbers, got shapes "
                         f"{x.shape} and {flat.shape}")
    h, w = x.shape
    fig = fig or pyplot_figure((max(4.0, 0.55 * x.size + 0.8), 1.0 + 0.55 * h + 1.4))
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [h, 1.6]})
    lo, hi = min(x.min(), 0), max(x.max(), 1)
    plot_grid(x, ax=top, title=ft('{h}×{w} image', h=h, w=w), vmin=lo, vmax=hi, cmap="Greys")
    plot_grid(flat[None, :], ax=bottom, vmin=lo, vmax=hi, cmap="Greys", ylabel="",
              xlabel=ft('position in the vector'), title=ft('flattened: {size} numbers, row by row', size=flat.size))
    bottom.set_yticks([])
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for r in range(h):
        color = colors[r % len(colors)]
        top.add_patch(Rectangle((-0.45, r - 0.45), w - 0.1, 0.9, fill=False, edgecolor=color,
                                lw=2.5))
        bottom.add_patch(Rectangle((r * w - 0.45, -0.45), w - 0.1, 0.9, fill=False,
                                   edgecolor=color, lw=2.5))
        if h * w <= 64:
            for c in range(w):
                # on a white tag: a bare coloured index vanishes on dark pixels
                top.text(c - 0.38, r - 0.36, str(r * w + c), fontsize=7,
                         color=readable_on(color),  # the row's colour, at 4.5:1 on the tag
                         ha="left", va="top",
                         bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    return fig


def plot_dense_product(x, w, b, y, highlight=None, fig=None):
    """A dense layer y = x @ w + b drawn so it can be checked by hand.

    Four panels: the input x as a column (n_in numbers), the weights w (n_in x n_out; column j
    belongs to output neuron j), the products x_i * w_ij (each row of w times the x beside it),
    and b with y below (y_j = sum of column j of the products + b_j). ``highlight=j`` outlines
    output j everywhere. Returns the figure.
    """
    x, w = np.asarray(x, float).ravel(), np.asarray(w, float)
    b, y = np.asarray(b, float).ravel(), np.asarray(y, float).ravel()
    if w.ndim != 2 or w.shape[0] != x.size or b.size != w.shape[1] or y.size != w.shape[1]:
        raise ValueError(f"shapes must be x (n_in,), w (n_in, n_out), b and y (n_out,); got "
                         f"{x.shape}, {w.shape}, {b.shape}, {y.shape}")
    n_in, n_out = w.shape
    fig = fig or pyplot_figure((2.2 + 1.5 * n_out, 0.42 * n_in + 1.6))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, n_out, n_out, n_out]})
    products = x[:, None] * w  # what the sums below add up, shown cell by cell
    lim = max(np.abs(w).max(), np.abs(products).max(), 1e-9)
    hl = None if highlight is None else (0, int(highlight), n_in, 1)
    plot_grid(x[:, None], ax=axes[0], title=ft('x (input)'), cmap="Greys", xlabel="", ylabel="i")
    axes[0].set_xticks([])
    plot_grid(w, ax=axes[1], title=ft('W (weights)'), cmap="RdBu_r", vmin=-lim, vmax=lim,
              highlight=hl, xlabel=ft('output j'), ylabel=ft('input i'))
    plot_grid(products, ax=axes[2], title=ft('x_i · W_ij'), cmap="RdBu_r", vmin=-lim, vmax=lim,
              highlight=hl, xlabel=ft('output j'), ylabel="")
    by = np.vstack([b, y])
    plot_grid(by, ax=axes[3], title=ft('b and y = Σ + b'), cmap="PuOr_r",
              vmin=-np.abs(by).max() - 1e-9, vmax=np.abs(by).max() + 1e-9,
              highlight=None if highlight is None else (1, int(highlight), 1, 1),
              xlabel=ft('output j'), ylabel="")
    axes[3].set_yticks([0, 1], ["b", "y"])
    axes[3].set_anchor("N")
    return fig


def plot_weight_matrix(w, ax=None, title="dense weights W", group=None):
    """A big weight matrix (n_in, n_out) as a picture, transposed so it lies wide: one row per
    output. ``group`` draws a thin line every ``group`` inputs (e.g. between flattened pixels).

    Red is positive, blue negative; the clearly negative weights (below −25% of the largest
    |w|) are hatched too, and so is that end of the colour bar, whose ends read "−" and "+":
    the sign does not rest on colour alone."""
    title = ft_default(title, 'dense weights W')
    ax = get_ax(ax, figsize=(9, 2.4))
    w = np.asarray(w, float)
    if w.ndim != 2:
        raise ValueError(f"w must be 2-D (n_in, n_out), got shape {w.shape}")
    lim = max(np.abs(w).max(), 1e-9)
    im = ax.imshow(w.T, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto", interpolation="nearest")
    hatch_negative(ax, w.T, lim, "RdBu_r")
    ax.set_title(title + ft('  ({n_in} inputs × {n_out} outputs)', n_in=w.shape[0], n_out=w.shape[1]))
    ax.set_xlabel(ft('input i (position in the flattened vector)'))
    ax.set_ylabel(ft('output j'))
    ax.set_yticks(range(w.shape[1]))
    if group:
        for g in range(group, w.shape[0], group):
            ax.axvline(g - 0.5, color="0.3", lw=0.6)
    _signed_colorbar(ax, im, lim, ft('weight (hatched: negative)'))
    return ax


def _signed_colorbar(ax, im, lim, label, **kw):
    """A colour bar for a red-blue map over [-lim, lim], its ends marked "−" and "+" and its
    hatched stretch (below -SIGN_FLOOR * lim) hatched as the cells are: the key to both cues."""
    from matplotlib.patches import Rectangle

    kw = {"fraction": 0.04, "pad": 0.01} | kw
    bar = ax.figure.colorbar(im, ax=ax, label=label, **kw)
    cax = bar.ax
    # where the hatch turns from white (on dark blue) to black, as hatch_negative picks it
    v = np.linspace(-1, -SIGN_FLOOR, 301)
    dark = text_color_on(im.get_cmap()((v + 1) / 2)) == "white"
    turn = (v[~dark][0] if (~dark).any() else -SIGN_FLOOR) * lim
    for y0, y1, color in ((-lim, turn, "white"), (turn, -SIGN_FLOOR * lim, "black")):
        cax.add_patch(Rectangle((0, y0), 1, y1 - y0, transform=cax.get_yaxis_transform(),
                                facecolor="none", edgecolor="none", linewidth=0,
                                hatch=NEGATIVE_HATCH, hatchcolor=color, gid="negative key"))
    for y, va, sign in ((1.0, "bottom", "+"), (0.0, "top", "−")):
        cax.text(0.5, y + (0.01 if y else -0.01), sign, transform=cax.transAxes, ha="center",
                 va=va, fontsize=11, fontweight="bold")
    return bar


def plot_weight_templates(w, shape, channel_names=None, class_names=None, fig=None):
    """Each output's weights folded back to the pooled maps' shape (h, w, channels): what each
    class "looks for" in each channel. Red: evidence for the class, blue (hatched where clearly
    negative, below −25% of the largest |w|): against it. A legend under the maps says so."""
    from matplotlib.patches import Patch

    w = np.asarray(w, float)
    h, ww, c = shape
    if w.ndim != 2 or w.shape[0] != h * ww * c:
        raise ValueError(f"w must be ({h * ww * c}, n_out) for maps of shape {shape}, got {w.shape}")
    n_out = w.shape[1]
    maps = w.reshape(h, ww, c, n_out)  # the inverse of flatten: row by row, channels last
    fig = fig or pyplot_figure((1.0 * n_out + 1.2, 1.05 * c + 1.1))
    axes = fig.subplots(c, n_out, squeeze=False)
    lim = max(np.abs(w).max(), 1e-9)
    for ch in range(c):
        for j in range(n_out):
            ax = axes[ch, j]
            ax.imshow(maps[:, :, ch, j], cmap="RdBu_r", vmin=-lim, vmax=lim)
            hatch_negative(ax, maps[:, :, ch, j], lim, "RdBu_r")
            ax.set_xticks([])
            ax.set_yticks([])
            if ch == 0:
                ax.set_title(ft_name(class_names[j]) if class_names else ft('class {j}', j=j), fontsize=9)
            if j == 0:
                ax.set_ylabel(ft_name(channel_names[ch]) if channel_names else ft('channel {ch}', ch=ch), fontsize=8)
    fig.suptitle(ft("dense weights folded back into the pooled maps' shape"), fontsize=10)
    import matplotlib as mpl

    red, blue = mpl.colormaps["RdBu_r"]([0.85, 0.15])
    fig.legend(handles=[Patch(facecolor=red, label=ft('+ for the class')),
                        Patch(facecolor=blue, hatch=NEGATIVE_HATCH, hatchcolor="white",
                              label=ft('− against it (hatched)'))],
               loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    return fig


# ---------------------------------------------------------------------------------------------
# Activations and softmax
# ---------------------------------------------------------------------------------------------
def plot_activations(z, relu, sigmoid, softmax_z, softmax_probs, relu_slope=None,
                     sigmoid_slope=None, fig=None):
    """Three panels: ReLU, sigmoid (each with its slope, dashed, when given) and softmax.

    softmax_z (m,) and softmax_probs (m, n_classes): the probabilities of each class while one
    logit moves along softmax_z and the others stay fixed. Returns the figure.
    """
    z = np.asarray(z, float)
    fig = fig or pyplot_figure((10, 3.0))
    axes = fig.subplots(1, 3)
    for ax, y, slope, name in ((axes[0], relu, relu_slope, "ReLU: max(0, z)"),
                               (axes[1], sigmoid, sigmoid_slope, ft("sigmoid: 1 / (1 + e^−z)"))):
        ax.plot(z, y, lw=2, label=ft('value'))
        if slope is not None:
            ax.plot(z, slope, "--", lw=1.5, label=ft('slope'))
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.set_title(name)
        ax.set_xlabel(ft('z (input)'))
        ax.set_ylabel(ft('output'))
        ax.legend(loc="upper left", fontsize=8)
    probs = np.asarray(softmax_probs, float)
    for j in range(probs.shape[1]):  # a dash style each: colour is not the only cue
        axes[2].plot(softmax_z, probs[:, j], lw=2, ls=("-", "--", ":", "-.")[j % 4],
                     label=f"p{j}")
    axes[2].set_title(ft('softmax: z0 moves, others fixed'))
    axes[2].set_xlabel(ft('z0 (logit of class 0)'))
    axes[2].set_ylabel(ft('probability'))
    axes[2].set_ylim(-0.02, 1.02)
    axes[2].legend(loc="center left", fontsize=8)
    return fig


def plot_softmax(logits, probs, label=None, axes=None, title_logits="logits z",
                 title_probs="probabilities softmax(z)"):
    """Two bar charts side by side: the logits and their softmax probabilities (numbers on the
    bars). ``label`` colours the true class orange and hatches it. NaN probabilities (an overflowed naive softmax) are
    drawn as empty bars marked "nan". Updates its own bars when called again with the same axes.
    """
    title_logits = ft_default(title_logits, 'logits z')
    title_probs = ft_default(title_probs, 'probabilities softmax(z)')
    from matplotlib.ticker import MaxNLocator

    logits, probs = np.asarray(logits, float).ravel(), np.asarray(probs, float).ravel()
    if logits.shape != probs.shape:
        raise ValueError(f"logits and probs must have the same shape, got {logits.shape} and "
                         f"{probs.shape}")
    if axes is None:
        fig = pyplot_figure((7, 2.8))
        axes = fig.subplots(1, 2)
    ax_z, ax_p = axes
    n = logits.size
    cache = artists(ax_p, "softmax")
    if cache.get("n") != n:  # (re)build the bars for this number of classes
        for ax in (ax_z, ax_p):
            ax.clear()
        cache["z_bars"] = ax_z.bar(range(n), np.zeros(n), color=BAR_COLOR)
        cache["p_bars"] = ax_p.bar(range(n), np.zeros(n), color=BAR_COLOR)
        cache["z_text"] = [ax_z.text(i, 0, "", ha="center", fontsize=8) for i in range(n)]
        cache["p_text"] = [ax_p.text(i, 0, "", ha="center", va="bottom", fontsize=8)
                           for i in range(n)]
        for ax in (ax_z, ax_p):
            ax.set_xticks(range(n))
            ax.set_xlabel(ft('class'))
            ax.set_xlim(-0.6, n - 0.4)
            ax.axhline(0, color="0.4", lw=0.8)
        ax_z.set_ylabel(ft('logit'))
        ax_z.yaxis.set_major_locator(MaxNLocator(nbins=4))  # few tick labels: text is slow
        ax_p.set_ylabel(ft('probability'))
        ax_p.set_ylim(0, 1.12)
        ax_p.set_yticks([0, 0.5, 1])
        cache["n"] = n
    ax_z.set_title(title_logits)
    ax_p.set_title(title_probs)
    finite = logits[np.isfinite(logits)]
    lo = min(0.0, finite.min()) if finite.size else 0.0
    hi = max(0.0, finite.max()) if finite.size else 1.0
    pad = 0.18 * (hi - lo or 1.0)
    ax_z.set_ylim(lo - pad, hi + pad)
    for i in range(n):
        color = LABEL_COLOR if label == i else BAR_COLOR
        zb, pb = cache["z_bars"][i], cache["p_bars"][i]
        zb.set_height(logits[i] if np.isfinite(logits[i]) else 0.0)
        zb.set_color(color)
        zt = cache["z_text"][i]
        zt.set_text(format_number(logits[i], ".3g"))
        zt.set_y(logits[i] + (0.03 * pad / 0.18) * (1 if logits[i] >= 0 else -1)
                 if np.isfinite(logits[i]) else 0.0)
        zt.set_va("bottom" if logits[i] >= 0 else "top")
        p = probs[i]
        pb.set_height(p if np.isfinite(p) else 0.0)
        pb.set_color(color)
        for bar in (zb, pb):  # after set_color, which resets the hatch's colour
            bar.set_hatch(LABEL_HATCH if label == i else None)
            bar.set_hatchcolor("black")  # 7:1 on orange (white would be 2.9:1)
        pt = cache["p_text"][i]
        pt.set_text("nan" if np.isnan(p) else f"{p:.2f}")
        pt.set_y(p + 0.01 if np.isfinite(p) else 0.01)
        pt.set_color("#b00020" if np.isnan(p) else "black")
    return ax_p


# ---------------------------------------------------------------------------------------------
# The forward pass of the tiny CNN
# ---------------------------------------------------------------------------------------------
def _build_forward_axes(fig, n_maps):
    gs = fig.add_gridspec(3, n_maps + 3, height_ratios=[1, 1, 0.32],
                          width_ratios=[1.25] + [1] * n_maps + [0.15, 1.7])
    a = {"input": fig.add_subplot(gs[0:2, 0])}
    a["maps"] = [fig.add_subplot(gs[0, 1 + i]) for i in range(n_maps)]
    a["pooled"] = [fig.add_subplot(gs[1, 1 + i]) for i in range(n_maps)]
    a["flat"] = fig.add_subplot(gs[2, :n_maps + 1])
    a["probs"] = fig.add_subplot(gs[:, n_maps + 2])
    return a


def plot_forward_pass(stages, label=None, channel_names=None, maps="relu", fig=None):
    """Every stage of the tiny CNN for one digit: input, feature maps, pooled maps, the flattened
    vector, and the probabilities (the predicted class bold with an arrow, the true ``label``
    orange and hatched).

    stages: ``tinycnn.forward`` of one digit. maps: "relu" (after ReLU) or "conv" (before: blue
    negative, red positive, the clearly negative cells hatched too). Called again with the same figure, it only updates the pictures.
    """
    x, feat = np.asarray(stages["input"]), np.asarray(stages[maps])
    pooled, flat = np.asarray(stages["pool"]), np.asarray(stages["flat"]).ravel()
    probs = np.asarray(stages["probs"]).ravel()
    n_maps = feat.shape[-1]
    names = [ft_name(n) for n in channel_names] if channel_names else [
        ft("channel {ch}", ch=i) for i in range(n_maps)]
    if fig is None:
        fig = pyplot_figure((9.6, 4.6))
    c = artists(fig, "forward_pass")
    if c.get("n_maps") != n_maps:
        fig.clear()
        a = _build_forward_axes(fig, n_maps)
        c.update(axes=a, n_maps=n_maps)
        # ink dark on white, as every digit in the series
        c["input"] = a["input"].imshow(x, cmap="gray_r", vmin=0, vmax=1)
        a["input"].set_title(ft('input {h}×{w}', h=x.shape[0], w=x.shape[1]))
        c["maps"], c["pooled"] = [], []
        for i in range(n_maps):
            c["maps"].append(a["maps"][i].imshow(feat[:, :, i], cmap="magma", vmin=0, vmax=1))
            a["maps"][i].set_title(names[i], fontsize=9)
            c["pooled"].append(a["pooled"][i].imshow(pooled[:, :, i], cmap="magma", vmin=0,
                                                     vmax=1))
        for ax in [a["input"], *a["maps"], *a["pooled"]]:
            # no tick machinery at all (a third of the redraw time); the frame stays
            ax.xaxis.set_visible(False)
            ax.yaxis.set_visible(False)
        c["row_maps"] = a["maps"][0].text(-0.08, 0.5, "", rotation=90, ha="right", va="center",
                                          fontsize=9, transform=a["maps"][0].transAxes)
        a["pooled"][0].text(-0.08, 0.5, ft('max pool → {h}×{w}', h=pooled.shape[0], w=pooled.shape[1]),
                            rotation=90, ha="right", va="center", fontsize=9,
                            transform=a["pooled"][0].transAxes)
        c["flat"] = a["flat"].imshow(flat[None, :], cmap="magma", aspect="auto", vmin=0, vmax=1)
        a["flat"].set_yticks([])
        a["flat"].set_xlabel(ft('flattened vector: position'), fontsize=9)
        per_row = flat.size // pooled.shape[0]  # numbers per row of the pooled maps
        a["flat"].set_xticks(np.arange(0, flat.size + 1, 2 * per_row))
        a["flat"].tick_params(labelsize=7)
        c["bars"] = a["probs"].barh(range(probs.size), probs, color=BAR_COLOR)
        c["ptext"] = [a["probs"].text(0, i, "", va="center", fontsize=8)
                      for i in range(probs.size)]
        a["probs"].set_yticks(range(probs.size))
        a["probs"].invert_yaxis()
        a["probs"].set_xlim(0, 1.25)
        a["probs"].set_xlabel(ft('probability'))
        a["probs"].set_ylabel(ft('class'))
        c["maps_mode"] = None
    a = c["axes"]
    c["input"].set_data(x)
    lim = max(float(np.abs(feat).max()), 1e-6)
    if c["maps_mode"] != maps:
        cmap = "magma" if maps == "relu" else "RdBu_r"
        for im in c["maps"]:
            im.set_cmap(cmap)
        c["row_maps"].set_text(ft('after ReLU') if maps == "relu" else
                              ft('conv (before ReLU)\nhatched: negative'))
        c["maps_mode"] = maps
    for i, im in enumerate(c["maps"]):
        im.set_data(feat[:, :, i])
        im.set_clim(0 if maps == "relu" else -lim, lim)
        if maps == "relu":  # nothing is negative after ReLU
            hide_hatch(a["maps"][i], "negative")
        else:  # blue is negative: hatched too, so the sign does not rest on colour alone
            hatch_negative(a["maps"][i], feat[:, :, i], lim, "RdBu_r")
    plim = max(float(pooled.max()), 1e-6)
    for i, im in enumerate(c["pooled"]):
        im.set_data(pooled[:, :, i])
        im.set_clim(0, plim)
    c["flat"].set_data(flat[None, :])
    c["flat"].set_clim(0, plim)
    a["flat"].set_title(ft('flatten: {h}×{w}×{n_maps} = {size} numbers, row by row, the {n_maps} channels of each pixel side by side', h=pooled.shape[0], w=pooled.shape[1], n_maps=n_maps, size=flat.size),
                        fontsize=9)
    pred = int(np.argmax(probs))
    for i, (bar, text) in enumerate(zip(c["bars"], c["ptext"])):
        bar.set_width(probs[i])
        bar.set_color(LABEL_COLOR if label == i else BAR_COLOR)
        bar.set_hatch(LABEL_HATCH if label == i else None)
        bar.set_hatchcolor("black")  # 7:1 on orange
        text.set_x(probs[i] + 0.02)
        # only the probabilities that show as a bar get a number (text is the slow part)
        text.set_text(f"{probs[i]:.2f}" + (" ←" if i == pred else "")
                      if probs[i] >= 0.005 or i == pred else "")
        text.set_fontweight("bold" if i == pred else "normal")
    verdict = "" if label is None else (" ✓" if pred == label else ft(' ✗ (label {label})', label=label))
    a["probs"].set_title(ft('softmax: predicts {pred}{verdict}', pred=pred, verdict=verdict))
    return fig
