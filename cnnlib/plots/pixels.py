"""Plots for notebook 01 (pixels and channels)."""

from __future__ import annotations

import numpy as np

from cnnlib.plots.common import get_ax, plot_grid, plot_image, pyplot_axes
from cnnlib.plots.live import CHANNEL_NAMES, channel_cmap, outline, plot_grid_live, plot_image_live
from cnnlib.text.i18n import ft, ft_default

__all__ = ["plot_patch", "plot_channels", "plot_rgb_numbers", "plot_image_row",
           "plot_flat_vectors", "plot_param_bars"]


def plot_patch(img, values, row, col, size, name="red", axes=None, zoom=40):
    """Where a patch sits in a photo and what numbers it holds, in three panels.

    img: the photo to show, (H, W, 3) or (H, W); values: the (H, W) plane whose numbers are
    printed (one channel of img, or its grayscale); the patch is
    ``values[row:row + size, col:col + size]``; name: "red", "green", "blue" or "gray" (colours
    the numbers' cells). axes: three axes (photo, zoom, numbers) or None for a new figure.
    zoom: side of the zoomed-in region, in pixels.
    """
    img, values = np.asarray(img), np.asarray(values)
    if values.ndim != 2 or values.shape != img.shape[:2]:
        raise ValueError(f"values must be the (H, W) plane of img {img.shape}, got {values.shape}")
    h, w = values.shape
    if not (0 <= row <= h - size and 0 <= col <= w - size and size >= 1):
        raise ValueError(f"a {size}x{size} patch at row {row}, column {col} does not fit in "
                         f"the {h}x{w} image")
    if axes is None:
        _, axes = pyplot_axes(1, 3, (11, 3.8))
    ax_photo, ax_zoom, ax_num = axes
    plot_image_live(img, ax_photo, title=ft('photo, {h}x{w} pixels', h=h, w=w))
    ax_photo.locator_params(nbins=4)
    outline(ax_photo, "patch").set_bounds(col - 0.5, row - 0.5, size, size)
    # Zoom: a square region around the patch, kept inside the photo.
    z = min(zoom, h, w)
    r0 = int(np.clip(row + size / 2 - z / 2, 0, h - z))
    c0 = int(np.clip(col + size / 2 - z / 2, 0, w - z))
    region = img[r0:r0 + z, c0:c0 + z]
    plot_image_live(region, ax_zoom, title=ft('zoom: rows {r0}-{r1}', r0=r0, r1=r0 + z - 1),
                    extent=(c0 - 0.5, c0 + z - 0.5, r0 + z - 0.5, r0 - 0.5))
    ax_zoom.locator_params(nbins=3)
    outline(ax_zoom, "patch").set_bounds(col - 0.5, row - 0.5, size, size)
    patch = values[row:row + size, col:col + size]
    cmap = "gray" if name not in CHANNEL_NAMES else name
    plot_grid_live(patch, ax_num, cmap=cmap, vmin=0, vmax=255 if values.max() > 1 else 1,
                   title=ft('{name} values, {size}x{size} patch', name=ft(name), size=size), fontsize=max(6, 70 // size))
    # Ticks name the photo's own rows and columns (every other one: fewer texts to draw).
    ticks = np.arange(0, size, 2)
    ax_num.set_xticks(ticks, [str(col + i) for i in ticks])
    ax_num.set_yticks(ticks, [str(row + i) for i in ticks])
    return axes


def plot_channels(img, axes=None):
    """An RGB photo and its three channels, each drawn from black (0) to its pure colour (255).

    Returns the four axes.
    """
    img = np.asarray(img)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"img must be an RGB image (H, W, 3), got shape {img.shape}")
    if axes is None:
        _, axes = pyplot_axes(1, 4, (12, 2.9))
    plot_image(img, ax=axes[0], title=ft('RGB photo {h}x{w}x3', h=img.shape[0], w=img.shape[1]))
    for i, name in enumerate(CHANNEL_NAMES):
        plot_image(img[..., i], ax=axes[i + 1], cmap=channel_cmap(name), vmin=0, vmax=255,
                   title=ft('channel {i}: {name} (0-255)', i=i, name=ft(name)), axis_labels=False)
    return axes


def plot_rgb_numbers(x, axes=None):
    """A tiny RGB image next to every number of its three channels (e.g. 4x4x3: 48 numbers)."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"x must be an RGB image (H, W, 3), got shape {x.shape}")
    if axes is None:
        _, axes = pyplot_axes(1, 4, (12, 3.1))
    h, w, _ = x.shape
    vmax = 255 if x.max() > 1 else 1
    plot_image(x / vmax, ax=axes[0], title=ft('the image, {h}x{w}x3', h=h, w=w))
    axes[0].set_xticks(range(w))
    axes[0].set_yticks(range(h))
    for i, name in enumerate(CHANNEL_NAMES):
        plot_grid(x[..., i], ax=axes[i + 1], cmap=channel_cmap(name), vmin=0, vmax=vmax,
                  title=ft('{name} channel x[:, :, {i}]', name=ft(name), i=i))
    return axes


def plot_image_row(imgs, titles=None, axes=None, cmap="gray", vmin=None, vmax=None,
                   axis_labels=False, figsize=None):
    """Several images side by side, each with its title; returns the axes."""
    imgs = list(imgs)
    if not imgs:
        raise ValueError("imgs must hold at least one image")
    titles = list(titles) if titles is not None else [None] * len(imgs)
    if len(titles) != len(imgs):
        raise ValueError(f"titles must have one entry per image ({len(imgs)}), got {len(titles)}")
    if axes is None:
        axes = np.atleast_1d(pyplot_axes(1, len(imgs), figsize or (3.2 * len(imgs), 3.0))[1])
    for img, title, ax in zip(imgs, titles, axes):
        plot_image(img, ax=ax, title=title, cmap=cmap, vmin=vmin, vmax=vmax,
                   axis_labels=axis_labels)
    return axes


def plot_flat_vectors(imgs, titles=None, axes=None, cmap="Greys"):
    """Small 2-D images (top) and the vectors that flattening makes of them (bottom row).

    Each image's cell (r, c) becomes entry r * W + c of its vector, written under the vectors so
    the reader can follow where a pixel goes. Returns the axes (images..., vectors).
    """
    imgs = [np.asarray(a, dtype=float) for a in (imgs if isinstance(imgs, (list, tuple))
                                                   else [imgs])]
    if not imgs or any(a.ndim != 2 or a.shape != imgs[0].shape for a in imgs):
        raise ValueError("imgs must be one 2-D array or a list of 2-D arrays of the same shape")
    titles = list(titles) if titles is not None else [f"image {chr(65 + i)}" for i in
                                                     range(len(imgs))]
    n = len(imgs)
    h, w = imgs[0].shape
    lo = min(a.min() for a in imgs)
    hi = max(a.max() for a in imgs)
    if axes is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(max(6, 0.42 * h * w + 1.5), 2.3 + 0.55 * n),
                         layout="constrained")
        grid = fig.add_gridspec(2, n, height_ratios=[2.2, 0.25 + 0.35 * n])
        axes = [fig.add_subplot(grid[0, i]) for i in range(n)] + [fig.add_subplot(grid[1, :])]
    for a, title, ax in zip(imgs, titles, axes):
        plot_grid(a, ax=ax, cmap=cmap, vmin=lo, vmax=hi, title=f"{title} ({h}x{w})")
    ax_vec = axes[n]
    vectors = np.stack([a.ravel() for a in imgs])
    plot_grid(vectors, ax=ax_vec, cmap=cmap, vmin=lo, vmax=hi, xlabel=ft('position in the vector'),
              ylabel=None, fontsize=9,
              title=ft('flattened: each image becomes one row of {n} numbers', n=h * w))
    ax_vec.set_yticks(range(n), titles)
    ax_vec.set_xticks(range(h * w))
    ax_vec.tick_params(labelsize=8)
    return axes


def plot_param_bars(labels, counts, ax=None, title="parameters to learn", xlabel="count (log scale)"):
    """Horizontal bars on a log scale, each labelled with its exact count (thousands separated)."""
    title = ft_default(title, 'parameters to learn')
    xlabel = ft_default(xlabel, 'count (log scale)')
    labels, counts = list(labels), [int(c) for c in counts]
    if len(labels) != len(counts) or not labels:
        raise ValueError("labels and counts must be non-empty and of the same length")
    if min(counts) < 1:
        raise ValueError(f"counts must be >= 1 for a log scale, got {min(counts)}")
    ax = get_ax(ax, figsize=(8, 0.5 * len(labels) + 1.2))
    y = np.arange(len(labels))[::-1]
    bars = ax.barh(y, counts, color="tab:blue")
    ax.set_xscale("log")
    ax.set_xlim(0.8, max(counts) * 60)
    ax.set_yticks(y, labels)
    for bar, count in zip(bars, counts):
        ax.text(bar.get_width() * 1.15, bar.get_y() + bar.get_height() / 2, f"{count:,}",
                va="center", fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax
