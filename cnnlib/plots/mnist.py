"""Plots for notebook 07 (MNIST): digits, class counts, training curves, the confusion matrix,
the most confident mistakes, augmented digits, probabilities, and a drawn digit's preparation.

Numbers come in ready-made (``cnnlib.tf.data``, ``cnnlib.tf.models``); these functions only draw.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default, ft_name, t

from .common import get_ax, plot_grid, pyplot_axes
from .live import artists

__all__ = [
    "plot_digits",
    "plot_class_counts",
    "plot_history",
    "plot_histories",
    "plot_confusion",
    "plot_probs",
    "plot_augmented",
    "plot_drawing_steps",
    "probs_html",
]


def _integer_ticks(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _history_dict(history) -> dict:
    h = getattr(history, "history", history)
    if not isinstance(h, dict):
        raise ValueError("history must be a Keras History or its .history dict")
    return h


def plot_digits(images, labels=None, preds=None, confidence=None, ncols: int = 10, fig=None,
                title: str | None = None, size: float = 0.9):
    """A grid of 28x28 digits. Titles: the label; with ``preds``, "label→pred" (red and marked
    ✗ when wrong);
    with ``confidence`` (0-1), the percentage too. Returns the figure."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"images must be (N, H, W), got shape {images.shape}")
    n = len(images)
    if n == 0:
        raise ValueError("images must hold at least one digit")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    if fig is None:
        fig, axes = pyplot_axes(nrows, ncols, (size * ncols, (size + 0.25) * nrows + 0.3),
                                squeeze=False)
    else:
        axes = np.asarray(fig.subplots(nrows, ncols, squeeze=False))
    for i, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=images.max() or 1)
        parts, color = [], "black"
        if labels is not None:
            parts.append(str(int(labels[i])))
        if preds is not None:
            parts.append(("→" if parts else "") + str(int(preds[i])))
            if labels is not None and int(labels[i]) != int(preds[i]):
                color = "tab:red"  # and a ✗: a mistake is not told by colour alone
                parts.append(" ✗")
        if confidence is not None:
            pct = 100 * float(confidence[i])
            parts.append(f" {pct:.1f}%" if pct >= 99.5 else f" {pct:.0f}%")
        if parts:
            ax.set_title("".join(parts), fontsize=9, color=color, pad=2)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_class_counts(train_counts, test_counts=None, ax=None, title="Digits per class"):
    """Bars: how many training (and test) digits of each class 0-9."""
    title = ft_default(title, 'Digits per class')
    ax = get_ax(ax, figsize=(6, 2.8))
    train_counts = np.asarray(train_counts)
    classes = np.arange(len(train_counts))
    width = 0.4 if test_counts is not None else 0.8
    ax.bar(classes - (width / 2 if test_counts is not None else 0), train_counts, width,
           label=ft('train'), color="tab:blue")
    if test_counts is not None:
        ax.bar(classes + width / 2, np.asarray(test_counts), width, label=ft('test'),
               color="tab:orange", hatch="//", hatchcolor="black")  # not colour alone
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xticks(classes)
    ax.set_xlabel(ft('digit (class)'))
    ax.set_ylabel(ft('images'))
    ax.set_title(title)
    return ax


def plot_history(history, axes=None, title: str | None = None):
    """Loss and accuracy per epoch, training vs validation (two panels). Returns the figure."""
    h = _history_dict(history)
    if axes is None:
        fig, axes = pyplot_axes(1, 2, (8, 3), squeeze=False)
        axes = axes[0]
    fig = axes[0].figure
    epochs = np.arange(1, len(h["loss"]) + 1)
    for ax, key, label in ((axes[0], "loss", ft("loss (cross-entropy)")),
                           (axes[1], "accuracy", ft("accuracy"))):
        ax.plot(epochs, h[key], "o-", ms=3, label=ft('training'))
        if f"val_{key}" in h:
            ax.plot(epochs, h[f"val_{key}"], "s--", ms=3,
                    label=ft('validation (held-out training digits)'))
        ax.set_xlabel(ft('epoch'))
        ax.set_ylabel(label)
        _integer_ticks(ax)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_histories(histories: dict, key: str = "val_accuracy", ax=None, ylim=None,
                   title: str | None = None):
    """One curve per model ({name: history}) of one metric, e.g. side-by-side test accuracy."""
    ax = get_ax(ax, figsize=(5.5, 3.2))
    for i, (name, history) in enumerate(histories.items()):
        h = _history_dict(history)
        if key not in h:
            raise ValueError(f"history of {name!r} has no {key!r}; it has {sorted(h)}")
        style = ("o-", "s--", "^-.", "D:")[i % 4]  # a marker and dash each, not colour alone
        ax.plot(np.arange(1, len(h[key]) + 1), h[key], style, ms=3, label=name)
    ax.set_xlabel(ft('epoch'))
    _integer_ticks(ax)
    ax.set_ylabel(ft_name(key.replace("val_", "validation ").replace("_", " ")))
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or ft_name(key))
    return ax


def plot_confusion(counts, ax=None, title="Confusion matrix (rows: true digit)"):
    """The confusion matrix with its counts in the cells; the colour hides the diagonal's size
    so that the mistakes stand out."""
    title = ft_default(title, 'Confusion matrix (rows: true digit)')
    counts = np.asarray(counts)
    ax = get_ax(ax, figsize=(5, 5))
    off = counts[~np.eye(len(counts), dtype=bool)]
    vmax = max(1, int(off.max(initial=0)) * 2)
    plot_grid(counts, ax=ax, cmap="Blues", vmin=0, vmax=vmax, fontsize=8,
              xlabel=ft('predicted digit'), ylabel=ft('true digit'), title=title)
    return ax


def plot_probs(probs, ax=None, label=None, title="The model's ten probabilities"):
    """Bars of the ten class probabilities; the winner in orange, the true label (if known)
    outlined."""
    title = ft_default(title, "The model's ten probabilities")
    probs = np.asarray(probs, dtype=float).ravel()
    ax = get_ax(ax, figsize=(4.5, 2.6))
    colors = ["tab:blue"] * len(probs)
    colors[int(np.argmax(probs))] = "tab:orange"
    bars = ax.bar(np.arange(len(probs)), probs, color=colors)
    if label is not None:
        bars[int(label)].set_edgecolor("black")
        bars[int(label)].set_linewidth(2)
    ax.set_xticks(np.arange(len(probs)))
    ax.set_ylim(0, 1)
    ax.set_xlabel(ft('digit'))
    ax.set_ylabel(ft('probability'))
    ax.set_title(title)
    return ax


def plot_augmented(originals, augmented, fig=None, title="Augmented digits (each row: one "
                   "original, then random warps)"):
    """Row i: originals[i], then augmented[i, 0..k-1] (shape (N, k, 28, 28[, 1]))."""
    title = ft_default(title, 'Augmented digits (each row: one original, then random warps)')
    originals = np.asarray(originals)
    augmented = np.asarray(augmented)
    if originals.ndim == 4:
        originals = originals[..., 0]
    if augmented.ndim == 5:
        augmented = augmented[..., 0]
    if augmented.ndim != 4 or len(augmented) != len(originals):
        raise ValueError(f"augmented must be (N, k, H, W) for N originals, got {augmented.shape}")
    n, k = augmented.shape[:2]
    if fig is None:
        fig, axes = pyplot_axes(n, k + 1, (0.9 * (k + 1), 0.95 * n + 0.4), squeeze=False)
    else:
        axes = np.asarray(fig.subplots(n, k + 1, squeeze=False))
    for i in range(n):
        for j in range(k + 1):
            ax = axes[i, j]
            ax.imshow(originals[i] if j == 0 else augmented[i, j - 1], cmap="gray_r", vmin=0,
                      vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(ft('original') if j == 0 else ft('warp {j}', j=j), fontsize=8)
    fig.suptitle(title, fontsize=10)
    return fig


def plot_drawing_steps(steps: dict, axes=None):
    """The four steps of ``cnnlib.core.drawing.prepare_drawing``: the drawing with its bounding box,
    the crop, the crop scaled to 20 pixels, and the 28x28 result centred by mass (cross: its
    centre of mass; dot: pixel (14, 14), where MNIST puts it). Returns the axes.

    Drawing again on the same axes only updates the pictures (fast enough to follow a pen).
    """
    from matplotlib.patches import Rectangle

    if axes is None:
        _, axes = pyplot_axes(1, 4, (8, 2.4), squeeze=False)
        axes = axes[0]
    art = artists(axes[0], "drawing_steps")
    if not art:
        art["images"] = []
        for ax in axes:
            ax.clear()
            ax.set_xticks([])
            ax.set_yticks([])
            art["images"].append(ax.imshow(np.zeros((2, 2)), cmap="gray_r", vmin=0, vmax=1))
        art["box"] = axes[0].add_patch(Rectangle((0, 0), 1, 1, fill=False,
                                                 edgecolor="tab:orange", linewidth=1.5))
        (art["com"],) = axes[3].plot([], [], "x", color="tab:red", ms=8, mew=2)
        (art["centre"],) = axes[3].plot([], [], "o", color="tab:green", ms=4)
    ink, crop, scaled, digit = steps["ink"], steps["crop"], steps["scaled"], steps["digit"]
    titles = [ft("1. drawing {w}x{h}", w=ink.shape[1], h=ink.shape[0]),
              ft("2. crop {w}x{h}", w=crop.shape[1], h=crop.shape[0]),
              ft("3. scaled {w}x{h}", w=scaled.shape[1], h=scaled.shape[0]),
              ft("4. 28x28, shifted ({dr:+d}, {dc:+d})", dr=steps["shift"][0],
                 dc=steps["shift"][1])]
    for ax, im, img, title in zip(axes, art["images"], (ink, crop, scaled, digit), titles):
        h, w = img.shape
        im.set_data(img)
        im.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        ax.set_title(title, fontsize=9)
    top, bottom, left, right = steps["box"]
    art["box"].set_bounds(left - 0.5, top - 0.5, right - left, bottom - top)
    r, c = steps["com_final"]
    art["com"].set_data([c], [r])
    centre = digit.shape[0] / 2  # where MNIST puts the centre of mass
    art["centre"].set_data([centre], [centre])
    return axes


def probs_html(probs=None) -> str:
    """The ten probabilities as HTML bars (cheaper to redraw live than a figure); the winner
    highlighted. None: an invitation to draw."""
    if probs is None:
        return ('<div class="cnn-digit-waiting" style="color:#555;padding:4px">'
                + t("Draw a digit in the box: the ten probabilities appear here.") + "</div>")
    probs = np.asarray(probs, dtype=float).ravel()
    best = int(np.argmax(probs))
    rows = []
    for digit, p in enumerate(probs):
        color = "#ff7f0e" if digit == best else "#1f77b4"
        weight = "bold" if digit == best else "normal"
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;height:18px;font-weight:{weight}">'
            f'<span style="width:12px;text-align:right">{digit}</span>'
            f'<span style="display:inline-block;width:{max(1, round(160 * p))}px;height:12px;'
            f'background:{color}"></span><span>{100 * p:.1f}%</span></div>')
    return (f'<div class="cnn-digit-prediction" data-digit="{best}" style="font-size:14px;'
            f'margin-bottom:4px">{t("Prediction")}: <b>{best}</b> ({100 * probs[best]:.1f}%)</div>'
            + "".join(rows))
